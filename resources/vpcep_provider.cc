#include "resources/vpcep_provider.h"

#include <cstdlib>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "provider/core/log.h"
#include "resources/connection_approval/connection_approval.h"
#include "resources/service_connections/service_connections.h"

namespace vpcep::resources {
namespace {

using core::Diagnostics;
using core::PathStep;
using core::Type;
using core::Value;

core::Schema ProviderSchema() {
  core::Schema s;
  s.block.description = "Manages approvals of connections to Huawei Cloud VPC Endpoint services.";
  s.block.attributes = {
      core::OptionalAttribute("region", Type::String(),
                              "Region of the VPC endpoint services, e.g. `ap-southeast-1`. "
                              "Falls back to `HW_REGION_NAME`."),
      core::OptionalAttribute("project_id", Type::String(),
                              "Project id used in API paths. Falls back to `HW_PROJECT_ID`."),
      core::OptionalAttribute("auth_token", Type::String(),
                              "IAM token sent as `X-Auth-Token`. Falls back to `HW_AUTH_TOKEN`."),
      core::OptionalAttribute(
          "endpoints", Type::Map(Type::String()),
          "Endpoint overrides by service; the key `vpcep` replaces "
          "`https://vpcep.{region}.myhuaweicloud.com` (private clouds, the local simulator). "
          "Falls back to `HW_VPCEP_ENDPOINT`."),
  };
  s.block.attributes[2].sensitive = true;
  return s;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

// A string setting: the configured value, else the environment variable.
// nullopt when the configured value is not known yet (during plan).
std::optional<std::string> Setting(const Value& config, const char* attr, const char* env) {
  const Value& v = config.Attr(attr);
  if (!v.is_known()) return std::nullopt;
  if (!v.is_null() && !v.AsString().empty()) return v.AsString();
  return Env(env);
}

std::optional<std::string> EndpointOverride(const Value& config) {
  const Value& v = config.Attr("endpoints");
  if (!v.is_known()) return std::nullopt;
  if (!v.is_null()) {
    auto it = v.MapElements().find("vpcep");
    if (it != v.MapElements().end()) {
      if (!it->second.is_known()) return std::nullopt;
      if (!it->second.is_null()) return it->second.AsString();
    }
  }
  return Env("HW_VPCEP_ENDPOINT");
}

}  // namespace

std::string DefaultEndpoint(absl::string_view region) {
  absl::string_view domain = region == "eu-west-101" ? "myhuaweicloud.eu" : "myhuaweicloud.com";
  return absl::StrCat("https://vpcep.", region, ".", domain);
}

VpcepProvider::VpcepProvider(std::shared_ptr<cloud::HttpTransport> transport)
    : schema_(ProviderSchema()), transport_(std::move(transport)) {
  if (!transport_) transport_ = std::make_shared<cloud::CurlTransport>(cloud::CurlOptions{});
  resources_.push_back(std::make_unique<ConnectionApproval>(*this));
  data_sources_.push_back(std::make_unique<ServiceConnections>(*this));
  unconfigured_reason_ = "the provider has not been configured";
}

std::vector<core::Resource*> VpcepProvider::Resources() {
  std::vector<core::Resource*> out;
  for (auto& r : resources_) out.push_back(r.get());
  return out;
}

std::vector<core::DataSource*> VpcepProvider::DataSources() {
  std::vector<core::DataSource*> out;
  for (auto& d : data_sources_) out.push_back(d.get());
  return out;
}

void VpcepProvider::ValidateConfig(const Value& config, Diagnostics& diags) const {
  const Value& endpoints = config.Attr("endpoints");
  if (endpoints.is_known() && !endpoints.is_null()) {
    for (const auto& [key, value] : endpoints.MapElements()) {
      if (key != "vpcep") {
        diags.AddError("Unsupported endpoint override",
                       absl::StrCat("\"", key, "\" is not a service of this provider; the only "
                                    "supported key is \"vpcep\"."),
                       {PathStep::Attr("endpoints"), PathStep::Key(key)});
      } else if (value.is_known() && !value.is_null() &&
                 value.AsString().rfind("http://", 0) != 0 &&
                 value.AsString().rfind("https://", 0) != 0) {
        diags.AddError("Invalid endpoint URL", "The vpcep endpoint must start with https:// "
                       "(or http:// for a local simulator).",
                       {PathStep::Attr("endpoints"), PathStep::Key(key)});
      }
    }
  }
}

void VpcepProvider::Configure(const Value& config, absl::string_view terraform_version,
                              Diagnostics& diags) {
  ValidateConfig(config, diags);
  if (diags.HasError()) return;
  std::optional<std::string> region = Setting(config, "region", "HW_REGION_NAME");
  std::optional<std::string> project = Setting(config, "project_id", "HW_PROJECT_ID");
  std::optional<std::string> token = Setting(config, "auth_token", "HW_AUTH_TOKEN");
  std::optional<std::string> endpoint = EndpointOverride(config);
  if (!region || !project || !token || !endpoint) {
    // Values computed by other resources: usable once Terraform applies them.
    absl::MutexLock lock(&mu_);
    client_.reset();
    unconfigured_reason_ = "the provider configuration depends on values not known until apply";
    return;
  }
  if (endpoint->empty() && region->empty()) {
    diags.AddError("Missing region",
                   "Set `region` (or HW_REGION_NAME), or an endpoint override in "
                   "`endpoints = { vpcep = \"https://...\" }`.",
                   {PathStep::Attr("region")});
  }
  if (project->empty()) {
    diags.AddError("Missing project_id",
                   "Set `project_id` or HW_PROJECT_ID: the VPCEP API addresses resources by "
                   "project.",
                   {PathStep::Attr("project_id")});
  }
  if (token->empty()) {
    diags.AddError("Missing credentials", "Set `auth_token` or HW_AUTH_TOKEN.",
                   {PathStep::Attr("auth_token")});
  }
  if (diags.HasError()) return;

  cloud::ClientOptions options;
  options.endpoint = endpoint->empty() ? DefaultEndpoint(*region) : *endpoint;
  options.project_id = *project;
  auto client = std::make_shared<const cloud::VpcepClient>(
      options, transport_, std::make_shared<cloud::TokenAuth>(*token), &stop());
  core::LogInfo("provider configured", {{"endpoint", options.endpoint},
                                        {"terraform_version", std::string(terraform_version)}});
  absl::MutexLock lock(&mu_);
  client_ = std::move(client);
}

absl::StatusOr<std::shared_ptr<const cloud::VpcepClient>> VpcepProvider::Client() const {
  absl::MutexLock lock(&mu_);
  if (!client_) return absl::FailedPreconditionError(unconfigured_reason_);
  return client_;
}

}  // namespace vpcep::resources
