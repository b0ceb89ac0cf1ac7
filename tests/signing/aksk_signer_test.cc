// AK/SK signing (SDK-HMAC-SHA256): the official SDK's vectors, each building
// block, AkSkAuth with a frozen clock, a server-side verifier round trip, and
// a live comparison with the official npm SDK (when node is present).
#include "provider/cloud/aksk_signer.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "provider/cloud/client.h"
#include "tests/support/npm_package.h"

namespace vpcep::cloud {
namespace {

using nlohmann::json;

// Dummy credentials (the same as in the vectors).
constexpr char kAk[] = "AKTESTEXAMPLE000001";
constexpr char kSk[] = "SKtestexampleSecretKey0000000000000000001";
constexpr char kProject[] = "0123456789abcdef0123456789abcdef";
constexpr char kToken[] = "dummySecurityToken+/=0123456789";
constexpr char kEndpoint[] = "https://vpcep.ap-southeast-1.myhuaweicloud.com";

absl::Time FrozenTime() {
  return absl::FromCivil(absl::CivilSecond(2026, 11, 21, 10, 10, 10), absl::UTCTimeZone());
}
AkSkAuth::Clock FrozenClock(absl::Time t = FrozenTime()) {
  return [t] { return t; };
}

// Parses "YYYYMMDDTHHMMSSZ" (absl::ParseTime's %Y would swallow every digit).
bool ParseSdkDate(const std::string& text, absl::Time* out) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char z = 0;
  if (text.size() != 16 ||
      std::sscanf(text.c_str(), "%4d%2d%2dT%2d%2d%2d%c", &y, &mo, &d, &h, &mi, &sec, &z) != 7 ||
      z != 'Z') {
    return false;
  }
  absl::CivilSecond civil(y, mo, d, h, mi, sec);
  if (civil.year() != y || civil.month() != mo || civil.day() != d || civil.hour() != h ||
      civil.minute() != mi || civil.second() != sec) {
    return false;  // out of range (normalised by CivilSecond)
  }
  *out = absl::FromCivil(civil, absl::UTCTimeZone());
  return true;
}

std::vector<std::string> HeaderValues(const StringPairs& headers, absl::string_view name) {
  std::vector<std::string> out;
  for (const auto& [n, v] : headers) {
    if (absl::EqualsIgnoreCase(n, name)) out.push_back(v);
  }
  return out;
}
std::string OnlyHeader(const HttpRequest& request, absl::string_view name) {
  std::vector<std::string> values = HeaderValues(request.headers, name);
  EXPECT_EQ(values.size(), 1u) << "header " << name;
  return values.empty() ? "" : values.front();
}

bool IsLowerHex(absl::string_view s, size_t size) {
  if (s.size() != size) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// A receiving side, written from the gateway's point of view: from the
// request as it arrives (method, URL, headers, body) recompute the signature
// over the headers the Authorization header names, with the SK looked up from
// the AK, and compare. Also enforces the 15-minute date window.
// ---------------------------------------------------------------------------
absl::Status VerifyReceived(const HttpRequest& received, absl::string_view known_ak,
                            absl::string_view known_sk, absl::Time server_now) {
  std::vector<std::string> auth = HeaderValues(received.headers, "Authorization");
  if (auth.size() != 1) return absl::UnauthenticatedError("need exactly one Authorization");
  absl::string_view value = auth.front();
  if (!absl::ConsumePrefix(&value, "SDK-HMAC-SHA256 ")) {
    return absl::UnauthenticatedError("unknown algorithm");
  }
  std::string access, signed_list, signature;
  for (absl::string_view field : absl::StrSplit(value, ", ")) {
    if (absl::ConsumePrefix(&field, "Access=")) {
      access = std::string(field);
    } else if (absl::ConsumePrefix(&field, "SignedHeaders=")) {
      signed_list = std::string(field);
    } else if (absl::ConsumePrefix(&field, "Signature=")) {
      signature = std::string(field);
    } else {
      return absl::UnauthenticatedError(absl::StrCat("unknown field ", field));
    }
  }
  if (access != known_ak) return absl::UnauthenticatedError("unknown AK");
  std::vector<std::string> signed_headers = absl::StrSplit(signed_list, ';');
  std::set<std::string> names(signed_headers.begin(), signed_headers.end());
  if (!names.count("host") || !names.count("x-sdk-date")) {
    return absl::UnauthenticatedError("host and x-sdk-date must be signed");
  }
  std::vector<std::string> dates = HeaderValues(received.headers, "X-Sdk-Date");
  absl::Time date;
  if (dates.size() != 1 || !ParseSdkDate(dates.front(), &date)) {
    return absl::UnauthenticatedError("bad X-Sdk-Date");
  }
  if (absl::AbsDuration(server_now - date) > absl::Minutes(15)) {
    return absl::UnauthenticatedError("X-Sdk-Date outside the 15-minute window");
  }

  absl::StatusOr<UrlParts> url = SplitUrl(received.url);
  if (!url.ok()) return url.status();
  absl::StatusOr<StringPairs> query = ParseQueryString(url->raw_query);
  if (!query.ok()) return query.status();
  SigningInput input{received.method,  url->path,     *query,
                     received.headers, received.body, signed_headers};
  absl::StatusOr<SigningResult> expected = Sign(input, known_ak, known_sk);
  if (!expected.ok()) return expected.status();
  if (expected->signature != signature) return absl::UnauthenticatedError("signature mismatch");
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Vectors from the official SDK (tests/data/signing-vectors.json).
// ---------------------------------------------------------------------------
struct SigningVector {
  json data;
};
void PrintTo(const SigningVector& v, std::ostream* os) { *os << v.data.value("name", "?"); }

std::vector<SigningVector> LoadVectors() {
  std::ifstream in(VPCEP_SIGNING_VECTORS);
  if (!in) return {};
  json doc = json::parse(in, nullptr, /*allow_exceptions=*/false);
  std::vector<SigningVector> out;
  if (!doc.is_object() || !doc.contains("vectors") || !doc["vectors"].is_array()) return out;
  for (const json& v : doc["vectors"]) out.push_back({v});
  return out;
}

std::string Str(const json& v, const char* key) { return v.at(key).get<std::string>(); }
std::string BodyOf(const json& v) { return v.at("body").is_null() ? "" : Str(v, "body"); }

TEST(SigningVectorsFile, HasTheThirteenNamedVectors) {
  std::vector<SigningVector> vectors = LoadVectors();
  ASSERT_EQ(vectors.size(), 13u) << "could not read " << VPCEP_SIGNING_VECTORS;
  std::set<std::string> names;
  for (const SigningVector& v : vectors) names.insert(v.data.at("name").get<std::string>());
  EXPECT_EQ(names.size(), vectors.size()) << "vector names must be unique";
}

class VectorTest : public ::testing::TestWithParam<SigningVector> {};

// The vector exactly as the SDK signed it: path + decoded query + headers_in
// + host + X-Sdk-Date, over exactly the listed header names.
TEST_P(VectorTest, SignMatchesOfficialSdk) {
  const json& v = GetParam().data;
  absl::StatusOr<UrlParts> url = SplitUrl(Str(v, "url"));
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->authority, Str(v, "expected_host_header"));

  SigningInput input;
  input.method = Str(v, "method");
  input.path = Str(v, "path");
  for (const json& pair : v.at("query_params"))
    input.query.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
  for (const auto& [name, value] : v.at("headers_in").items()) {
    input.headers.emplace_back(name, value.get<std::string>());
  }
  input.headers.emplace_back("host", url->authority);
  input.headers.emplace_back("X-Sdk-Date", Str(v, "sdk_date"));
  input.body = BodyOf(v);
  input.signed_headers = absl::StrSplit(Str(v, "expected_signed_headers"), ';');

  EXPECT_EQ(PayloadHash(input.headers, input.body), Str(v, "expected_payload_hash"));
  absl::StatusOr<SigningResult> result = Sign(input, Str(v, "ak"), Str(v, "sk"));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->canonical_request, Str(v, "expected_canonical_request"));
  EXPECT_EQ(HexSha256(result->canonical_request), Str(v, "expected_canonical_request_sha256"));
  EXPECT_EQ(result->string_to_sign, Str(v, "expected_string_to_sign"));
  EXPECT_EQ(result->signature, Str(v, "expected_signature"));
  EXPECT_EQ(result->authorization, Str(v, "expected_authorization"));
}

// The same vector through the Authenticator: URL (encoded query) in, headers
// out. Project id and token go through the credentials, not the request.
TEST_P(VectorTest, AkSkAuthMatchesOfficialSdk) {
  const json& v = GetParam().data;
  AkSkCredentials creds{Str(v, "ak"), Str(v, "sk"), "", ""};
  HttpRequest request{Str(v, "method"), Str(v, "url"), {}, BodyOf(v)};
  for (const auto& [name, value] : v.at("headers_in").items()) {
    if (absl::EqualsIgnoreCase(name, "X-Project-Id")) {
      creds.project_id = value.get<std::string>();
    } else if (absl::EqualsIgnoreCase(name, "X-Security-Token")) {
      creds.security_token = value.get<std::string>();
    } else {
      request.headers.emplace_back(name, value.get<std::string>());
    }
  }
  absl::Time date;
  ASSERT_TRUE(ParseSdkDate(Str(v, "sdk_date"), &date));
  AkSkAuth auth(creds, FrozenClock(date));
  ASSERT_TRUE(auth.Authenticate(request).ok());
  EXPECT_EQ(OnlyHeader(request, "Host"), Str(v, "expected_host_header"));
  EXPECT_EQ(OnlyHeader(request, "X-Sdk-Date"), Str(v, "sdk_date"));
  EXPECT_EQ(OnlyHeader(request, "Authorization"), Str(v, "expected_authorization"));
}

INSTANTIATE_TEST_SUITE_P(OfficialSdk, VectorTest, ::testing::ValuesIn(LoadVectors()),
                         [](const ::testing::TestParamInfo<SigningVector>& info) {
                           return info.param.data.at("name").get<std::string>();
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(VectorTest);  // file missing: caught above

// ---------------------------------------------------------------------------
// Building blocks.
// ---------------------------------------------------------------------------
TEST(SigningBlocks, EscapeKeepsOnlyUnreserved) {
  EXPECT_EQ(SigningEscape("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(SigningEscape("a b+c/d=e&f%"), "a%20b%2Bc%2Fd%3De%26f%25");
  EXPECT_EQ(SigningEscape("!*'()"), "%21%2A%27%28%29");
  EXPECT_EQ(SigningEscape("caf\xC3\xA9"), "caf%C3%A9");
  EXPECT_EQ(SigningEscape(std::string("\0\xff", 2)), "%00%FF");
}

TEST(SigningBlocks, PercentDecode) {
  EXPECT_EQ(*PercentDecode("a%20b%2fc%2F", false), "a b/c/");
  EXPECT_EQ(*PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(*PercentDecode("a+b", true), "a b");
  EXPECT_EQ(*PercentDecode("%C3%A9", false), "\xC3\xA9");
  for (const char* bad : {"%", "%2", "%zz", "a%g0", "%%"}) {
    EXPECT_FALSE(PercentDecode(bad, false).ok()) << bad;
  }
}

TEST(SigningBlocks, ParseQueryString) {
  absl::StatusOr<StringPairs> q = ParseQueryString("id=a%20b&flag&&empty=&x=1%3D2=3&p=a+b");
  ASSERT_TRUE(q.ok()) << q.status();
  StringPairs want = {{"id", "a b"}, {"flag", ""}, {"empty", ""}, {"x", "1=2=3"}, {"p", "a b"}};
  EXPECT_EQ(*q, want);
  EXPECT_TRUE(ParseQueryString("")->empty());
  EXPECT_FALSE(ParseQueryString("a=%G1").ok());
}

TEST(SigningBlocks, CanonicalUri) {
  EXPECT_EQ(*CanonicalUri(""), "/");
  EXPECT_EQ(*CanonicalUri("/"), "/");
  EXPECT_EQ(*CanonicalUri("/v1/p"), "/v1/p/");
  EXPECT_EQ(*CanonicalUri("/v1/p/"), "/v1/p/");
  // Escapes are normalised: decoded, then re-encoded with upper-case hex;
  // an encoded '/' stays inside its segment.
  EXPECT_EQ(*CanonicalUri("/a%7e/b%2fc/d%20e"), "/a~/b%2Fc/d%20e/");
  EXPECT_EQ(*CanonicalUri("/a b"), "/a%20b/");
  EXPECT_FALSE(CanonicalUri("/a%zz").ok());
}

TEST(SigningBlocks, CanonicalQuerySortsDecodedKeysThenValues) {
  EXPECT_EQ(CanonicalQuery({}), "");
  EXPECT_EQ(CanonicalQuery({{"b", "2"}, {"a", "z"}, {"a", "y"}, {"B", ""}}), "B=&a=y&a=z&b=2");
  // Ordering uses the decoded bytes ('.' 0x2E < '/' 0x2F), not the encoded
  // text (where "%2F" would sort before "."), as the official SDKs do.
  EXPECT_EQ(CanonicalQuery({{"a/", "1"}, {"a.", "2"}}), "a.=2&a%2F=1");
}

TEST(SigningBlocks, CanonicalHeaders) {
  StringPairs headers = {{"Host", "h"},
                         {"X-Sdk-Date", " 20261121T101010Z\t"},
                         {"Content-Type", "application/json"},
                         {"User-Agent", "x"}};
  absl::StatusOr<CanonicalHeaderBlock> block =
      CanonicalHeaders(headers, {"x-sdk-date", "HOST", "content-type", "host"});
  ASSERT_TRUE(block.ok()) << block.status();
  EXPECT_EQ(block->canonical_headers,
            "content-type:application/json\nhost:h\nx-sdk-date:20261121T101010Z\n");
  EXPECT_EQ(block->signed_headers, "content-type;host;x-sdk-date");

  EXPECT_FALSE(CanonicalHeaders(headers, {"x-missing"}).ok());
  EXPECT_FALSE(CanonicalHeaders(headers, {}).ok());
  EXPECT_FALSE(CanonicalHeaders(headers, {"bad;name"}).ok());
  StringPairs twice = {{"Host", "a"}, {"host", "b"}};
  EXPECT_FALSE(CanonicalHeaders(twice, {"host"}).ok());
  StringPairs injected = {{"Host", "a\r\nX-Evil: 1"}};
  EXPECT_FALSE(CanonicalHeaders(injected, {"host"}).ok());
}

TEST(SigningBlocks, HashesMatchKnownAnswers) {
  EXPECT_EQ(HexSha256(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexSha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231, test case 2.
  EXPECT_EQ(HexHmacSha256("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(SigningBlocks, PayloadHashHonoursContentSha256Header) {
  EXPECT_EQ(PayloadHash({}, ""), HexSha256(""));
  EXPECT_EQ(PayloadHash({{"Content-Type", "x"}}, "abc"), HexSha256("abc"));
  EXPECT_EQ(PayloadHash({{"x-sdk-content-sha256", "UNSIGNED-PAYLOAD"}}, "abc"), "UNSIGNED-PAYLOAD");
}

TEST(SigningBlocks, FormatsAndAssemblesParts) {
  EXPECT_EQ(FormatSdkDate(FrozenTime()), "20261121T101010Z");
  EXPECT_EQ(FormatSdkDate(absl::FromUnixSeconds(0)), "19700101T000000Z");
  CanonicalHeaderBlock block{"host:h\nx-sdk-date:d\n", "host;x-sdk-date"};
  EXPECT_EQ(CanonicalRequest("GET", "/a/", "k=v", block, "HASH"),
            "GET\n/a/\nk=v\nhost:h\nx-sdk-date:d\n\nhost;x-sdk-date\nHASH");
  EXPECT_EQ(StringToSign("D", "CR"), absl::StrCat("SDK-HMAC-SHA256\nD\n", HexSha256("CR")));
  EXPECT_EQ(Signature("key", "text"), HexHmacSha256("key", "text"));
  EXPECT_EQ(AuthorizationValue("AK", "host;x-sdk-date", "abc"),
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=abc");
}

TEST(SigningBlocks, SignRejectsBadInput) {
  SigningInput input{
      "GET", "/", {}, {{"Host", "h"}, {"X-Sdk-Date", "D"}}, "", {"host", "x-sdk-date"}};
  EXPECT_TRUE(Sign(input, kAk, kSk).ok());
  EXPECT_FALSE(Sign(input, "", kSk).ok());
  EXPECT_FALSE(Sign(input, kAk, "").ok());
  EXPECT_FALSE(Sign(input, "AK, Signature=x", kSk).ok());
  SigningInput no_date = input;
  no_date.signed_headers = {"host"};
  EXPECT_FALSE(Sign(no_date, kAk, kSk).ok());
  SigningInput no_method = input;
  no_method.method.clear();
  EXPECT_FALSE(Sign(no_method, kAk, kSk).ok());
}

TEST(SigningBlocks, SplitUrl) {
  absl::StatusOr<UrlParts> u = SplitUrl("https://h.example:8443/a/b%20c?x=1&y=%2F#frag");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->authority, "h.example:8443");
  EXPECT_EQ(u->path, "/a/b%20c");
  EXPECT_EQ(u->raw_query, "x=1&y=%2F");
  u = SplitUrl("http://h?q");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->authority, "h");
  EXPECT_EQ(u->path, "");
  EXPECT_EQ(u->raw_query, "q");
  EXPECT_FALSE(SplitUrl("/relative/path").ok());
  EXPECT_FALSE(SplitUrl("https:///nohost").ok());
  EXPECT_FALSE(SplitUrl("https://user:pw@h/").ok());
}

// ---------------------------------------------------------------------------
// AkSkAuth with a frozen clock.
// ---------------------------------------------------------------------------
TEST(AkSkAuthTest, AddsHeadersAndSignsThem) {
  AkSkAuth auth(kAk, kSk, kToken, kProject, FrozenClock());
  HttpRequest request{
      "POST",
      absl::StrCat(kEndpoint, "/v1/", kProject,
                   "/vpc-endpoint-services/4189d3c2-8882-4871-a3c2-d380272eed83/"
                   "connections/action"),
      {{"Content-Type", "application/json"}, {"User-Agent", "vpcep-test"}},
      R"({"endpoints":["705290f3-0d00-41f2-aedc-71f09844e879"],"action":"receive"})"};
  ASSERT_TRUE(auth.Authenticate(request).ok());

  EXPECT_EQ(OnlyHeader(request, "Host"), "vpcep.ap-southeast-1.myhuaweicloud.com");
  EXPECT_EQ(OnlyHeader(request, "X-Sdk-Date"), "20261121T101010Z");
  EXPECT_EQ(OnlyHeader(request, "X-Project-Id"), kProject);
  EXPECT_EQ(OnlyHeader(request, "X-Security-Token"), kToken);
  EXPECT_EQ(OnlyHeader(request, "User-Agent"), "vpcep-test");  // kept, not signed
  EXPECT_EQ(OnlyHeader(request, "Content-Type"), "application/json");

  std::string authorization = OnlyHeader(request, "Authorization");
  absl::string_view rest = authorization;
  ASSERT_TRUE(absl::ConsumePrefix(
      &rest,
      "SDK-HMAC-SHA256 Access=AKTESTEXAMPLE000001, "
      "SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token, "
      "Signature="))
      << authorization;
  EXPECT_TRUE(IsLowerHex(rest, 64)) << rest;
  // Same inputs as the SDK's client_accept_connections_with_token vector.
  EXPECT_EQ(rest, "0a77cc6c6dea3939cbc343e1f0d560bf2746bde7ab36ca03f30d8ea480d5cede");
}

TEST(AkSkAuthTest, WithoutProjectTokenOrContentTypeSignsHostAndDateOnly) {
  AkSkAuth auth(kAk, kSk, "", "", FrozenClock());
  HttpRequest request{"GET", absl::StrCat(kEndpoint, "/v1/", kProject, "/vpc-endpoint-services")};
  ASSERT_TRUE(auth.Authenticate(request).ok());
  EXPECT_TRUE(HeaderValues(request.headers, "X-Project-Id").empty());
  EXPECT_TRUE(HeaderValues(request.headers, "X-Security-Token").empty());
  EXPECT_EQ(request.headers.size(), 3u);  // Host, X-Sdk-Date, Authorization
  // get_no_query_minimal from the SDK.
  EXPECT_EQ(OnlyHeader(request, "Authorization"),
            "SDK-HMAC-SHA256 Access=AKTESTEXAMPLE000001, SignedHeaders=host;x-sdk-date, "
            "Signature=6837527910915648adca22b26e62d5c35a54902e3214ee08b652b792dc464b9d");
}

TEST(AkSkAuthTest, EncodedQuerySignsLikeDecodedPairs) {
  const std::string path = "/v1/p1/vpc-endpoint-services/svc/connections";
  AkSkAuth auth(kAk, kSk, "", kProject, FrozenClock());
  auto sign_url = [&](const std::string& query) {
    HttpRequest request{"GET",
                        absl::StrCat("https://vpcep.example.com", path, "?", query),
                        {{"Content-Type", "application/json"}}};
    EXPECT_TRUE(auth.Authenticate(request).ok());
    return OnlyHeader(request, "Authorization");
  };
  std::string from_url = sign_url("id=a%20b&limit=1000");

  SigningInput input;
  input.method = "GET";
  input.path = path;
  input.query = {{"id", "a b"}, {"limit", "1000"}};
  input.headers = {{"Content-Type", "application/json"},
                   {"Host", "vpcep.example.com"},
                   {"X-Sdk-Date", "20261121T101010Z"},
                   {"X-Project-Id", kProject}};
  input.signed_headers = {"content-type", "host", "x-project-id", "x-sdk-date"};
  absl::StatusOr<SigningResult> direct = Sign(input, kAk, kSk);
  ASSERT_TRUE(direct.ok()) << direct.status();
  EXPECT_NE(direct->canonical_request.find("\nid=a%20b&limit=1000\n"), std::string::npos);
  EXPECT_EQ(from_url, direct->authorization);

  // Other spellings of the same decoded query sign the same.
  EXPECT_EQ(sign_url("limit=1000&id=a%20b"), from_url);  // order
  EXPECT_EQ(sign_url("id=a+b&limit=1000"), from_url);    // '+' as space
  EXPECT_EQ(sign_url("id=a%20b&limit=1000#ignored"), from_url);
  EXPECT_EQ(sign_url("i%64=a%20b&limit=100%30"), from_url);
  // A different value does not.
  EXPECT_NE(sign_url("id=a%2520b&limit=1000"), from_url);
}

TEST(AkSkAuthTest, TrailingSlashDoesNotChangeTheSignature) {
  AkSkAuth auth(kAk, kSk, "", "", FrozenClock());
  auto sign_url = [&](const std::string& url) {
    HttpRequest request{"GET", url};
    EXPECT_TRUE(auth.Authenticate(request).ok());
    return OnlyHeader(request, "Authorization");
  };
  EXPECT_EQ(sign_url("https://h.example/v1/p/vpc-endpoints"),
            sign_url("https://h.example/v1/p/vpc-endpoints/"));
  EXPECT_EQ(sign_url("https://h.example"), sign_url("https://h.example/"));
  EXPECT_EQ(sign_url("https://h.example?limit=1"), sign_url("https://h.example/?limit=1"));
  EXPECT_NE(sign_url("https://h.example/v1/p/vpc-endpoints"), sign_url("https://h.example/v1/p"));
}

TEST(AkSkAuthTest, HostIsTheAuthorityAsWritten) {
  AkSkAuth auth(kAk, kSk, "", "", FrozenClock());
  HttpRequest with_port{"GET", "https://vpcep.example.com:8443/v1/x?limit=1"};
  ASSERT_TRUE(auth.Authenticate(with_port).ok());
  EXPECT_EQ(OnlyHeader(with_port, "Host"), "vpcep.example.com:8443");
  HttpRequest without_port{"GET", "http://127.0.0.1/v1/x"};
  ASSERT_TRUE(auth.Authenticate(without_port).ok());
  EXPECT_EQ(OnlyHeader(without_port, "Host"), "127.0.0.1");
  EXPECT_NE(OnlyHeader(with_port, "Authorization"), OnlyHeader(without_port, "Authorization"));
}

TEST(AkSkAuthTest, SigningAgainReplacesTheAuthHeaders) {
  absl::Time now = FrozenTime();
  AkSkAuth first(kAk, kSk, "", kProject, FrozenClock(now));
  AkSkAuth later(kAk, kSk, "", kProject, FrozenClock(now + absl::Minutes(1)));
  HttpRequest request{
      "GET", "https://h.example/v1/x", {{"host", "stale"}, {"X-Project-Id", "old"}}};
  ASSERT_TRUE(first.Authenticate(request).ok());
  std::string first_auth = OnlyHeader(request, "Authorization");
  ASSERT_TRUE(later.Authenticate(request).ok());
  EXPECT_EQ(OnlyHeader(request, "Host"), "h.example");
  EXPECT_EQ(OnlyHeader(request, "X-Project-Id"), kProject);
  EXPECT_EQ(OnlyHeader(request, "X-Sdk-Date"), "20261121T101110Z");
  EXPECT_NE(OnlyHeader(request, "Authorization"), first_auth);
  EXPECT_EQ(request.headers.size(), 4u);
}

TEST(AkSkAuthTest, CallerSuppliedProjectAndTokenHeadersAreSigned) {
  AkSkAuth auth(kAk, kSk, "", "", FrozenClock());
  HttpRequest request{
      "GET", "https://h.example/v1/x", {{"X-Project-Id", kProject}, {"X-Security-Token", kToken}}};
  ASSERT_TRUE(auth.Authenticate(request).ok());
  EXPECT_TRUE(absl::StrContains(OnlyHeader(request, "Authorization"),
                                "SignedHeaders=host;x-project-id;x-sdk-date;x-security-token,"));
}

TEST(AkSkAuthTest, RejectsBadRequestsAndLeavesThemUntouched) {
  AkSkAuth auth(kAk, kSk, kToken, kProject, FrozenClock());
  for (const char* url : {"vpcep.example.com/v1", "https:///v1", "https://u:p@h/v1",
                          "https://h/v1?x=%zz", "https://h/v1/%g0"}) {
    HttpRequest request{"GET", url, {{"Content-Type", "application/json"}}};
    absl::Status status = auth.Authenticate(request);
    EXPECT_FALSE(status.ok()) << url;
    EXPECT_FALSE(absl::StrContains(status.message(), kSk));
    EXPECT_EQ(request.headers.size(), 1u) << url;
  }
  HttpRequest duplicated{"GET", "https://h/v1", {{"Content-Type", "a"}, {"content-type", "b"}}};
  EXPECT_FALSE(auth.Authenticate(duplicated).ok());
  HttpRequest injected{"GET", "https://h/v1", {{"Content-Type", "a\nX-Evil: 1"}}};
  EXPECT_FALSE(auth.Authenticate(injected).ok());
  AkSkAuth no_sk(kAk, "", "", "", FrozenClock());
  HttpRequest request{"GET", "https://h/v1"};
  EXPECT_FALSE(no_sk.Authenticate(request).ok());
}

TEST(AkSkAuthTest, NullClockFallsBackToNow) {
  AkSkAuth auth(kAk, kSk, "", "", nullptr);
  HttpRequest request{"GET", "https://h/v1"};
  absl::Time before = absl::Now() - absl::Seconds(1);
  ASSERT_TRUE(auth.Authenticate(request).ok());
  absl::Time date;
  ASSERT_TRUE(ParseSdkDate(OnlyHeader(request, "X-Sdk-Date"), &date));
  EXPECT_GE(date, before);
  EXPECT_LE(date, absl::Now() + absl::Seconds(1));
}

TEST(AkSkAuthTest, ConcurrentUseGivesIdenticalResults) {
  AkSkAuth auth(kAk, kSk, kToken, kProject, FrozenClock());
  const HttpRequest base{"POST",
                         "https://h.example/v1/x/connections/action?a=1",
                         {{"Content-Type", "application/json"}},
                         R"({"action":"receive"})"};
  HttpRequest reference = base;
  ASSERT_TRUE(auth.Authenticate(reference).ok());
  const std::string expected = OnlyHeader(reference, "Authorization");
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        HttpRequest copy = base;
        if (!auth.Authenticate(copy).ok()) ++mismatches[t];
        for (const auto& [name, value] : copy.headers) {
          if (name == "Authorization" && value != expected) ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

// ---------------------------------------------------------------------------
// Verifier round trip.
// ---------------------------------------------------------------------------
class VerifierTest : public ::testing::Test {
 protected:
  VerifierTest() : auth_(kAk, kSk, kToken, kProject, FrozenClock()) {
    signed_ = HttpRequest{
        "POST",
        absl::StrCat(kEndpoint, "/v1/", kProject, "/vpc-endpoint-services/svc/connections/action",
                     "?dry%20run=false&z=1"),
        {{"Content-Type", "application/json;charset=UTF-8"}, {"User-Agent", "vpcep/0.1"}},
        R"({"action":"receive","endpoints":["705290f3-0d00-41f2-aedc-71f09844e879"]})"};
    EXPECT_TRUE(auth_.Authenticate(signed_).ok());
  }
  absl::Status Verify(const HttpRequest& r, absl::Time now = FrozenTime()) const {
    return VerifyReceived(r, kAk, kSk, now);
  }
  static void SetHeader(HttpRequest& r, absl::string_view name, const std::string& value) {
    for (auto& [n, v] : r.headers) {
      if (absl::EqualsIgnoreCase(n, name)) v = value;
    }
  }

  AkSkAuth auth_;
  HttpRequest signed_;
};

TEST_F(VerifierTest, AcceptsTheSignedRequest) {
  EXPECT_TRUE(Verify(signed_).ok()) << Verify(signed_);
  // Headers outside SignedHeaders may change in transit.
  HttpRequest r = signed_;
  SetHeader(r, "User-Agent", "proxy-rewrote-this");
  r.headers.emplace_back("Accept", "application/json");
  EXPECT_TRUE(Verify(r).ok());
  // Query order and escaping style do not matter.
  r.url = absl::StrCat(kEndpoint, "/v1/", kProject,
                       "/vpc-endpoint-services/svc/connections/action/?z=1&dry+run=false");
  EXPECT_TRUE(Verify(r).ok());
}

TEST_F(VerifierTest, RejectsOneChangedBodyByte) {
  for (size_t i : {size_t{0}, signed_.body.size() / 2, signed_.body.size() - 1}) {
    HttpRequest r = signed_;
    r.body[i] = static_cast<char>(r.body[i] ^ 0x01);
    EXPECT_FALSE(Verify(r).ok()) << "byte " << i;
  }
  HttpRequest r = signed_;
  r.body += " ";
  EXPECT_FALSE(Verify(r).ok());
}

TEST_F(VerifierTest, RejectsAChangedSignedHeaderValue) {
  struct Change {
    const char* header;
    std::string value;
  };
  for (const Change& c : {Change{"Content-Type", "application/json"},
                          Change{"X-Project-Id", "0123456789abcdef0123456789abcdee"},
                          Change{"X-Security-Token", "dummySecurityToken+/=0123456788"},
                          Change{"Host", "vpcep.ap-southeast-2.myhuaweicloud.com"},
                          Change{"X-Sdk-Date", "20261121T101011Z"}}) {
    HttpRequest r = signed_;
    SetHeader(r, c.header, c.value);
    EXPECT_FALSE(Verify(r).ok()) << c.header;
  }
}

TEST_F(VerifierTest, RejectsOtherTampering) {
  HttpRequest r = signed_;
  r.method = "PUT";
  EXPECT_FALSE(Verify(r).ok());
  r = signed_;
  r.url = absl::StrReplaceAll(r.url, {{"z=1", "z=2"}});
  EXPECT_FALSE(Verify(r).ok());
  r = signed_;
  r.url = absl::StrReplaceAll(r.url, {{"/svc/", "/svd/"}});
  EXPECT_FALSE(Verify(r).ok());
  EXPECT_FALSE(VerifyReceived(signed_, kAk, "wrong-secret", FrozenTime()).ok());
  EXPECT_FALSE(VerifyReceived(signed_, "OTHERAK", kSk, FrozenTime()).ok());
  EXPECT_FALSE(Verify(signed_, FrozenTime() + absl::Minutes(16)).ok());  // stale date
  // Dropping a header from SignedHeaders (to strip it) breaks the signature.
  r = signed_;
  SetHeader(r, "Authorization",
            absl::StrReplaceAll(OnlyHeader(signed_, "Authorization"), {{"content-type;", ""}}));
  EXPECT_FALSE(Verify(r).ok());
}

// The real client's requests, signed by AkSkAuth, pass the verifier.
class CapturingTransport : public HttpTransport {
 public:
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    std::lock_guard<std::mutex> lock(mu);
    requests.push_back(request);
    return HttpResponse{200, {}, R"({"connections":[],"total_count":0})"};
  }
  std::mutex mu;  // guards requests
  std::vector<HttpRequest> requests;
};

std::vector<HttpRequest> ClientRequests(const std::string& endpoint,
                                        std::shared_ptr<Authenticator> auth) {
  auto transport = std::make_shared<CapturingTransport>();
  ClientOptions options;
  options.endpoint = endpoint;
  options.project_id = kProject;
  options.max_retries = 0;
  VpcepClient client(options, transport, std::move(auth), nullptr);
  ListFilter filter;
  filter.endpoint_id = "705290f3-0d00-41f2-aedc-71f09844e879";
  filter.status = "pendingAcceptance";
  filter.sort_key = "create_at";
  filter.sort_dir = "desc";
  EXPECT_TRUE(client.ListConnections("4189d3c2-8882-4871-a3c2-d380272eed83", filter).ok());
  EXPECT_TRUE(client.ListConnections("4189d3c2-8882-4871-a3c2-d380272eed83", {}).ok());
  EXPECT_TRUE(client
                  .Act("4189d3c2-8882-4871-a3c2-d380272eed83", "receive",
                       "705290f3-0d00-41f2-aedc-71f09844e879")
                  .ok());
  EXPECT_TRUE(client
                  .Act("4189d3c2-8882-4871-a3c2-d380272eed83", "reject",
                       "705290f3-0d00-41f2-aedc-71f09844e879")
                  .ok());
  std::lock_guard<std::mutex> lock(transport->mu);
  return transport->requests;
}

TEST(ClientSigning, EveryClientRequestVerifies) {
  for (const char* endpoint : {kEndpoint, "https://vpcep.example.com:8443/"}) {
    auto auth = std::make_shared<AkSkAuth>(kAk, kSk, kToken, kProject, FrozenClock());
    std::vector<HttpRequest> requests = ClientRequests(endpoint, auth);
    ASSERT_EQ(requests.size(), 4u);
    for (const HttpRequest& r : requests) {
      EXPECT_TRUE(VerifyReceived(r, kAk, kSk, FrozenTime()).ok()) << r.method << " " << r.url;
      EXPECT_TRUE(absl::StrContains(OnlyHeader(r, "Authorization"),
                                    "SignedHeaders=content-type;host;x-project-id;x-sdk-date;"
                                    "x-security-token, "))
          << r.url;
    }
  }
}

// ---------------------------------------------------------------------------
// The official npm SDK signs the client's requests identically. Runs whenever
// node and npm are on PATH (tests/support/npm_package.h: one npm install per
// build tree; VPCEP_NPM_TESTS=0 skips, =1 makes a missing node a failure).
// ---------------------------------------------------------------------------
using vpcep::testing::kHuaweiCloudSdkCore;
using vpcep::testing::NpmPackage;

// Feeds each request to AKSKSigner.sign exactly as the SDK's own client would
// describe it: endpoint = URL without query, decoded query params (a repeated
// key becomes an array), the headers we signed (minus host, which the SDK
// derives from the endpoint), and the body as a parsed JSON object (the SDK
// hashes JSON.stringify(data), so the body must round-trip exactly).
constexpr char kNodeScript[] = R"JS(
const fs = require('fs');
const {AKSKSigner} = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner');
const {BasicCredentials} = require('@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials');
const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const out = cases.map((c) => {
  const q = c.url.indexOf('?');
  const endpoint = q < 0 ? c.url : c.url.slice(0, q);
  const queryParams = {};
  for (const [k, v] of new URLSearchParams(q < 0 ? '' : c.url.slice(q + 1))) {
    queryParams[k] = k in queryParams ? [].concat(queryParams[k], v) : v;
  }
  let data;
  if (c.body !== '') {
    data = JSON.parse(c.body);
    if (JSON.stringify(data) !== c.body) return {error: 'body does not round-trip through JSON'};
  }
  const request = {method: c.method, endpoint, queryParams, headers: c.headers, data};
  const credential = new BasicCredentials().withAk(c.ak).withSk(c.sk);
  return {authorization: AKSKSigner.sign(request, credential).Authorization};
});
fs.writeFileSync(process.argv[3], JSON.stringify(out));
)JS";

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(NpmSdkComparison, OfficialSdkSignsClientRequestsIdentically) {
  const NpmPackage& sdk = vpcep::testing::InstallNpmPackage(kHuaweiCloudSdkCore);
  if (sdk.outcome == NpmPackage::Outcome::kSkip) GTEST_SKIP() << sdk.message;
  ASSERT_EQ(sdk.outcome, NpmPackage::Outcome::kReady) << sdk.message;

  absl::StatusOr<std::string> temp = vpcep::testing::MakeTempDir("vpcep-npm-sign-");
  ASSERT_TRUE(temp.ok()) << temp.status();
  const std::filesystem::path dir = *temp;
  struct Cleanup {
    std::filesystem::path dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{dir};
  std::ofstream(dir / "sign.js") << kNodeScript;

  // Requests as the client builds them, plus hand-built ones that stress the
  // query encoding (repeats, empty values, reserved and non-ASCII characters).
  std::vector<HttpRequest> requests;
  for (const char* endpoint : {kEndpoint, "https://vpcep.example.com:8443"}) {
    for (bool temporary : {false, true}) {
      auto auth =
          std::make_shared<AkSkAuth>(kAk, kSk, temporary ? kToken : "", kProject, FrozenClock());
      for (HttpRequest& r : ClientRequests(endpoint, auth)) requests.push_back(std::move(r));
    }
  }
  AkSkAuth plain(kAk, kSk, "", kProject, FrozenClock());
  for (const char* query : {"tags=zeta&marker=&tags=alpha&Zone=az1",
                            "name=my%20service~v1%2Fprod&d=caf%C3%A9%20%E5%90%8D&q=a%2Bb%3Dc%26d",
                            "marks=%21%2A%27%28%29&empty"}) {
    HttpRequest r{"GET",
                  absl::StrCat(kEndpoint, "/v1/", kProject, "/vpc-endpoints?", query),
                  {{"Content-Type", "application/json"}}};
    ASSERT_TRUE(plain.Authenticate(r).ok());
    requests.push_back(std::move(r));
  }

  json cases = json::array();
  for (const HttpRequest& r : requests) {
    std::string authorization = OnlyHeader(r, "Authorization");
    size_t start = authorization.find("SignedHeaders=") + 14;
    std::vector<std::string> names =
        absl::StrSplit(authorization.substr(start, authorization.find(',', start) - start), ';');
    json headers = json::object();
    for (const auto& [name, value] : r.headers) {
      std::string lower = absl::AsciiStrToLower(name);
      if (lower != "host" && std::find(names.begin(), names.end(), lower) != names.end()) {
        headers[name] = value;
      }
    }
    cases.push_back({{"method", r.method},
                     {"url", r.url},
                     {"headers", headers},
                     {"body", r.body},
                     {"ak", kAk},
                     {"sk", kSk}});
  }
  std::ofstream(dir / "cases.json") << cases.dump();
  absl::StatusOr<std::string> run =
      vpcep::testing::RunNode(sdk, dir.string(), "sign.js", {"cases.json", "out.json"});
  ASSERT_TRUE(run.ok()) << run.status();

  json out = json::parse(ReadFile(dir / "out.json"), nullptr, false);
  ASSERT_TRUE(out.is_array()) << ReadFile(dir / "out.json");
  ASSERT_EQ(out.size(), requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    ASSERT_FALSE(out[i].contains("error")) << requests[i].url << ": " << out[i]["error"];
    EXPECT_EQ(out[i].value("authorization", ""), OnlyHeader(requests[i], "Authorization"))
        << requests[i].method << " " << requests[i].url;
  }
  std::printf("compared %zu requests with %s\n", requests.size(), kHuaweiCloudSdkCore);
}

}  // namespace
}  // namespace vpcep::cloud
