#include "simulator/errors.h"

#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace vpcep::sim {
namespace {

// Payload key under which MakeError() stores "<http status>|<code>".
constexpr char kPayloadUrl[] = "type.vpcep.sim/api-error";

absl::StatusCode CanonicalCode(int http_status) {
  switch (http_status) {
    case 400:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      return absl::StatusCode::kNotFound;
    case 409:
      return absl::StatusCode::kAlreadyExists;
    case 429:
      return absl::StatusCode::kResourceExhausted;
    case 503:
      return absl::StatusCode::kUnavailable;
    case 504:
      return absl::StatusCode::kDeadlineExceeded;
    default:
      return absl::StatusCode::kInternal;
  }
}

}  // namespace

absl::Status MakeError(int http_status, absl::string_view code, absl::string_view message) {
  absl::Status status(CanonicalCode(http_status), message);
  status.SetPayload(kPayloadUrl, absl::Cord(absl::StrCat(http_status, "|", code)));
  return status;
}

std::string SpellCode(absl::string_view code, CodeSpelling spelling) {
  constexpr absl::string_view kPrefix = "EndPoint.";
  if (spelling == CodeSpelling::kEndpoint && absl::StartsWith(code, kPrefix)) {
    return absl::StrCat("Endpoint.", code.substr(kPrefix.size()));
  }
  return std::string(code);
}

absl::Status InvalidField(absl::string_view field, absl::string_view why) {
  return MakeError(400, codes::kInvalidParameter,
                   absl::StrCat("Invalid parameter ", field, ": ", why));
}

ApiError ToApiError(const absl::Status& status) {
  ApiError error;
  error.message = std::string(status.message());
  auto payload = status.GetPayload(kPayloadUrl);
  if (payload.has_value()) {
    std::vector<std::string> parts = absl::StrSplit(std::string(*payload), absl::MaxSplits('|', 1));
    if (parts.size() == 2 && absl::SimpleAtoi(parts[0], &error.http_status)) {
      error.code = parts[1];
      return error;
    }
  }
  error.http_status = 500;
  error.code = std::string(codes::kSystemError);
  if (error.message.empty()) error.message = "System error. Please retry.";
  return error;
}

}  // namespace vpcep::sim
