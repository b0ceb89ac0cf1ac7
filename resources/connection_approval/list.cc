#include "resources/connection_approval/list.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "provider/cloud/api_error.h"
#include "provider/cloud/api_vocabulary.h"
#include "provider/cloud/discovery.h"
#include "provider/core/field.h"
#include "resources/connection_approval/model.h"
#include "resources/ids.h"
#include "resources/vpcep_provider.h"

namespace vpcep::resources {
namespace {

using core::Diagnostics;
using core::Field;
using core::PathStep;
using core::Type;
using core::Value;

// A whole discovery run is bounded; Terraform shows the error on the list block.
constexpr absl::Duration kListTimeout = absl::Minutes(5);
// Pages smaller than this cost more calls than they save.
constexpr int kMinPageSize = 50;

core::Schema ListSchema() {
  core::Schema s;
  s.block.description =
      "Lists the connections of a VPC endpoint service for `terraform query`, to adopt them "
      "as `vpcep_connection_approval` resources.";
  s.block.attributes = {
      core::RequiredAttribute("service_id", Type::String(),
                              "ID of the VPC endpoint service whose connections are listed."),
      core::OptionalAttribute(
          "status", Type::String(),
          "Connection status to list (default `accepted`: the connections an approval can "
          "adopt). `pendingAcceptance` lists the ones waiting for approval."),
      core::OptionalAttribute("domain_id", Type::String(),
                              "Only connections of endpoints owned by this account (domain) id."),
  };
  return s;
}

struct ListConfig {
  Field<std::string> service_id;
  Field<std::string> status;
  Field<std::string> domain_id;

  static ListConfig FromValue(const Value& v) {
    return {core::StringField(v.Attr("service_id")), core::StringField(v.Attr("status")),
            core::StringField(v.Attr("domain_id"))};
  }
  std::string Status() const { return status.value_or(std::string(api::kAccepted)); }
};

// "ep-1 (owner 0a1b, accepted)": what a person scanning the results needs.
std::string DisplayName(const cloud::Connection& c) {
  return absl::StrCat(c.id, " (owner ", c.domain_id.empty() ? "unknown" : c.domain_id, ", ",
                      c.status, ")");
}

}  // namespace

ConnectionApprovalList::ConnectionApprovalList(VpcepProvider& provider,
                                               const core::Resource& approval)
    : provider_(provider),
      schema_(ListSchema()),
      approval_type_(core::ImpliedType(approval.GetSchema().block)) {}

void ConnectionApprovalList::ValidateConfig(const Value& config, Diagnostics& diags) const {
  ListConfig c = ListConfig::FromValue(config);
  ValidateId(c.service_id, "service_id", diags);
  ValidateId(c.domain_id, "domain_id", diags);
  // Other API editions know more statuses: only an empty one is surely wrong.
  if (c.status.has_value() && c.status.value().empty()) {
    diags.AddError("Invalid status",
                   absl::StrCat("status may not be empty; use e.g. \"", api::kAccepted, "\" or \"",
                                api::kPendingAcceptance, "\"."),
                   {PathStep::Attr("status")});
  }
}

void ConnectionApprovalList::List(const core::ListRequest& req,
                                  const std::function<bool(core::ListResult)>& emit,
                                  Diagnostics& diags) {
  const ListConfig config = ListConfig::FromValue(req.config);
  if (!config.service_id.has_value()) {
    diags.AddError("Missing service_id", "The list needs the id of a VPC endpoint service.",
                   {PathStep::Attr("service_id")});
    return;
  }
  absl::StatusOr<std::shared_ptr<const cloud::VpcepClient>> client = provider_.Client();
  if (!client.ok()) {
    diags.AddStatus("Provider not configured", client.status());
    return;
  }
  const std::string& service_id = config.service_id.value();
  cloud::DiscoverySpec spec;
  spec.filter.status = config.Status();
  spec.deadline = absl::Now() + kListTimeout;
  // The owner is filtered here (the API cannot), so its pages are full-sized;
  // otherwise a page holds about what Terraform will take.
  spec.page_size =
      config.domain_id.has_value()
          ? cloud::kMaxPageSize
          : static_cast<int>(std::clamp<int64_t>(req.limit, kMinPageSize, cloud::kMaxPageSize));
  absl::Status walked =
      cloud::DiscoverConnections(**client, service_id, spec, [&](const cloud::Connection& c) {
        // Other API editions may ignore the status filter: check it here too.
        if (c.status != spec.filter.status) return true;
        if (config.domain_id.has_value() && c.domain_id != config.domain_id.value()) return true;
        ApprovalModel found = ApprovalModel().WithConnection(service_id, c);
        return emit({found.ToValue(approval_type_), DisplayName(c)});
      });
  if (!walked.ok()) {
    diags.AddStatus(absl::StrCat("Cannot list the connections of service ", service_id), walked,
                    {PathStep::Attr("service_id")});
  }
}

}  // namespace vpcep::resources
