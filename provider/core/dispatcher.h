// Dispatcher: the one core behind both protocol adapters (tfplugin5 and
// tfplugin6). It finds the resource or data source by type name, decodes
// wire values (msgpack, or JSON where Terraform sends JSON) against its schema,
// calls it, checks and encodes the result. Every failure becomes a diagnostic:
// nothing throws and no RPC fails at the gRPC level.
// Thread-safe as long as the Provider is.
#ifndef VPCEP_PROVIDER_CORE_DISPATCHER_H_
#define VPCEP_PROVIDER_CORE_DISPATCHER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "provider/core/diagnostics.h"
#include "provider/core/provider.h"
#include "provider/core/schema.h"

namespace vpcep::core {

// A DynamicValue as received: either field may be empty; both empty = null.
struct WireValue {
  std::string msgpack;
  std::string json;
};

struct ProviderSchemas {
  const Schema* provider = nullptr;
  std::map<std::string, const Schema*> resources;
  std::map<std::string, const Schema*> data_sources;
  std::map<std::string, const Schema*> list_resources;
};

// What GetMetadata reports: the type names, without their schemas.
struct ProviderMetadata {
  std::vector<std::string> resources;
  std::vector<std::string> data_sources;
  std::vector<std::string> list_resources;
};

struct EncodedResult {
  std::string msgpack;  // always filled (msgpack nil for null)
  std::string private_data;
  // The resource identity of the result; empty when the type has none or
  // the object is gone.
  std::string identity_msgpack;
  Diagnostics diags;
};

struct PlanResult {
  std::string planned_msgpack;
  std::vector<AttributePath> requires_replace;
  std::string planned_private;
  std::string identity_msgpack;  // as in EncodedResult
  Diagnostics diags;
};

struct ImportedResource {
  std::string type_name;
  std::string msgpack;
  std::string private_data;
  std::string identity_msgpack;
};

// One ListResource event, encoded.
struct ListEvent {
  std::string identity_msgpack;
  std::string display_name;
  std::string resource_msgpack;  // empty unless the object was asked for
};
struct ImportResult {
  std::vector<ImportedResource> resources;
  Diagnostics diags;
};

class Dispatcher {
 public:
  explicit Dispatcher(Provider& provider);

  ProviderSchemas GetSchemas() const;
  ProviderMetadata GetMetadata() const;
  std::map<std::string, const IdentitySchema*> GetIdentitySchemas() const;
  Diagnostics ValidateProviderConfig(const WireValue& config) const;
  Diagnostics ValidateResourceConfig(absl::string_view type, const WireValue& config) const;
  Diagnostics ValidateDataSourceConfig(absl::string_view type, const WireValue& config) const;
  Diagnostics Configure(absl::string_view terraform_version, const WireValue& config);
  EncodedResult UpgradeResourceState(absl::string_view type, int64_t version,
                                     absl::string_view raw_json, bool has_flatmap);
  EncodedResult ReadResource(absl::string_view type, const WireValue& state,
                             absl::string_view private_data);
  PlanResult PlanResourceChange(absl::string_view type, const WireValue& prior,
                                const WireValue& proposed, const WireValue& config,
                                absl::string_view prior_private);
  EncodedResult ApplyResourceChange(absl::string_view type, const WireValue& prior,
                                    const WireValue& planned, const WireValue& config,
                                    absl::string_view planned_private);
  // By `id`, or by `identity` when `id` is empty.
  ImportResult ImportResourceState(absl::string_view type, absl::string_view id,
                                   const WireValue& identity = {});
  EncodedResult UpgradeResourceIdentity(absl::string_view type, int64_t version,
                                        absl::string_view raw_json);
  EncodedResult GenerateResourceConfig(absl::string_view type, const WireValue& state);
  Diagnostics ValidateListResourceConfig(absl::string_view type, const WireValue& config) const;
  // Streams at most `limit` events through `emit` (false from it stops the
  // listing); returns what went wrong, to be sent as a last event.
  Diagnostics ListResource(absl::string_view type, const WireValue& config,
                           bool include_resource, int64_t limit,
                           const std::function<bool(ListEvent)>& emit);
  EncodedResult ReadDataSource(absl::string_view type, const WireValue& config);
  // StopProvider: returns at once; in-flight work ends early with diagnostics.
  void Stop();

 private:
  Resource* FindResource(absl::string_view type, Diagnostics& diags) const;
  DataSource* FindDataSource(absl::string_view type, Diagnostics& diags) const;
  core::ListResource* FindListResource(absl::string_view type, Diagnostics& diags) const;
  // The encoded identity of `state` of resource `r`; empty when r has none.
  static std::string EncodeIdentity(const Resource& r, const Value& state);

  Provider& provider_;
  std::map<std::string, Resource*, std::less<>> resources_;
  std::map<std::string, DataSource*, std::less<>> data_sources_;
  std::map<std::string, core::ListResource*, std::less<>> list_resources_;
};

// Decodes a wire value of `type`; an absent value decodes as null.
absl::StatusOr<Value> DecodeWireValue(const WireValue& wire, const Type& type);

}  // namespace vpcep::core

#endif  // VPCEP_PROVIDER_CORE_DISPATCHER_H_
