// Drives a launched provider through Terraform's RPC sequence with msgpack
// values, on whichever protocol (5 or 6) the handshake chose. Types are
// derived from the provider's own GetProviderSchema answer, as Terraform does.
#ifndef VPCEP_TESTS_SUPPORT_PROVIDER_DRIVER_H_
#define VPCEP_TESTS_SUPPORT_PROVIDER_DRIVER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "provider/core/type.h"
#include "provider/core/value.h"
#include "tests/support/plugin_client.h"

namespace vpcep::testing {

struct Diag {
  bool error = false;
  std::string summary;
  std::string detail;
  std::string path;  // attribute path joined with '.'
};

struct RpcResult {
  core::Value value;
  std::string private_data;
  std::vector<Diag> diags;
  std::vector<std::string> requires_replace;  // paths joined with '.'
  core::Value identity;  // the resource identity returned (null when none)

  bool HasError() const;
  std::string DiagText() const;  // for assertion messages
};

// What GetMetadata answered.
struct Metadata {
  bool get_provider_schema_optional = false;
  bool plan_destroy = false;
  bool generate_resource_config = false;
  std::vector<std::string> resources;
  std::vector<std::string> data_sources;
  std::vector<std::string> list_resources;
};

// One ListResource event.
struct ListedObject {
  core::Value identity;
  std::string display_name;
  core::Value object;  // null unless included
};
struct ListOutcome {
  std::vector<ListedObject> objects;
  std::vector<Diag> diags;  // of every event, the last one's included
  std::string DiagText() const;
};

class ProviderDriver {
 public:
  explicit ProviderDriver(PluginClient& client) : client_(client) {}

  // GetProviderSchema; fills the type maps below.
  absl::Status LoadSchema();
  const core::Type& ResourceType(const std::string& name) const;
  const core::Type& ProviderType() const { return provider_type_; }
  const core::Type& DataSourceType(const std::string& name) const;
  const std::map<std::string, core::Type>& resource_types() const { return resource_types_; }
  // From GetResourceIdentitySchemas (Dynamic when the type has none).
  const core::Type& IdentityType(const std::string& name) const;
  // The list resource's config type (Dynamic when there is none).
  const core::Type& ListConfigType(const std::string& name) const;
  // The raw GetResourceIdentitySchemas answer, as JSON-ish text per type:
  // "name:type:required_for_import:optional_for_import" entries and the version.
  const std::map<std::string, std::vector<std::string>>& identity_attributes() const {
    return identity_attributes_;
  }
  int64_t IdentityVersion(const std::string& name) const;
  absl::StatusOr<Metadata> GetMetadata();

  RpcResult ValidateProvider(const core::Value& config);
  RpcResult Configure(const core::Value& config);
  RpcResult ValidateResource(const std::string& type, const core::Value& config);
  RpcResult Plan(const std::string& type, const core::Value& prior, const core::Value& proposed,
                 const core::Value& config, const std::string& prior_private = "");
  RpcResult Apply(const std::string& type, const core::Value& prior, const core::Value& planned,
                  const core::Value& config, const std::string& planned_private = "");
  RpcResult Read(const std::string& type, const core::Value& state,
                 const std::string& private_data = "");
  RpcResult Import(const std::string& type, const std::string& id);
  RpcResult ImportByIdentity(const std::string& type, const core::Value& identity);
  // `value` is the upgraded identity.
  RpcResult UpgradeIdentity(const std::string& type, int64_t version, const std::string& json);
  // `value` is the generated configuration.
  RpcResult GenerateConfig(const std::string& type, const core::Value& state);
  RpcResult ValidateList(const std::string& type, const core::Value& config);
  // Reads the whole stream (or `stop_after` events, then cancels as Terraform
  // does at its limit).
  ListOutcome List(const std::string& type, const core::Value& config, bool include_resource,
                   int64_t limit, int stop_after = -1);
  RpcResult ReadData(const std::string& type, const core::Value& config);
  RpcResult UpgradeState(const std::string& type, int64_t version, const std::string& json);
  absl::Status Stop();

  // Raw msgpack round trip for bad-input tests: sends bytes as the config.
  RpcResult ValidateResourceRaw(const std::string& type, const std::string& msgpack);

 private:
  PluginClient& client_;
  core::Type provider_type_;
  std::map<std::string, core::Type> resource_types_;
  std::map<std::string, core::Type> data_source_types_;
  std::map<std::string, core::Type> identity_types_;
  std::map<std::string, int64_t> identity_versions_;
  std::map<std::string, std::vector<std::string>> identity_attributes_;
  std::map<std::string, core::Type> list_config_types_;
};

// What Terraform's objchange.ProposedNew computes for a schema of plain
// attributes: config values, computed ones from the prior state (null on create).
core::Value ProposedNew(const core::Type& type, const core::Value& prior,
                        const core::Value& config);

}  // namespace vpcep::testing

#endif  // VPCEP_TESTS_SUPPORT_PROVIDER_DRIVER_H_
