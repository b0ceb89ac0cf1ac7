// vpcep_service_connections: every connection of one VPC endpoint service
// (all pages), optionally filtered, for configurations that approve e.g. all
// pending connections from trusted accounts with for_each.
#ifndef VPCEP_RESOURCES_SERVICE_CONNECTIONS_SERVICE_CONNECTIONS_H_
#define VPCEP_RESOURCES_SERVICE_CONNECTIONS_SERVICE_CONNECTIONS_H_

#include "provider/core/provider.h"

namespace vpcep::resources {

class VpcepProvider;

class ServiceConnections : public core::DataSource {
 public:
  explicit ServiceConnections(VpcepProvider& provider);
  absl::string_view TypeName() const override { return "vpcep_service_connections"; }
  const core::Schema& GetSchema() const override { return schema_; }
  void ValidateConfig(const core::Value& config, core::Diagnostics& diags) const override;
  void Read(const core::Value& config, core::Value& state, core::Diagnostics& diags) override;

 private:
  VpcepProvider& provider_;
  core::Schema schema_;
  core::Type type_;  // of schema_
};

}  // namespace vpcep::resources

#endif  // VPCEP_RESOURCES_SERVICE_CONNECTIONS_SERVICE_CONNECTIONS_H_
