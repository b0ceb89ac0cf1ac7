// ServiceWatcher: finds single connections and waits for their status, at a
// cost that follows the approvals being managed, not the size of the service.
//
// Evidence rules (a connection is declared gone only on exact evidence):
//  - a listing that holds the whole service in one answer is a snapshot: what
//    it lacks is absent. Only a self-consistent answer counts: a page shorter
//    than asked whose total_count equals its item count;
//  - a call filtered by endpoint id is exact for that endpoint, when the
//    answer holds to the filter (client.h, GetConnection);
//  - a listing of several pages can shift while it is read, so an item
//    missing from it proves nothing; only presence counts.
//
// Sizing: the first listing of a service (one page of up to 1,000, oldest
// first) tells its size. Small services keep one shared whole-service listing
// for every read and wait. On large ones, reads ask by id; lookups of new
// approvals (plan, the look before `receive`) share a listing of the pending
// connections first; and waits share a poll of the most recently changed
// connections (sort by update time), which shows a transition without
// listing the service; a wait that the poll does not answer asks by id now
// and then.
//
// Waits of one service share polls: at most one poll of a service is in
// flight, each result serves every waiter that needs news newer than its last
// look, and the poll cadence follows the transition times observed (the first
// look comes when the service's transitions have been taking, then every 10%
// of the time waited). A failed poll is a missed poll; waits end on their own
// deadline. Thread-safe.
#ifndef VPCEP_PROVIDER_CLOUD_WATCHER_H_
#define VPCEP_PROVIDER_CLOUD_WATCHER_H_

#include <cstdint>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "provider/cloud/client.h"
#include "provider/cloud/list_coalescer.h"

namespace vpcep::cloud {

// What to wait for.
struct WaitSpec {
  std::string target;  // "accepted" or "rejected"
  bool gone_ok = false;  // absence counts as done (a rejected endpoint may be deleted)
  absl::Time deadline = absl::InfiniteFuture();
  absl::Duration timeout = absl::InfiniteDuration();  // named in the timeout error
  // The request id of the action waited on, named when the connection fails.
  std::string action_request_id;
};

// How fresh a lookup's answer must be. The default: from a listing that
// started after the call.
struct Freshness {
  // A small service's listing may have started this long before the call.
  absl::Duration max_age = absl::ZeroDuration();
  // ... and must also have started after this process last changed the
  // service (reads: a plan must see what this process did).
  bool after_own_changes = true;
  // The connection is probably waiting for approval (a new approval): on a
  // large service, one shared listing of the pending connections answers
  // most such lookups before any is asked by id.
  bool likely_pending = false;

  // A read: one plan refreshes all approvals of a service from one listing.
  static Freshness ForRead(absl::Duration max_age) { return {max_age, true, false}; }
  // Looks at a new approval: its plan, and the look before its `receive` in
  // the same process right after. This process has not acted on that
  // endpoint yet, and its actions on others do not change it, so a recent
  // listing serves, also one made before those actions. What was planned is
  // still checked against the connection before anything is sent.
  static Freshness ForNewApproval(absl::Duration max_age) { return {max_age, false, true}; }
};

// The API's error entries of a failed connection, and the request ids that
// support needs to trace it.
std::string FailureDetails(const Connection& c, absl::string_view action_request_id = "");

class ServiceWatcher {
 public:
  explicit ServiceWatcher(const VpcepClient& client);

  // The connection of `endpoint_id` as the API shows it, or nullopt when the
  // service (or the service itself) proves it has none. Retries transient
  // failures.
  absl::StatusOr<std::optional<Connection>> Find(
      const std::string& service_id, const std::string& endpoint_id,
      Freshness freshness = Freshness(), absl::Time deadline = absl::InfiniteFuture()) const;

  // Waits until the connection shows spec.target; nullopt when it is gone
  // and spec.gone_ok. Errors: NotFound (gone), FailedPrecondition (the
  // connection failed, with its error details), DeadlineExceeded, Cancelled
  // (a stop request). `last` keeps the latest observation.
  absl::StatusOr<std::optional<Connection>> Wait(const std::string& service_id,
                                                 const std::string& endpoint_id,
                                                 const WaitSpec& spec,
                                                 std::optional<Connection>& last) const;

  // The service's details, asked once per process (concurrent callers share
  // the call; a failure is not kept).
  absl::StatusOr<Service> ServiceDetails(const std::string& service_id,
                                         absl::Time deadline = absl::InfiniteFuture()) const;

  // This process changed the service: reads no longer reuse earlier listings.
  void Changed(const std::string& service_id) const;

  // For tests and benchmarks.
  struct Stats {
    int64_t listings = 0;  // whole-service listings (first page)
    int64_t polls = 0;     // recent-changes polls of large services
    int64_t by_id = 0;     // calls filtered by endpoint id
    int64_t pending = 0;   // listings of the pending connections of large services
  };
  Stats stats() const;
  bool IsLarge(const std::string& service_id) const;
  bool UsePendingListing(const std::string& service_id) const;

 private:
  struct Observation;
  struct ServiceInfo {
    bool large = false;
    // More pending connections than one page: a listing of them costs more
    // than asking by id, so lookups stop using it.
    bool many_pending = false;
    int waiters = 0;
    std::map<std::string, absl::Duration> estimate;  // per target status
  };

  absl::StatusOr<std::optional<Connection>> FindOnce(const std::string& service_id,
                                                     const std::string& endpoint_id,
                                                     Freshness freshness,
                                                     absl::Time deadline) const;
  Observation Observe(const std::string& service_id, const std::string& endpoint_id,
                      absl::Time not_before, absl::Time deadline, int& unanswered) const;
  // What observation `o` means for a Wait: its result, or nullopt to look
  // again. Keeps the connection seen in `last`.
  static std::optional<absl::StatusOr<std::optional<Connection>>> Conclude(
      const Observation& o, const std::string& service_id, const std::string& endpoint_id,
      const WaitSpec& spec, std::optional<Connection>& last);
  absl::StatusOr<std::optional<Connection>> ById(const std::string& service_id,
                                                 const std::string& endpoint_id,
                                                 const CallOptions& call) const;
  // One page of the list call as a (partial) snapshot, counted in `counter`.
  absl::StatusOr<Snapshot> FetchPage(const std::string& service_id, const ListFilter& filter,
                                     int limit, absl::Time deadline,
                                     int64_t Stats::*counter) const;
  ListCoalescer::Fetched FetchFirstPage(const std::string& service_id, absl::Time deadline) const;
  ListCoalescer::Fetched FetchRecent(const std::string& service_id, absl::Time deadline) const;
  ListCoalescer::Fetched FetchPending(const std::string& service_id, absl::Time deadline) const;
  absl::Duration Estimate(const std::string& service_id, const std::string& target) const;
  void Learn(const std::string& service_id, const std::string& target, absl::Duration seen_at,
             bool first_look) const;
  void AddWaiter(const std::string& service_id, int delta) const;

  const VpcepClient& client_;
  mutable ListCoalescer listings_;
  mutable ListCoalescer recent_;
  mutable ListCoalescer pending_;
  mutable std::mutex mu_;
  mutable std::map<std::string, ServiceInfo> services_;  // guarded by mu_
  mutable Stats stats_;                                  // guarded by mu_
  mutable std::map<std::string, std::shared_future<absl::StatusOr<Service>>>
      details_;  // guarded by mu_
};

}  // namespace vpcep::cloud

#endif  // VPCEP_PROVIDER_CLOUD_WATCHER_H_
