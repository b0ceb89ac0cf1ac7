#include "simulator/aksk_authenticator.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "provider/cloud/aksk_signer.h"
#include "simulator/errors.h"

namespace vpcep::sim {
namespace {

constexpr char kSignatureFail[] =
    "Incorrect IAM authentication information: verify aksk signature fail";

absl::Status Unauthorized(absl::string_view message) {
  return MakeError(401, codes::kGatewayAuth, message);
}

bool SameText(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

struct AuthorizationParts {
  std::string access;
  std::string signed_headers;
  std::string signature;
};

// "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex"
bool ParseAuthorization(absl::string_view value, AuthorizationParts* parts) {
  if (!absl::ConsumePrefix(&value, "SDK-HMAC-SHA256 ")) return false;
  for (absl::string_view piece : absl::StrSplit(value, ',')) {
    piece = absl::StripAsciiWhitespace(piece);
    const size_t eq = piece.find('=');
    if (eq == absl::string_view::npos) return false;
    const absl::string_view key = piece.substr(0, eq);
    const std::string val(piece.substr(eq + 1));
    if (key == "Access") {
      parts->access = val;
    } else if (key == "SignedHeaders") {
      parts->signed_headers = val;
    } else if (key == "Signature") {
      parts->signature = val;
    } else {
      return false;
    }
  }
  return !parts->access.empty() && !parts->signed_headers.empty() && !parts->signature.empty();
}

// "YYYYMMDDTHHMMSSZ" (absl::ParseTime's %Y is greedy, so parse by hand).
bool ParseSdkDate(const std::string& text, absl::Time* out) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return false;
  for (size_t i : {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  auto num = [&](size_t pos, size_t len) { return std::stoi(text.substr(pos, len)); };
  const int year = num(0, 4), month = num(4, 2), day = num(6, 2);
  const int hour = num(9, 2), minute = num(11, 2), second = num(13, 2);
  const absl::CivilSecond civil(year, month, day, hour, minute, second);
  // CivilSecond normalizes out-of-range fields; refuse those.
  if (civil.year() != year || civil.month() != month || civil.day() != day ||
      civil.hour() != hour || civil.minute() != minute || civil.second() != second) {
    return false;
  }
  *out = absl::FromCivil(civil, absl::UTCTimeZone());
  return true;
}

}  // namespace

AkSkAuthenticator::AkSkAuthenticator(std::map<std::string, std::string> keys,
                                     std::shared_ptr<const Authenticator> fallback,
                                     std::function<absl::Time()> clock, absl::Duration max_skew)
    : keys_(std::move(keys)),
      fallback_(std::move(fallback)),
      clock_(std::move(clock)),
      max_skew_(max_skew) {}

absl::Status AkSkAuthenticator::Authenticate(const httplib::Request& request) const {
  const std::string authorization = request.get_header_value("Authorization");
  if (!absl::StartsWith(authorization, "SDK-HMAC-SHA256")) {
    if (fallback_ != nullptr) return fallback_->Authenticate(request);
    return Unauthorized("Incorrect IAM authentication information: Authorization not found");
  }
  AuthorizationParts parts;
  if (!ParseAuthorization(authorization, &parts)) return Unauthorized(kSignatureFail);
  auto key = keys_.find(parts.access);
  if (key == keys_.end()) return Unauthorized(kSignatureFail);

  // The date window.
  if (!request.has_header("X-Sdk-Date")) {
    return Unauthorized("Incorrect IAM authentication information: X-Sdk-Date not found");
  }
  const std::string sdk_date = request.get_header_value("X-Sdk-Date");
  absl::Time signed_at;
  if (!ParseSdkDate(sdk_date, &signed_at)) {
    return Unauthorized(
        "Incorrect IAM authentication information: X-Sdk-Date is invalid (want YYYYMMDDTHHMMSSZ)");
  }
  const absl::Time now = clock_ ? clock_() : absl::Now();
  if (absl::AbsDuration(now - signed_at) > max_skew_) {
    return Unauthorized(
        "Incorrect IAM authentication information: the request date (X-Sdk-Date) differs from "
        "the server time by more than 15 minutes");
  }

  // Recompute the signature from what was received.
  cloud::SigningInput input;
  input.method = request.method;
  // The path as sent (still percent-encoded), without the query.
  std::string path = request.target.empty() ? request.path : request.target;
  if (const size_t q = path.find('?'); q != std::string::npos) path.resize(q);
  input.path = path;
  for (const auto& [name, value] : request.params) input.query.emplace_back(name, value);
  for (const auto& [name, value] : request.headers) input.headers.emplace_back(name, value);
  input.body = request.body;
  for (absl::string_view name : absl::StrSplit(parts.signed_headers, ';', absl::SkipEmpty())) {
    input.signed_headers.push_back(absl::AsciiStrToLower(name));
  }
  absl::StatusOr<cloud::SigningResult> expected = cloud::Sign(input, parts.access, key->second);
  if (!expected.ok()) return Unauthorized(kSignatureFail);
  if (!SameText(absl::AsciiStrToLower(parts.signature), expected->signature)) {
    return Unauthorized(kSignatureFail);
  }
  return absl::OkStatus();
}

}  // namespace vpcep::sim
