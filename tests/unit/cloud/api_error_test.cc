// ApiError from answers that are not the API's JSON: error pages cut at 200
// bytes, and bytes that are not UTF-8, become valid UTF-8 text for diagnostics.
// The API's errors as canonical codes by meaning, and the predicates callers
// branch on: the API's code, message and request id stay in the message.
#include "provider/cloud/api_error.h"

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/core/utf8.h"

namespace vpcep {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";
const std::string kZhong = "\xE4\xB8\xAD";  // 中

// A proxy's error page in Latin-1, with a request id that is not UTF-8.
cloud::HttpResponse LatinErrorPage() {
  return cloud::HttpResponse{400,
                             {{"x-request-id", "req-\xFF\xFE"}},
                             "<html>Requ\xEAte refus\xE9"
                             "e</html>"};
}

TEST(ApiErrorText, ExcerptOfAnErrorPageIsCutOnACharacterBoundary) {
  // The 200th byte is the first of a 3-byte character.
  cloud::HttpResponse page{502, {}, std::string(199, 'x') + kZhong + "</html>"};
  cloud::ApiError e = cloud::ParseApiError(page);
  EXPECT_TRUE(core::ValidUtf8(e.message));
  EXPECT_EQ(e.message, std::string(199, 'x'));
}

TEST(ApiErrorText, InvalidBytesFromTheNetworkAreReplaced) {
  cloud::ApiError e = cloud::ParseApiError(LatinErrorPage());
  EXPECT_EQ(e.request_id, "req-" + kFffd + kFffd);
  EXPECT_EQ(e.message, "<html>Requ" + kFffd + "te refus" + kFffd + "e</html>");
  absl::Status s = cloud::ApiErrorStatus("list connections", e);
  EXPECT_TRUE(core::ValidUtf8(s.message())) << s.message();
}

}  // namespace
}  // namespace vpcep

namespace vpcep::cloud {
namespace {

using absl::StatusCode;
using ::testing::HasSubstr;

absl::Status Failure(int http, std::string code) {
  return ApiErrorStatus("receive endpoint ep-1", ApiError{http, std::move(code), "msg", "req-1"});
}

TEST(ApiError, EachDocumentedErrorHasTheCanonicalCodeOfItsMeaning) {
  const std::vector<std::tuple<int, std::string, StatusCode>> table = {
      {400, "EndPoint.0022", StatusCode::kUnavailable},  // throttled, on HTTP 400
      {429, "APIGW.0308", StatusCode::kUnavailable},
      {429, "", StatusCode::kUnavailable},
      {500, "EndPoint.0001", StatusCode::kUnavailable},
      {504, "EndPoint.0013", StatusCode::kUnavailable},
      {400, "EndPoint.2004", StatusCode::kUnavailable},  // service unavailable: retry later
      {400, "EndPoint.2018", StatusCode::kUnavailable},  // endpoint being deleted
      {400, "EndPoint.2019", StatusCode::kUnavailable},  // endpoint being created
      {400, "EndPoint.2003", StatusCode::kNotFound},     // service gone, on HTTP 400
      {404, "EndPoint.2006", StatusCode::kNotFound},
      {404, "EndPoint.2008", StatusCode::kNotFound},
      {400, "EndPoint.2013", StatusCode::kNotFound},
      {404, "EndPoint.0005", StatusCode::kNotFound},
      {400, "EndPoint.2014", StatusCode::kAlreadyExists},
      {400, "EndPoint.0002", StatusCode::kInvalidArgument},
      {400, "EndPoint.0010", StatusCode::kInvalidArgument},
      {400, "EndPoint.2031", StatusCode::kInvalidArgument},
      {401, "APIGW.0301", StatusCode::kUnauthenticated},
      {401, "EndPoint.0003", StatusCode::kUnauthenticated},
      {403, "EndPoint.0004", StatusCode::kPermissionDenied},
      {400, "EndPoint.2047", StatusCode::kFailedPrecondition},  // endpoint failed
      {400, "EndPoint.2012", StatusCode::kFailedPrecondition},  // no permission to connect
      {400, "", StatusCode::kFailedPrecondition},
  };
  for (const auto& [http, code, expected] : table) {
    EXPECT_EQ(Failure(http, code).code(), expected) << http << " " << code;
  }
}

TEST(ApiError, MessageKeepsOperationHttpStatusCodeMessageAndRequestId) {
  absl::Status s = Failure(400, "EndPoint.0022");
  EXPECT_EQ(s.message(),
            "receive endpoint ep-1 failed: HTTP 400 EndPoint.0022: msg (request id req-1)");
  EXPECT_EQ(ApiErrorCode(s), "EndPoint.0022");
  EXPECT_EQ(ApiHttpStatus(s), 400);
}

TEST(ApiError, ThrottlingIsRetryableWhateverTheHttpStatus) {
  for (absl::Status s :
       {Failure(400, "EndPoint.0022"), Failure(429, "APIGW.0308"), Failure(429, "")}) {
    EXPECT_TRUE(IsThrottled(s)) << s;
    EXPECT_TRUE(IsRetryable(s)) << s;
    EXPECT_FALSE(IsOutcomeUnknown(s)) << "refused, so not done: " << s;
  }
  EXPECT_FALSE(IsThrottled(Failure(503, "")));
}

TEST(ApiError, RetryableMeansTheSameCallMaySucceedLater) {
  for (absl::Status s : {Failure(500, "EndPoint.0001"), Failure(400, "EndPoint.2019"),
                         absl::UnavailableError("connection refused"),
                         absl::DeadlineExceededError("no answer in time")}) {
    EXPECT_TRUE(IsRetryable(s)) << s;
  }
  for (absl::Status s :
       {Failure(401, "APIGW.0301"), Failure(403, "EndPoint.0004"), Failure(400, "EndPoint.2013"),
        Failure(400, "EndPoint.0002"), absl::CancelledError("stop request"), absl::OkStatus()}) {
    EXPECT_FALSE(IsRetryable(s)) << s;
  }
}

TEST(ApiError, OutcomeIsUnknownWithoutAnAnswerOrAfterAServerError) {
  EXPECT_TRUE(IsOutcomeUnknown(absl::UnavailableError("connection reset")));
  EXPECT_TRUE(IsOutcomeUnknown(Failure(500, "EndPoint.0001")));
  EXPECT_TRUE(IsOutcomeUnknown(Failure(502, "")));
  EXPECT_FALSE(IsOutcomeUnknown(Failure(400, "EndPoint.2014")));
  EXPECT_FALSE(IsOutcomeUnknown(Failure(404, "EndPoint.2006")));
  EXPECT_FALSE(IsOutcomeUnknown(absl::OkStatus()));
}

TEST(ApiError, GoneOnlyOnTheApisOwnWord) {
  for (const auto& [http, code] :
       std::vector<std::pair<int, std::string>>{{400, "EndPoint.2003"},
                                                {404, "EndPoint.2006"},
                                                {404, "EndPoint.2008"},
                                                {400, "EndPoint.2013"},
                                                {400, "Endpoint.2013"}}) {
    EXPECT_TRUE(IsGone(Failure(http, code))) << code;
  }
  // A bare 404 may come from a proxy or a wrong endpoint: not proof.
  EXPECT_FALSE(IsGone(Failure(404, "")));
  EXPECT_FALSE(IsGone(Failure(404, "EndPoint.0005")));
  EXPECT_FALSE(IsGone(absl::NotFoundError("endpoint ep-1 is gone")));
  EXPECT_TRUE(IsServiceGone(Failure(400, "EndPoint.2003")));
  EXPECT_FALSE(IsServiceGone(Failure(404, "EndPoint.2006")));
}

TEST(ApiError, AlreadyConnectedIsAlreadyAccepted) {
  EXPECT_TRUE(IsAlreadyAccepted(Failure(400, "EndPoint.2014")));
  EXPECT_TRUE(IsAlreadyAccepted(Failure(400, "endpoint.2014"))) << "any case";
  EXPECT_FALSE(IsAlreadyAccepted(Failure(400, "EndPoint.2013")));
  EXPECT_FALSE(IsRetryable(Failure(400, "EndPoint.2014")));
}

}  // namespace
}  // namespace vpcep::cloud
