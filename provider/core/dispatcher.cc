#include "provider/core/dispatcher.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "provider/core/json_codec.h"
#include "provider/core/log.h"
#include "provider/core/msgpack_codec.h"

namespace vpcep::core {
namespace {

// Decodes one request value; on failure records a diagnostic naming `what`.
bool Decode(const WireValue& wire, const Type& type, absl::string_view what, Value& out,
            Diagnostics& diags) {
  absl::StatusOr<Value> v = DecodeWireValue(wire, type);
  if (!v.ok()) {
    diags.AddError(absl::StrCat("Invalid ", what),
                   absl::StrCat("The provider could not decode the ", what,
                                " sent by Terraform: ", v.status().message()));
    return false;
  }
  out = *std::move(v);
  return true;
}

// Terraform rejects results containing unknowns after apply and refresh.
void RequireWhollyKnown(const Value& v, absl::string_view what, Diagnostics& diags) {
  if (!v.is_null() && !v.is_wholly_known()) {
    diags.AddError("Provider produced an incomplete object",
                   absl::StrCat("The ", what,
                                " still contains unknown values. This is a bug in the provider."));
  }
}

}  // namespace

absl::StatusOr<Value> DecodeWireValue(const WireValue& wire, const Type& type) {
  if (!wire.msgpack.empty()) return DecodeMsgpack(wire.msgpack, type);
  if (!wire.json.empty()) return DecodeJson(wire.json, type);
  return Value::Null(type);
}

Dispatcher::Dispatcher(Provider& provider) : provider_(provider) {
  for (Resource* r : provider_.Resources()) resources_.emplace(std::string(r->TypeName()), r);
  for (DataSource* d : provider_.DataSources()) {
    data_sources_.emplace(std::string(d->TypeName()), d);
  }
  for (core::ListResource* l : provider_.ListResources()) {
    list_resources_.emplace(std::string(l->TypeName()), l);
  }
}

ProviderSchemas Dispatcher::GetSchemas() const {
  ProviderSchemas out;
  out.provider = &provider_.GetSchema();
  for (const auto& [name, r] : resources_) out.resources.emplace(name, &r->GetSchema());
  for (const auto& [name, d] : data_sources_) out.data_sources.emplace(name, &d->GetSchema());
  for (const auto& [name, l] : list_resources_) out.list_resources.emplace(name, &l->GetSchema());
  return out;
}

ProviderMetadata Dispatcher::GetMetadata() const {
  ProviderMetadata out;
  for (const auto& entry : resources_) out.resources.push_back(entry.first);
  for (const auto& entry : data_sources_) out.data_sources.push_back(entry.first);
  for (const auto& entry : list_resources_) out.list_resources.push_back(entry.first);
  return out;
}

std::map<std::string, const IdentitySchema*> Dispatcher::GetIdentitySchemas() const {
  std::map<std::string, const IdentitySchema*> out;
  for (const auto& [name, r] : resources_) {
    if (const IdentitySchema* s = r->GetIdentitySchema(); s != nullptr) out.emplace(name, s);
  }
  return out;
}

std::string Dispatcher::EncodeIdentity(const Resource& r, const Value& state) {
  const IdentitySchema* schema = r.GetIdentitySchema();
  if (schema == nullptr || state.is_null()) return "";
  return EncodeMsgpack(IdentityFromState(*schema, state), IdentityType(*schema));
}

Resource* Dispatcher::FindResource(absl::string_view type, Diagnostics& diags) const {
  auto it = resources_.find(type);
  if (it == resources_.end()) {
    diags.AddError("Unknown resource type",
                   absl::StrCat("This provider has no resource type \"", type, "\"."));
    return nullptr;
  }
  return it->second;
}

core::ListResource* Dispatcher::FindListResource(absl::string_view type,
                                                Diagnostics& diags) const {
  auto it = list_resources_.find(type);
  if (it == list_resources_.end()) {
    diags.AddError("Unknown list resource",
                   absl::StrCat("This provider has no list resource \"", type, "\"."));
    return nullptr;
  }
  return it->second;
}

DataSource* Dispatcher::FindDataSource(absl::string_view type, Diagnostics& diags) const {
  auto it = data_sources_.find(type);
  if (it == data_sources_.end()) {
    diags.AddError("Unknown data source",
                   absl::StrCat("This provider has no data source \"", type, "\"."));
    return nullptr;
  }
  return it->second;
}

Diagnostics Dispatcher::ValidateProviderConfig(const WireValue& config) const {
  Diagnostics diags;
  Value v;
  if (Decode(config, ImpliedType(provider_.GetSchema().block), "provider configuration", v,
             diags)) {
    provider_.ValidateConfig(v, diags);
  }
  return diags;
}

Diagnostics Dispatcher::ValidateResourceConfig(absl::string_view type,
                                               const WireValue& config) const {
  Diagnostics diags;
  Resource* r = FindResource(type, diags);
  Value v;
  if (r != nullptr &&
      Decode(config, ImpliedType(r->GetSchema().block), "resource configuration", v, diags)) {
    r->ValidateConfig(v, diags);
  }
  return diags;
}

Diagnostics Dispatcher::ValidateDataSourceConfig(absl::string_view type,
                                                 const WireValue& config) const {
  Diagnostics diags;
  DataSource* d = FindDataSource(type, diags);
  Value v;
  if (d != nullptr &&
      Decode(config, ImpliedType(d->GetSchema().block), "data source configuration", v, diags)) {
    d->ValidateConfig(v, diags);
  }
  return diags;
}

Diagnostics Dispatcher::Configure(absl::string_view terraform_version, const WireValue& config) {
  Diagnostics diags;
  Value v;
  if (Decode(config, ImpliedType(provider_.GetSchema().block), "provider configuration", v,
             diags)) {
    provider_.Configure(v, terraform_version, diags);
  }
  return diags;
}

EncodedResult Dispatcher::UpgradeResourceState(absl::string_view type, int64_t version,
                                               absl::string_view raw_json, bool has_flatmap) {
  EncodedResult out;
  Resource* r = FindResource(type, out.diags);
  if (r == nullptr) return out;
  Type t = ImpliedType(r->GetSchema().block);
  if (raw_json.empty()) {
    if (has_flatmap) {
      out.diags.AddError("Unsupported state format",
                         "This state was written by Terraform 0.11 or older (flatmap), which this "
                         "provider never supported. Remove the resource from state and import it.");
      return out;
    }
    out.msgpack = EncodeMsgpack(Value::Null(t), t);
    return out;
  }
  absl::StatusOr<Value> v = r->UpgradeState(version, raw_json);
  if (!v.ok()) {
    out.diags.AddError("Unable to upgrade resource state",
                       absl::StrCat("The stored state of ", type,
                                    " could not be read: ", v.status().message()));
    return out;
  }
  out.msgpack = EncodeMsgpack(*v, t);
  return out;
}

EncodedResult Dispatcher::ReadResource(absl::string_view type, const WireValue& state,
                                       absl::string_view private_data) {
  EncodedResult out;
  Resource* r = FindResource(type, out.diags);
  if (r == nullptr) return out;
  Type t = ImpliedType(r->GetSchema().block);
  ReadRequest req;
  if (!Decode(state, t, "current state", req.current_state, out.diags)) return out;
  req.private_data = std::string(private_data);
  ReadResponse resp;
  resp.new_state = req.current_state;
  resp.private_data = req.private_data;  // kept unless the resource replaces it
  r->Read(req, resp);
  RequireWhollyKnown(resp.new_state, "refreshed state", resp.diags);
  out.msgpack = EncodeMsgpack(resp.new_state, t);
  if (resp.new_state.is_wholly_known()) out.identity_msgpack = EncodeIdentity(*r, resp.new_state);
  out.private_data = std::move(resp.private_data);
  out.diags = std::move(resp.diags);
  return out;
}

PlanResult Dispatcher::PlanResourceChange(absl::string_view type, const WireValue& prior,
                                          const WireValue& proposed, const WireValue& config,
                                          absl::string_view prior_private) {
  PlanResult out;
  Resource* r = FindResource(type, out.diags);
  if (r == nullptr) return out;
  Type t = ImpliedType(r->GetSchema().block);
  PlanRequest req;
  if (!Decode(prior, t, "prior state", req.prior_state, out.diags) ||
      !Decode(proposed, t, "proposed new state", req.proposed_new_state, out.diags) ||
      !Decode(config, t, "configuration", req.config, out.diags)) {
    return out;
  }
  req.prior_private = std::string(prior_private);
  PlanResponse resp;
  PlanChange(*r, req, resp);
  out.planned_msgpack = EncodeMsgpack(resp.planned_state, t);
  // A destroy keeps the identity it had; Terraform rejects unknown identity
  // attributes except on create and replace, where they can only come from
  // unknown configuration.
  out.identity_msgpack =
      EncodeIdentity(*r, resp.planned_state.is_null() ? req.prior_state : resp.planned_state);
  out.requires_replace = std::move(resp.requires_replace);
  out.planned_private = std::move(resp.planned_private);
  out.diags = std::move(resp.diags);
  return out;
}

EncodedResult Dispatcher::ApplyResourceChange(absl::string_view type, const WireValue& prior,
                                              const WireValue& planned, const WireValue& config,
                                              absl::string_view planned_private) {
  EncodedResult out;
  Resource* r = FindResource(type, out.diags);
  if (r == nullptr) return out;
  Type t = ImpliedType(r->GetSchema().block);
  ApplyRequest req;
  if (!Decode(prior, t, "prior state", req.prior_state, out.diags) ||
      !Decode(planned, t, "planned state", req.planned_state, out.diags) ||
      !Decode(config, t, "configuration", req.config, out.diags)) {
    // Keep what Terraform had: losing the prior state would orphan the object.
    out.msgpack = prior.msgpack;
    return out;
  }
  req.planned_private = std::string(planned_private);
  ApplyResponse resp;
  resp.new_state = req.prior_state;
  resp.private_data = req.planned_private;
  ApplyChange(*r, req, resp);
  RequireWhollyKnown(resp.new_state, "new state", resp.diags);
  out.msgpack = EncodeMsgpack(resp.new_state, t);
  if (resp.new_state.is_wholly_known()) out.identity_msgpack = EncodeIdentity(*r, resp.new_state);
  out.private_data = std::move(resp.private_data);
  out.diags = std::move(resp.diags);
  return out;
}

ImportResult Dispatcher::ImportResourceState(absl::string_view type, absl::string_view id,
                                             const WireValue& identity) {
  ImportResult out;
  Resource* r = FindResource(type, out.diags);
  if (r == nullptr) return out;
  Type t = ImpliedType(r->GetSchema().block);
  ImportRequest req{std::string(id), Value::Null(Type::Dynamic())};
  if (id.empty()) {
    const IdentitySchema* schema = r->GetIdentitySchema();
    if (schema == nullptr) {
      out.diags.AddError("Import by identity not supported",
                         absl::StrCat(type, " has no resource identity: import it by id."));
      return out;
    }
    if (!Decode(identity, IdentityType(*schema), "import identity", req.identity, out.diags)) {
      return out;
    }
  }
  ImportResponse resp;
  r->Import(req, resp);
  out.diags = std::move(resp.diags);
  if (!out.diags.HasError() && !resp.state.is_null()) {
    out.resources.push_back({std::string(type), EncodeMsgpack(resp.state, t),
                             std::move(resp.private_data), EncodeIdentity(*r, resp.state)});
  }
  return out;
}

EncodedResult Dispatcher::UpgradeResourceIdentity(absl::string_view type, int64_t version,
                                                  absl::string_view raw_json) {
  EncodedResult out;
  Resource* r = FindResource(type, out.diags);
  if (r == nullptr) return out;
  const IdentitySchema* schema = r->GetIdentitySchema();
  if (schema == nullptr) {
    out.diags.AddError("No resource identity",
                       absl::StrCat(type, " has no resource identity to upgrade."));
    return out;
  }
  absl::StatusOr<Value> v = UpgradeIdentityJson(*schema, version, raw_json);
  if (!v.ok()) {
    out.diags.AddError("Unable to upgrade resource identity",
                       absl::StrCat("The stored identity of ", type,
                                    " could not be read: ", v.status().message()));
    return out;
  }
  out.identity_msgpack = EncodeMsgpack(*v, IdentityType(*schema));
  return out;
}

EncodedResult Dispatcher::GenerateResourceConfig(absl::string_view type, const WireValue& state) {
  EncodedResult out;
  Resource* r = FindResource(type, out.diags);
  if (r == nullptr) return out;
  Type t = ImpliedType(r->GetSchema().block);
  Value v;
  if (!Decode(state, t, "state", v, out.diags)) return out;
  Value config = r->GenerateConfig(v, out.diags);
  if (!out.diags.HasError()) out.msgpack = EncodeMsgpack(config, t);
  return out;
}

Diagnostics Dispatcher::ValidateListResourceConfig(absl::string_view type,
                                                   const WireValue& config) const {
  Diagnostics diags;
  core::ListResource* l = FindListResource(type, diags);
  Value v;
  if (l != nullptr &&
      Decode(config, ImpliedType(l->GetSchema().block), "list configuration", v, diags)) {
    l->ValidateConfig(v, diags);
  }
  return diags;
}

Diagnostics Dispatcher::ListResource(absl::string_view type, const WireValue& config,
                                     bool include_resource, int64_t limit,
                                     const std::function<bool(ListEvent)>& emit) {
  Diagnostics diags;
  core::ListResource* l = FindListResource(type, diags);
  if (l == nullptr) return diags;
  Resource* r = FindResource(type, diags);
  if (r == nullptr || r->GetIdentitySchema() == nullptr) {
    if (r != nullptr) diags.AddError("Missing identity", absl::StrCat(type, " has no identity."));
    return diags;
  }
  ListRequest req;
  if (!Decode(config, ImpliedType(l->GetSchema().block), "list configuration", req.config,
              diags)) {
    return diags;
  }
  l->ValidateConfig(req.config, diags);
  if (diags.HasError() || limit <= 0) return diags;
  req.include_resource = include_resource;
  req.limit = limit;
  const Type t = ImpliedType(r->GetSchema().block);
  int64_t sent = 0;
  l->List(req, [&](ListResult found) {
    ListEvent event;
    event.identity_msgpack = EncodeIdentity(*r, found.state);
    event.display_name = std::move(found.display_name);
    if (include_resource) event.resource_msgpack = EncodeMsgpack(found.state, t);
    return emit(std::move(event)) && ++sent < limit;
  }, diags);
  return diags;
}

EncodedResult Dispatcher::ReadDataSource(absl::string_view type, const WireValue& config) {
  EncodedResult out;
  DataSource* d = FindDataSource(type, out.diags);
  if (d == nullptr) return out;
  Type t = ImpliedType(d->GetSchema().block);
  Value cfg;
  if (!Decode(config, t, "data source configuration", cfg, out.diags)) return out;
  Value state = cfg;
  d->Read(cfg, state, out.diags);
  if (!out.diags.HasError()) {
    RequireWhollyKnown(state, "data source result", out.diags);
    out.msgpack = EncodeMsgpack(state, t);
  }
  return out;
}

void Dispatcher::Stop() {
  LogInfo("StopProvider received: interrupting in-flight operations");
  provider_.stop().Stop();
}

}  // namespace vpcep::core
