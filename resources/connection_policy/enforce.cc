#include "resources/connection_policy/enforce.h"

#include <atomic>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "provider/cloud/api_error.h"
#include "provider/cloud/api_vocabulary.h"
#include "provider/cloud/watcher.h"
#include "provider/core/log.h"
#include "resources/connection_approval/action_outcome.h"
#include "resources/connection_policy/snapshot.h"

namespace vpcep::resources {
namespace {

using core::Diagnostics;
using core::PathStep;

using Index = std::map<std::string, const cloud::Connection*>;

// What became of one connection the plan listed.
struct Outcome {
  bool record = false;  // held by the policy after the apply
  std::string summary;  // an error when not empty
  std::string detail;
  absl::Status status;  // the API's failure, named in the error when set
  bool gone = false;    // the connection was deleted
};

Outcome Failure(std::string summary, std::string detail, absl::Status status = absl::OkStatus(),
                bool record = false) {
  return Outcome{record, std::move(summary), std::move(detail), std::move(status)};
}

bool In(absl::string_view status) { return status == api::kAccepted || status == api::kCreating; }

bool Interrupted(const cloud::VpcepClient& client) {
  return client.stop() != nullptr && client.stop()->stopped();
}

// Runs fn(i) for i in [0, n) on up to kPolicyWorkers threads.
template <typename Fn>
void ForEach(size_t n, Fn fn) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < kPolicyWorkers && static_cast<size_t>(w) < n; ++w) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < n; i = next++) fn(i);
    });
  }
  for (std::thread& t : workers) t.join();
}

// The connection of `endpoint` as it is now, when it still belongs to
// `owner`; else nullptr with `why` saying what changed.
const cloud::Connection* Current(const Index& index, const std::string& endpoint,
                                 const std::string& owner, std::string& why) {
  auto it = index.find(endpoint);
  if (it == index.end()) {
    why = absl::StrCat("Endpoint ", endpoint, " no longer has a connection to the service.");
    return nullptr;
  }
  if (it->second->domain_id != owner) {
    why = absl::StrCat("Endpoint ", endpoint, " belonged to account ", owner,
                       " at plan time and now belongs to ", it->second->domain_id, ".");
    return nullptr;
  }
  return it->second;
}

// Sends `action` and waits for `target`. The call is recorded once it went
// out (or may have): an acceptance completing later is never untracked.
Outcome Act(const Enforcing& e, const cloud::Connection& c, absl::string_view action,
            absl::string_view target) {
  const std::string what = absl::StrCat(action == api::kReceive ? "Receive of " : "Reject of ",
                                        e.service_id, "/", c.id, " (account ", c.domain_id, ")");
  if (Interrupted(e.client)) {
    return Failure(absl::StrCat(what, " not sent"), "Interrupted before it was sent.");
  }
  ActionOutcome outcome(e.client.watcher(), e.service_id, c.id, action, e.deadline);
  absl::StatusOr<std::vector<cloud::Connection>> acted =
      e.client.Act(e.service_id, action, c.id, e.deadline,
                   [&outcome] { return outcome.Landed().value_or(false); });
  std::string request_id;
  if (acted.ok()) {
    if (!acted->empty()) request_id = acted->front().request_id;
  } else if (action == api::kReceive && cloud::IsAlreadyAccepted(acted.status())) {
    // Accepted meanwhile by someone else: the owner is admitted, so held.
  } else if (cloud::IsGone(acted.status())) {
    Outcome o = Failure(absl::StrCat(what, " failed"), "The connection is gone.", acted.status());
    o.gone = true;
    return o;
  } else {
    std::optional<bool> landed = outcome.LandedDespite(acted.status());
    if (landed == false) return Failure(absl::StrCat(what, " failed"), "", acted.status());
    if (!landed.has_value()) {
      return Failure(absl::StrCat(what, ": outcome unknown"),
                     "It may have taken effect and is recorded; the next refresh reads its real "
                     "status.",
                     acted.status(), true);
    }
  }
  std::optional<cloud::Connection> last = c;
  cloud::WaitSpec spec{std::string(target), action == api::kReject, e.deadline, e.timeout,
                       request_id};
  absl::StatusOr<std::optional<cloud::Connection>> done =
      e.client.watcher().Wait(e.service_id, c.id, spec, last);
  if (done.ok() && !done->has_value()) {
    Outcome o = Failure(absl::StrCat(what, ": connection gone"),
                        "The endpoint's connection was deleted; the policy holds nothing for it.");
    o.gone = true;
    return o;
  }
  if (done.ok()) return Outcome{true};
  if (absl::IsFailedPrecondition(done.status()) || absl::IsNotFound(done.status())) {
    return Failure(absl::StrCat(what, " failed"), "", done.status());
  }
  // A timeout or an interrupt: it went out, so it is recorded.
  return Failure(absl::StrCat(what, " did not complete"),
                 absl::StrCat("It was sent and is recorded; last seen ",
                              last.has_value() ? last->status : "absent",
                              ". The next refresh reads its real status."),
                 done.status(), true);
}

Outcome Receive(const Enforcing& e, const Index& index, const std::string& endpoint,
                const std::string& owner, const std::string& planned_status) {
  std::string why;
  const cloud::Connection* c = Current(index, endpoint, owner, why);
  const std::string skipped = absl::StrCat("Receive of ", endpoint, " skipped");
  if (c == nullptr) return Failure(skipped, absl::StrCat(why, " Plan again to review it."));
  if (!e.planned.Rule().Admits(c->domain_id)) {
    return Failure(skipped, absl::StrCat("Account ", c->domain_id, " is not admitted."));
  }
  if (In(c->status)) return Outcome{true};  // accepted meanwhile: held without a call
  if (c->status != planned_status) {
    return Failure(skipped,
                   absl::StrCat("The connection was ", planned_status, " at plan time and is ",
                                c->status, " now. Plan again to review it."));
  }
  return Act(e, *c, api::kReceive, api::kAccepted);
}

Outcome Reject(const Enforcing& e, const Index& index, const std::string& endpoint,
               const std::string& owner, const std::string& planned_status) {
  std::string why;
  const cloud::Connection* c = Current(index, endpoint, owner, why);
  const std::string skipped = absl::StrCat("Reject of ", endpoint, " skipped");
  if (c == nullptr) return Failure(skipped, absl::StrCat(why, " Plan again to review it."));
  if (e.planned.Rule().Admits(c->domain_id)) {
    // Never, whatever the plan said: the account is admitted.
    return Failure(skipped, absl::StrCat("Account ", c->domain_id, " is admitted."));
  }
  if (c->status == api::kRejected) return Outcome{true};
  const bool same = c->status == planned_status || (In(c->status) && In(planned_status));
  if (!same) {
    return Failure(skipped,
                   absl::StrCat("The connection was ", planned_status, " at plan time and is ",
                                c->status, " now. Plan again to review it."));
  }
  return Act(e, *c, api::kReject, api::kRejected);
}

// A connection held without a call: still as planned?
Outcome Hold(const Index& index, const std::string& endpoint, const std::string& owner,
             bool accepted) {
  std::string why;
  const cloud::Connection* c = Current(index, endpoint, owner, why);
  const std::string summary =
      absl::StrCat("Connection of endpoint ", endpoint, " changed since the plan");
  if (c == nullptr) return Failure(summary, why);
  const bool as_planned = accepted ? In(c->status) : c->status == api::kRejected;
  if (!as_planned) {
    return Failure(
        summary, absl::StrCat("It is ", c->status, " now, not ", accepted ? "accepted" : "rejected",
                              ". Plan again to review it."));
  }
  return Outcome{true};
}

void Report(const std::vector<Outcome>& outcomes, const char* attr, Diagnostics& diags) {
  for (const Outcome& o : outcomes) {
    if (o.summary.empty()) continue;
    // One error each: what happened, then the API's own words (its code,
    // message and request id are in the status message).
    std::string detail = o.detail;
    if (!o.status.ok()) {
      absl::StrAppend(&detail, detail.empty() ? "" : " ", o.status.message());
    }
    diags.AddError(o.summary, detail, {PathStep::Attr(attr)});
  }
}

Index IndexOf(const std::vector<cloud::Connection>& service) {
  Index index;
  for (const cloud::Connection& c : service) index[c.id] = &c;
  return index;
}

}  // namespace

std::string EncodeActions(const PolicyActions& actions) {
  std::string out = actions.reviewed ? "reviewed\n" : "unreviewed\n";
  for (const auto& [endpoint, status] : actions.receive) {
    absl::StrAppend(&out, "receive\t", endpoint, "\t", status, "\n");
  }
  for (const auto& [endpoint, status] : actions.reject) {
    absl::StrAppend(&out, "reject\t", endpoint, "\t", status, "\n");
  }
  return out;
}

PolicyActions DecodeActions(absl::string_view text) {
  PolicyActions actions;
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  if (lines.empty() || lines[0] != "reviewed") return actions;
  actions.reviewed = true;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> f = absl::StrSplit(lines[i], '\t');
    if (f.size() != 3) return PolicyActions{};
    (f[0] == "receive" ? actions.receive : actions.reject)[f[1]] = f[2];
  }
  return actions;
}

std::string EncodeSnapshot(const std::vector<cloud::Connection>& service) {
  std::string out = "snapshot\n";
  for (const cloud::Connection& c : service) {
    if (c.status == api::kFailed || c.status == api::kDeleting) continue;  // never acted on
    absl::StrAppend(&out, c.id, "\t", c.domain_id, "\t", c.status, "\n");
  }
  return out;
}

std::optional<std::vector<cloud::Connection>> DecodeSnapshot(absl::string_view text) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  if (lines.empty() || lines[0] != "snapshot") return std::nullopt;
  std::vector<cloud::Connection> service;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> f = absl::StrSplit(lines[i], '\t');
    if (f.size() != 3) return std::nullopt;
    cloud::Connection c;
    c.id = std::move(f[0]);
    c.domain_id = std::move(f[1]);
    c.status = std::move(f[2]);
    service.push_back(std::move(c));
  }
  return service;
}

PolicyModel Enforce(const Enforcing& e, const PolicyActions& actions, Diagnostics& diags) {
  PolicyModel result = e.planned;
  result.id = e.service_id;
  absl::StatusOr<std::vector<cloud::Connection>> service =
      ReadService(e.client, e.service_id, e.deadline);
  if (!service.ok()) {
    // Nothing was sent: the policy holds what it held.
    diags.AddStatus(absl::StrCat("Cannot read the connections of service ", e.service_id),
                    service.status(), {PathStep::Attr("service_id")});
    result.accepted = OwnerMap();
    result.rejected = OwnerMap();
    return result;
  }
  const Index index = IndexOf(*service);
  if (!actions.reviewed) {
    // Values were unknown at plan time: adopt only, send nothing.
    PolicyPlan adopt = PlanPolicy(*service, PolicyRule{e.planned.Rule().domain_ids}, {});
    for (const auto& [endpoint, status] : adopt.receive) adopt.accepted.erase(endpoint);
    result.accepted = adopt.accepted;
    result.rejected = OwnerMap();
    return result;
  }
  // One list of everything planned, worked on in parallel.
  struct Item {
    std::string endpoint, owner;
    bool accepted;
    const std::string* action_status;  // null: held without a call
  };
  std::vector<Item> items;
  const OwnerMap planned_accepted = e.planned.Accepted();
  const OwnerMap planned_rejected = e.planned.Rejected();
  for (const auto& [endpoint, owner] : planned_accepted) {
    auto it = actions.receive.find(endpoint);
    items.push_back({endpoint, owner, true, it == actions.receive.end() ? nullptr : &it->second});
  }
  for (const auto& [endpoint, owner] : planned_rejected) {
    auto it = actions.reject.find(endpoint);
    items.push_back({endpoint, owner, false, it == actions.reject.end() ? nullptr : &it->second});
  }
  std::vector<Outcome> outcomes(items.size());
  ForEach(items.size(), [&](size_t i) {
    const Item& item = items[i];
    if (item.action_status == nullptr) {
      outcomes[i] = Hold(index, item.endpoint, item.owner, item.accepted);
    } else if (item.accepted) {
      outcomes[i] = Receive(e, index, item.endpoint, item.owner, *item.action_status);
    } else {
      outcomes[i] = Reject(e, index, item.endpoint, item.owner, *item.action_status);
    }
  });
  OwnerMap accepted, rejected;
  std::vector<Outcome> accept_failures, reject_failures;
  for (size_t i = 0; i < items.size(); ++i) {
    if (outcomes[i].record)
      (items[i].accepted ? accepted : rejected)[items[i].endpoint] = items[i].owner;
    (items[i].accepted ? accept_failures : reject_failures).push_back(std::move(outcomes[i]));
  }
  Report(accept_failures, "accepted", diags);
  Report(reject_failures, "rejected", diags);
  result.accepted = std::move(accepted);
  result.rejected = std::move(rejected);
  return result;
}

void RejectHeld(const Enforcing& e, const OwnerMap& accepted, Diagnostics& diags) {
  absl::StatusOr<std::vector<cloud::Connection>> service =
      ReadService(e.client, e.service_id, e.deadline);
  if (!service.ok()) {
    if (cloud::IsServiceGone(service.status())) return;  // nothing left to reject
    diags.AddStatus(absl::StrCat("Cannot read the connections of service ", e.service_id),
                    service.status(), {PathStep::Attr("service_id")});
    return;
  }
  const Index index = IndexOf(*service);
  std::vector<std::pair<std::string, std::string>> held(accepted.begin(), accepted.end());
  std::vector<Outcome> outcomes(held.size());
  ForEach(held.size(), [&](size_t i) {
    std::string why;
    const cloud::Connection* c = Current(index, held[i].first, held[i].second, why);
    // Gone, or another account's endpoint under the same id: not ours to reject.
    if (c == nullptr || c->status == api::kRejected || c->status == api::kFailed) return;
    outcomes[i] = Act(e, *c, api::kReject, api::kRejected);
    if (outcomes[i].gone) outcomes[i] = Outcome{};  // deleted: nothing left to reject
  });
  Report(outcomes, "accepted", diags);
}

}  // namespace vpcep::resources
