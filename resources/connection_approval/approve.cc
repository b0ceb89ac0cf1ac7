#include "resources/connection_approval/approve.h"

#include <optional>
#include <vector>

#include "absl/strings/str_join.h"
#include "provider/cloud/api_error.h"
#include "provider/cloud/api_vocabulary.h"
#include "provider/cloud/watcher.h"
#include "provider/core/log.h"
#include "resources/api_diagnostics.h"
#include "resources/connection_approval/action_outcome.h"
#include "resources/connection_approval/connection_approval.h"

namespace vpcep::resources {
namespace {

using core::Diagnostics;
using core::Field;
using core::PathStep;

// What differs between the facts planned for a new approval (known values
// only) and the connection as it is now; "" when nothing does.
std::string ChangedSincePlan(const ApprovalModel& planned, const cloud::Connection& c) {
  std::vector<std::string> changes;
  auto check = [&](const char* attr, bool differs, const std::string& was, const std::string& now) {
    if (differs) changes.push_back(absl::StrCat(attr, " was \"", was, "\", now \"", now, "\""));
  };
  const Field<std::string>& domain = planned.domain_id;
  check("domain_id", domain.has_value() && domain.value() != c.domain_id, domain.value(),
        c.domain_id);
  const Field<int64_t>& marker = planned.marker_id;
  check("marker_id", marker.has_value() && marker.value() != c.marker_id,
        std::to_string(marker.value()), std::to_string(c.marker_id));
  const Field<std::string>& created = planned.created_at;
  check("created_at", created.has_value() && created.value() != c.created_at, created.value(),
        c.created_at);
  return absl::StrJoin(changes, "; ");
}

bool Interrupted(const cloud::VpcepClient& client) {
  return client.stop() != nullptr && client.stop()->stopped();
}

// Terraform was interrupted (Ctrl-C) after the receive went out. An error
// here would taint the approval, and the next apply would replace it: reject,
// then receive again. So it is recorded as planned, with a warning that says
// what is known; the next refresh reads its real status, and the next apply
// waits for a `creating` connection or, if the receive never landed, plans
// the approval again.
void RecordInterrupted(const Approving& a, const cloud::Connection& last, const std::string& known,
                       core::CreateResponse& resp) {
  ApprovalModel state = a.planned.WithConnection(a.service_id, last);
  state.status = a.planned.status.is_unknown() ? Field<std::string>(std::string(api::kAccepted))
                                               : a.planned.status;
  if (a.planned.description.has_value()) state.description = a.planned.description;
  resp.new_state = state.ToValue(a.type);
  resp.diags.AddWarning(
      absl::StrCat("Approval of ", a.service_id, "/", last.id, " interrupted"),
      absl::StrCat(known,
                   " It is recorded in state as planned, so that it is neither lost nor "
                   "sent again: the next plan reads its real status, and the next apply waits "
                   "for it to be accepted (or approves it again if the receive did not land)."),
      {PathStep::Attr("status")});
}

// The look before the receive: the connection as it is now, or nullopt with
// an error when it must not be approved.
std::optional<cloud::Connection> LookBeforeReceive(const Approving& a, Diagnostics& diags) {
  absl::StatusOr<std::optional<cloud::Connection>> current =
      a.client.watcher().Find(a.service_id, a.endpoint_id,
                              cloud::Freshness::ForNewApproval(kReadListingMaxAge), a.deadline);
  if (!current.ok()) {
    AddApiStatus(diags, absl::StrCat("Cannot approve ", a.what()), current.status());
    return std::nullopt;
  }
  if (!current->has_value()) {
    diags.AddError(
        absl::StrCat("Cannot approve ", a.what()),
        absl::StrCat("Endpoint ", a.endpoint_id, " has no connection to service ", a.service_id,
                     ". Check both ids; the endpoint must request the connection first."),
        {PathStep::Attr("endpoint_id")});
    return std::nullopt;
  }
  if (std::string changed = ChangedSincePlan(a.planned, **current); !changed.empty()) {
    // Terraform holds the provider to the planned values; and what the
    // reviewer approved is no longer what would be let in.
    diags.AddError(
        absl::StrCat("Connection of endpoint ", a.endpoint_id, " changed since the plan"),
        absl::StrCat(changed, ". Nothing was sent; plan again to review the new connection."),
        {PathStep::Attr("domain_id")});
    return std::nullopt;
  }
  if ((*current)->status == api::kFailed) {
    diags.AddError(absl::StrCat("Cannot approve ", a.what()),
                   absl::StrCat("The connection of endpoint ", a.endpoint_id,
                                " has failed: ", cloud::FailureDetails(**current)),
                   {PathStep::Attr("endpoint_id")});
    return std::nullopt;
  }
  return **current;
}

// The receive failed with `failure`: whether the approval goes on to wait
// (it landed after all); otherwise `resp` says what is known.
bool ReceiveFailed(const Approving& a, const cloud::Connection& current,
                   const ActionOutcome& outcome, const absl::Status& failure,
                   core::CreateResponse& resp) {
  if (cloud::IsGone(failure)) {
    // Deleted since the look before it (endpoints come and go on a busy
    // service): nothing was accepted.
    resp.diags.AddError(absl::StrCat("Cannot approve ", a.what()),
                        absl::StrCat("Endpoint ", a.endpoint_id, " has no connection to service ",
                                     a.service_id, " any more: ", failure.message()),
                        {PathStep::Attr("endpoint_id")});
    return false;
  }
  if (cloud::IsAlreadyAccepted(failure)) return true;
  std::optional<bool> landed = outcome.LandedDespite(failure);
  if (landed == true) return true;
  if (!landed.has_value() && Interrupted(a.client)) {
    RecordInterrupted(a, current,
                      absl::StrCat("The receive was sent but its outcome is not known (",
                                   failure.message(), ")."),
                      resp);
    return false;
  }
  if (!landed.has_value()) {
    // The receive may have taken effect and nothing could confirm either
    // way: keep tracking it (the error taints it) rather than risk an
    // accepted connection that state does not know.
    resp.new_state = a.planned.WithConnection(a.service_id, current).ToValue(a.type);
  }
  AddApiStatus(resp.diags, absl::StrCat("Cannot approve ", a.what()), failure);
  return false;
}

// Sends the receive unless the connection is accepted or on its way there
// already. Whether the approval goes on to wait; `request_id` names the
// receive's answer.
bool ReceiveUnlessUnderway(const Approving& a, const cloud::Connection& current,
                           std::string& request_id, core::CreateResponse& resp) {
  if (current.status == api::kAccepted) {
    // Adopted without a POST (the plan warned if the service accepts
    // everything by itself).
    return true;
  }
  if (current.status == api::kCreating) {
    // A receive already went out (an earlier apply that was killed, or
    // another client): wait for it instead of sending a second one.
    core::LogInfo("connection already being accepted; waiting without a new receive",
                  {{"service_id", a.service_id}, {"endpoint_id", a.endpoint_id}});
    return true;
  }
  ActionOutcome outcome(a.client.watcher(), a.service_id, a.endpoint_id, api::kReceive, a.deadline);
  absl::StatusOr<std::vector<cloud::Connection>> acted =
      a.client.Act(a.service_id, api::kReceive, a.endpoint_id, a.deadline,
                   [&outcome] { return outcome.Landed().value_or(false); });
  if (!acted.ok()) return ReceiveFailed(a, current, outcome, acted.status(), resp);
  if (!acted->empty()) request_id = acted->front().request_id;
  return true;
}

// Waits for `accepted`, then sets a planned description the connection does
// not have yet.
void WaitUntilAccepted(const Approving& a, const cloud::Connection& current,
                       const std::string& request_id, core::CreateResponse& resp) {
  std::optional<cloud::Connection> last = current;
  cloud::WaitSpec spec{std::string(api::kAccepted), false, a.deadline, a.timeout, request_id};
  absl::StatusOr<std::optional<cloud::Connection>> done =
      a.client.watcher().Wait(a.service_id, a.endpoint_id, spec, last);
  if (!done.ok() && Interrupted(a.client) && last.has_value() &&
      (last->status == api::kCreating || last->status == api::kPendingAcceptance)) {
    RecordInterrupted(a, *last,
                      last->status == api::kCreating
                          ? "The receive was sent; the connection was last seen `creating`."
                          : "The receive was sent; no listing has shown the connection since.",
                      resp);
    return;
  }
  if (!done.ok()) {
    // The receive went out: keep the approval in state with the last status
    // seen (Terraform marks it tainted), so an acceptance completing later is
    // never left untracked.
    if (last.has_value())
      resp.new_state = a.planned.WithConnection(a.service_id, *last).ToValue(a.type);
    resp.diags.AddStatus(absl::StrCat("Approval of ", a.what(), " did not complete"),
                         done.status());
    return;
  }
  resp.new_state = a.planned.WithConnection(a.service_id, **done).ToValue(a.type);
  const Field<std::string>& description = a.planned.description;
  if (description.has_value() && description.value() != (*done)->description) {
    SetDescription(a.client, a.planned, a.type, resp.new_state, resp.diags);
  }
}

}  // namespace

void Approve(const Approving& a, core::CreateResponse& resp) {
  std::optional<cloud::Connection> current = LookBeforeReceive(a, resp.diags);
  if (!current.has_value()) return;
  std::string receive_request_id;
  if (!ReceiveUnlessUnderway(a, *current, receive_request_id, resp)) return;
  WaitUntilAccepted(a, *current, receive_request_id, resp);
}

void SetDescription(const cloud::VpcepClient& client, const ApprovalModel& planned,
                    const core::Type& type, core::Value& new_state, core::Diagnostics& diags) {
  const std::string& service_id = planned.service_id.value();
  const std::string& endpoint_id = planned.endpoint_id.value();
  absl::StatusOr<std::vector<cloud::Connection>> updated =
      client.UpdateDescription(service_id, endpoint_id, planned.description.value());
  if (!updated.ok()) {
    diags.AddStatus(absl::StrCat("Cannot set the description of ", planned.Name()),
                    updated.status(), {PathStep::Attr("description")});
    return;
  }
  absl::StatusOr<std::optional<cloud::Connection>> found =
      client.watcher().Find(service_id, endpoint_id);
  if (found.ok() && found->has_value()) {
    new_state = planned.WithConnection(service_id, **found).ToValue(type);
  } else if (found.ok()) {
    diags.AddError("Connection vanished after its description was set",
                   absl::StrCat("Endpoint ", endpoint_id,
                                " is no longer connected to "
                                "service ",
                                service_id, "."));
  } else {
    // Written but not read back: state keeps what it had, so the next plan
    // proposes the change again instead of recording an unconfirmed value.
    diags.AddStatus(absl::StrCat("Cannot read back ", planned.Name()), found.status());
  }
}

}  // namespace vpcep::resources
