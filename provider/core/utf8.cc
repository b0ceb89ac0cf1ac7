#include "provider/core/utf8.h"

namespace vpcep::core {
namespace {

constexpr absl::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid sequence starting at s[i], or 0 when there is none.
// The ranges are those of Unicode's table "Well-Formed UTF-8 Byte Sequences".
size_t SequenceLength(absl::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  size_t n = 0;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead == 0xE0) {
    n = 3, low = 0xA0;  // no overlong forms
  } else if (lead == 0xED) {
    n = 3, high = 0x9F;  // no surrogates
  } else if (lead >= 0xE1 && lead <= 0xEF) {
    n = 3;
  } else if (lead == 0xF0) {
    n = 4, low = 0x90;  // no overlong forms
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    n = 4;
  } else if (lead == 0xF4) {
    n = 4, high = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size() || byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

bool ValidUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string SanitizeUtf8(absl::string_view s) {
  if (ValidUtf8(s)) return std::string(s);
  return TruncateUtf8(s, std::string::npos);
}

std::string TruncateUtf8(absl::string_view s, size_t max_bytes) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t n = SequenceLength(s, i);
    absl::string_view piece = n == 0 ? kReplacement : s.substr(i, n);
    if (piece.size() > max_bytes - out.size()) break;
    out.append(piece.data(), piece.size());
    i += n == 0 ? 1 : n;
  }
  return out;
}

size_t CountCodePoints(absl::string_view s) {
  size_t count = 0;
  for (size_t i = 0; i < s.size(); ++count) {
    size_t n = SequenceLength(s, i);
    i += n == 0 ? 1 : n;
  }
  return count;
}

}  // namespace vpcep::core
