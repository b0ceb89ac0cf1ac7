// ListCoalescer shares whole-service list calls between concurrent callers.
//
// Terraform refreshes and waits on many approvals of one service at once; each
// needs the service's connections. Two kinds of callers:
//  - waits (max_age zero) never get a listing that started before they asked,
//    since it could miss the change they wait for: callers arriving while a
//    listing runs wait for the next one, which then serves all of them;
//  - reads may take a listing that started at most max_age ago, provided this
//    process changed nothing on the service since it started (Invalidate).
// So N concurrent waits cost about two listings, and a refresh of N approvals
// one listing. Thread-safe.
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

class ListCoalescer {
 public:
  using Fetched = absl::StatusOr<std::vector<Connection>>;
  // Shared, not copied: ten waiters on a 500-connection service would
  // otherwise each hold a copy of it.
  using Listing = absl::StatusOr<std::shared_ptr<const std::vector<Connection>>>;
  using Fetch = std::function<Fetched(const std::string& service_id)>;
  using Clock = std::function<absl::Time()>;

  explicit ListCoalescer(Fetch fetch, Clock clock = &absl::Now)
      : fetch_(std::move(fetch)), clock_(std::move(clock)) {}

  // A listing of `service_id` that started after this call began, or, when
  // max_age is positive, at most max_age before it and after the last
  // Invalidate of the service.
  Listing List(const std::string& service_id, absl::Duration max_age = absl::ZeroDuration());

  // This process changed the service: earlier listings are no longer reused.
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
    std::shared_ptr<Flight> last;     // latest successful fetch (for reads)
  };

  bool Reusable(const Slot& slot, const Flight& flight, absl::Time now,
                absl::Duration max_age) const;

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
