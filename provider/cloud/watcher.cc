#include "provider/cloud/watcher.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "provider/cloud/api_error.h"
#include "provider/cloud/api_vocabulary.h"
#include "provider/core/log.h"

namespace vpcep::cloud {
namespace {

// Before any transition has been seen: most take about a second.
constexpr absl::Duration kFirstLook = absl::Milliseconds(250);
constexpr absl::Duration kMinStep = absl::Milliseconds(100);
constexpr absl::Duration kMaxStep = absl::Seconds(2);
// A poll that began this long before a waiter's turn still serves it, so
// waiters due at nearly the same moment share one call.
constexpr absl::Duration kShareWindow = absl::Milliseconds(50);
// Waits on a large service ask by id after this many polls without news of
// their connection (it may have been deleted, or changed long ago).
constexpr int kPollsBeforeById = 3;

absl::Duration Step(absl::Duration waited) {
  return std::clamp(waited / 10, kMinStep, kMaxStep);
}

const Connection* FindIn(const Snapshot& snapshot, const std::string& endpoint_id) {
  for (const Connection& c : snapshot.connections) {
    if (c.id == endpoint_id) return &c;
  }
  return nullptr;
}

}  // namespace

std::string FailureDetails(const Connection& c, absl::string_view action_request_id) {
  std::vector<std::string> parts;
  for (const ConnectionError& e : c.errors) parts.push_back(absl::StrCat(e.code, ": ", e.message));
  std::string text = parts.empty() ? "no error details reported" : absl::StrJoin(parts, "; ");
  std::vector<std::string> ids;
  if (!action_request_id.empty()) {
    ids.push_back(absl::StrCat("receive request id ", action_request_id));
  }
  if (!c.request_id.empty()) ids.push_back(absl::StrCat("reported failed by request id ", c.request_id));
  if (!ids.empty()) absl::StrAppend(&text, " (", absl::StrJoin(ids, ", "), ")");
  return text;
}

struct ServiceWatcher::Observation {
  enum class Kind { kSeen, kAbsent, kMissed, kError };
  Kind kind = Kind::kMissed;
  Connection connection;  // kSeen
  absl::Status error;     // kError, or why a poll was missed
  absl::Time started = absl::InfinitePast();  // of the listing looked at
};

ServiceWatcher::ServiceWatcher(const VpcepClient& client)
    : client_(client),
      listings_([this](const std::string& id, absl::Time d) { return FetchFirstPage(id, d); }),
      recent_([this](const std::string& id, absl::Time d) { return FetchRecent(id, d); }),
      pending_([this](const std::string& id, absl::Time d) { return FetchPending(id, d); }) {}

absl::StatusOr<Snapshot> ServiceWatcher::FetchPage(const std::string& service_id,
                                                   const ListFilter& filter, int limit,
                                                   absl::Time deadline,
                                                   int64_t Stats::*counter) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++(stats_.*counter);
  }
  // One attempt: callers retry (reads) or poll again (waits) on their own
  // schedule, so one faulty call never holds every caller of the service.
  absl::StatusOr<Page> page = client_.ListPage(service_id, filter, 0, limit, {deadline, false});
  if (!page.ok()) return page.status();
  Snapshot s;
  s.complete = false;  // a part of the service: absence proves nothing
  s.total_count = page->total_count;
  s.connections = std::move(page->connections);
  return s;
}

ListCoalescer::Fetched ServiceWatcher::FetchFirstPage(const std::string& service_id,
                                                      absl::Time deadline) const {
  ListFilter oldest_first;
  oldest_first.sort_key = std::string(api::kSortByCreation);
  oldest_first.sort_dir = std::string(api::kAscending);
  absl::StatusOr<Snapshot> s =
      FetchPage(service_id, oldest_first, kMaxPageSize, deadline, &Stats::listings);
  if (!s.ok()) return s.status();
  const int64_t got = static_cast<int64_t>(s->connections.size());
  // All of it in one answer, by the answer's own count: a snapshot. A full
  // page is never one (a total_count that merely counts the page would pass
  // for the service), nor is a page whose count is missing or disagrees.
  s->complete = s->total_count == got && got < kMaxPageSize;
  std::lock_guard<std::mutex> lock(mu_);
  services_[service_id].large = !s->complete;
  return s;
}

ListCoalescer::Fetched ServiceWatcher::FetchRecent(const std::string& service_id,
                                                   absl::Time deadline) const {
  int limit;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Room for every waiter's change plus others' churn, not the service.
    limit = std::clamp(2 * services_[service_id].waiters + 10, 10, kMaxPageSize);
  }
  ListFilter newest_change_first;
  newest_change_first.sort_key = std::string(api::kSortByUpdate);
  newest_change_first.sort_dir = std::string(api::kDescending);
  return FetchPage(service_id, newest_change_first, limit, deadline, &Stats::polls);
}

ListCoalescer::Fetched ServiceWatcher::FetchPending(const std::string& service_id,
                                                    absl::Time deadline) const {
  ListFilter pending;
  pending.status = std::string(api::kPendingAcceptance);
  pending.sort_key = std::string(api::kSortByCreation);
  pending.sort_dir = std::string(api::kAscending);
  absl::StatusOr<Snapshot> s =
      FetchPage(service_id, pending, kMaxPageSize, deadline, &Stats::pending);
  if (!s.ok()) return s.status();
  if (s->total_count > kMaxPageSize ||
      (s->total_count < 0 && s->connections.size() >= static_cast<size_t>(kMaxPageSize))) {
    std::lock_guard<std::mutex> lock(mu_);
    services_[service_id].many_pending = true;
  }
  return s;
}

bool ServiceWatcher::UsePendingListing(const std::string& service_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = services_.find(service_id);
  return it == services_.end() || !it->second.many_pending;
}

absl::StatusOr<std::optional<Connection>> ServiceWatcher::ById(const std::string& service_id,
                                                               const std::string& endpoint_id,
                                                               const CallOptions& call) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.by_id;
  }
  absl::StatusOr<std::optional<Connection>> found =
      client_.GetConnection(service_id, endpoint_id, call);
  if (!found.ok() && IsServiceGone(found.status())) return std::optional<Connection>();
  return found;
}

bool ServiceWatcher::IsLarge(const std::string& service_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = services_.find(service_id);
  return it != services_.end() && it->second.large;
}

absl::StatusOr<std::optional<Connection>> ServiceWatcher::FindOnce(
    const std::string& service_id, const std::string& endpoint_id, Freshness freshness,
    absl::Time deadline) const {
  if (!IsLarge(service_id)) {
    ListCoalescer::Listing listing = listings_.List(
        service_id, absl::Now() - freshness.max_age,
        freshness.after_own_changes && freshness.max_age > absl::ZeroDuration(), deadline);
    if (!listing.ok()) {
      // No service, so no connection to it: exact.
      if (IsServiceGone(listing.status())) return std::optional<Connection>();
      return listing.status();
    }
    if (const Connection* c = FindIn(**listing, endpoint_id)) return std::optional<Connection>(*c);
    if ((*listing)->complete) return std::optional<Connection>();
  }
  if (freshness.likely_pending && UsePendingListing(service_id)) {
    ListCoalescer::Listing pending = pending_.List(
        service_id, absl::Now() - freshness.max_age,
        freshness.after_own_changes && freshness.max_age > absl::ZeroDuration(), deadline);
    // Only presence counts; a failure falls through to the exact call.
    if (pending.ok()) {
      if (const Connection* c = FindIn(**pending, endpoint_id)) {
        return std::optional<Connection>(*c);
      }
    }
  }
  return ById(service_id, endpoint_id, {deadline, false});
}

absl::StatusOr<std::optional<Connection>> ServiceWatcher::Find(const std::string& service_id,
                                                               const std::string& endpoint_id,
                                                               Freshness freshness,
                                                               absl::Time deadline) const {
  Backoff backoff(client_.options(), deadline, client_.stop());
  const std::string operation = absl::StrCat("look up endpoint ", endpoint_id);
  while (true) {
    absl::StatusOr<std::optional<Connection>> found =
        FindOnce(service_id, endpoint_id, freshness, deadline);
    if (found.ok()) return found;
    absl::Status final;
    if (!backoff.Next(operation, found.status(), &final)) return final;
  }
}

ServiceWatcher::Observation ServiceWatcher::Observe(const std::string& service_id,
                                                    const std::string& endpoint_id,
                                                    absl::Time not_before, absl::Time deadline,
                                                    int& unanswered) const {
  using Kind = Observation::Kind;
  Observation o;
  auto from = [&o](const absl::Status& status) {
    o.kind = IsServiceGone(status) ? Kind::kAbsent : IsRetryable(status) ? Kind::kMissed
                                                                          : Kind::kError;
    o.error = status;
  };
  if (!IsLarge(service_id)) {
    ListCoalescer::Listing listing = listings_.List(service_id, not_before, false, deadline);
    if (!listing.ok()) {
      from(listing.status());
      return o;
    }
    o.started = (*listing)->started;
    if (const Connection* c = FindIn(**listing, endpoint_id)) {
      o.kind = Kind::kSeen;
      o.connection = *c;
      return o;
    }
    if ((*listing)->complete) {
      o.kind = Kind::kAbsent;
      return o;
    }
    // The service turned out large: go on as for one.
  }
  if (unanswered < kPollsBeforeById) {
    ListCoalescer::Listing recent = recent_.List(service_id, not_before, false, deadline);
    if (recent.ok()) {
      o.started = (*recent)->started;
      if (const Connection* c = FindIn(**recent, endpoint_id)) {
        unanswered = 0;
        o.kind = Kind::kSeen;
        o.connection = *c;
        return o;
      }
      ++unanswered;
      o.kind = Kind::kMissed;
      return o;
    }
    from(recent.status());
    if (o.kind != Kind::kMissed) return o;
  }
  unanswered = 0;
  o.started = absl::Now();
  absl::StatusOr<std::optional<Connection>> found =
      ById(service_id, endpoint_id, {deadline, false});
  if (!found.ok()) {
    from(found.status());
  } else if (found->has_value()) {
    o.kind = Kind::kSeen;
    o.connection = **found;
  } else {
    o.kind = Kind::kAbsent;
  }
  return o;
}

absl::Duration ServiceWatcher::Estimate(const std::string& service_id,
                                        const std::string& target) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto& estimates = services_[service_id].estimate;
  auto it = estimates.find(target);
  return it == estimates.end() ? kFirstLook : it->second;
}

void ServiceWatcher::Learn(const std::string& service_id, const std::string& target,
                           absl::Duration seen_at, bool first_look) const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::Duration& e = services_[service_id].estimate.emplace(target, kFirstLook).first->second;
  // Seen at the first look: the transition may be quicker than thought, so
  // look a little earlier next time. Seen later: look first just before
  // where it was seen. Either way the estimate hovers around the real time.
  e = first_look ? std::max(kMinStep, std::min(e, seen_at) * 0.95) : seen_at / 1.05;
}

void ServiceWatcher::AddWaiter(const std::string& service_id, int delta) const {
  std::lock_guard<std::mutex> lock(mu_);
  services_[service_id].waiters += delta;
}

std::optional<absl::StatusOr<std::optional<Connection>>> ServiceWatcher::Conclude(
    const Observation& o, const std::string& service_id, const std::string& endpoint_id,
    const WaitSpec& spec, std::optional<Connection>& last) {
  using Kind = Observation::Kind;
  using Result = absl::StatusOr<std::optional<Connection>>;  // spelled out: optional in optional
  switch (o.kind) {
    case Kind::kSeen:
      last = o.connection;
      if (o.connection.status == spec.target) return Result(last);
      if (o.connection.status == api::kFailed) {
        return Result(absl::FailedPreconditionError(
            absl::StrCat("connection of endpoint ", endpoint_id, " failed: ",
                         FailureDetails(o.connection, spec.action_request_id))));
      }
      return std::nullopt;
    case Kind::kAbsent:
      if (spec.gone_ok) {
        last.reset();
        return Result(std::optional<Connection>());
      }
      return Result(absl::NotFoundError(absl::StrCat(
          "endpoint ", endpoint_id, " is no longer connected to service ", service_id)));
    case Kind::kError:
      return Result(o.error);
    case Kind::kMissed:
      if (!o.error.ok()) {
        core::LogDebug("poll missed", {{"service_id", service_id},
                                       {"error", std::string(o.error.message())}});
      }
      return std::nullopt;
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<Connection>> ServiceWatcher::Wait(
    const std::string& service_id, const std::string& endpoint_id, const WaitSpec& spec,
    std::optional<Connection>& last) const {
  AddWaiter(service_id, 1);
  struct Leave {
    const ServiceWatcher* w;
    const std::string& id;
    ~Leave() { w->AddWaiter(id, -1); }
  } leave{this, service_id};

  const core::StopSignal* stop = client_.stop();
  const absl::Time start = absl::Now();
  absl::Time due = start + Estimate(service_id, spec.target);
  absl::Time looked = start;  // news must come from a listing started after this
  int unanswered = 0;
  bool first_look = true;
  while (true) {
    due = std::min(due, spec.deadline);
    absl::Duration sleep = due - absl::Now();
    if (sleep > absl::ZeroDuration()) {
      bool woke = stop != nullptr ? stop->SleepFor(sleep) : (absl::SleepFor(sleep), true);
      if (!woke) {
        return absl::CancelledError(absl::StrCat("interrupted while waiting for endpoint ",
                                                 endpoint_id, " to become ", spec.target));
      }
    }
    const absl::Time not_before = std::max(looked, due - kShareWindow);
    Observation o = Observe(service_id, endpoint_id, not_before, spec.deadline, unanswered);
    const absl::Time now = absl::Now();
    looked = std::max(looked, std::min(o.started, now)) + absl::Nanoseconds(1);
    if (auto result = Conclude(o, service_id, endpoint_id, spec, last); result.has_value()) {
      if (result->ok() && result->value().has_value()) {
        // When the poll that showed it started, not when its answer came.
        Learn(service_id, spec.target, std::min(o.started, now) - start, first_look);
      }
      return *std::move(result);
    }
    first_look = false;
    if (now >= spec.deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "timed out after ", absl::FormatDuration(spec.timeout), " waiting for endpoint ",
          endpoint_id, " to become ", spec.target, " (last status: ",
          last.has_value() ? last->status : "unknown", ")"));
    }
    // The next look comes a step after this one began (its answer took a
    // round trip already), or at once if that moment has passed.
    const absl::Time began = o.started == absl::InfinitePast() ? now : std::min(o.started, now);
    due = std::max(began, start) + Step(now - start);
  }
}

absl::StatusOr<Service> ServiceWatcher::ServiceDetails(const std::string& service_id,
                                                       absl::Time deadline) const {
  std::promise<absl::StatusOr<Service>> mine;
  std::shared_future<absl::StatusOr<Service>> shared;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = details_.find(service_id);
    if (it != details_.end()) {
      shared = it->second;
    } else {
      details_[service_id] = mine.get_future().share();
    }
  }
  if (shared.valid()) return shared.get();
  absl::StatusOr<Service> got = client_.GetService(service_id, deadline);
  mine.set_value(got);
  if (!got.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    details_.erase(service_id);
  }
  return got;
}

void ServiceWatcher::Changed(const std::string& service_id) const {
  listings_.Invalidate(service_id);
  pending_.Invalidate(service_id);
}

ServiceWatcher::Stats ServiceWatcher::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace vpcep::cloud
