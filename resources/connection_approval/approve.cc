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

// The approval did not finish, but the receive may have gone out (or none
// was needed): state records the connection as last seen, so that it is
// neither lost nor sent again. A Create reports it as a warning: an error
// would taint the approval, and the next apply would replace it, rejecting a
// connection that is accepted or on its way there. `what` says what is known.
void RecordUnfinished(const Approving& a, const cloud::Connection& last, const std::string& what,
                      core::Value& new_state, Diagnostics& diags) {
  ApprovalModel state = a.planned.WithConnection(a.service_id, last);
  // Terraform holds a Create to the values it planned; the next plan shows
  // the real description again and sets it.
  if (a.create && a.planned.description.has_value()) state.description = a.planned.description;
  new_state = state.ToValue(a.type);
  std::string summary = absl::StrCat("Approval of ", a.service_id, "/", last.id, " not confirmed");
  std::string detail = absl::StrCat(
      what, " State records the status last seen, `", last.status,
      "`, and the approval is not tainted: the next plan shows it as an update to `accepted`, "
      "and the next apply waits for it without sending the receive again (it sends one only if "
      "the connection is still not approved). Nothing is rejected.");
  if (a.create) {
    diags.AddWarning(std::move(summary), std::move(detail), {PathStep::Attr("status")});
  } else {
    diags.AddError(std::move(summary), std::move(detail), {PathStep::Attr("status")});
  }
}

// The look before the receive: the connection as it is now, or nullopt with
// an error when it must not be approved.
std::optional<cloud::Connection> LookBeforeReceive(const Approving& a, Diagnostics& diags) {
  absl::StatusOr<std::optional<cloud::Connection>> current =
      a.client.watcher().Find(a.service_id, a.endpoint_id,
                              cloud::Freshness::ForNewApproval(kReadListingMaxAge), a.deadline);
  if (!current.ok()) {
    if (cloud::IsBadSetting(current.status())) {
      AddApiStatus(diags, absl::StrCat("Cannot approve ", a.what()), current.status());
    } else {
      diags.AddError(absl::StrCat("Cannot approve ", a.what()),
                     absl::StrCat(current.status().message(), ". Nothing was sent."));
    }
    return std::nullopt;
  }
  if (!current->has_value()) {
    diags.AddError(
        absl::StrCat("Cannot approve ", a.what()),
        absl::StrCat("Endpoint ", a.endpoint_id, " has no connection to service ", a.service_id,
                     ": the endpoint was deleted, or the id is wrong. Nothing was sent. Remove "
                     "the approval from the configuration if the endpoint is gone for good."),
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
                   absl::StrCat("The connection of endpoint ", a.endpoint_id, " has failed: ",
                                cloud::FailureDetails(**current), " Nothing was sent."),
                   {PathStep::Attr("endpoint_id")});
    return std::nullopt;
  }
  return **current;
}

// The receive failed with `failure`: whether the approval goes on to wait
// (it landed after all); otherwise `new_state` and `diags` say what is known.
bool ReceiveFailed(const Approving& a, const cloud::Connection& current,
                   const ActionOutcome& outcome, const absl::Status& failure,
                   core::Value& new_state, Diagnostics& diags) {
  if (cloud::IsGone(failure)) {
    // Deleted since the look before it (endpoints come and go on a busy
    // service): nothing was accepted.
    diags.AddError(absl::StrCat("Cannot approve ", a.what()),
                   absl::StrCat("Endpoint ", a.endpoint_id, " has no connection to service ",
                                a.service_id, " any more: ", failure.message()),
                   {PathStep::Attr("endpoint_id")});
    return false;
  }
  if (cloud::IsAlreadyAccepted(failure)) return true;
  std::optional<bool> landed = outcome.LandedDespite(failure);
  if (landed == true) return true;
  if (!landed.has_value()) {
    // The receive may have taken effect and nothing could confirm either
    // way: keep tracking the connection rather than risk an accepted one
    // that state does not know.
    RecordUnfinished(a, current,
                     absl::StrCat("The receive was sent but its outcome is not known (",
                                  failure.message(), ")."),
                     new_state, diags);
    return false;
  }
  if (cloud::IsBadSetting(failure)) {
    AddApiStatus(diags, absl::StrCat("Cannot approve ", a.what()), failure);
    return false;
  }
  // Known not to have landed (refused, or the list shows it did not take
  // effect): state keeps nothing new, and the error says so.
  diags.AddError(
      absl::StrCat("Cannot approve ", a.what()),
      absl::StrCat(failure.message(), ". ",
                   cloud::IsNotSent(failure) ? "The receive was not sent"
                   : cloud::IsOutcomeUnknown(failure)
                       ? "The list shows that the receive did not take effect"
                       : "The API refused the receive",
                   ": nothing was accepted, and the connection stays `", current.status, "`."));
  return false;
}

// Sends the receive unless the connection is accepted or on its way there
// already. Whether the approval goes on to wait; `before` says what was done,
// and `current` takes the status the receive's answer shows.
bool ReceiveUnlessUnderway(const Approving& a, cloud::Connection& current, std::string& request_id,
                           std::string& before, core::Value& new_state, Diagnostics& diags) {
  if (current.status == api::kAccepted) {
    // Adopted without a POST (the plan warned if the service accepts
    // everything by itself).
    before = "The connection was already accepted; no receive was sent.";
    return true;
  }
  if (current.status == api::kCreating) {
    // A receive already went out (an earlier apply that was stopped, or
    // another client): wait for it instead of sending a second one.
    core::LogInfo("connection already being accepted; waiting without a new receive",
                  {{"service_id", a.service_id}, {"endpoint_id", a.endpoint_id}});
    before = "A receive was already under way; none was sent.";
    return true;
  }
  ActionOutcome outcome(a.client.watcher(), a.service_id, a.endpoint_id, api::kReceive, a.deadline);
  absl::StatusOr<std::vector<cloud::Connection>> acted =
      a.client.Act(a.service_id, api::kReceive, a.endpoint_id, a.deadline,
                   [&outcome] { return outcome.Landed().value_or(false); });
  if (!acted.ok()) return ReceiveFailed(a, current, outcome, acted.status(), new_state, diags);
  if (!acted->empty()) request_id = acted->front().request_id;
  for (const cloud::Connection& c : *acted) {
    // Only the status: the answer may not carry every field the plan holds.
    if (c.id == a.endpoint_id && !c.status.empty()) current.status = c.status;
  }
  before = request_id.empty() ? std::string("The receive was sent.")
                              : absl::StrCat("The receive was sent (request id ", request_id, ").");
  return true;
}

// Waits for `accepted`, then sets a planned description the connection does
// not have yet.
void WaitUntilAccepted(const Approving& a, const cloud::Connection& current,
                       const std::string& request_id, const std::string& before,
                       core::Value& new_state, Diagnostics& diags) {
  std::optional<cloud::Connection> last = current;
  cloud::WaitSpec spec{std::string(api::kAccepted), false, a.deadline, a.timeout, request_id};
  absl::StatusOr<std::optional<cloud::Connection>> done =
      a.client.watcher().Wait(a.service_id, a.endpoint_id, spec, last);
  if (!done.ok()) {
    const absl::StatusCode code = done.status().code();
    if (last.has_value() && (code == absl::StatusCode::kDeadlineExceeded ||
                             code == absl::StatusCode::kCancelled || Interrupted(a.client))) {
      RecordUnfinished(a, *last,
                       absl::StrCat(before, " The wait for `accepted` ended early: ",
                                    Interrupted(a.client) ? "Terraform was interrupted"
                                                          : std::string(done.status().message()),
                                    "."),
                       new_state, diags);
      return;
    }
    // The connection failed (tracked with its status, so the error shows
    // it) or is gone (nothing to track).
    if (last.has_value() && !absl::IsNotFound(done.status())) {
      new_state = a.planned.WithConnection(a.service_id, *last).ToValue(a.type);
    }
    diags.AddStatus(absl::StrCat("Approval of ", a.what(), " did not complete"), done.status());
    return;
  }
  new_state = a.planned.WithConnection(a.service_id, **done).ToValue(a.type);
  const Field<std::string>& description = a.planned.description;
  if (description.has_value() && description.value() != (*done)->description) {
    SetDescription(a.client, a.planned, a.type, new_state, diags);
  }
}

}  // namespace

void Approve(const Approving& a, core::Value& new_state, Diagnostics& diags) {
  std::optional<cloud::Connection> current = LookBeforeReceive(a, diags);
  if (!current.has_value()) return;
  // `current` then holds the last status seen.
  std::string receive_request_id;
  std::string before;
  if (!ReceiveUnlessUnderway(a, *current, receive_request_id, before, new_state, diags)) return;
  WaitUntilAccepted(a, *current, receive_request_id, before, new_state, diags);
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
