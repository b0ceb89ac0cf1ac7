// Provider settings that would otherwise reach the wire unchecked: plain-http
// endpoints on other hosts, a region that rewrites the API host, and control
// characters in values that become request headers.
#include <cstdlib>
#include <mutex>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/core/diagnostics.h"
#include "resources/vpcep_provider.h"

namespace vpcep::resources {
namespace {

using core::Diagnostics;
using core::Type;
using core::Value;
using ::testing::HasSubstr;
using ::testing::Not;

// Records requests and answers each with one service.
class RecordingApi : public cloud::HttpTransport {
 public:
  absl::StatusOr<cloud::HttpResponse> Send(const cloud::HttpRequest& req) override {
    std::lock_guard<std::mutex> lock(mu);
    requests.push_back(req);
    return cloud::HttpResponse{200, {}, R"({"id":"svc","status":"available"})"};
  }
  std::string Header(size_t i, const std::string& name) {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& [k, v] : requests.at(i).headers) {
      if (k == name) return v;
    }
    return "<absent>";
  }
  std::mutex mu;  // guards requests
  std::vector<cloud::HttpRequest> requests;
};

class ProviderConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : {"HW_AUTH_TOKEN", "HW_PROJECT_ID", "HW_REGION_NAME", "HW_VPCEP_ENDPOINT",
                          "HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN",
                          "HW_ALLOW_INSECURE_HTTP"}) {
      unsetenv(v);
    }
  }
  void TearDown() override { SetUp(); }

  // A token configuration for `endpoint`, with `attrs` on top.
  Value Config(const std::string& endpoint, std::map<std::string, Value> attrs = {}) {
    Type t = core::ImpliedType(provider_.GetSchema().block);
    std::map<std::string, Value> all = {{"project_id", Value::String("p")},
                                        {"auth_token", Value::String("tok")}};
    if (!endpoint.empty()) {
      all["endpoints"] = Value::Map(Type::String(), {{"vpcep", Value::String(endpoint)}});
    }
    for (auto& [k, v] : attrs) all[k] = v;
    return Value::ObjectOf(t, all);
  }
  Diagnostics Configure(const Value& config) {
    Diagnostics d;
    provider_.Configure(config, "1.11.4", d);
    return d;
  }
  static std::string Text(const Diagnostics& d) {
    std::string out;
    for (const auto& i : d.items()) out += i.summary + ": " + i.detail + "\n";
    return out;
  }
  static std::string FirstPath(const Diagnostics& d) {
    return d.items().empty() ? "" : core::PathString(d.items()[0].path);
  }

  std::shared_ptr<RecordingApi> api_ = std::make_shared<RecordingApi>();
  VpcepProvider provider_{api_};
};

TEST_F(ProviderConfigTest, CredentialsInTheEndpointUrlAreRefusedWithoutEchoingThem) {
  Diagnostics d = Configure(Config("https://admin:s3cr3t-pass@vpcep.example.com/"));
  ASSERT_TRUE(d.HasError());
  EXPECT_THAT(Text(d), HasSubstr("user information"));
  EXPECT_THAT(Text(d), Not(HasSubstr("s3cr3t-pass")));
  EXPECT_EQ(FirstPath(d), "endpoints[\"vpcep\"]");
  setenv("HW_VPCEP_ENDPOINT", "https://admin:s3cr3t-pass@vpcep.example.com", 1);
  d = Configure(Config(""));
  ASSERT_TRUE(d.HasError());
  EXPECT_THAT(Text(d), HasSubstr("HW_VPCEP_ENDPOINT"));
  EXPECT_THAT(Text(d), Not(HasSubstr("s3cr3t-pass")));
}

TEST_F(ProviderConfigTest, PlainHttpToAnotherHostIsRefusedOnTheAttribute) {
  Diagnostics d = Configure(Config("http://192.0.2.2:8080"));
  ASSERT_TRUE(d.HasError());
  EXPECT_EQ(FirstPath(d), "endpoints[\"vpcep\"]");
  EXPECT_THAT(Text(d), HasSubstr("unencrypted"));
  EXPECT_FALSE(provider_.Client().ok());
}

TEST_F(ProviderConfigTest, PlainHttpFromTheEnvironmentIsRefusedNamingTheVariable) {
  setenv("HW_VPCEP_ENDPOINT", "http://api.example.com", 1);
  Diagnostics d = Configure(Config(""));
  ASSERT_TRUE(d.HasError());
  EXPECT_THAT(Text(d), HasSubstr("HW_VPCEP_ENDPOINT"));
}

TEST_F(ProviderConfigTest, EndpointFromTheEnvironmentMustBeAUrl) {
  setenv("HW_VPCEP_ENDPOINT", "vpcep.example.com", 1);
  Diagnostics d = Configure(Config(""));
  ASSERT_TRUE(d.HasError());
  EXPECT_THAT(Text(d), HasSubstr("HW_VPCEP_ENDPOINT must start with https://"));
}

TEST_F(ProviderConfigTest, PlainHttpOnLoopbackIsAllowed) {
  for (const char* url : {"http://127.0.0.1:8080", "http://127.9.8.7/", "http://[::1]:80",
                          "http://localhost:1234", "http://LOCALHOST"}) {
    Diagnostics d = Configure(Config(url));
    EXPECT_FALSE(d.HasError()) << url << ": " << Text(d);
  }
  Diagnostics d = Configure(Config("https://192.0.2.2"));
  EXPECT_FALSE(d.HasError()) << Text(d);
}

TEST_F(ProviderConfigTest, PlainHttpToAnotherHostNeedsAnExplicitOptIn) {
  Diagnostics d = Configure(
      Config("http://192.0.2.2:8080", {{"allow_insecure_http", Value::Bool(true)}}));
  EXPECT_FALSE(d.HasError()) << Text(d);
  setenv("HW_ALLOW_INSECURE_HTTP", "true", 1);
  d = Configure(Config("http://192.0.2.2:8080"));
  EXPECT_FALSE(d.HasError()) << Text(d);
  d = Configure(Config("http://192.0.2.2:8080", {{"allow_insecure_http", Value::Bool(false)}}));
  EXPECT_TRUE(d.HasError()) << "the attribute wins over the environment";
}

TEST(IsLoopbackUrl, LooksAtTheHostOnly) {
  EXPECT_TRUE(IsLoopbackUrl("http://127.0.0.1"));
  EXPECT_TRUE(IsLoopbackUrl("http://someone@127.0.0.1:80/x"));
  EXPECT_TRUE(IsLoopbackUrl("http://[0:0:0:0:0:0:0:1]:80"));
  EXPECT_FALSE(IsLoopbackUrl("http://127.0.0.1.attacker.example/"));
  EXPECT_FALSE(IsLoopbackUrl("http://localhost.attacker.example/"));
  EXPECT_FALSE(IsLoopbackUrl("http://127.0.0.1@attacker.example/"));
  EXPECT_FALSE(IsLoopbackUrl("http://attacker.example/127.0.0.1"));
  EXPECT_FALSE(IsLoopbackUrl("http://128.0.0.1"));
  EXPECT_FALSE(IsLoopbackUrl("http://[::2]"));
  EXPECT_FALSE(IsLoopbackUrl("localhost"));
}

TEST_F(ProviderConfigTest, RegionThatWouldChangeTheHostIsRefused) {
  Diagnostics d = Configure(Config("", {{"region", Value::String("attacker.example/")}}));
  ASSERT_TRUE(d.HasError());
  EXPECT_EQ(FirstPath(d), "region");
  EXPECT_FALSE(provider_.Client().ok());
}

TEST_F(ProviderConfigTest, RegionFromTheEnvironmentIsCheckedNamingTheVariable) {
  setenv("HW_REGION_NAME", "attacker.example/", 1);
  Diagnostics d = Configure(Config(""));
  ASSERT_TRUE(d.HasError());
  EXPECT_THAT(Text(d), HasSubstr("HW_REGION_NAME"));
  setenv("HW_REGION_NAME", "ap-southeast-1", 1);
  d = Configure(Config(""));
  EXPECT_FALSE(d.HasError()) << Text(d);
}

TEST_F(ProviderConfigTest, LineBreakInAHeaderValueIsRefusedWithoutShowingIt) {
  for (const char* attr : {"auth_token", "project_id", "access_key", "secret_key",
                           "security_token"}) {
    std::map<std::string, Value> attrs = {{attr, Value::String("s3cret\r\nX-Injected: 1")}};
    if (std::string(attr) != "auth_token") {  // the AK/SK set, so only `attr` is wrong
      attrs["auth_token"] = Value::Null(Type::String());
      for (const char* other : {"access_key", "secret_key", "security_token"}) {
        if (attrs.count(other) == 0) attrs[other] = Value::String("fine");
      }
    }
    Diagnostics d = Configure(Config("https://vpcep.example", attrs));
    ASSERT_TRUE(d.HasError()) << attr;
    EXPECT_EQ(FirstPath(d), attr);
    EXPECT_THAT(Text(d), HasSubstr("control character")) << attr;
    EXPECT_THAT(Text(d), Not(HasSubstr("s3cret"))) << attr;
    EXPECT_THAT(Text(d), Not(HasSubstr("X-Injected"))) << attr;
  }
}

TEST_F(ProviderConfigTest, ControlCharacterInTheEnvironmentNamesTheVariable) {
  setenv("HW_AUTH_TOKEN", "tok\nX-Injected: 1", 1);
  Diagnostics d = Configure(Config("https://vpcep.example", {{"auth_token", Value::Null(
                                                                                 Type::String())}}));
  ASSERT_TRUE(d.HasError());
  EXPECT_THAT(Text(d), HasSubstr("HW_AUTH_TOKEN"));
  EXPECT_THAT(Text(d), Not(HasSubstr("X-Injected")));
}

TEST_F(ProviderConfigTest, TrailingNewlineIsTrimmedWithAWarning) {
  Diagnostics d =
      Configure(Config("https://vpcep.example", {{"auth_token", Value::String("tok\n")}}));
  ASSERT_FALSE(d.HasError()) << Text(d);
  ASSERT_EQ(d.items().size(), 1u);
  EXPECT_EQ(d.items()[0].severity, core::Diagnostic::Severity::kWarning);
  EXPECT_EQ(FirstPath(d), "auth_token");
  auto client = provider_.Client();
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE((*client)->GetService("svc").ok());
  EXPECT_EQ(api_->Header(0, "X-Auth-Token"), "tok");
}

TEST_F(ProviderConfigTest, MaxRetriesMustBeAWholeNumberInRange) {
  for (const Value& n : {Value::Number(1.5), Value::Int(-1), Value::Int(21)}) {
    Diagnostics d = Configure(Config("https://vpcep.example", {{"max_retries", n}}));
    ASSERT_TRUE(d.HasError()) << n;
    EXPECT_EQ(FirstPath(d), "max_retries");
  }
  EXPECT_FALSE(Configure(Config("https://vpcep.example", {{"max_retries", Value::Int(20)}}))
                   .HasError());
  auto client = provider_.Client();
  ASSERT_TRUE(client.ok());
  EXPECT_EQ((*client)->options().max_retries, 20);
}

TEST_F(ProviderConfigTest, UnknownValuesWaitForApplyWithoutAnError) {
  Diagnostics d =
      Configure(Config("https://vpcep.example", {{"auth_token", Value::Unknown(Type::String())}}));
  EXPECT_FALSE(d.HasError()) << Text(d);
  EXPECT_THAT(std::string(provider_.Client().status().message()), HasSubstr("not known until"));
}

TEST(DefaultEndpoint, UsesTheRegionalHostAndTheEuDomain) {
  EXPECT_EQ(DefaultEndpoint("ap-southeast-1"), "https://vpcep.ap-southeast-1.myhuaweicloud.com");
  EXPECT_EQ(DefaultEndpoint("eu-west-101"), "https://vpcep.eu-west-101.myhuaweicloud.eu");
}

}  // namespace
}  // namespace vpcep::resources
