// Conversions between core types and the generated protobuf messages. The
// tfplugin5 and tfplugin6 messages used here share field names, so one template
// serves both packages.
#ifndef VPCEP_PROVIDER_PROTOCOL_CONVERT_H_
#define VPCEP_PROVIDER_PROTOCOL_CONVERT_H_

#include <string>
#include <utility>

#include "provider/core/diagnostics.h"
#include "provider/core/dispatcher.h"
#include "provider/core/schema.h"
#include "provider/core/utf8.h"

namespace vpcep::protocol {

template <typename ProtoDynamicValue>
core::WireValue FromProto(const ProtoDynamicValue& v) {
  return core::WireValue{v.msgpack(), v.json()};
}

template <typename ProtoPath>
void PathToProto(const core::AttributePath& path, ProtoPath* out) {
  for (const core::PathStep& step : path) {
    auto* s = out->add_steps();
    switch (step.kind) {
      case core::PathStep::Kind::kAttribute:
        s->set_attribute_name(core::SanitizeUtf8(step.name));
        break;
      case core::PathStep::Kind::kKeyString:
        s->set_element_key_string(core::SanitizeUtf8(step.name));
        break;
      case core::PathStep::Kind::kKeyInt: s->set_element_key_int(step.index); break;
    }
  }
}

template <typename RepeatedDiagnostics>
void DiagnosticsToProto(const core::Diagnostics& diags, RepeatedDiagnostics* out) {
  using Proto = typename RepeatedDiagnostics::value_type;
  for (const core::Diagnostic& d : diags.items()) {
    Proto* p = out->Add();
    // Severity must be explicit: INVALID (0) is not treated as an error by Terraform.
    p->set_severity(d.severity == core::Diagnostic::Severity::kError ? Proto::ERROR
                                                                     : Proto::WARNING);
    // The last gate before the wire: Terraform drops a whole response whose
    // string fields hold invalid UTF-8, and with it the error being reported.
    p->set_summary(core::SanitizeUtf8(d.summary));
    p->set_detail(core::SanitizeUtf8(d.detail));
    if (!d.path.empty()) PathToProto(d.path, p->mutable_attribute());
  }
}

// Descriptions are Markdown (`code` spans): StringKind MARKDOWN = 1.
template <typename ProtoBlock>
void BlockToProto(const core::Block& block, ProtoBlock* out) {
  out->set_description(block.description);
  out->set_description_kind(static_cast<decltype(out->description_kind())>(1));
  for (const core::Attribute& a : block.attributes) {
    auto* pa = out->add_attributes();
    pa->set_name(a.name);
    pa->set_type(a.type.ToJson());
    pa->set_description(a.description);
    pa->set_description_kind(static_cast<decltype(pa->description_kind())>(1));
    pa->set_required(a.required);
    pa->set_optional(a.optional);
    pa->set_computed(a.computed);
    pa->set_sensitive(a.sensitive);
  }
  for (const core::NestedBlock& b : block.blocks) {
    auto* pb = out->add_block_types();
    pb->set_type_name(b.type_name);
    pb->set_nesting(static_cast<decltype(pb->nesting())>(static_cast<int>(b.nesting)));
    pb->set_min_items(b.min_items);
    pb->set_max_items(b.max_items);
    BlockToProto(b.block, pb->mutable_block());
  }
}

template <typename ProtoSchema>
void SchemaToProto(const core::Schema& schema, ProtoSchema* out) {
  out->set_version(schema.version);
  // Every Schema must carry a block, even an empty one: Terraform dereferences it.
  BlockToProto(schema.block, out->mutable_block());
}

// What this provider offers beyond the core protocol, in GetProviderSchema
// and GetMetadata alike.
template <typename ProtoCapabilities>
void CapabilitiesToProto(ProtoCapabilities* out) {
  // Every RPC here works without a GetProviderSchema first in the same process.
  out->set_get_provider_schema_optional(true);
  // Destroys are planned too, so that a plan can say who loses access.
  out->set_plan_destroy(true);
  out->set_generate_resource_config(true);
}

template <typename ProtoIdentitySchema>
void IdentitySchemaToProto(const core::IdentitySchema& schema, ProtoIdentitySchema* out) {
  out->set_version(schema.version);
  for (const core::IdentityAttribute& a : schema.attributes) {
    auto* pa = out->add_identity_attributes();
    pa->set_name(a.name);
    pa->set_type(a.type.ToJson());
    pa->set_description(a.description);
    pa->set_required_for_import(a.required_for_import);
    pa->set_optional_for_import(a.optional_for_import);
  }
}

// Sets `out` (a ResourceIdentityData) unless there is no identity.
template <typename ProtoIdentityData>
void IdentityToProto(std::string msgpack, ProtoIdentityData* out) {
  out->mutable_identity_data()->set_msgpack(std::move(msgpack));
}

// Fills a GetProviderSchema.Response of either protocol.
template <typename Response>
void SchemasToProto(const core::ProviderSchemas& schemas, Response* out) {
  SchemaToProto(*schemas.provider, out->mutable_provider());
  for (const auto& [name, s] : schemas.resources) {
    SchemaToProto(*s, &(*out->mutable_resource_schemas())[name]);
  }
  for (const auto& [name, s] : schemas.data_sources) {
    SchemaToProto(*s, &(*out->mutable_data_source_schemas())[name]);
  }
  for (const auto& [name, s] : schemas.list_resources) {
    SchemaToProto(*s, &(*out->mutable_list_resource_schemas())[name]);
  }
  CapabilitiesToProto(out->mutable_server_capabilities());
}

}  // namespace vpcep::protocol

#endif  // VPCEP_PROVIDER_PROTOCOL_CONVERT_H_
