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
constexpr char kBadSettingPayload[] = "vpcep.api/bad_setting";
constexpr char kNotSentPayload[] = "vpcep.api/not_sent";
// The gateway's prefix; its codes are about the request's credentials,
// quota and routing, never about the VPCEP resources.
constexpr absl::string_view kGatewayPrefix = "APIGW.";
// "Invalid project ID": a 400 the public error table lists, outside the
// codes of the contract's table (so not in api_vocabulary.h).
constexpr absl::string_view kInvalidProjectId = "EndPoint.0014";
constexpr size_t kExcerptBytes = 200;

std::string StringField(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

bool CodeIn(absl::string_view code, std::initializer_list<absl::string_view> codes) {
  for (absl::string_view c : codes) {
    if (absl::EqualsIgnoreCase(code, c)) return true;
  }
  return false;
}

namespace codes = api::codes;

bool ThrottledCode(absl::string_view code) {
  return CodeIn(code, {codes::kGatewayThrottled, codes::kThrottled});
}

bool ServiceGoneCode(absl::string_view code) { return CodeIn(code, {codes::kServiceNotFound}); }

bool GoneCode(absl::string_view code) {
  return ServiceGoneCode(code) || CodeIn(code, {codes::kEndpointNotFound, codes::kEndpointDeleted,
                                                codes::kNotServiceEndpoint});
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

absl::StatusCode CanonicalCode(const ApiError& error) {
  const absl::string_view code = error.code;
  // Abseil: kUnavailable when the client can retry just the failing call.
  if (error.http_status == 429 || ThrottledCode(code)) return absl::StatusCode::kUnavailable;
  if (CodeIn(code, {codes::kServiceUnavailable, codes::kEndpointDeleting,
                    codes::kEndpointCreating})) {
    return absl::StatusCode::kUnavailable;
  }
  if (GoneCode(code)) return absl::StatusCode::kNotFound;
  if (CodeIn(code, {codes::kAlreadyConnected})) return absl::StatusCode::kAlreadyExists;
  if (CodeIn(code, {codes::kInvalidParameter, codes::kInvalidLimit, codes::kInvalidOffset,
                    codes::kInvalidSortKey, codes::kInvalidSortDir, codes::kInvalidStatus,
                    codes::kInvalidMarkerId, codes::kInvalidAction, codes::kOneEndpointOnly})) {
    return absl::StatusCode::kInvalidArgument;
  }
  if (error.http_status == 401) return absl::StatusCode::kUnauthenticated;
  if (error.http_status == 403) return absl::StatusCode::kPermissionDenied;
  if (error.http_status == 404) return absl::StatusCode::kNotFound;
  if (error.http_status >= 500) return absl::StatusCode::kUnavailable;
  return absl::StatusCode::kFailedPrecondition;
}

absl::Status ApiErrorStatus(absl::string_view operation, const ApiError& error) {
  std::string text = absl::StrCat(operation, " failed: HTTP ", error.http_status);
  if (!error.code.empty()) absl::StrAppend(&text, " ", error.code);
  if (!error.message.empty()) absl::StrAppend(&text, ": ", error.message);
  if (!error.request_id.empty()) absl::StrAppend(&text, " (request id ", error.request_id, ")");
  absl::Status s(CanonicalCode(error), text);
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

void KeepAnswer(const absl::Status& answer, absl::Status& status) {
  for (const char* key : {kCodePayload, kHttpPayload}) {
    if (auto payload = answer.GetPayload(key)) status.SetPayload(key, *payload);
  }
}

bool HasApiCode(const absl::Status& status, absl::string_view code) {
  return absl::EqualsIgnoreCase(ApiErrorCode(status), code);
}

bool IsRetryable(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded;
}

bool IsThrottled(const absl::Status& status) {
  return ApiHttpStatus(status) == 429 || ThrottledCode(ApiErrorCode(status));
}

bool IsOutcomeUnknown(const absl::Status& status) {
  if (status.ok() || IsNotSent(status)) return false;
  int http = ApiHttpStatus(status);
  return http == 0 || http >= 500;
}

bool IsGone(const absl::Status& status) {
  return status.code() == absl::StatusCode::kNotFound && GoneCode(ApiErrorCode(status));
}

bool IsServiceGone(const absl::Status& status) {
  return status.code() == absl::StatusCode::kNotFound && ServiceGoneCode(ApiErrorCode(status));
}

bool IsAlreadyAccepted(const absl::Status& status) {
  return status.code() == absl::StatusCode::kAlreadyExists;
}

bool IsCredentialError(const absl::Status& status) {
  const int http = ApiHttpStatus(status);
  if (http == 401 || http == 403) return true;
  // Gateway server errors (APIGW.02xx on 5xx) and throttling are passing.
  return http >= 400 && http < 500 && !IsThrottled(status) &&
         absl::StartsWithIgnoreCase(ApiErrorCode(status), kGatewayPrefix);
}

bool IsProjectError(const absl::Status& status) { return HasApiCode(status, kInvalidProjectId); }

absl::Status MarkBadSetting(absl::Status status, absl::string_view summary) {
  status.SetPayload(kBadSettingPayload, absl::Cord(summary));
  return status;
}

bool IsBadSetting(const absl::Status& status) {
  return status.GetPayload(kBadSettingPayload).has_value();
}

std::string BadSettingSummary(const absl::Status& status) {
  auto payload = status.GetPayload(kBadSettingPayload);
  return payload ? std::string(*payload) : "";
}

absl::Status MarkNotSent(absl::Status status) {
  status.SetPayload(kNotSentPayload, absl::Cord("1"));
  return status;
}

bool IsNotSent(const absl::Status& status) {
  return status.GetPayload(kNotSentPayload).has_value();
}

}  // namespace vpcep::cloud

namespace vpcep::cloud {
namespace {
constexpr char kParameterPayload[] = "vpcep.api/list_parameter";
}  // namespace

absl::Status WithListParameter(absl::Status status, absl::string_view parameter) {
  status.SetPayload(kParameterPayload, absl::Cord(parameter));
  return status;
}

std::string ListParameterAtFault(const absl::Status& status) {
  if (auto payload = status.GetPayload(kParameterPayload)) return std::string(*payload);
  const std::string code = ApiErrorCode(status);
  if (CodeIn(code, {codes::kInvalidStatus})) return "status";
  if (CodeIn(code, {codes::kInvalidMarkerId})) return "marker_id";
  if (CodeIn(code, {codes::kInvalidSortKey})) return "sort_key";
  if (CodeIn(code, {codes::kInvalidSortDir})) return "sort_dir";
  return "";
}

}  // namespace vpcep::cloud
