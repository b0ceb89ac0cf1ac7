#include "resources/timeouts.h"

#include "absl/strings/str_cat.h"

namespace vpcep::resources {

absl::StatusOr<absl::Duration> ParseTimeout(const core::Field<std::string>& text,
                                            absl::Duration fallback) {
  if (!text.has_value()) return fallback;
  absl::Duration d;
  // Go's time.ParseDuration syntax ("1h30m", "90s", "500ms") is what users know.
  if (!absl::ParseDuration(text.value(), &d) || d <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text.value(), "\" is not a positive duration such as \"30s\", \"10m\" or \"1h30m\""));
  }
  return d;
}

}  // namespace vpcep::resources
