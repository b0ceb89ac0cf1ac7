// UTF-8 checks and repairs for text that crosses a trust boundary. Terraform
// refuses a whole response when one protobuf string field holds invalid UTF-8,
// so bytes from the network pass through SanitizeUtf8 / TruncateUtf8 before
// they reach a diagnostic. "Valid" follows RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF.
#ifndef VPCEP_PROVIDER_CORE_UTF8_H_
#define VPCEP_PROVIDER_CORE_UTF8_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace vpcep::core {

bool ValidUtf8(absl::string_view s);

// `s` with every byte that does not start a valid sequence replaced by U+FFFD.
std::string SanitizeUtf8(absl::string_view s);

// The longest prefix of SanitizeUtf8(s) that fits in `max_bytes` and ends on
// a character boundary. Reads only as much of `s` as it keeps.
std::string TruncateUtf8(absl::string_view s, size_t max_bytes);

// Characters (code points) in `s`; each invalid byte counts as one.
size_t CountCodePoints(absl::string_view s);

}  // namespace vpcep::core

#endif  // VPCEP_PROVIDER_CORE_UTF8_H_
