// ApiError from answers that are not the API's JSON: error pages cut at 200
// bytes, and bytes that are not UTF-8, become valid UTF-8 text for diagnostics.
#include "provider/cloud/api_error.h"

#include <string>

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
