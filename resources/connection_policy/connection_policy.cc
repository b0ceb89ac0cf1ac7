#include "resources/connection_policy/connection_policy.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "provider/cloud/api_error.h"
#include "provider/cloud/api_vocabulary.h"
#include "provider/core/log.h"
#include "resources/connection_policy/enforce.h"
#include "resources/connection_policy/model.h"
#include "resources/connection_policy/rule.h"
#include "resources/connection_policy/snapshot.h"
#include "resources/ids.h"
#include "resources/timeouts.h"
#include "resources/vpcep_provider.h"

namespace vpcep::resources {
namespace {

using core::Attribute;
using core::Diagnostics;
using core::Field;
using core::PathStep;
using core::Type;
using core::Value;

core::Schema PolicySchema() {
  core::Schema s;
  s.block.description =
      "Admits the connections of the listed accounts to one VPC endpoint service, and "
      "optionally rejects everyone else's. The plan lists every connection the apply will "
      "receive or reject; the apply sends exactly those calls.";
  Attribute service =
      core::RequiredAttribute("service_id", Type::String(),
                              "ID of the VPC endpoint service. Changing it forces a new policy.");
  service.force_new = true;
  s.block.attributes = {
      service,
      core::RequiredAttribute("domain_ids", Type::Set(Type::String()),
                              "Accounts (domain ids) whose connections are admitted: their "
                              "pending connections are received."),
      core::OptionalAttribute("reject_pending", Type::Bool(),
                              "Reject the pending connections of every other account (default "
                              "false)."),
      core::OptionalAttribute("revoke_accepted", Type::Bool(),
                              "Reject the accepted connections of every other account, which "
                              "also covers an account removed from `domain_ids` (default "
                              "false)."),
      core::OptionalAttribute("reject_on_delete", Type::Bool(),
                              "Whether destroying the policy rejects the connections it holds "
                              "in `accepted` (default false)."),
      core::ComputedAttribute("id", Type::String(), "The service id."),
      core::ComputedAttribute("accepted", Type::Map(Type::String()),
                              "Connections the policy keeps accepted: endpoint id => account. "
                              "The plan shows each one the apply receives or adopts."),
      core::ComputedAttribute("rejected", Type::Map(Type::String()),
                              "Connections the policy rejected: endpoint id => account. The "
                              "plan shows each one the apply rejects."),
  };
  core::NestedBlock timeouts;
  timeouts.type_name = "timeouts";
  timeouts.nesting = core::NestedBlock::Nesting::kSingle;
  timeouts.block.description = "How long to wait for the API to confirm the calls.";
  timeouts.block.attributes = {
      core::OptionalAttribute("create", Type::String(),
                              "Go duration such as `30s`, `10m`, `1h30m` bounding an apply "
                              "(create or update) (default 10m)."),
      core::OptionalAttribute("delete", Type::String(),
                              "Go duration bounding the rejections of a destroy (default 10m)."),
  };
  s.block.blocks.push_back(timeouts);
  return s;
}

// "ep-1 (account a), ep-2 (account b)", the first kPolicySummaryItems of them.
std::string Listing(const std::map<std::string, std::string>& calls, const OwnerMap& owners) {
  std::vector<std::string> items;
  for (const auto& [endpoint, status] : calls) {
    if (items.size() == static_cast<size_t>(kPolicySummaryItems)) {
      items.push_back(absl::StrCat("and ", calls.size() - items.size(), " more"));
      break;
    }
    auto owner = owners.find(endpoint);
    items.push_back(absl::StrCat(endpoint, " (account ",
                                 owner == owners.end() ? "?" : owner->second, ", ", status, ")"));
  }
  return absl::StrJoin(items, ", ");
}

// The calls in the plan's output, beside the map entries that record them.
void Summarize(const PolicyPlan& plan, const std::string& service_id, Diagnostics& diags) {
  if (plan.receive.empty() && plan.reject.empty()) return;
  std::string detail =
      absl::StrCat("Apply will send ", plan.receive.size(), " receive(s) and ", plan.reject.size(),
                   " reject(s) to service ", service_id, ", and nothing else.");
  if (!plan.receive.empty()) {
    absl::StrAppend(&detail, " Receive: ", Listing(plan.receive, plan.accepted), ".");
  }
  if (!plan.reject.empty()) {
    absl::StrAppend(&detail, " Reject: ", Listing(plan.reject, plan.rejected), ".");
  }
  diags.AddWarning("Connection policy review", detail, {PathStep::Attr("accepted")});
}

}  // namespace

ConnectionPolicy::ConnectionPolicy(VpcepProvider& provider)
    : provider_(provider), schema_(PolicySchema()), type_(core::ImpliedType(schema_.block)) {}

std::shared_ptr<const cloud::VpcepClient> ConnectionPolicy::Client(Diagnostics& diags) const {
  absl::StatusOr<std::shared_ptr<const cloud::VpcepClient>> client = provider_.Client();
  if (!client.ok()) {
    diags.AddStatus("Provider not configured", client.status());
    return nullptr;
  }
  return *std::move(client);
}

void ConnectionPolicy::ValidateConfig(const Value& config, Diagnostics& diags) const {
  PolicyModel m = PolicyModel::FromValue(config);
  if (m.service_id.has_value() && !ValidId(m.service_id.value())) {
    diags.AddError("Invalid service_id", InvalidIdText(m.service_id.value()),
                   {PathStep::Attr("service_id")});
  }
  if (m.domain_ids.has_value()) {
    for (const std::string& d : m.domain_ids.value()) {
      if (!ValidId(d)) {
        diags.AddError("Invalid domain_ids", InvalidIdText(d), {PathStep::Attr("domain_ids")});
      }
    }
  }
  if (m.timeouts.has_value()) {
    ValidateTimeout(m.timeouts.value().create, "create", diags);
    ValidateTimeout(m.timeouts.value().del, "delete", diags);
  }
}

void ConnectionPolicy::ModifyPlan(const core::PlanRequest& req, core::PlanResponse& resp) {
  if (req.proposed_new_state.is_null()) return;  // destroy
  // A replacement: planned again as a create next.
  if (!req.prior_state.is_null() && !resp.requires_replace.empty()) return;
  PolicyModel planned = PolicyModel::FromValue(resp.planned_state);
  const PolicyModel prior = PolicyModel::FromValue(req.prior_state);
  resp.planned_private = EncodeActions(PolicyActions{});
  absl::StatusOr<std::shared_ptr<const cloud::VpcepClient>> client = provider_.Client();
  if (!planned.service_id.has_value() || !planned.domain_ids.has_value() || !client.ok()) {
    // Not reviewable before apply: the apply sends nothing and only adopts.
    planned.id = planned.service_id;
    planned.accepted = Field<OwnerMap>::Unknown();
    planned.rejected = Field<OwnerMap>::Unknown();
    resp.planned_state = planned.ToValue(type_);
    resp.diags.AddWarning(
        "Connection policy not reviewed",
        "The service id, domain_ids or the provider configuration is not known until apply, so "
        "this plan cannot list the calls. The apply sends none: it only adopts accepted "
        "connections of admitted accounts. Plan again afterwards to review the rest.",
        {PathStep::Attr("domain_ids")});
    return;
  }
  const std::string& service_id = planned.service_id.value();
  // The refresh's reading when there is one: the plan at apply must come to
  // the same result as the plan the user reviewed.
  std::optional<std::vector<cloud::Connection>> refreshed = DecodeSnapshot(req.prior_private);
  absl::StatusOr<std::vector<cloud::Connection>> service =
      refreshed.has_value() ? *std::move(refreshed)
                            : ReadService(**client, service_id, absl::Now() + kPolicyPlanTimeout);
  if (!service.ok()) {
    // Without the service there is nothing to review: a plan with unknowns
    // here would let the apply decide on its own.
    resp.diags.AddStatus(absl::StrCat("Cannot review the connections of service ", service_id),
                         service.status(), {PathStep::Attr("service_id")});
    return;
  }
  PolicyPlan plan = PlanPolicy(*service, planned.Rule(), prior.Rejected());
  Summarize(plan, service_id, resp.diags);
  planned.id = service_id;
  planned.accepted = plan.accepted;
  planned.rejected = plan.rejected;
  resp.planned_state = planned.ToValue(type_);
  resp.planned_private = EncodeActions(PolicyActions{true, plan.receive, plan.reject});
}

void ConnectionPolicy::Read(const core::ReadRequest& req, core::ReadResponse& resp) {
  if (req.current_state.is_null()) return;
  std::shared_ptr<const cloud::VpcepClient> client = Client(resp.diags);
  if (client == nullptr) return;
  PolicyModel state = PolicyModel::FromValue(req.current_state);
  const std::string& service_id = state.service_id.value();
  absl::StatusOr<std::vector<cloud::Connection>> service =
      ReadService(*client, service_id, absl::Now() + kPolicyPlanTimeout);
  if (!service.ok()) {
    if (cloud::IsServiceGone(service.status())) {
      core::LogInfo("service gone; removing the policy from state", {{"service_id", service_id}});
      resp.new_state = Value::Null(type_);
      return;
    }
    resp.diags.AddStatus(absl::StrCat("Cannot read the connections of service ", service_id),
                         service.status(), {PathStep::Attr("service_id")});
    return;
  }
  // What still holds: the same account's endpoint, still accepted (or on
  // its way) or still rejected.
  std::map<std::string, const cloud::Connection*> index;
  for (const cloud::Connection& c : *service) index[c.id] = &c;
  auto still = [&index](const OwnerMap& held, bool accepted) {
    OwnerMap out;
    for (const auto& [endpoint, owner] : held) {
      auto it = index.find(endpoint);
      if (it == index.end() || it->second->domain_id != owner) continue;
      const std::string& status = it->second->status;
      bool holds = accepted ? status == api::kAccepted || status == api::kCreating
                            : status == api::kRejected;
      if (holds) out[endpoint] = owner;
    }
    return out;
  };
  resp.private_data = EncodeSnapshot(*service);
  state.id = service_id;
  state.accepted = still(state.Accepted(), true);
  state.rejected = still(state.Rejected(), false);
  resp.new_state = state.ToValue(type_);
}

void ConnectionPolicy::Apply(const Value& planned_state, const std::string& planned_private,
                             Value& new_state, Diagnostics& diags) {
  std::shared_ptr<const cloud::VpcepClient> client = Client(diags);
  if (client == nullptr) return;
  const PolicyModel planned = PolicyModel::FromValue(planned_state);
  const absl::Duration timeout = planned.CreateTimeout().value_or(kDefaultTimeout);
  Enforcing e{*client, planned, planned.service_id.value(), timeout, absl::Now() + timeout};
  PolicyModel result = Enforce(e, DecodeActions(planned_private), diags);
  new_state = result.ToValue(type_);
}

void ConnectionPolicy::Create(const core::CreateRequest& req, core::CreateResponse& resp) {
  Apply(req.planned_state, req.planned_private, resp.new_state, resp.diags);
  resp.private_data.clear();  // the plan's calls are done
}

void ConnectionPolicy::Update(const core::UpdateRequest& req, core::UpdateResponse& resp) {
  Apply(req.planned_state, req.planned_private, resp.new_state, resp.diags);
  resp.private_data.clear();
}

void ConnectionPolicy::Delete(const core::DeleteRequest& req, core::DeleteResponse& resp) {
  const PolicyModel prior = PolicyModel::FromValue(req.prior_state);
  if (!prior.RejectsOnDelete() || prior.Accepted().empty()) return;
  std::shared_ptr<const cloud::VpcepClient> client = Client(resp.diags);
  if (client == nullptr) return;
  const absl::Duration timeout = prior.DeleteTimeout().value_or(kDefaultTimeout);
  Enforcing e{*client, prior, prior.service_id.value(), timeout, absl::Now() + timeout};
  RejectHeld(e, prior.Accepted(), resp.diags);
}

void ConnectionPolicy::Import(const core::ImportRequest& req, core::ImportResponse& resp) {
  if (!ValidId(req.id)) {
    resp.diags.AddError("Invalid import id",
                        absl::StrCat("Expected a service id: ", InvalidIdText(req.id)));
    return;
  }
  PolicyModel imported;
  imported.service_id = req.id;
  imported.id = req.id;
  imported.accepted = OwnerMap();
  imported.rejected = OwnerMap();
  resp.state = imported.ToValue(type_);
}

}  // namespace vpcep::resources
