#include "provider/core/stop.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace vpcep::core {

void StopSignal::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  cv_.notify_all();
  std::lock_guard<std::mutex> lock(callbacks_mu_);
  for (auto& [id, fn] : callbacks_) fn();
}

bool StopSignal::stopped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stopped_;
}

bool StopSignal::SleepFor(absl::Duration d) const {
  // Capped so that the steady clock's now() + d cannot overflow.
  d = std::min(d, absl::Hours(24 * 365));
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, absl::ToChronoNanoseconds(d), [this] { return stopped_; });
  return !stopped_;
}

StopSignal::Registration::Registration(const StopSignal* signal, std::function<void()> fn)
    : signal_(signal) {
  if (signal_ == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(signal_->callbacks_mu_);
    id_ = signal_->next_id_++;
    signal_->callbacks_[id_] = fn;
  }
  // Stop() may have run its callbacks before this one was added.
  if (signal_->stopped()) fn();
}

StopSignal::Registration::~Registration() {
  if (signal_ == nullptr) return;
  std::lock_guard<std::mutex> lock(signal_->callbacks_mu_);
  signal_->callbacks_.erase(id_);
}

}  // namespace vpcep::core
