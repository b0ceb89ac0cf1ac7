#include "resources/connection_approval/model.h"

#include "absl/strings/str_cat.h"
#include "provider/cloud/api_vocabulary.h"
#include "resources/timeouts.h"

namespace vpcep::resources {
namespace {

using core::Field;
using core::Type;
using core::Value;

Field<ApprovalTimeouts> TimeoutsField(const Value& v) {
  return core::FieldFrom<ApprovalTimeouts>(v, [](const Value& block) {
    return ApprovalTimeouts{core::StringField(block.Attr("create")),
                            core::StringField(block.Attr("update")),
                            core::StringField(block.Attr("delete"))};
  });
}

Value TimeoutsValue(const Field<ApprovalTimeouts>& f, const Type& type) {
  return core::ValueFrom(f, type, [&type](const ApprovalTimeouts& t) {
    return Value::ObjectOf(type, {{"create", core::ToValue(t.create)},
                                  {"update", core::ToValue(t.update)},
                                  {"delete", core::ToValue(t.del)}});
  });
}

// The object type of attribute `name` of `type` (Dynamic when absent).
Type AttributeType(const Type& type, const std::string& name) {
  auto it = type.attributes().find(name);
  return it == type.attributes().end() ? Type::Dynamic() : it->second;
}

}  // namespace

ApprovalModel ApprovalModel::FromValue(const Value& v) {
  ApprovalModel m;
  m.service_id = core::StringField(v.Attr("service_id"));
  m.endpoint_id = core::StringField(v.Attr("endpoint_id"));
  m.description = core::StringField(v.Attr("description"));
  m.reject_on_delete = core::BoolField(v.Attr("reject_on_delete"));
  m.domain_id = core::StringField(v.Attr("domain_id"));
  m.timeouts = TimeoutsField(v.Attr("timeouts"));
  m.id = core::StringField(v.Attr("id"));
  m.status = core::StringField(v.Attr("status"));
  m.marker_id = core::IntField(v.Attr("marker_id"));
  m.created_at = core::StringField(v.Attr("created_at"));
  m.updated_at = core::StringField(v.Attr("updated_at"));
  return m;
}

Value ApprovalModel::ToValue(const Type& type) const {
  return Value::ObjectOf(type,
                         {{"service_id", core::ToValue(service_id)},
                          {"endpoint_id", core::ToValue(endpoint_id)},
                          {"description", core::ToValue(description)},
                          {"reject_on_delete", core::ToValue(reject_on_delete)},
                          {"domain_id", core::ToValue(domain_id)},
                          {"timeouts", TimeoutsValue(timeouts, AttributeType(type, "timeouts"))},
                          {"id", core::ToValue(id)},
                          {"status", core::ToValue(status)},
                          {"marker_id", core::ToValue(marker_id)},
                          {"created_at", core::ToValue(created_at)},
                          {"updated_at", core::ToValue(updated_at)}});
}

ApprovalModel ApprovalModel::WithConnection(const std::string& service,
                                            const cloud::Connection& c) const {
  ApprovalModel m = *this;
  m.service_id = service;
  m.endpoint_id = c.id;
  m.id = absl::StrCat(service, "/", c.id);
  m.status = c.status;
  m.marker_id = c.marker_id;
  m.domain_id = c.domain_id;
  m.created_at = c.created_at;
  m.updated_at = c.updated_at;
  m.description = c.description;
  return m;
}

std::string ApprovalModel::Name() const {
  return absl::StrCat(service_id.value(), "/", endpoint_id.value());
}

bool ApprovalModel::DestroySendsReject() const {
  if (!RejectsOnDelete()) return false;
  if (!status.has_value()) return true;
  const std::string& s = status.value();
  return s != api::kRejected && s != api::kFailed && s != kDeletedStatus;
}

bool ApprovalModel::Accepted() const {
  return status.has_value() && status.value() == api::kAccepted;
}

absl::StatusOr<absl::Duration> ApprovalModel::CreateTimeout() const {
  return ParseTimeout(timeouts.has_value() ? timeouts.value().create : Field<std::string>());
}

absl::StatusOr<absl::Duration> ApprovalModel::UpdateTimeout() const {
  return ParseTimeout(timeouts.has_value() ? timeouts.value().update : Field<std::string>());
}

absl::StatusOr<absl::Duration> ApprovalModel::DeleteTimeout() const {
  return ParseTimeout(timeouts.has_value() ? timeouts.value().del : Field<std::string>());
}

}  // namespace vpcep::resources
