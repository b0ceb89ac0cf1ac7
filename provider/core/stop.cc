#include "provider/core/stop.h"

#include <algorithm>
#include <chrono>

namespace vpcep::core {

void StopSignal::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
  }
  stopped_changed_.notify_all();
}

bool StopSignal::stopped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stopped_;
}

bool StopSignal::SleepFor(absl::Duration d) const {
  std::unique_lock<std::mutex> lock(mu_);
  auto is_stopped = [this] { return stopped_; };
  if (d == absl::InfiniteDuration()) {
    stopped_changed_.wait(lock, is_stopped);
  } else if (d > absl::ZeroDuration()) {
    // Capped at a year: steady_clock::now() + a huge duration would overflow.
    const absl::Duration capped = std::min(d, absl::Hours(24 * 365));
    stopped_changed_.wait_for(lock, absl::ToChronoNanoseconds(capped), is_stopped);
  }
  return !stopped_;
}

}  // namespace vpcep::core
