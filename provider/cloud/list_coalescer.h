// ListCoalescer shares whole-service list calls between concurrent callers.
//
// Terraform refreshes and waits on many approvals of one service at once; each
// needs the service's connections. A caller says how fresh a listing must be:
//  - it must have started at or after `not_before` (a wait passes the time
//    after which it needs news; a read passes now minus the age it accepts);
//  - a read also needs a listing made after this process last changed the
//    service (Invalidate), since it would otherwise miss its own change.
// A caller that finds no such listing done or under way waits for the next
// one, which then serves every caller waiting for it. So N concurrent waits
// share one call, and at most one call per service is in flight. Thread-safe.
#ifndef VPCEP_PROVIDER_CLOUD_LIST_COALESCER_H_
#define VPCEP_PROVIDER_CLOUD_LIST_COALESCER_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace vpcep::cloud {

struct Connection;

// What one listing of a service showed.
struct Snapshot {
  std::vector<Connection> connections;
  // True when the listing holds every connection of the service in one
  // answer, so a connection it lacks is proven absent. A listing of several
  // pages can shift while it is read and proves nothing by omission.
  bool complete = true;
  int64_t total_count = -1;  // as the API reported it; -1 when unknown
  absl::Time started = absl::InfinitePast();  // set by the coalescer
};

class ListCoalescer {
 public:
  using Fetched = absl::StatusOr<Snapshot>;
  // Shared, not copied: ten waiters on a 500-connection service would
  // otherwise each hold a copy of it.
  using Listing = absl::StatusOr<std::shared_ptr<const Snapshot>>;
  // `deadline`: that of the caller who fetches for everyone.
  using Fetch = std::function<Fetched(const std::string& service_id, absl::Time deadline)>;
  using Clock = std::function<absl::Time()>;

  explicit ListCoalescer(Fetch fetch, Clock clock = &absl::Now)
      : fetch_(std::move(fetch)), clock_(std::move(clock)) {}

  // A listing of `service_id` that started at or after `not_before` and, when
  // `unchanged_since` is set, after the last Invalidate of the service. A
  // caller waiting for another's listing gives up at `deadline`.
  Listing List(const std::string& service_id, absl::Time not_before,
               bool unchanged_since = false, absl::Time deadline = absl::InfiniteFuture());

  // This process changed the service: earlier listings no longer serve reads.
  void Invalidate(const std::string& service_id);

  // Listings actually fetched (for tests and benchmarks).
  int64_t fetches() const;
  // Callers now waiting for another caller's listing (for tests).
  int waiting() const;

 private:
  struct Flight;
  struct Slot {
    uint64_t generation = 0;          // bumped by Invalidate
    std::shared_ptr<Flight> running;  // fetch in progress
    std::shared_ptr<Flight> next;     // callers waiting for a fresh fetch
    std::shared_ptr<Flight> last;     // latest successful fetch
  };

  bool Usable(const Slot& slot, const Flight& flight, absl::Time not_before,
              bool unchanged_since) const;
  // Runs the fetch for `flight` and hands the slot over to the next flight,
  // whatever the fetch does (a flight left unfinished would hang its waiters).
  void Lead(const std::string& service_id, Slot& slot, const std::shared_ptr<Flight>& flight,
            absl::Time deadline, std::unique_lock<std::mutex>& lock);
  // Waits for `ready`, or until `deadline`; false when the deadline came first.
  template <typename Pred>
  bool WaitUntil(std::unique_lock<std::mutex>& lock, absl::Time deadline, Pred ready);

  Fetch fetch_;
  Clock clock_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, Slot> slots_;  // guarded by mu_
  int64_t fetches_ = 0;                // guarded by mu_
  int waiting_ = 0;                    // guarded by mu_
};

}  // namespace vpcep::cloud

#endif  // VPCEP_PROVIDER_CLOUD_LIST_COALESCER_H_
