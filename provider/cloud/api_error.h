// The API's error model. A failed call is an absl::Status whose code says
// what the failure means, by Abseil's canonical codes, and whose message
// names the operation, HTTP status, API error code, message and request id
// (what diagnostics print). The API code and HTTP status also ride along as
// payloads, for the predicates below and for tests.
//
// Canonical codes by meaning (the API code decides where it has one):
//   kUnavailable        throttled (HTTP 429, APIGW.0308, and EndPoint.0022 on
//                       HTTP 400), server errors (5xx), a service or endpoint
//                       between states (EndPoint.2004, .2018, .2019): retrying
//                       the same call with backoff can succeed;
//   kNotFound           the service or the connection is gone (EndPoint.2003,
//                       .2006, .2008, .2013) and other 404s;
//   kAlreadyExists      the endpoint is already connected (EndPoint.2014);
//   kInvalidArgument    a parameter the API refused (EndPoint.0002, .0006,
//                       .0010, .0017-.0019, .0021, .2027, .2031);
//   kUnauthenticated / kPermissionDenied   HTTP 401 / 403;
//   kFailedPrecondition any other refusal: not until something is fixed.
// Callers branch on the predicates, never on API code strings.
#ifndef VPCEP_PROVIDER_CLOUD_API_ERROR_H_
#define VPCEP_PROVIDER_CLOUD_API_ERROR_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "provider/cloud/http.h"

namespace vpcep::cloud {

struct ApiError {
  int http_status = 0;
  std::string code;  // e.g. EndPoint.2014; empty when the body had none
  std::string message;
  std::string request_id;
};

// Parses both documented body shapes:
// {"error_code","error_msg","request_id"} and {"error":{"code","message"}}.
ApiError ParseApiError(const HttpResponse& response);

// The canonical code of `error`, by the table above.
absl::StatusCode CanonicalCode(const ApiError& error);

absl::Status ApiErrorStatus(absl::string_view operation, const ApiError& error);

// The API error code carried by `status`, or "" when it has none.
std::string ApiErrorCode(const absl::Status& status);
int ApiHttpStatus(const absl::Status& status);

// Copies the API's answer carried by `answer` (error code, HTTP status) onto
// `status`: a call stopped after a refusal stays a refusal.
void KeepAnswer(const absl::Status& answer, absl::Status& status);

// Whether `status` carries the API error `code`. Compared without regard to
// case: the API's own documents spell both `EndPoint.2013` and `Endpoint.2013`.
// For cloud/ itself; everything above uses the predicates.
bool HasApiCode(const absl::Status& status, absl::string_view code);

// A failed call that may succeed if made again: kUnavailable (throttling,
// server errors, transitional states, network failures) or kDeadlineExceeded
// (no answer in time). Never a stop request, 401 or 403.
bool IsRetryable(const absl::Status& status);
// The API or its gateway asked the caller to slow down.
bool IsThrottled(const absl::Status& status);
// No answer at all, or a server error that may have come after the work was
// done: the call may have taken effect.
bool IsOutcomeUnknown(const absl::Status& status);
// The service, or the endpoint's connection to it, does not exist (any
// more), on the API's own word: a bare 404, which a proxy or a wrong
// endpoint may answer, is not taken for it.
bool IsGone(const absl::Status& status);
// The endpoint service itself does not exist (so none of its connections do).
bool IsServiceGone(const absl::Status& status);
// `receive` of an endpoint that is already connected.
bool IsAlreadyAccepted(const absl::Status& status);

// The list call's query parameter (`id`, `status`, `marker_id`, `sort_key`,
// `sort_dir`) that the API refused (by its error code) or ignored (as marked
// by WithListParameter), or "" when the failure names none: so a data source
// can pin the error on the attribute that caused it.
std::string ListParameterAtFault(const absl::Status& status);
absl::Status WithListParameter(absl::Status status, absl::string_view parameter);

// The API refused the credentials: HTTP 401 or 403, or a gateway (APIGW.*)
// refusal other than throttling. No call of this process can succeed.
bool IsCredentialError(const absl::Status& status);
// The API refused the project id of the request path (EndPoint.0014).
bool IsProjectError(const absl::Status& status);

// A failure that a provider setting must fix (credentials, project id, an
// API host that does not resolve). `summary` says which, for diagnostics.
absl::Status MarkBadSetting(absl::Status status, absl::string_view summary);
bool IsBadSetting(const absl::Status& status);
std::string BadSettingSummary(const absl::Status& status);

// A call that was never sent (stopped before it went out): its outcome is
// known, so IsOutcomeUnknown is false for it.
absl::Status MarkNotSent(absl::Status status);
bool IsNotSent(const absl::Status& status);

}  // namespace vpcep::cloud

#endif  // VPCEP_PROVIDER_CLOUD_API_ERROR_H_
