// StopSignal: the provider-wide interrupt raised by StopProvider (Ctrl-C in
// Terraform) or by shutdown. Every wait and backoff sleeps through it so that
// in-flight operations end within moments of a stop. Thread-safe.
#ifndef VPCEP_PROVIDER_CORE_STOP_H_
#define VPCEP_PROVIDER_CORE_STOP_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
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
  mutable absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace vpcep::core

#endif  // VPCEP_PROVIDER_CORE_STOP_H_
