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

void ValidateTimeout(const core::Field<std::string>& text, const char* which,
                     core::Diagnostics& diags) {
  absl::StatusOr<absl::Duration> d = ParseTimeout(text);
  if (!d.ok()) {
    diags.AddError("Invalid timeout", std::string(d.status().message()),
                   {core::PathStep::Attr("timeouts"), core::PathStep::Attr(which)});
  }
}

}  // namespace vpcep::resources
