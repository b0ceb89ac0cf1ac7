// RateGate: one call rate for the whole provider process, lowered when the
// API throttles and raised slowly while it does not (AIMD).
//
// Without it, each retry loop backs off on its own while the other nine
// parallel operations keep the gateway over its limit, so every one of them
// is throttled in turn. With it, a throttled answer slows every caller at
// once, and the rate creeps back up to what the API sustains.
//
// Until the first throttled answer there is no limit at all. Thread-safe.
#ifndef VPCEP_PROVIDER_CLOUD_THROTTLE_H_
#define VPCEP_PROVIDER_CLOUD_THROTTLE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "provider/core/stop.h"

namespace vpcep::cloud {

class RateGate {
 public:
  using Clock = std::function<absl::Time()>;
  explicit RateGate(Clock clock = &absl::Now) : clock_(std::move(clock)) {}

  // Waits for this caller's turn. Fails (without waiting) when the turn comes
  // after `deadline`, or when `stop` is raised while waiting.
  absl::Status Acquire(absl::Time deadline, const core::StopSignal* stop);

  // The API answered a call: throttled, or not.
  void OnThrottled();
  void OnAnswered();

  // Current limit in calls per second; 0 = none (for tests and logs).
  double rate() const;
  int64_t throttled() const;

 private:
  const Clock clock_;
  mutable std::mutex mu_;
  double rate_ = 0;                                   // guarded by mu_
  absl::Time next_slot_ = absl::InfinitePast();       // guarded by mu_
  absl::Time last_cut_ = absl::InfinitePast();        // guarded by mu_
  std::deque<absl::Time> recent_;                     // sends in the last second; guarded by mu_
  int64_t throttled_ = 0;                             // guarded by mu_
};

}  // namespace vpcep::cloud

#endif  // VPCEP_PROVIDER_CLOUD_THROTTLE_H_
