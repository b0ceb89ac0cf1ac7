// StopSignal: the provider-wide interrupt raised by StopProvider (Ctrl-C in
// Terraform) or by shutdown. Every wait and backoff sleeps through it so that
// in-flight operations end within moments of a stop. Thread-safe.
#ifndef VPCEP_PROVIDER_CORE_STOP_H_
#define VPCEP_PROVIDER_CORE_STOP_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

#include "absl/time/time.h"

namespace vpcep::core {

class StopSignal {
 public:
  // Raises the signal, wakes every sleeper and runs the registered
  // callbacks. Idempotent.
  void Stop();
  bool stopped() const;
  // Sleeps for `d` or until Stop(); returns false when woken by Stop().
  bool SleepFor(absl::Duration d) const;

  // Runs `fn` on Stop() (at once when already stopped) until the
  // registration is removed; e.g. to abort a blocking network read.
  class Registration {
   public:
    Registration(const StopSignal* signal, std::function<void()> fn);
    ~Registration();
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

   private:
    const StopSignal* signal_;
    uint64_t id_ = 0;
  };

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool stopped_ = false;  // guarded by mu_
  // Held while callbacks run, so removing a registration waits for its
  // callback to finish (the callback's target may be destroyed next).
  mutable std::mutex callbacks_mu_;
  mutable std::map<uint64_t, std::function<void()>> callbacks_;  // guarded by callbacks_mu_
  mutable uint64_t next_id_ = 1;                                 // guarded by callbacks_mu_
};

}  // namespace vpcep::core

#endif  // VPCEP_PROVIDER_CORE_STOP_H_
