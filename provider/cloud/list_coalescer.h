// ListCoalescer shares whole-service list calls between concurrent callers.
//
// Terraform refreshes and waits on many approvals of one service at once; each
// needs the service's connections. A caller never gets a listing that started
// before it asked (it could miss a change the caller is waiting for): callers
// arriving while a listing runs wait for the next one, which then serves all of
// them. So N concurrent callers cost about two listings instead of N.
// Thread-safe.
#ifndef VPCEP_PROVIDER_CLOUD_LIST_COALESCER_H_
#define VPCEP_PROVIDER_CLOUD_LIST_COALESCER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace vpcep::cloud {

struct Connection;

class ListCoalescer {
 public:
  using Listing = absl::StatusOr<std::vector<Connection>>;
  using Fetch = std::function<Listing(const std::string& service_id)>;

  explicit ListCoalescer(Fetch fetch) : fetch_(std::move(fetch)) {}

  // A listing of `service_id` that started after this call began.
  Listing List(const std::string& service_id);

  // Listings actually fetched (for tests and benchmarks).
  int64_t fetches() const;

 private:
  struct Flight;
  struct Slot {
    std::shared_ptr<Flight> running;  // fetch in progress
    std::shared_ptr<Flight> next;     // callers waiting for a fresh fetch
  };

  Fetch fetch_;
  mutable absl::Mutex mu_;
  std::map<std::string, Slot> slots_ ABSL_GUARDED_BY(mu_);
  int64_t fetches_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace vpcep::cloud

#endif  // VPCEP_PROVIDER_CLOUD_LIST_COALESCER_H_
