#include "resources/connection_approval/connection_approval.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "provider/cloud/api_error.h"
#include "provider/cloud/api_vocabulary.h"
#include "provider/cloud/watcher.h"
#include "provider/core/log.h"
#include "provider/core/utf8.h"
#include "resources/api_diagnostics.h"
#include "resources/connection_approval/action_outcome.h"
#include "resources/connection_approval/approve.h"
#include "resources/connection_approval/identity.h"
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

// A plan waits this long for the API before planning unknowns instead.
constexpr absl::Duration kPlanLookupTimeout = absl::Seconds(20);

core::Schema ApprovalSchema() {
  core::Schema s;
  s.block.description =
      "Approves one connection from a VPC endpoint to a VPC endpoint service. Destroying it "
      "rejects the connection (unless `reject_on_delete` is false).";
  Attribute service =
      core::RequiredAttribute("service_id", Type::String(),
                              "ID of the VPC endpoint service. Changing it forces a new "
                              "approval.");
  service.force_new = true;
  Attribute endpoint =
      core::RequiredAttribute("endpoint_id", Type::String(),
                              "ID of the VPC endpoint whose connection is approved. "
                              "Changing it forces a new approval.");
  endpoint.force_new = true;
  s.block.attributes = {
      service,
      endpoint,
      core::OptionalComputedAttribute(
          "description", Type::String(),
          absl::StrCat("Description of the connection (up to ", api::kMaxDescriptionLength,
                       " characters, no `<` or `>`), set in place without replacing the "
                       "approval. When unset, the connection's current description is shown "
                       "and left as it is: removing the argument keeps the last description "
                       "(set it to `\"\"` to clear it).")),
      core::OptionalAttribute(
          "reject_on_delete", Type::Bool(),
          "Whether destroying this resource rejects the connection (default true). Set false "
          "to stop managing an approval while leaving the connection accepted."),
      core::ComputedAttribute("id", Type::String(),
                              "`<service_id>/<endpoint_id>`, also the "
                              "import id."),
      core::ComputedAttribute(
          "status", Type::String(),
          "Connection status as last seen: `accepted` once approved; `creating` when the wait "
          "ended early (the next apply finishes it); `rejected`, `pendingAcceptance` or "
          "`failed` when it changed outside Terraform (the next apply approves it again in "
          "place); `deleted` when the endpoint no longer exists. Unknown at plan for a new "
          "approval."),
      core::ComputedAttribute("marker_id", Type::Number(), "Packet id of the VPC endpoint."),
      core::OptionalComputedAttribute(
          "domain_id", Type::String(),
          "Account (domain) id of the endpoint's owner. Known at plan time when the connection "
          "exists. When set, plan and apply fail unless the endpoint belongs to this account "
          "(an owner guard: changing it never replaces the approval)."),
      core::ComputedAttribute("created_at", Type::String(),
                              "When the connection was created "
                              "(UTC)."),
      core::ComputedAttribute("updated_at", Type::String(),
                              "When the connection last changed "
                              "(UTC)."),
  };
  core::NestedBlock timeouts;
  timeouts.type_name = "timeouts";
  timeouts.nesting = core::NestedBlock::Nesting::kSingle;
  timeouts.block.description = "How long to wait for the API to confirm a change.";
  timeouts.block.attributes = {
      core::OptionalAttribute("create", Type::String(),
                              "Go duration such as `30s`, `10m`, `1h30m` bounding the wait for "
                              "`accepted` (default 10m)."),
      core::OptionalAttribute("update", Type::String(),
                              "Go duration bounding the wait for `accepted` when an update "
                              "approves the connection again (default 10m)."),
      core::OptionalAttribute("delete", Type::String(),
                              "Go duration bounding the wait for `rejected` (default 10m)."),
  };
  s.block.blocks.push_back(timeouts);
  return s;
}

// The API counts characters, not bytes; text that is not UTF-8 could not
// even be encoded as the JSON request.
void ValidateDescription(const Field<std::string>& description, Diagnostics& diags) {
  if (!description.has_value()) return;
  const std::string& text = description.value();
  std::string problem;
  if (!core::ValidUtf8(text)) {
    problem = "The description is not valid UTF-8 text.";
  } else if (size_t n = core::CountCodePoints(text); n > api::kMaxDescriptionLength) {
    problem = absl::StrCat("A description has at most ", api::kMaxDescriptionLength,
                           " characters; this one has ", n, ".");
  } else if (absl::string_view(text).find_first_of(api::kDescriptionForbiddenChars) !=
             absl::string_view::npos) {
    problem = "A description may not contain '<' or '>'.";
  }
  if (!problem.empty()) {
    diags.AddError("Invalid description", problem, {PathStep::Attr("description")});
  }
}

void ValidateTimeouts(const Field<ApprovalTimeouts>& timeouts, Diagnostics& diags) {
  if (!timeouts.has_value()) return;
  ValidateTimeout(timeouts.value().create, "create", diags);
  ValidateTimeout(timeouts.value().update, "update", diags);
  ValidateTimeout(timeouts.value().del, "delete", diags);
}

std::string OwnerMismatch(const std::string& endpoint_id, const std::string& actual,
                          const std::string& expected) {
  return absl::StrCat("Endpoint ", endpoint_id, " belongs to account ", actual, ", not ", expected,
                      ". Check the endpoint id, or update domain_id if the new owner "
                      "is trusted.");
}

// The endpoint has no connection to the service: say which id is wrong when
// the service itself is missing (or hidden from these credentials).
void AddMissingConnectionError(const cloud::ServiceWatcher& watcher, const std::string& service_id,
                               const std::string& endpoint_id, absl::Time deadline,
                               Diagnostics& diags) {
  absl::StatusOr<cloud::Service> service = watcher.ServiceDetails(service_id, deadline);
  if (!service.ok() && !cloud::IsRetryable(service.status())) {
    AddApiStatus(diags,
                 absl::StrCat("Service ", service_id,
                              " does not exist or is not visible to these credentials"),
                 service.status(), {PathStep::Attr("service_id")});
    return;
  }
  diags.AddError(
      absl::StrCat("No connection of endpoint ", endpoint_id),
      absl::StrCat("Endpoint ", endpoint_id, " has no connection to service ", service_id,
                   ". Check both ids; the endpoint must request the connection first."),
      {PathStep::Attr("endpoint_id")});
}

// What an approval whose endpoint was deleted does to plans and applies.
std::string VanishedText(const std::string& service_id, const std::string& endpoint_id) {
  return absl::StrCat(
      "The connection of endpoint ", endpoint_id, " to service ", service_id,
      " no longer exists (the endpoint was deleted). Plans show it with this warning, not an "
      "error, so the rest of the configuration plans and applies and destroy works; its own "
      "apply fails, and destroying it sends nothing. Remove it from the configuration to stop "
      "managing it.");
}

// The connection a new approval's plan shows; nullopt, with an error (or,
// for an endpoint this process's refresh found gone, a warning) in `diags`,
// when there is none to show. A lookup that fails is an error at plan, and
// the same during apply, where Terraform plans again: values the plan showed
// must not turn unknown then, and the user must read what failed.
std::optional<cloud::Connection> LookUpForPlan(const cloud::ServiceWatcher& watcher,
                                               const std::string& service_id,
                                               const std::string& endpoint_id, bool vanished,
                                               absl::Time deadline, Diagnostics& diags) {
  absl::StatusOr<std::optional<cloud::Connection>> found = watcher.Find(
      service_id, endpoint_id, cloud::Freshness::ForNewApproval(kReadListingMaxAge), deadline);
  if (!found.ok()) {
    if (cloud::IsBadSetting(found.status())) {
      AddApiStatus(diags, absl::StrCat("Cannot look up ", service_id, "/", endpoint_id),
                   found.status());
      return std::nullopt;
    }
    diags.AddError(absl::StrCat("Cannot look up ", service_id, "/", endpoint_id),
                   absl::StrCat(found.status().message(),
                                ". Nothing was sent. Plan (or apply) again once the API answers."));
    return std::nullopt;
  }
  if (!found->has_value() && vanished) {
    diags.AddWarning(absl::StrCat("Endpoint ", endpoint_id, " is gone"),
                     VanishedText(service_id, endpoint_id), {PathStep::Attr("endpoint_id")});
    return std::nullopt;
  }
  if (!found->has_value()) {
    AddMissingConnectionError(watcher, service_id, endpoint_id, deadline, diags);
    return std::nullopt;
  }
  return **found;
}

// Approving a rejected connection lets its consumer in again.
void WarnRejected(const std::string& endpoint_id, const std::string& updated_at,
                  Diagnostics& diags) {
  diags.AddWarning(
      absl::StrCat("Connection of endpoint ", endpoint_id, " was rejected"),
      absl::StrCat("The connection was rejected at ", updated_at, "; approving re-admits it."),
      {PathStep::Attr("status")});
}

// A failed connection cannot be approved: say so at plan, without stopping
// the rest of the configuration.
void WarnFailed(const std::string& endpoint_id, const std::string& details, Diagnostics& diags) {
  diags.AddWarning(absl::StrCat("Connection of endpoint ", endpoint_id, " has failed"),
                   absl::StrCat("Its status is `failed`, so the apply of this approval will "
                                "fail (the API does not approve a failed connection); the rest "
                                "of the configuration applies. ",
                                details, details.empty() ? "" : " ",
                                "Leave it out of the configuration (filter `failed` out of "
                                "data-source results) until the endpoint is recreated."),
                   {PathStep::Attr("endpoint_id")});
}

// What a reviewer should know before approving `c`: it failed or was
// rejected, or its service accepts connections by itself.
void WarnBeforeApproving(const cloud::ServiceWatcher& watcher, const std::string& service_id,
                         const cloud::Connection& c, absl::Time deadline, Diagnostics& diags) {
  if (c.status == api::kFailed) WarnFailed(c.id, cloud::FailureDetails(c), diags);
  if (c.status == api::kRejected) WarnRejected(c.id, c.updated_at, diags);
  absl::StatusOr<cloud::Service> details = watcher.ServiceDetails(service_id, deadline);
  if (details.ok() && !details->approval_enabled) {
    diags.AddWarning("Service does not require approval",
                     absl::StrCat("Service ", service_id,
                                  " has approval disabled, so connections are "
                                  "accepted automatically. This approval records the connection; "
                                  "destroying it still rejects the connection."),
                     {PathStep::Attr("service_id")});
  }
}

// An approval in state: the owner guard, and what apply changes in place.
void PlanUpdate(const ApprovalModel& config, const ApprovalModel& prior,
                const ApprovalModel& proposed, ApprovalModel& planned, Diagnostics& diags) {
  if (config.domain_id.has_value() && prior.domain_id.has_value() &&
      config.domain_id.value() != prior.domain_id.value()) {
    diags.AddError(
        "Endpoint owned by another account",
        OwnerMismatch(prior.endpoint_id.value(), prior.domain_id.value(), config.domain_id.value()),
        {PathStep::Attr("domain_id")});
    return;
  }
  if (!prior.Accepted()) {
    // Not (yet) accepted: a wait that ended early (`creating`), or a change
    // made outside Terraform (rejected, pending again). Apply approves it in
    // place: it waits for a receive under way, or sends one.
    planned.status = std::string(api::kAccepted);
    planned.updated_at = Field<std::string>::Unknown();
    const std::string status = prior.status.value_or("");
    if (status == kDeletedStatus) {
      diags.AddWarning(absl::StrCat("Endpoint ", prior.endpoint_id.value(), " is gone"),
                       VanishedText(prior.service_id.value(), prior.endpoint_id.value()),
                       {PathStep::Attr("endpoint_id")});
    } else if (status == api::kRejected) {
      WarnRejected(prior.endpoint_id.value(), prior.updated_at.value_or("an unknown time"), diags);
    } else if (status == api::kFailed) {
      WarnFailed(prior.endpoint_id.value(), "", diags);
    }
  }
  if (proposed.description != prior.description) {
    planned.updated_at = Field<std::string>::Unknown();
  }
}

// Import takes only a connection that Read would keep; a wrong id is named
// here rather than reported by Terraform as a missing object. A lookup that
// fails for a transient reason does not stop the import. False with an error
// when the connection cannot be imported.
bool CheckImportable(const cloud::ServiceWatcher& watcher, const std::string& import_id,
                     const std::string& service_id, const std::string& endpoint_id,
                     Diagnostics& diags) {
  const absl::Time deadline = absl::Now() + kPlanLookupTimeout;
  absl::StatusOr<std::optional<cloud::Connection>> found =
      watcher.Find(service_id, endpoint_id, {}, deadline);
  if (found.ok() && !found->has_value()) {
    AddMissingConnectionError(watcher, service_id, endpoint_id, deadline, diags);
    return false;
  }
  // Read would drop such a connection, and Terraform would then call it
  // non-existent: say what it is instead.
  if (found.ok() && (*found)->status != api::kAccepted && (*found)->status != api::kCreating) {
    diags.AddError(
        absl::StrCat("Cannot import ", import_id),
        absl::StrCat("The connection of endpoint ", endpoint_id, " to service ", service_id, " is ",
                     (*found)->status,
                     ", not accepted; only an accepted connection can "
                     "be imported. To approve it, leave it out of the import: the plan then "
                     "shows it as a new approval."));
    return false;
  }
  if (!found.ok() && !cloud::IsRetryable(found.status())) {
    diags.AddStatus(absl::StrCat("Cannot import ", import_id), found.status());
    return false;
  }
  return true;
}

}  // namespace

ConnectionApproval::ConnectionApproval(VpcepProvider& provider)
    : provider_(provider), schema_(ApprovalSchema()), type_(core::ImpliedType(schema_.block)) {}

void ConnectionApproval::RememberGone(const std::string& service_id,
                                      const std::string& endpoint_id) {
  std::lock_guard<std::mutex> lock(gone_mu_);
  gone_.insert(absl::StrCat(service_id, "/", endpoint_id));
}

bool ConnectionApproval::WasFoundGone(const std::string& service_id,
                                      const std::string& endpoint_id) const {
  std::lock_guard<std::mutex> lock(gone_mu_);
  return gone_.count(absl::StrCat(service_id, "/", endpoint_id)) > 0;
}

std::shared_ptr<const cloud::VpcepClient> ConnectionApproval::Client(
    core::Diagnostics& diags) const {
  absl::StatusOr<std::shared_ptr<const cloud::VpcepClient>> client = provider_.Client();
  if (!client.ok()) {
    diags.AddStatus("Provider not configured", client.status());
    return nullptr;
  }
  return *std::move(client);
}

void ConnectionApproval::ValidateConfig(const Value& config, Diagnostics& diags) const {
  ApprovalModel m = ApprovalModel::FromValue(config);
  ValidateId(m.service_id, "service_id", diags);
  ValidateId(m.endpoint_id, "endpoint_id", diags);
  ValidateTimeouts(m.timeouts, diags);
  ValidateDescription(m.description, diags);
}

void ConnectionApproval::ModifyPlan(const core::PlanRequest& req, core::PlanResponse& resp) {
  if (req.proposed_new_state.is_null()) {  // destroy
    WarnIfDestroyRejects(ApprovalModel::FromValue(req.prior_state), resp.diags);
    return;
  }
  // A replacement: planned again as a create next.
  if (!req.prior_state.is_null() && !resp.requires_replace.empty()) return;
  ApprovalModel config = ApprovalModel::FromValue(req.config);
  ApprovalModel planned = ApprovalModel::FromValue(resp.planned_state);
  if (req.prior_state.is_null()) {
    PlanCreate(config, planned, resp.diags);
  } else {
    PlanUpdate(config, ApprovalModel::FromValue(req.prior_state),
               ApprovalModel::FromValue(req.proposed_new_state), planned, resp.diags);
  }
  resp.planned_state = planned.ToValue(type_);
}

// A new approval: look the connection up so the plan shows whose endpoint is
// let in, and a mistyped id fails now rather than at apply.
void ConnectionApproval::PlanCreate(const ApprovalModel& config, ApprovalModel& planned,
                                    Diagnostics& diags) {
  if (!config.service_id.has_value() || !config.endpoint_id.has_value()) return;
  absl::StatusOr<std::shared_ptr<const cloud::VpcepClient>> client = provider_.Client();
  if (!client.ok()) return;  // configured with values unknown until apply
  const std::string& service_id = config.service_id.value();
  const std::string& endpoint_id = config.endpoint_id.value();
  const cloud::ServiceWatcher& watcher = (*client)->watcher();
  const absl::Time deadline = absl::Now() + kPlanLookupTimeout;
  const bool vanished = WasFoundGone(service_id, endpoint_id);
  std::optional<cloud::Connection> found =
      LookUpForPlan(watcher, service_id, endpoint_id, vanished, deadline, diags);
  if (!found.has_value()) return;
  if (config.domain_id.has_value() && config.domain_id.value() != found->domain_id) {
    diags.AddError("Endpoint owned by another account",
                   OwnerMismatch(endpoint_id, found->domain_id, config.domain_id.value()),
                   {PathStep::Attr("domain_id")});
    return;
  }
  WarnBeforeApproving(watcher, service_id, *found, deadline, diags);
  // Facts that cannot change for this connection, and what apply produces.
  planned.id = absl::StrCat(service_id, "/", endpoint_id);
  planned.domain_id = found->domain_id;
  planned.marker_id = found->marker_id;
  planned.created_at = found->created_at;
  // `status` stays unknown: a wait that ends early records what it saw.
}

void ConnectionApproval::Read(const core::ReadRequest& req, core::ReadResponse& resp) {
  if (req.current_state.is_null()) return;
  std::shared_ptr<const cloud::VpcepClient> client = Client(resp.diags);
  if (client == nullptr) return;
  ApprovalModel state = ApprovalModel::FromValue(req.current_state);
  const std::string& service_id = state.service_id.value();
  const std::string& endpoint_id = state.endpoint_id.value();
  absl::StatusOr<std::optional<cloud::Connection>> found = client->watcher().Find(
      service_id, endpoint_id, cloud::Freshness::ForRead(kReadListingMaxAge));
  if (!found.ok()) {
    AddApiStatus(resp.diags, absl::StrCat("Cannot read approval ", state.Name()), found.status());
    return;
  }
  if (!found->has_value()) {
    // The approval stays in state, marked: dropped, it would come back as a
    // new approval whose endpoint no plan could tell from a mistyped one
    // once this refresh is saved, and every plan would fail. The plan that
    // follows in this process also knows (see PlanCreate, for a replacement).
    RememberGone(service_id, endpoint_id);
    resp.diags.AddWarning(
        absl::StrCat("Endpoint ", endpoint_id, " is gone"),
        absl::StrCat(VanishedText(service_id, endpoint_id),
                     " State keeps the approval with status `", kDeletedStatus, "`."),
        {PathStep::Attr("status")});
    state.status = std::string(kDeletedStatus);
    resp.new_state = state.ToValue(type_);
    return;
  }
  // Any other status stays in state as it is: a reject made elsewhere is a
  // change the plan shows (and undoes in place), not a deletion.
  if ((*found)->status != api::kAccepted) {
    core::LogInfo(
        "approval not in effect",
        {{"service_id", service_id}, {"endpoint_id", endpoint_id}, {"status", (*found)->status}});
  }
  resp.new_state = state.WithConnection(service_id, **found).ToValue(type_);
}

void ConnectionApproval::Create(const core::CreateRequest& req, core::CreateResponse& resp) {
  std::shared_ptr<const cloud::VpcepClient> client = Client(resp.diags);
  if (client == nullptr) return;
  const ApprovalModel planned = ApprovalModel::FromValue(req.planned_state);
  const absl::Duration timeout = planned.CreateTimeout().value_or(kDefaultTimeout);
  Approve({*client, planned, type_, planned.service_id.value(), planned.endpoint_id.value(),
           timeout, absl::Now() + timeout, /*create=*/true},
          resp.new_state, resp.diags);
}

// In place: approving a connection that state shows not accepted (a wait
// that ended early, a reject made elsewhere), and the description;
// timeouts and reject_on_delete live in state only.
void ConnectionApproval::Update(const core::UpdateRequest& req, core::UpdateResponse& resp) {
  std::shared_ptr<const cloud::VpcepClient> client = Client(resp.diags);
  if (client == nullptr) return;
  const ApprovalModel prior = ApprovalModel::FromValue(req.prior_state);
  const ApprovalModel planned = ApprovalModel::FromValue(req.planned_state);
  if (!prior.Accepted() && planned.Accepted()) {
    // Until something is confirmed, state keeps what it had: an update that
    // fails is not tainted, and the next apply tries again.
    resp.new_state = prior.ToValue(type_);
    const absl::Duration timeout = planned.UpdateTimeout().value_or(kDefaultTimeout);
    Approve({*client, planned, type_, planned.service_id.value(), planned.endpoint_id.value(),
             timeout, absl::Now() + timeout, /*create=*/false},
            resp.new_state, resp.diags);
    return;
  }
  const ApprovalModel& current = prior;
  if (planned.description == current.description) return;
  resp.new_state = current.ToValue(type_);
  SetDescription(*client, planned, type_, resp.new_state, resp.diags);
}

void ConnectionApproval::Delete(const core::DeleteRequest& req, core::DeleteResponse& resp) {
  std::shared_ptr<const cloud::VpcepClient> client = Client(resp.diags);
  if (client == nullptr) return;
  const ApprovalModel prior = ApprovalModel::FromValue(req.prior_state);
  const std::string& service_id = prior.service_id.value();
  const std::string& endpoint_id = prior.endpoint_id.value();
  if (!prior.RejectsOnDelete()) {
    core::LogInfo("reject_on_delete is false: leaving the connection as it is",
                  {{"service_id", service_id}, {"endpoint_id", endpoint_id}});
    return;
  }
  if (!prior.DestroySendsReject()) {
    // Not admitted, and not admittable: a reject would change nothing (or be
    // refused, for a failed connection, or find nothing, for a deleted one).
    core::LogInfo("connection not accepted: nothing to reject", {{"service_id", service_id},
                                                                 {"endpoint_id", endpoint_id},
                                                                 {"status", prior.status.value()}});
    return;
  }
  absl::Duration timeout = prior.DeleteTimeout().value_or(kDefaultTimeout);
  absl::Time deadline = absl::Now() + timeout;
  absl::StatusOr<std::vector<cloud::Connection>> acted =
      client->Act(service_id, api::kReject, endpoint_id, deadline);
  if (!acted.ok()) {
    if (cloud::IsGone(acted.status())) {
      return;  // already gone: nothing to reject
    }
    ActionOutcome outcome(client->watcher(), service_id, endpoint_id, api::kReject, deadline);
    if (outcome.LandedDespite(acted.status()) != true) {
      resp.diags.AddStatus(absl::StrCat("Cannot reject ", prior.Name()), acted.status());
      return;
    }
  }
  std::optional<cloud::Connection> last;
  cloud::WaitSpec spec{std::string(api::kRejected), true, deadline, timeout, ""};
  absl::StatusOr<std::optional<cloud::Connection>> done =
      client->watcher().Wait(service_id, endpoint_id, spec, last);
  if (!done.ok()) {
    resp.diags.AddStatus(absl::StrCat("Rejection of ", prior.Name(), " did not complete"),
                         done.status());
  }
}

void ConnectionApproval::Import(const core::ImportRequest& req, core::ImportResponse& resp) {
  const std::string import_id = req.id.empty() ? ImportIdFromIdentity(req.identity) : req.id;
  std::vector<std::string> parts = absl::StrSplit(import_id, '/');
  if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) {
    resp.diags.AddError(
        "Invalid import id",
        absl::StrCat("Expected \"<service_id>/<endpoint_id>\", got \"", import_id, "\"."));
    return;
  }
  ApprovalModel imported;
  imported.service_id = parts[0];
  imported.endpoint_id = parts[1];
  imported.id = import_id;
  ValidateId(imported.service_id, "service_id", resp.diags);
  ValidateId(imported.endpoint_id, "endpoint_id", resp.diags);
  if (resp.diags.HasError()) return;
  absl::StatusOr<std::shared_ptr<const cloud::VpcepClient>> client = provider_.Client();
  if (client.ok() &&
      !CheckImportable((*client)->watcher(), import_id, parts[0], parts[1], resp.diags)) {
    return;
  }
  resp.state = imported.ToValue(type_);
}

}  // namespace vpcep::resources
