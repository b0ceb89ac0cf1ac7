// AK/SK (SDK-HMAC-SHA256) verification in the simulator, with requests signed
// by the provider's own signer (provider/cloud/aksk_signer.h).

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "provider/cloud/aksk_signer.h"
#include "tests/simulator/test_util.h"

namespace vpcep::sim::testing {
namespace {

constexpr char kService[] = "svc-1";
constexpr char kAk[] = "AKTESTAKTESTAKTEST01";
constexpr char kSk[] = "secret-key-0123456789";
constexpr char kContentType[] = "application/json";

struct Signed {
  httplib::Headers headers;
  std::string authorization;
};

class AkSkTest : public SimulatorTest {
 protected:
  void StartWithKeys(const std::string& token = "") {
    Simulator::Options options = DefaultOptions();
    options.aksk_keys = {{kAk, kSk}, {"AK-TWO", "sk-two"}};
    options.token = token;
    StartSim(options);
    AddService(kService);
    AddConnection(kService, "ep-1");
  }

  std::string Host() const { return absl::StrCat("127.0.0.1:", sim_->port()); }

  // Signs a request as the provider would; `query` holds decoded pairs.
  Signed Sign(const std::string& method, const std::string& path, const cloud::StringPairs& query,
              const std::string& body, const std::string& ak = kAk, const std::string& sk = kSk,
              absl::Time when = absl::Now()) {
    cloud::SigningInput input;
    input.method = method;
    input.path = path;
    input.query = query;
    input.headers = {{"Host", Host()}, {"X-Sdk-Date", cloud::FormatSdkDate(when)}};
    if (!body.empty()) input.headers.emplace_back("Content-Type", kContentType);
    input.body = body;
    input.signed_headers = {"host", "x-sdk-date"};
    if (!body.empty()) input.signed_headers.push_back("content-type");
    absl::StatusOr<cloud::SigningResult> result = cloud::Sign(input, ak, sk);
    EXPECT_TRUE(result.ok()) << result.status();
    Signed out;
    out.authorization = result.ok() ? result->authorization : "";
    out.headers = {{"Host", Host()},
                   {"X-Sdk-Date", cloud::FormatSdkDate(when)},
                   {"Authorization", out.authorization}};
    return out;
  }

  HttpReply SignedList(const std::string& raw_query, const cloud::StringPairs& query) {
    const std::string path = ServicePath(kService) + "/connections";
    Signed s = Sign("GET", path, query, "");
    return Get(path + "?" + raw_query, s.headers);
  }

  HttpReply SendAction(const std::string& body, const httplib::Headers& headers) {
    return Convert(
        client_->Post(ServicePath(kService) + "/connections/action", headers, body, kContentType));
  }

  static std::string ActionBody() { return R"({"action":"receive","endpoints":["ep-1"]})"; }
};

void ExpectUnauthorized(const HttpReply& reply, const std::string& message_part) {
  EXPECT_EQ(reply.status, 401) << reply.body.dump();
  EXPECT_EQ(reply.body.value("error_code", ""), "APIGW.0301") << reply.body.dump();
  EXPECT_NE(reply.body.value("error_msg", "").find(message_part), std::string::npos)
      << reply.body.dump();
}

constexpr char kSignatureFail[] =
    "Incorrect IAM authentication information: verify aksk signature fail";

TEST_F(AkSkTest, AcceptsSignedGetWithQuery) {
  StartWithKeys();
  HttpReply reply = SignedList("limit=5&status=pendingAcceptance&id=ep-1",
                               {{"limit", "5"}, {"status", "pendingAcceptance"}, {"id", "ep-1"}});
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(reply.body["total_count"], 1);
  // The second key works too.
  const std::string path = ServicePath(kService);
  Signed s = Sign("GET", path, {}, "", "AK-TWO", "sk-two");
  EXPECT_EQ(Get(path, s.headers).status, 200);
}

TEST_F(AkSkTest, AcceptsSignedPostAndRejectsChangedBody) {
  StartWithKeys();
  const std::string path = ServicePath(kService) + "/connections/action";
  Signed s = Sign("POST", path, {}, ActionBody());
  std::string changed = ActionBody();
  changed[changed.find("receive")] = 'R';  // one byte
  ExpectUnauthorized(SendAction(changed, s.headers), kSignatureFail);
  HttpReply reply = SendAction(ActionBody(), s.headers);
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(reply.body["connections"][0]["status"], "creating");
}

TEST_F(AkSkTest, RejectsOneChangedByteAnywhere) {
  StartWithKeys();
  const std::string path = ServicePath(kService) + "/connections";
  Signed s = Sign("GET", path, {{"limit", "5"}}, "");

  // Signature: flip one hex digit.
  httplib::Headers bad_signature = s.headers;
  std::string auth = s.authorization;
  char& last = auth.back();
  last = last == '0' ? '1' : '0';
  bad_signature.erase("Authorization");
  bad_signature.emplace("Authorization", auth);
  ExpectUnauthorized(Get(path + "?limit=5", bad_signature), kSignatureFail);
  // Query changed.
  ExpectUnauthorized(Get(path + "?limit=6", s.headers), kSignatureFail);
  // Path changed (another service id of the same length).
  ExpectUnauthorized(Get(ServicePath("svc-2") + "/connections?limit=5", s.headers), kSignatureFail);
  // Unchanged: accepted.
  EXPECT_EQ(Get(path + "?limit=5", s.headers).status, 200);
  EXPECT_EQ(Get("/admin/stats").body["requests"]["unauthorized"], 3);
}

TEST_F(AkSkTest, RejectsUnknownAkAndWrongSk) {
  StartWithKeys();
  const std::string path = ServicePath(kService);
  ExpectUnauthorized(Get(path, Sign("GET", path, {}, "", "AK-UNKNOWN", kSk).headers),
                     kSignatureFail);
  ExpectUnauthorized(Get(path, Sign("GET", path, {}, "", kAk, "wrong-sk").headers), kSignatureFail);
  ExpectUnauthorized(Get(path, {{"Authorization", "SDK-HMAC-SHA256 garbage"}}), kSignatureFail);
}

TEST_F(AkSkTest, RejectsDatesOutsideFifteenMinutes) {
  StartWithKeys();
  const std::string path = ServicePath(kService);
  ExpectUnauthorized(
      Get(path, Sign("GET", path, {}, "", kAk, kSk, absl::Now() - absl::Minutes(20)).headers),
      "X-Sdk-Date");
  ExpectUnauthorized(
      Get(path, Sign("GET", path, {}, "", kAk, kSk, absl::Now() + absl::Minutes(20)).headers),
      "X-Sdk-Date");
  EXPECT_EQ(Get(path, Sign("GET", path, {}, "", kAk, kSk, absl::Now() - absl::Minutes(10)).headers)
                .status,
            200);
  httplib::Headers bad_date = Sign("GET", path, {}, "").headers;
  bad_date.erase("X-Sdk-Date");
  bad_date.emplace("X-Sdk-Date", "2026-11-21 10:10:10");
  ExpectUnauthorized(Get(path, bad_date), "X-Sdk-Date");
}

TEST_F(AkSkTest, UnsignedRequestsRefusedWithoutToken) {
  StartWithKeys();
  ExpectUnauthorized(Get(ServicePath(kService)), "Incorrect IAM authentication information");
  ExpectUnauthorized(Get(ServicePath(kService), {{"X-Auth-Token", "t"}}),
                     "Incorrect IAM authentication information");
}

TEST_F(AkSkTest, TokenAndAkSkBothAccepted) {
  StartWithKeys("the-token");
  const std::string path = ServicePath(kService);
  EXPECT_EQ(Get(path, {{"X-Auth-Token", "the-token"}}).status, 200);
  EXPECT_EQ(Get(path, Sign("GET", path, {}, "").headers).status, 200);
  ExpectUnauthorized(Get(path, {{"X-Auth-Token", "wrong"}}), "verify token failed");
  ExpectUnauthorized(Get(path), "x-auth-token not found");
  ExpectUnauthorized(Get(path, Sign("GET", path, {}, "", kAk, "wrong-sk").headers), kSignatureFail);
}

TEST_F(AkSkTest, ProviderAkSkAuthIsAccepted) {
  StartWithKeys();
  // The provider's Authenticator, as used by its HTTP client.
  cloud::AkSkAuth auth(kAk, kSk);
  cloud::HttpRequest request;
  request.method = "GET";
  request.url = sim_->base_url() + ServicePath(kService) + "/connections?limit=3&offset=0";
  ASSERT_TRUE(auth.Authenticate(request).ok());
  httplib::Headers headers;
  for (const auto& [name, value] : request.headers) headers.emplace(name, value);
  HttpReply reply = Get(ServicePath(kService) + "/connections?limit=3&offset=0", headers);
  EXPECT_EQ(reply.status, 200) << reply.body.dump();
}

}  // namespace
}  // namespace vpcep::sim::testing
