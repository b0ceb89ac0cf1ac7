// Terraform's `timeouts` block convention: one Go-style duration per
// operation ("30s", "10m", "1h30m"), bounding how long it waits.
#ifndef VPCEP_RESOURCES_TIMEOUTS_H_
#define VPCEP_RESOURCES_TIMEOUTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "provider/core/diagnostics.h"
#include "provider/core/field.h"

namespace vpcep::resources {

inline constexpr absl::Duration kDefaultTimeout = absl::Minutes(10);

// `text` as a positive duration; `fallback` when it is null or unknown.
// InvalidArgument, with a message for the user, for anything else.
absl::StatusOr<absl::Duration> ParseTimeout(const core::Field<std::string>& text,
                                            absl::Duration fallback = kDefaultTimeout);

// An error on `timeouts.<which>` when `text` is not a valid timeout.
void ValidateTimeout(const core::Field<std::string>& text, const char* which,
                     core::Diagnostics& diags);

}  // namespace vpcep::resources

#endif  // VPCEP_RESOURCES_TIMEOUTS_H_
