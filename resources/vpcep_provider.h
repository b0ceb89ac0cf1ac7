// The vpcep provider: configuration schema, credential resolution with the
// usual HW_* environment fallbacks, and the shared API client its resources use.
#ifndef VPCEP_RESOURCES_VPCEP_PROVIDER_H_
#define VPCEP_RESOURCES_VPCEP_PROVIDER_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "provider/cloud/client.h"
#include "provider/core/provider.h"

namespace vpcep::resources {

class VpcepProvider : public core::Provider {
 public:
  // `transport` is the HTTP transport for API calls; null = CurlTransport, made at
  // Configure time with the configured TLS settings.
  explicit VpcepProvider(std::shared_ptr<cloud::HttpTransport> transport = nullptr);

  const core::Schema& GetSchema() const override { return schema_; }
  void ValidateConfig(const core::Value& config, core::Diagnostics& diags) const override;
  void Configure(const core::Value& config, absl::string_view terraform_version,
                 core::Diagnostics& diags) override;
  std::vector<core::Resource*> Resources() override;
  std::vector<core::DataSource*> DataSources() override;
  std::vector<core::ListResource*> ListResources() override;

  // The API client, or an error explaining why the provider is not usable yet.
  absl::StatusOr<std::shared_ptr<const cloud::VpcepClient>> Client() const;

 private:
  core::Schema schema_;
  std::shared_ptr<cloud::HttpTransport> transport_;
  std::vector<std::unique_ptr<core::Resource>> resources_;
  std::vector<std::unique_ptr<core::DataSource>> data_sources_;
  std::vector<std::unique_ptr<core::ListResource>> list_resources_;

  mutable std::mutex mu_;  // guards client_ and unconfigured_reason_
  std::shared_ptr<const cloud::VpcepClient> client_;
  std::string unconfigured_reason_;
};

// Whether the URL's host is this machine: localhost, 127.0.0.0/8 or ::1.
bool IsLoopbackUrl(absl::string_view url);

// "terraform-provider-vpcep/<version> Terraform/<terraform_version>", the
// User-Agent of API calls (without the Terraform part when it is unknown).
std::string UserAgent(absl::string_view terraform_version);

// Default API endpoint of a region (myhuaweicloud.eu for eu-west-101).
std::string DefaultEndpoint(absl::string_view region);

}  // namespace vpcep::resources

#endif  // VPCEP_RESOURCES_VPCEP_PROVIDER_H_
