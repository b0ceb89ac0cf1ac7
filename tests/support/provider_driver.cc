#include "tests/support/provider_driver.h"

#include <chrono>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "provider/core/msgpack_codec.h"

namespace vpcep::testing {
namespace {

// Both protocol packages share message shapes; these templates serve both.
template <typename ProtoBlock>
absl::StatusOr<core::Type> BlockType(const ProtoBlock& block) {
  std::map<std::string, core::Type> attrs;
  for (const auto& a : block.attributes()) {
    absl::StatusOr<core::Type> t = core::Type::FromJson(a.type());
    if (!t.ok()) return t.status();
    attrs.emplace(a.name(), *t);
  }
  for (const auto& b : block.block_types()) {
    absl::StatusOr<core::Type> inner = BlockType(b.block());
    if (!inner.ok()) return inner.status();
    switch (static_cast<int>(b.nesting())) {
      case 2: attrs.emplace(b.type_name(), core::Type::List(*inner)); break;
      case 3: attrs.emplace(b.type_name(), core::Type::Set(*inner)); break;
      case 4: attrs.emplace(b.type_name(), core::Type::Map(*inner)); break;
      default: attrs.emplace(b.type_name(), *inner); break;
    }
  }
  return core::Type::Object(std::move(attrs));
}

template <typename Path>
std::string PathText(const Path& path) {
  std::vector<std::string> parts;
  for (const auto& s : path.steps()) {
    if (s.has_attribute_name()) parts.push_back(s.attribute_name());
    else if (s.has_element_key_string()) parts.push_back(absl::StrCat("[\"", s.element_key_string(), "\"]"));
    else parts.push_back(absl::StrCat("[", s.element_key_int(), "]"));
  }
  return absl::StrJoin(parts, ".");
}

template <typename Diags>
void CollectDiags(const Diags& in, RpcResult& out) {
  for (const auto& d : in) {
    out.diags.push_back({d.severity() == 1, d.summary(), d.detail(), PathText(d.attribute())});
  }
}

RpcResult RpcFailure(const grpc::Status& s) {
  RpcResult r;
  r.diags.push_back({true, "gRPC error", s.error_message(), ""});
  return r;
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(5));
  return ctx;
}

template <typename DV>
void Put(DV* dv, const core::Value& v, const core::Type& t) {
  dv->set_msgpack(core::EncodeMsgpack(v, t));
}

core::Value Take(const std::string& msgpack, const core::Type& t, RpcResult& r) {
  if (msgpack.empty()) return core::Value::Null(t);
  absl::StatusOr<core::Value> v = core::DecodeMsgpack(msgpack, t);
  if (!v.ok()) {
    r.diags.push_back({true, "test client cannot decode response", std::string(v.status().message()), ""});
    return core::Value::Null(t);
  }
  return *v;
}

// One unary call for either protocol: `Msg` is the message holding the
// nested Request/Response types; fill and collect are generic lambdas.
template <typename Msg, typename Stub, typename Fill, typename Collect>
RpcResult Unary(Stub& stub,
                grpc::Status (Stub::*method)(grpc::ClientContext*, const typename Msg::Request&,
                                             typename Msg::Response*),
                Fill fill, Collect collect) {
  typename Msg::Request req;
  fill(req);
  typename Msg::Response resp;
  auto ctx = Context();
  grpc::Status s = (stub.*method)(ctx.get(), req, &resp);
  if (!s.ok()) return RpcFailure(s);
  RpcResult r;
  collect(resp, r);
  CollectDiags(resp.diagnostics(), r);
  return r;
}

template <typename Msg, typename Stub, typename Collect>
RpcResult UnaryNoDiags(Stub& stub,
                       grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                    const typename Msg::Request&,
                                                    typename Msg::Response*),
                       Collect collect) {
  typename Msg::Request req;
  typename Msg::Response resp;
  auto ctx = Context();
  grpc::Status s = (stub.*method)(ctx.get(), req, &resp);
  if (!s.ok()) return RpcFailure(s);
  RpcResult r;
  collect(resp, r);
  return r;
}

auto NoFill = [](auto&) {};
auto NoCollect = [](const auto&, RpcResult&) {};

}  // namespace

bool RpcResult::HasError() const {
  for (const Diag& d : diags) {
    if (d.error) return true;
  }
  return false;
}

std::string ListOutcome::DiagText() const {
  RpcResult r;
  r.diags = diags;
  return r.DiagText();
}

std::string RpcResult::DiagText() const {
  std::vector<std::string> lines;
  for (const Diag& d : diags) {
    lines.push_back(absl::StrCat(d.error ? "ERROR " : "WARNING ", d.summary, ": ", d.detail,
                                 d.path.empty() ? "" : absl::StrCat(" [at ", d.path, "]")));
  }
  return absl::StrJoin(lines, "\n");
}

}  // namespace vpcep::testing

namespace vpcep::testing {

// The identity in `(msg.*field)()` (a ResourceIdentityData), decoded with the
// identity type of `type`; null when absent.
template <typename IdentityData>
core::Value TakeIdentity(const IdentityData& data, const core::Type& t, RpcResult& r) {
  if (!data.has_identity_data()) return core::Value::Null(t);
  return Take(data.identity_data().msgpack(), t, r);
}

#define VPCEP_CALL(V6MSG, V6RPC, V5MSG, V5RPC, FILL, COLLECT)                              \
  (client_.protocol() == 6                                                                 \
       ? Unary<tfplugin6::V6MSG>(client_.v6(), &tfplugin6::Provider::Stub::V6RPC, FILL,    \
                                 COLLECT)                                                  \
       : Unary<tfplugin5::V5MSG>(client_.v5(), &tfplugin5::Provider::Stub::V5RPC, FILL,    \
                                 COLLECT))

absl::Status ProviderDriver::LoadSchema() {
  absl::Status status;
  auto collect = [&](const auto& resp, RpcResult&) {
    absl::StatusOr<core::Type> p = BlockType(resp.provider().block());
    if (!p.ok()) {
      status = p.status();
      return;
    }
    provider_type_ = *p;
    for (const auto& [name, schema] : resp.resource_schemas()) {
      absl::StatusOr<core::Type> t = BlockType(schema.block());
      if (!t.ok()) {
        status = t.status();
        return;
      }
      resource_types_[name] = *t;
    }
    for (const auto& [name, schema] : resp.data_source_schemas()) {
      absl::StatusOr<core::Type> t = BlockType(schema.block());
      if (!t.ok()) {
        status = t.status();
        return;
      }
      data_source_types_[name] = *t;
    }
    for (const auto& [name, schema] : resp.list_resource_schemas()) {
      absl::StatusOr<core::Type> t = BlockType(schema.block());
      if (!t.ok()) {
        status = t.status();
        return;
      }
      list_config_types_[name] = *t;
    }
  };
  RpcResult r = VPCEP_CALL(GetProviderSchema, GetProviderSchema, GetProviderSchema, GetSchema,
                           NoFill, collect);
  if (r.HasError()) return absl::InternalError(r.DiagText());
  if (!status.ok()) return status;
  // As Terraform 1.12+ does right after the schema.
  auto identities = [&](const auto& resp, RpcResult&) {
    for (const auto& [name, schema] : resp.identity_schemas()) {
      std::map<std::string, core::Type> attrs;
      for (const auto& a : schema.identity_attributes()) {
        absl::StatusOr<core::Type> t = core::Type::FromJson(a.type());
        if (!t.ok()) {
          status = t.status();
          return;
        }
        attrs.emplace(a.name(), *t);
        identity_attributes_[name].push_back(absl::StrCat(a.name(), ":", a.type(), ":",
                                                          a.required_for_import(), ":",
                                                          a.optional_for_import()));
      }
      identity_types_[name] = core::Type::Object(std::move(attrs));
      identity_versions_[name] = schema.version();
    }
  };
  r = VPCEP_CALL(GetResourceIdentitySchemas, GetResourceIdentitySchemas,
                 GetResourceIdentitySchemas, GetResourceIdentitySchemas, NoFill, identities);
  if (r.HasError()) return absl::InternalError(r.DiagText());
  return status;
}

const core::Type& ProviderDriver::IdentityType(const std::string& name) const {
  static const core::Type kDynamic;
  auto it = identity_types_.find(name);
  return it == identity_types_.end() ? kDynamic : it->second;
}

const core::Type& ProviderDriver::ListConfigType(const std::string& name) const {
  static const core::Type kDynamic;
  auto it = list_config_types_.find(name);
  return it == list_config_types_.end() ? kDynamic : it->second;
}

int64_t ProviderDriver::IdentityVersion(const std::string& name) const {
  auto it = identity_versions_.find(name);
  return it == identity_versions_.end() ? -1 : it->second;
}

absl::StatusOr<Metadata> ProviderDriver::GetMetadata() {
  Metadata m;
  auto collect = [&](const auto& resp, RpcResult&) {
    m.get_provider_schema_optional = resp.server_capabilities().get_provider_schema_optional();
    m.plan_destroy = resp.server_capabilities().plan_destroy();
    m.generate_resource_config = resp.server_capabilities().generate_resource_config();
    for (const auto& r : resp.resources()) m.resources.push_back(r.type_name());
    for (const auto& d : resp.data_sources()) m.data_sources.push_back(d.type_name());
    for (const auto& l : resp.list_resources()) m.list_resources.push_back(l.type_name());
  };
  RpcResult r =
      VPCEP_CALL(ProviderMetadata, GetMetadata, ProviderMetadata, GetMetadata, NoFill, collect);
  if (r.HasError()) return absl::InternalError(r.DiagText());
  return m;
}

const core::Type& ProviderDriver::ResourceType(const std::string& name) const {
  static const core::Type kDynamic;
  auto it = resource_types_.find(name);
  return it == resource_types_.end() ? kDynamic : it->second;
}

RpcResult ProviderDriver::ValidateProvider(const core::Value& config) {
  auto fill = [&](auto& req) { Put(req.mutable_config(), config, provider_type_); };
  return VPCEP_CALL(ValidateProviderConfig, ValidateProviderConfig, PrepareProviderConfig,
                    PrepareProviderConfig, fill, NoCollect);
}

RpcResult ProviderDriver::Configure(const core::Value& config) {
  auto fill = [&](auto& req) {
    req.set_terraform_version("1.11.4");
    Put(req.mutable_config(), config, provider_type_);
  };
  return VPCEP_CALL(ConfigureProvider, ConfigureProvider, Configure, Configure, fill, NoCollect);
}

RpcResult ProviderDriver::ValidateResource(const std::string& type, const core::Value& config) {
  auto fill = [&](auto& req) {
    req.set_type_name(type);
    Put(req.mutable_config(), config, ResourceType(type));
  };
  return VPCEP_CALL(ValidateResourceConfig, ValidateResourceConfig, ValidateResourceTypeConfig,
                    ValidateResourceTypeConfig, fill, NoCollect);
}

RpcResult ProviderDriver::ValidateResourceRaw(const std::string& type, const std::string& msgpack) {
  auto fill = [&](auto& req) {
    req.set_type_name(type);
    req.mutable_config()->set_msgpack(msgpack);
  };
  return VPCEP_CALL(ValidateResourceConfig, ValidateResourceConfig, ValidateResourceTypeConfig,
                    ValidateResourceTypeConfig, fill, NoCollect);
}

RpcResult ProviderDriver::Plan(const std::string& type, const core::Value& prior,
                               const core::Value& proposed, const core::Value& config,
                               const std::string& prior_private) {
  const core::Type& t = ResourceType(type);
  auto fill = [&](auto& req) {
    req.set_type_name(type);
    Put(req.mutable_prior_state(), prior, t);
    Put(req.mutable_proposed_new_state(), proposed, t);
    Put(req.mutable_config(), config, t);
    req.set_prior_private(prior_private);
  };
  auto collect = [&](const auto& resp, RpcResult& r) {
    r.identity = TakeIdentity(resp.planned_identity(), IdentityType(type), r);
    r.value = Take(resp.planned_state().msgpack(), t, r);
    r.private_data = resp.planned_private();
    for (const auto& p : resp.requires_replace()) r.requires_replace.push_back(PathText(p));
  };
  return VPCEP_CALL(PlanResourceChange, PlanResourceChange, PlanResourceChange,
                    PlanResourceChange, fill, collect);
}

RpcResult ProviderDriver::Apply(const std::string& type, const core::Value& prior,
                                const core::Value& planned, const core::Value& config,
                                const std::string& planned_private) {
  const core::Type& t = ResourceType(type);
  auto fill = [&](auto& req) {
    req.set_type_name(type);
    Put(req.mutable_prior_state(), prior, t);
    Put(req.mutable_planned_state(), planned, t);
    Put(req.mutable_config(), config, t);
    req.set_planned_private(planned_private);
  };
  auto collect = [&](const auto& resp, RpcResult& r) {
    r.identity = TakeIdentity(resp.new_identity(), IdentityType(type), r);
    r.value = Take(resp.new_state().msgpack(), t, r);
    r.private_data = resp.private_();
  };
  return VPCEP_CALL(ApplyResourceChange, ApplyResourceChange, ApplyResourceChange,
                    ApplyResourceChange, fill, collect);
}

RpcResult ProviderDriver::Read(const std::string& type, const core::Value& state,
                               const std::string& private_data) {
  const core::Type& t = ResourceType(type);
  auto fill = [&](auto& req) {
    req.set_type_name(type);
    Put(req.mutable_current_state(), state, t);
    req.set_private_(private_data);
  };
  auto collect = [&](const auto& resp, RpcResult& r) {
    r.identity = TakeIdentity(resp.new_identity(), IdentityType(type), r);
    r.value = Take(resp.new_state().msgpack(), t, r);
    r.private_data = resp.private_();
  };
  return VPCEP_CALL(ReadResource, ReadResource, ReadResource, ReadResource, fill, collect);
}

RpcResult ProviderDriver::Import(const std::string& type, const std::string& id) {
  const core::Type& t = ResourceType(type);
  auto fill = [&](auto& req) {
    req.set_type_name(type);
    req.set_id(id);
  };
  auto collect = [&](const auto& resp, RpcResult& r) {
    r.value = core::Value::Null(t);
    if (resp.imported_resources_size() > 0) {
      r.value = Take(resp.imported_resources(0).state().msgpack(), t, r);
      r.private_data = resp.imported_resources(0).private_();
      r.identity = TakeIdentity(resp.imported_resources(0).identity(), IdentityType(type), r);
    }
  };
  return VPCEP_CALL(ImportResourceState, ImportResourceState, ImportResourceState,
                    ImportResourceState, fill, collect);
}

RpcResult ProviderDriver::ImportByIdentity(const std::string& type, const core::Value& identity) {
  const core::Type& t = ResourceType(type);
  auto fill = [&](auto& req) {
    req.set_type_name(type);
    Put(req.mutable_identity()->mutable_identity_data(), identity, IdentityType(type));
  };
  auto collect = [&](const auto& resp, RpcResult& r) {
    r.value = core::Value::Null(t);
    if (resp.imported_resources_size() > 0) {
      r.value = Take(resp.imported_resources(0).state().msgpack(), t, r);
      r.private_data = resp.imported_resources(0).private_();
      r.identity = TakeIdentity(resp.imported_resources(0).identity(), IdentityType(type), r);
    }
  };
  return VPCEP_CALL(ImportResourceState, ImportResourceState, ImportResourceState,
                    ImportResourceState, fill, collect);
}

RpcResult ProviderDriver::UpgradeIdentity(const std::string& type, int64_t version,
                                          const std::string& json) {
  auto fill = [&](auto& req) {
    req.set_type_name(type);
    req.set_version(version);
    req.mutable_raw_identity()->set_json(json);
  };
  auto collect = [&](const auto& resp, RpcResult& r) {
    r.value = TakeIdentity(resp.upgraded_identity(), IdentityType(type), r);
  };
  return VPCEP_CALL(UpgradeResourceIdentity, UpgradeResourceIdentity, UpgradeResourceIdentity,
                    UpgradeResourceIdentity, fill, collect);
}

RpcResult ProviderDriver::GenerateConfig(const std::string& type, const core::Value& state) {
  const core::Type& t = ResourceType(type);
  auto fill = [&](auto& req) {
    req.set_type_name(type);
    Put(req.mutable_state(), state, t);
  };
  auto collect = [&](const auto& resp, RpcResult& r) {
    r.value = Take(resp.config().msgpack(), t, r);
  };
  return VPCEP_CALL(GenerateResourceConfig, GenerateResourceConfig, GenerateResourceConfig,
                    GenerateResourceConfig, fill, collect);
}

RpcResult ProviderDriver::ValidateList(const std::string& type, const core::Value& config) {
  auto fill = [&](auto& req) {
    req.set_type_name(type);
    Put(req.mutable_config(), config, ListConfigType(type));
  };
  return VPCEP_CALL(ValidateListResourceConfig, ValidateListResourceConfig,
                    ValidateListResourceConfig, ValidateListResourceConfig, fill, NoCollect);
}

ListOutcome ProviderDriver::List(const std::string& type, const core::Value& config,
                                 bool include_resource, int64_t limit, int stop_after) {
  ListOutcome out;
  auto run = [&](auto& stub, auto tag) {
    using Msg = decltype(tag);
    typename Msg::Request req;
    req.set_type_name(type);
    Put(req.mutable_config(), config, ListConfigType(type));
    req.set_include_resource_object(include_resource);
    req.set_limit(limit);
    auto ctx = Context();
    auto reader = stub.ListResource(ctx.get(), req);
    typename Msg::Event event;
    while ((stop_after < 0 || static_cast<int>(out.objects.size()) < stop_after) &&
           reader->Read(&event)) {
      RpcResult r;
      CollectDiags(event.diagnostic(), r);
      out.diags.insert(out.diags.end(), r.diags.begin(), r.diags.end());
      if (!event.has_identity()) continue;
      ListedObject o;
      o.identity = TakeIdentity(event.identity(), IdentityType(type), r);
      o.display_name = event.display_name();
      o.object = event.has_resource_object()
                     ? Take(event.resource_object().msgpack(), ResourceType(type), r)
                     : core::Value::Null(ResourceType(type));
      out.objects.push_back(std::move(o));
    }
    if (stop_after >= 0) ctx->TryCancel();
    grpc::Status s = reader->Finish();
    if (!s.ok() && stop_after < 0) out.diags.push_back({true, "gRPC error", s.error_message(), ""});
  };
  if (client_.protocol() == 6) {
    run(client_.v6(), tfplugin6::ListResource());
  } else {
    run(client_.v5(), tfplugin5::ListResource());
  }
  return out;
}

const core::Type& ProviderDriver::DataSourceType(const std::string& name) const {
  static const core::Type kDynamic;
  auto it = data_source_types_.find(name);
  return it == data_source_types_.end() ? kDynamic : it->second;
}

RpcResult ProviderDriver::ReadData(const std::string& type, const core::Value& config) {
  const core::Type& t = DataSourceType(type);
  auto fill = [&](auto& req) {
    req.set_type_name(type);
    Put(req.mutable_config(), config, t);
  };
  auto collect = [&](const auto& resp, RpcResult& r) { r.value = Take(resp.state().msgpack(), t, r); };
  return VPCEP_CALL(ReadDataSource, ReadDataSource, ReadDataSource, ReadDataSource, fill, collect);
}

RpcResult ProviderDriver::UpgradeState(const std::string& type, int64_t version,
                                       const std::string& json) {
  const core::Type& t = ResourceType(type);
  auto fill = [&](auto& req) {
    req.set_type_name(type);
    req.set_version(version);
    req.mutable_raw_state()->set_json(json);
  };
  auto collect = [&](const auto& resp, RpcResult& r) {
    r.value = Take(resp.upgraded_state().msgpack(), t, r);
  };
  return VPCEP_CALL(UpgradeResourceState, UpgradeResourceState, UpgradeResourceState,
                    UpgradeResourceState, fill, collect);
}

absl::Status ProviderDriver::Stop() {
  auto collect = [](const auto& resp, RpcResult& r) {
    if (!resp.error().empty()) r.diags.push_back({true, "stop", resp.error(), ""});
  };
  RpcResult r = client_.protocol() == 6
                    ? UnaryNoDiags<tfplugin6::StopProvider>(
                          client_.v6(), &tfplugin6::Provider::Stub::StopProvider, collect)
                    : UnaryNoDiags<tfplugin5::Stop>(client_.v5(), &tfplugin5::Provider::Stub::Stop,
                                                    collect);
  return r.HasError() ? absl::InternalError(r.DiagText()) : absl::OkStatus();
}

#undef VPCEP_CALL

core::Value ProposedNew(const core::Type& type, const core::Value& prior,
                        const core::Value& config) {
  std::map<std::string, core::Value> attrs;
  for (const auto& [name, t] : type.attributes()) {
    const core::Value& c = config.Attr(name);
    attrs[name] = !c.is_null() ? c : (prior.is_null() ? core::Value::Null(t) : prior.Attr(name));
  }
  return core::Value::ObjectOf(type, attrs);
}

}  // namespace vpcep::testing
