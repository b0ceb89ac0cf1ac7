#include "provider/cloud/api_error.h"

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "provider/cloud/api_vocabulary.h"
#include "provider/core/utf8.h"

namespace vpcep::cloud {
namespace {

constexpr char kCodePayload[] = "vpcep.api/error_code";
constexpr char kHttpPayload[] = "vpcep.api/http_status";
constexpr size_t kExcerptBytes = 200;

std::string StringField(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

absl::StatusCode CodeFor(int http_status) {
  if (http_status == 401) return absl::StatusCode::kUnauthenticated;
  if (http_status == 403) return absl::StatusCode::kPermissionDenied;
  if (http_status == 404) return absl::StatusCode::kNotFound;
  if (http_status == 429) return absl::StatusCode::kResourceExhausted;
  if (http_status >= 500) return absl::StatusCode::kUnavailable;
  return absl::StatusCode::kFailedPrecondition;
}

}  // namespace

ApiError ParseApiError(const HttpResponse& response) {
  ApiError e;
  e.http_status = response.status;
  e.request_id = response.Header("x-request-id");
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object()) {
    e.code = StringField(body, "error_code");
    e.message = StringField(body, "error_msg");
    if (e.request_id.empty()) e.request_id = StringField(body, "request_id");
    auto nested = body.find("error");
    if (e.code.empty() && nested != body.end() && nested->is_object()) {
      e.code = StringField(*nested, "code");
      e.message = StringField(*nested, "message");
    }
  }
  // An HTML error page is quoted, not parsed; it may be in any encoding.
  if (e.message.empty()) e.message = core::TruncateUtf8(response.body, kExcerptBytes);
  // Diagnostics are protobuf strings: one invalid byte would lose the whole answer.
  e.code = core::SanitizeUtf8(e.code);
  e.message = core::SanitizeUtf8(e.message);
  e.request_id = core::SanitizeUtf8(e.request_id);
  return e;
}

absl::Status ApiErrorStatus(absl::string_view operation, const ApiError& error) {
  std::string text = absl::StrCat(operation, " failed: HTTP ", error.http_status);
  if (!error.code.empty()) absl::StrAppend(&text, " ", error.code);
  if (!error.message.empty()) absl::StrAppend(&text, ": ", error.message);
  if (!error.request_id.empty()) absl::StrAppend(&text, " (request id ", error.request_id, ")");
  absl::Status s(CodeFor(error.http_status), text);
  s.SetPayload(kCodePayload, absl::Cord(error.code));
  s.SetPayload(kHttpPayload, absl::Cord(absl::StrCat(error.http_status)));
  return s;
}

std::string ApiErrorCode(const absl::Status& status) {
  auto payload = status.GetPayload(kCodePayload);
  return payload ? std::string(*payload) : "";
}

int ApiHttpStatus(const absl::Status& status) {
  auto payload = status.GetPayload(kHttpPayload);
  int v = 0;
  if (payload) (void)absl::SimpleAtoi(std::string(*payload), &v);
  return v;
}

bool HasApiCode(const absl::Status& status, absl::string_view code) {
  return absl::EqualsIgnoreCase(ApiErrorCode(status), code);
}

bool IsThrottled(const absl::Status& status) {
  return ApiHttpStatus(status) == 429 || HasApiCode(status, api::codes::kGatewayThrottled) ||
         HasApiCode(status, api::codes::kThrottled);
}

bool IsServiceGone(const absl::Status& status) {
  return HasApiCode(status, api::codes::kServiceNotFound);
}

bool IsConnectionGone(const absl::Status& status) {
  for (absl::string_view code : {api::codes::kEndpointNotFound, api::codes::kEndpointDeleted,
                                 api::codes::kNotServiceEndpoint}) {
    if (HasApiCode(status, code)) return true;
  }
  return false;
}

bool IsAlreadyConnected(const absl::Status& status) {
  return HasApiCode(status, api::codes::kAlreadyConnected);
}

}  // namespace vpcep::cloud
