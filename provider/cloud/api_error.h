// The API's error model. Failures are absl::Status values whose message names
// the operation, HTTP status, API error code, message and request id; the code
// and HTTP status also ride along as payloads so callers can branch on them.
#ifndef VPCEP_PROVIDER_CLOUD_API_ERROR_H_
#define VPCEP_PROVIDER_CLOUD_API_ERROR_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
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

absl::Status ApiErrorStatus(absl::string_view operation, const ApiError& error);

// The API error code carried by `status`, or "" when it has none.
std::string ApiErrorCode(const absl::Status& status);
int ApiHttpStatus(const absl::Status& status);

// Whether `status` carries the API error `code`. Compared without regard to
// case: the API's own documents spell both `EndPoint.2013` and `Endpoint.2013`.
bool HasApiCode(const absl::Status& status, absl::string_view code);

// The API or its gateway asked the caller to slow down (HTTP 429 / APIGW.0308,
// or HTTP 400 EndPoint.0022).
bool IsThrottled(const absl::Status& status);
// The endpoint service does not exist (HTTP 400 EndPoint.2003).
bool IsServiceGone(const absl::Status& status);
// The endpoint is not (or no longer) connected to the service: it does not
// exist, was deleted, or does not belong to the service.
bool IsConnectionGone(const absl::Status& status);
// `receive` of an endpoint that is already connected (EndPoint.2014).
bool IsAlreadyConnected(const absl::Status& status);

}  // namespace vpcep::cloud

#endif  // VPCEP_PROVIDER_CLOUD_API_ERROR_H_
