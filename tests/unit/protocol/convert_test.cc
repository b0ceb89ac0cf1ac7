// Text from the network or the configuration that is not valid UTF-8, or is
// cut in the middle of a character: it must become a readable diagnostic,
// never a response Terraform refuses or an exception inside an RPC.
#include <mutex>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/tfplugin6.pb.h"
#include "provider/cloud/api_error.h"
#include "provider/cloud/client.h"
#include "provider/core/dispatcher.h"
#include "provider/core/msgpack_codec.h"
#include "provider/core/utf8.h"
#include "provider/protocol/convert.h"
#include "resources/vpcep_provider.h"

namespace vpcep {
namespace {

using core::Type;
using core::Value;
using ::testing::HasSubstr;

const std::string kFffd = "\xEF\xBF\xBD";
const std::string kZhong = "\xE4\xB8\xAD";  // 中

// A proxy's error page in Latin-1, with a request id that is not UTF-8.
cloud::HttpResponse LatinErrorPage() {
  return cloud::HttpResponse{400, {{"x-request-id", "req-\xFF\xFE"}},
                             "<html>Requ\xEAte refus\xE9" "e</html>"};
}

// Answers every request with `answer`, recording the requests.
class FixedApi : public cloud::HttpTransport {
 public:
  explicit FixedApi(cloud::HttpResponse answer) : answer_(std::move(answer)) {}
  absl::StatusOr<cloud::HttpResponse> Send(const cloud::HttpRequest& req) override {
    std::lock_guard<std::mutex> lock(mu_);
    requests.push_back(req);
    return answer_;
  }
  std::vector<cloud::HttpRequest> requests;  // read after the calls return

 private:
  std::mutex mu_;  // guards requests
  cloud::HttpResponse answer_;
};

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

TEST(ApiErrorText, RequestIdOfASuccessfulAnswerIsReplacedToo) {
  auto api = std::make_shared<FixedApi>(cloud::HttpResponse{
      200, {{"x-request-id", "ok-\xC3"}}, R"({"connections":[{"id":"ep","status":"creating"}]})"});
  cloud::ClientOptions o;
  o.endpoint = "https://vpcep.example";
  cloud::VpcepClient client(o, api, std::make_shared<cloud::TokenAuth>("t"), nullptr);
  auto acted = client.Act("svc", "receive", "ep");
  ASSERT_TRUE(acted.ok()) << acted.status();
  EXPECT_EQ((*acted)[0].request_id, "ok-" + kFffd);
}

// Connection fields need no repair: the JSON parser refuses invalid UTF-8.
TEST(ApiErrorText, ConnectionFieldsThatAreNotUtf8AreNotParsed) {
  EXPECT_FALSE(cloud::ParseConnection("{\"id\":\"ep\",\"description\":\"caf\xE9\"}").ok());
  auto parsed = cloud::ParseConnection("{\"id\":\"ep\",\"description\":\"caf\xC3\xA9\"}");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->description, "caf\xC3\xA9");
}

TEST(RequestBody, DescriptionThatIsNotUtf8IsSentWithReplacementsNotThrown) {
  auto api = std::make_shared<FixedApi>(cloud::HttpResponse{200, {}, R"({"connections":[]})"});
  cloud::ClientOptions o;
  o.endpoint = "https://vpcep.example";
  cloud::VpcepClient client(o, api, std::make_shared<cloud::TokenAuth>("t"), nullptr);
  auto updated = client.UpdateDescription("svc", "ep", "caf\xE9");
  ASSERT_TRUE(updated.ok()) << updated.status();
  ASSERT_EQ(api->requests.size(), 1u);
  nlohmann::json body = nlohmann::json::parse(api->requests[0].body);
  EXPECT_EQ(body["connections"][0]["description"], "caf" + kFffd);
  auto acted = client.Act("svc", "receive", "ep-\xFF");
  ASSERT_TRUE(acted.ok()) << acted.status();
}

TEST(DiagnosticsProto, EveryStringFieldIsValidUtf8) {
  core::Diagnostics d;
  d.AddError("bad \xFF summary", "cut " + kZhong.substr(0, 2),
             {core::PathStep::Attr("endpoints"), core::PathStep::Key("k\xFE")});
  tfplugin6::ApplyResourceChange::Response resp;
  protocol::DiagnosticsToProto(d, resp.mutable_diagnostics());
  const tfplugin6::Diagnostic& p = resp.diagnostics(0);
  EXPECT_EQ(p.summary(), "bad " + kFffd + " summary");
  EXPECT_EQ(p.detail(), "cut " + kFffd + kFffd);
  EXPECT_EQ(p.attribute().steps(1).element_key_string(), "k" + kFffd);
  // What Terraform does with the bytes: a strict proto3 parse.
  tfplugin6::ApplyResourceChange::Response parsed;
  EXPECT_TRUE(parsed.ParseFromString(resp.SerializeAsString()));
}

// The whole path: an apply against an API that answers with a Latin-1 page
// reaches Terraform with the page's text in a readable error.
TEST(DiagnosticsProto, ErrorPageThatIsNotUtf8ReachesTerraformReadable) {
  resources::VpcepProvider provider(std::make_shared<FixedApi>(LatinErrorPage()));
  core::Dispatcher d(provider);
  Type pt = core::ImpliedType(provider.GetSchema().block);
  Value pc = Value::ObjectOf(
      pt, {{"project_id", Value::String("p")},
           {"auth_token", Value::String("t")},
           {"max_retries", Value::Int(0)},
           {"endpoints",
            Value::Map(Type::String(), {{"vpcep", Value::String("https://vpcep.example")}})}});
  ASSERT_FALSE(d.Configure("1.11.4", {core::EncodeMsgpack(pc, pt), ""}).HasError());
  Type t = core::ImpliedType(d.GetSchemas().resources.at("vpcep_connection_approval")->block);
  Value planned = Value::ObjectOf(t, {{"service_id", Value::String("svc")},
                                      {"endpoint_id", Value::String("ep-1")}});
  core::WireValue wire{core::EncodeMsgpack(planned, t), ""};
  core::EncodedResult r = d.ApplyResourceChange("vpcep_connection_approval", {}, wire, wire, "");
  ASSERT_TRUE(r.diags.HasError());

  tfplugin6::ApplyResourceChange::Response resp;
  protocol::DiagnosticsToProto(r.diags, resp.mutable_diagnostics());
  tfplugin6::ApplyResourceChange::Response parsed;
  ASSERT_TRUE(parsed.ParseFromString(resp.SerializeAsString()));
  EXPECT_THAT(parsed.diagnostics(0).detail(), HasSubstr("HTTP 400"));
  EXPECT_THAT(parsed.diagnostics(0).detail(), HasSubstr("te refus" + kFffd + "e"));
  EXPECT_THAT(parsed.diagnostics(0).detail(), HasSubstr("request id req-" + kFffd));
}

class DescriptionTest : public ::testing::Test {
 protected:
  core::Diagnostics Validate(const std::string& description) {
    Type t = core::ImpliedType(d_.GetSchemas().resources.at(kType)->block);
    Value config = Value::ObjectOf(t, {{"service_id", Value::String("svc")},
                                       {"endpoint_id", Value::String("ep-1")},
                                       {"description", Value::String(description)}});
    return d_.ValidateResourceConfig(kType, {core::EncodeMsgpack(config, t), ""});
  }
  static std::string Repeat(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  }
  static constexpr char kType[] = "vpcep_connection_approval";
  resources::VpcepProvider provider_;
  core::Dispatcher d_{provider_};
};

TEST_F(DescriptionTest, TwoHundredChineseCharactersAreAccepted) {
  core::Diagnostics diags = Validate(Repeat(kZhong, 200));  // 600 bytes
  EXPECT_FALSE(diags.HasError());
}

TEST_F(DescriptionTest, FiveHundredTwelveCharactersAreTheLimit) {
  EXPECT_FALSE(Validate(Repeat(kZhong, 512)).HasError());
  core::Diagnostics diags = Validate(Repeat(kZhong, 513));
  ASSERT_TRUE(diags.HasError());
  EXPECT_EQ(core::PathString(diags.items()[0].path), "description");
  EXPECT_THAT(diags.items()[0].detail, HasSubstr("513"));
}

TEST_F(DescriptionTest, TextThatIsNotUtf8IsReportedOnTheAttribute) {
  core::Diagnostics diags = Validate("caf\xE9");
  ASSERT_TRUE(diags.HasError());
  EXPECT_EQ(core::PathString(diags.items()[0].path), "description");
  EXPECT_THAT(diags.items()[0].detail, HasSubstr("not valid UTF-8"));
}

}  // namespace
}  // namespace vpcep
