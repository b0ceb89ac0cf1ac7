// RPC bodies shared by the tfplugin5 and tfplugin6 services. Each takes the
// generated request/response of either protocol (same field names) and calls
// the Dispatcher. Problems travel as diagnostics with an OK gRPC status.
#ifndef VPCEP_PROVIDER_PROTOCOL_HANDLERS_H_
#define VPCEP_PROVIDER_PROTOCOL_HANDLERS_H_

#include <string>
#include <utility>

#include "grpcpp/grpcpp.h"
#include "provider/core/dispatcher.h"
#include "provider/core/log.h"
#include "provider/protocol/convert.h"

namespace vpcep::protocol {

template <typename Resp>
grpc::Status HandleGetSchema(core::Dispatcher& d, Resp* resp) {
  core::LogDebug("GetProviderSchema");
  SchemasToProto(d.GetSchemas(), resp);
  return grpc::Status::OK;
}

template <typename Resp>
grpc::Status HandleGetMetadata(core::Dispatcher& d, Resp* resp) {
  core::ProviderMetadata m = d.GetMetadata();
  for (const std::string& name : m.resources) resp->add_resources()->set_type_name(name);
  for (const std::string& name : m.data_sources) resp->add_data_sources()->set_type_name(name);
  for (const std::string& name : m.list_resources) resp->add_list_resources()->set_type_name(name);
  CapabilitiesToProto(resp->mutable_server_capabilities());
  return grpc::Status::OK;
}

template <typename Resp>
grpc::Status HandleGetResourceIdentitySchemas(core::Dispatcher& d, Resp* resp) {
  for (const auto& [name, schema] : d.GetIdentitySchemas()) {
    IdentitySchemaToProto(*schema, &(*resp->mutable_identity_schemas())[name]);
  }
  return grpc::Status::OK;
}

template <typename Req, typename Resp>
grpc::Status HandleUpgradeResourceIdentity(core::Dispatcher& d, const Req* req, Resp* resp) {
  core::EncodedResult r =
      d.UpgradeResourceIdentity(req->type_name(), req->version(), req->raw_identity().json());
  if (!r.identity_msgpack.empty()) {
    IdentityToProto(std::move(r.identity_msgpack), resp->mutable_upgraded_identity());
  }
  DiagnosticsToProto(r.diags, resp->mutable_diagnostics());
  return grpc::Status::OK;
}

template <typename Req, typename Resp>
grpc::Status HandleGenerateResourceConfig(core::Dispatcher& d, const Req* req, Resp* resp) {
  core::EncodedResult r = d.GenerateResourceConfig(req->type_name(), FromProto(req->state()));
  if (!r.msgpack.empty()) resp->mutable_config()->set_msgpack(std::move(r.msgpack));
  DiagnosticsToProto(r.diags, resp->mutable_diagnostics());
  return grpc::Status::OK;
}

template <typename Req, typename Resp>
grpc::Status HandleValidateListResourceConfig(core::Dispatcher& d, const Req* req, Resp* resp) {
  DiagnosticsToProto(d.ValidateListResourceConfig(req->type_name(), FromProto(req->config())),
                     resp->mutable_diagnostics());
  return grpc::Status::OK;
}

// Streams one event per object found; problems travel as a last event that
// carries only diagnostics.
template <typename Event, typename Req>
grpc::Status HandleListResource(core::Dispatcher& d, grpc::ServerContext* ctx, const Req* req,
                                grpc::ServerWriter<Event>* writer) {
  core::Diagnostics diags = d.ListResource(
      req->type_name(), FromProto(req->config()), req->include_resource_object(), req->limit(),
      [&](core::ListEvent found) {
        Event event;
        IdentityToProto(std::move(found.identity_msgpack), event.mutable_identity());
        event.set_display_name(core::SanitizeUtf8(found.display_name));
        if (!found.resource_msgpack.empty()) {
          event.mutable_resource_object()->set_msgpack(std::move(found.resource_msgpack));
        }
        // Terraform stops reading at its limit and cancels the call.
        return !ctx->IsCancelled() && writer->Write(event);
      });
  if (!diags.empty() && !ctx->IsCancelled()) {
    Event event;
    DiagnosticsToProto(diags, event.mutable_diagnostic());
    writer->Write(event);
  }
  return grpc::Status::OK;
}

template <typename Req, typename Resp>
grpc::Status HandleValidateProviderConfig(core::Dispatcher& d, const Req* req, Resp* resp) {
  DiagnosticsToProto(d.ValidateProviderConfig(FromProto(req->config())),
                     resp->mutable_diagnostics());
  return grpc::Status::OK;
}

template <typename Req, typename Resp>
grpc::Status HandleValidateResourceConfig(core::Dispatcher& d, const Req* req, Resp* resp) {
  DiagnosticsToProto(d.ValidateResourceConfig(req->type_name(), FromProto(req->config())),
                     resp->mutable_diagnostics());
  return grpc::Status::OK;
}

template <typename Req, typename Resp>
grpc::Status HandleValidateDataSourceConfig(core::Dispatcher& d, const Req* req, Resp* resp) {
  DiagnosticsToProto(d.ValidateDataSourceConfig(req->type_name(), FromProto(req->config())),
                     resp->mutable_diagnostics());
  return grpc::Status::OK;
}

template <typename Req, typename Resp>
grpc::Status HandleConfigure(core::Dispatcher& d, const Req* req, Resp* resp) {
  core::LogDebug("ConfigureProvider", {{"terraform_version", req->terraform_version()}});
  DiagnosticsToProto(d.Configure(req->terraform_version(), FromProto(req->config())),
                     resp->mutable_diagnostics());
  return grpc::Status::OK;
}

template <typename Req, typename Resp>
grpc::Status HandleUpgradeResourceState(core::Dispatcher& d, const Req* req, Resp* resp) {
  core::EncodedResult r =
      d.UpgradeResourceState(req->type_name(), req->version(), req->raw_state().json(),
                             req->raw_state().flatmap_size() > 0);
  if (!r.msgpack.empty()) resp->mutable_upgraded_state()->set_msgpack(std::move(r.msgpack));
  DiagnosticsToProto(r.diags, resp->mutable_diagnostics());
  return grpc::Status::OK;
}

template <typename Req, typename Resp>
grpc::Status HandleReadResource(core::Dispatcher& d, const Req* req, Resp* resp) {
  core::EncodedResult r =
      d.ReadResource(req->type_name(), FromProto(req->current_state()), req->private_());
  if (!r.msgpack.empty()) resp->mutable_new_state()->set_msgpack(std::move(r.msgpack));
  if (!r.identity_msgpack.empty()) {
    IdentityToProto(std::move(r.identity_msgpack), resp->mutable_new_identity());
  }
  resp->set_private_(std::move(r.private_data));
  DiagnosticsToProto(r.diags, resp->mutable_diagnostics());
  return grpc::Status::OK;
}

template <typename Req, typename Resp>
grpc::Status HandlePlanResourceChange(core::Dispatcher& d, const Req* req, Resp* resp) {
  core::PlanResult r = d.PlanResourceChange(
      req->type_name(), FromProto(req->prior_state()), FromProto(req->proposed_new_state()),
      FromProto(req->config()), req->prior_private());
  if (!r.planned_msgpack.empty()) {
    resp->mutable_planned_state()->set_msgpack(std::move(r.planned_msgpack));
  }
  for (const core::AttributePath& p : r.requires_replace) {
    PathToProto(p, resp->add_requires_replace());
  }
  if (!r.identity_msgpack.empty()) {
    IdentityToProto(std::move(r.identity_msgpack), resp->mutable_planned_identity());
  }
  resp->set_planned_private(std::move(r.planned_private));
  DiagnosticsToProto(r.diags, resp->mutable_diagnostics());
  return grpc::Status::OK;
}

template <typename Req, typename Resp>
grpc::Status HandleApplyResourceChange(core::Dispatcher& d, const Req* req, Resp* resp) {
  core::EncodedResult r = d.ApplyResourceChange(
      req->type_name(), FromProto(req->prior_state()), FromProto(req->planned_state()),
      FromProto(req->config()), req->planned_private());
  if (!r.msgpack.empty()) resp->mutable_new_state()->set_msgpack(std::move(r.msgpack));
  if (!r.identity_msgpack.empty()) {
    IdentityToProto(std::move(r.identity_msgpack), resp->mutable_new_identity());
  }
  resp->set_private_(std::move(r.private_data));
  DiagnosticsToProto(r.diags, resp->mutable_diagnostics());
  return grpc::Status::OK;
}

template <typename Req, typename Resp>
grpc::Status HandleImportResourceState(core::Dispatcher& d, const Req* req, Resp* resp) {
  core::ImportResult r = d.ImportResourceState(req->type_name(), req->id(),
                                               FromProto(req->identity().identity_data()));
  for (core::ImportedResource& ir : r.resources) {
    auto* out = resp->add_imported_resources();
    out->set_type_name(ir.type_name);
    out->mutable_state()->set_msgpack(std::move(ir.msgpack));
    out->set_private_(std::move(ir.private_data));
    if (!ir.identity_msgpack.empty()) {
      IdentityToProto(std::move(ir.identity_msgpack), out->mutable_identity());
    }
  }
  DiagnosticsToProto(r.diags, resp->mutable_diagnostics());
  return grpc::Status::OK;
}

template <typename Req, typename Resp>
grpc::Status HandleReadDataSource(core::Dispatcher& d, const Req* req, Resp* resp) {
  core::EncodedResult r = d.ReadDataSource(req->type_name(), FromProto(req->config()));
  if (!r.msgpack.empty()) resp->mutable_state()->set_msgpack(std::move(r.msgpack));
  DiagnosticsToProto(r.diags, resp->mutable_diagnostics());
  return grpc::Status::OK;
}

inline grpc::Status HandleStop(core::Dispatcher& d) {
  d.Stop();
  return grpc::Status::OK;
}

}  // namespace vpcep::protocol

#endif  // VPCEP_PROVIDER_PROTOCOL_HANDLERS_H_
