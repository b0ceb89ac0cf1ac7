// Diagnostics on their way to Terraform: every string the protobuf carries is
// valid UTF-8, whatever the network or the configuration sent, because
// Terraform refuses a response that is not.
#include "provider/protocol/convert.h"

#include <mutex>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/tfplugin6.pb.h"
#include "provider/core/dispatcher.h"
#include "provider/core/msgpack_codec.h"
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

// The descriptions use Markdown code spans, and say so.
TEST(SchemaProto, DescriptionsAreMarkdown) {
  resources::VpcepProvider provider;
  core::Dispatcher dispatcher(provider);
  tfplugin6::GetProviderSchema::Response resp;
  protocol::SchemasToProto(dispatcher.GetSchemas(), &resp);
  const auto& approval = resp.resource_schemas().at("vpcep_connection_approval").block();
  EXPECT_EQ(approval.description_kind(), tfplugin6::StringKind::MARKDOWN);
  ASSERT_GT(approval.attributes_size(), 0);
  for (const auto& a : approval.attributes()) {
    EXPECT_EQ(a.description_kind(), tfplugin6::StringKind::MARKDOWN) << a.name();
  }
}

}  // namespace
}  // namespace vpcep
