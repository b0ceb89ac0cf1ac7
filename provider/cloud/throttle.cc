#include "provider/cloud/throttle.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace vpcep::cloud {
namespace {

constexpr double kMinRate = 0.5;       // calls per second
constexpr double kDecrease = 0.5;      // multiplicative cut on a throttled answer
constexpr absl::Duration kWindow = absl::Seconds(1);

}  // namespace

absl::Status RateGate::Acquire(absl::Time deadline, const core::StopSignal* stop) {
  absl::Time slot;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const absl::Time now = clock_();
    slot = now;
    if (rate_ > 0) {
      slot = std::max(now, next_slot_);
      if (slot > deadline) {
        return absl::DeadlineExceededError(absl::StrCat(
            "no time left before the deadline for a call at the throttled rate of ", rate_,
            " calls/s"));
      }
      next_slot_ = slot + absl::Seconds(1.0 / rate_);
    }
    recent_.push_back(slot);
    while (!recent_.empty() && recent_.front() < now - kWindow) recent_.pop_front();
  }
  absl::Duration wait = slot - clock_();
  if (wait <= absl::ZeroDuration()) return absl::OkStatus();
  if (stop != nullptr) {
    if (!stop->SleepFor(wait)) return absl::CancelledError("interrupted by a stop request");
  } else {
    absl::SleepFor(wait);
  }
  return absl::OkStatus();
}

void RateGate::OnThrottled() {
  std::lock_guard<std::mutex> lock(mu_);
  ++throttled_;
  const absl::Time now = clock_();
  // The answers to calls already in flight arrive together: one cut per
  // window, or a burst would drive the rate to the floor.
  if (now - last_cut_ < kWindow) return;
  last_cut_ = now;
  while (!recent_.empty() && recent_.front() < now - kWindow) recent_.pop_front();
  double measured = static_cast<double>(recent_.size()) / absl::ToDoubleSeconds(kWindow);
  double base = rate_ > 0 ? std::min(rate_, std::max(measured, kMinRate)) : measured;
  rate_ = std::max(kMinRate, base * kDecrease);
  next_slot_ = std::max(next_slot_, now + absl::Seconds(1.0 / rate_));
}

void RateGate::OnAnswered() {
  std::lock_guard<std::mutex> lock(mu_);
  // Additive increase: about one call per second more for every second of
  // calls at the current rate that went through.
  if (rate_ > 0) rate_ += 1.0 / rate_;
}

double RateGate::rate() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rate_;
}

int64_t RateGate::throttled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return throttled_;
}

}  // namespace vpcep::cloud
