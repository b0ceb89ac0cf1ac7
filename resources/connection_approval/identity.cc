#include "resources/connection_approval/identity.h"

#include "absl/strings/str_cat.h"
#include "resources/connection_approval/connection_approval.h"

namespace vpcep::resources {

using core::Type;
using core::Value;

const core::IdentitySchema& ApprovalIdentitySchema() {
  static const core::IdentitySchema* schema = [] {
    auto* s = new core::IdentitySchema;
    s->version = 0;
    s->attributes = {
        {"service_id", Type::String(), "ID of the VPC endpoint service.", true, false},
        {"endpoint_id", Type::String(), "ID of the VPC endpoint whose connection is approved.",
         true, false},
    };
    return s;
  }();
  return *schema;
}

std::string ImportIdFromIdentity(const Value& identity) {
  auto text = [&](const char* name) {
    const Value& v = identity.Attr(name);
    return v.is_known() && !v.is_null() ? v.AsString() : std::string();
  };
  return absl::StrCat(text("service_id"), "/", text("endpoint_id"));
}

Value GeneratedApprovalConfig(const Value& state, const Type& type) {
  if (state.is_null()) return Value::Null(type);
  const ApprovalModel found = ApprovalModel::FromValue(state);
  ApprovalModel config;
  config.service_id = found.service_id;
  config.endpoint_id = found.endpoint_id;
  if (found.description.has_value() && !found.description.value().empty()) {
    config.description = found.description;
  }
  return config.ToValue(type);
}

void WarnIfDestroyRejects(const ApprovalModel& prior, core::Diagnostics& diags) {
  if (!prior.DestroySendsReject() || !prior.endpoint_id.has_value()) return;
  const std::string owner = prior.domain_id.has_value() && !prior.domain_id.value().empty()
                                ? prior.domain_id.value()
                                : std::string("(unknown)");
  diags.AddWarning(
      absl::StrCat("Destroy rejects endpoint ", prior.endpoint_id.value(), " of account ", owner),
      absl::StrCat("Applying this plan rejects the connection of endpoint ",
                   prior.endpoint_id.value(), " (owner account ", owner, ") to service ",
                   prior.service_id.value_or(""),
                   ": that endpoint loses access to the service. To stop managing the approval "
                   "but keep the connection, set reject_on_delete = false and apply before "
                   "destroying."));
}

const core::IdentitySchema* ConnectionApproval::GetIdentitySchema() const {
  return &ApprovalIdentitySchema();
}

Value ConnectionApproval::GenerateConfig(const Value& state, core::Diagnostics&) const {
  return GeneratedApprovalConfig(state, type_);
}

}  // namespace vpcep::resources
