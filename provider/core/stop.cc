#include "provider/core/stop.h"

namespace vpcep::core {

void StopSignal::Stop() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
}

bool StopSignal::stopped() const {
  absl::MutexLock lock(&mu_);
  return stopped_;
}

bool StopSignal::SleepFor(absl::Duration d) const {
  absl::MutexLock lock(&mu_);
  auto is_stopped = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopped_; };
  mu_.AwaitWithTimeout(absl::Condition(&is_stopped), d);
  return !stopped_;
}

}  // namespace vpcep::core
