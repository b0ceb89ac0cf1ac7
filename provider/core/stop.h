// StopSignal: the provider-wide interrupt raised by StopProvider (Ctrl-C in
// Terraform) or by shutdown. Every wait and backoff sleeps through it so that
// in-flight operations end within moments of a stop. Thread-safe.
//
// Synchronisation uses the standard library rather than absl::Mutex so that
// ThreadSanitizer sees it (Debian's Abseil is not TSan-instrumented).
#ifndef VPCEP_PROVIDER_CORE_STOP_H_
#define VPCEP_PROVIDER_CORE_STOP_H_

#include <condition_variable>
#include <mutex>

#include "absl/time/time.h"

namespace vpcep::core {

class StopSignal {
 public:
  // Raises the signal and wakes every sleeper. Idempotent.
  void Stop();
  bool stopped() const;
  // Sleeps for `d` or until Stop(); returns false when woken by Stop().
  bool SleepFor(absl::Duration d) const;

 private:
  mutable std::mutex mu_;  // guards stopped_
  mutable std::condition_variable stopped_changed_;  // notified when stopped_ becomes true
  bool stopped_ = false;
};

}  // namespace vpcep::core

#endif  // VPCEP_PROVIDER_CORE_STOP_H_
