// Fault injection (simulator/faults.h): forced errors, latency, dropped
// connections, lost responses, the admin API, and fail-on-receive.

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/simulator/test_util.h"

namespace vpcep::sim::testing {
namespace {

constexpr char kService[] = "svc-1";

void ExpectError(const HttpReply& reply, int status, const std::string& code) {
  EXPECT_EQ(reply.status, status) << reply.body.dump();
  EXPECT_EQ(reply.body.value("error_code", ""), code) << reply.body.dump();
}

class FaultTest : public SimulatorTest {
 protected:
  void StartWith(const FaultConfig& faults, uint64_t seed = 42) {
    Simulator::Options options = DefaultOptions();
    options.faults = faults;
    options.fault_seed = seed;
    StartSim(options);
    AddService(kService);
    AddConnection(kService, "ep-1");
  }
  json Faults() { return Get("/admin/stats").body["faults"]; }
  std::string StateStatus(const std::string& endpoint) {
    auto connection = sim_->state().GetConnection(kService, endpoint);
    EXPECT_TRUE(connection.ok()) << connection.status();
    return connection.ok() ? std::string(StatusName(connection->status)) : "";
  }
};

struct ErrorCase {
  double FaultConfig::*rate;
  int http_status;
  const char* code;
  const char* stats_key;
};

TEST_F(FaultTest, EachErrorKindAtRateOneFromOptions) {
  const ErrorCase cases[] = {
      {&FaultConfig::rate_500, 500, "EndPoint.0001", "500"},
      {&FaultConfig::rate_502, 502, "APIGW.0202", "502"},
      {&FaultConfig::rate_503, 503, "APIGW.0203", "503"},
      {&FaultConfig::rate_504, 504, "APIGW.0204", "504"},
      {&FaultConfig::rate_429, 429, "APIGW.0308", "429"},
      {&FaultConfig::rate_throttle, 400, "EndPoint.0022", "400"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.code);
    FaultConfig faults;
    faults.*c.rate = 1.0;
    StartWith(faults);
    for (int i = 0; i < 3; ++i) {
      HttpReply reply = List(kService);
      EXPECT_EQ(reply.status, c.http_status);
      EXPECT_EQ(reply.body.value("error_code", ""), c.code) << reply.body.dump();
      EXPECT_FALSE(reply.body.value("error_msg", "").empty());
      EXPECT_EQ(reply.body.value("request_id", ""), reply.request_id);
    }
    // Before the action takes effect (no after_effect_rate).
    EXPECT_EQ(Action(kService, "receive", {"ep-1"}).status, c.http_status);
    EXPECT_EQ(StateStatus("ep-1"), "pendingAcceptance");
    // The admin API is never affected.
    EXPECT_EQ(Get("/admin/health").status, 200);
    json counts = Faults();
    EXPECT_EQ(counts[c.stats_key], 4) << counts.dump();
    EXPECT_EQ(counts["drop"], 0);
    EXPECT_EQ(Get("/admin/stats").body["requests"]["list"], 3);
    sim_->Stop();
    sim_.reset();
  }
}

TEST_F(FaultTest, AdminApiSetsAndReadsFaults) {
  StartWith(FaultConfig());
  EXPECT_EQ(List(kService).status, 200);
  HttpReply set =
      Post("/admin/faults",
           {{"rates", {{"503", 1.0}}}, {"operations", {"list"}}, {"latency_ms", 1}, {"seed", 7}});
  ASSERT_EQ(set.status, 200) << set.body.dump();
  EXPECT_EQ(set.body["rates"]["503"], 1.0);
  HttpReply got = Get("/admin/faults");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body["rates"]["503"], 1.0);
  EXPECT_EQ(got.body["rates"]["500"], 0.0);
  EXPECT_EQ(got.body["operations"], json({"list"}));
  EXPECT_EQ(got.body["latency_ms"], 1.0);

  EXPECT_EQ(List(kService).status, 503);
  EXPECT_EQ(Get(ServicePath(kService)).status, 200);  // not in operations
  EXPECT_EQ(Action(kService, "receive", {"ep-1"}).status, 200);
  EXPECT_EQ(Faults()["503"], 1);

  // An empty body clears every fault.
  ASSERT_EQ(Post("/admin/faults", json::object()).status, 200);
  EXPECT_EQ(List(kService).status, 200);
  EXPECT_EQ(Get("/admin/faults").body["operations"].size(), 4u);

  // Stats reset clears the fault counts too.
  ASSERT_EQ(Post("/admin/stats/reset", json::object()).status, 200);
  EXPECT_EQ(Faults()["503"], 0);
}

TEST_F(FaultTest, AdminApiRejectsBadConfig) {
  StartWith(FaultConfig());
  for (const json& body :
       {json{{"rates", {{"500", 0.6}, {"503", 0.6}}}}, json{{"rates", {{"500", 1.5}}}},
        json{{"rates", {{"418", 0.1}}}}, json{{"operations", {"everything"}}},
        json{{"latency_ms", -1}}, json{{"after_effect_rate", "half"}}}) {
    HttpReply reply = Post("/admin/faults", body);
    EXPECT_EQ(reply.status, 400) << body.dump();
    EXPECT_EQ(reply.body.value("error_code", ""), "EndPoint.0002");
  }
  EXPECT_EQ(Get("/admin/faults").body["rates"]["500"], 0.0);  // unchanged
}

TEST_F(FaultTest, StartRefusesInvalidFaultConfig) {
  Simulator::Options options = DefaultOptions();
  options.faults.rate_500 = 0.7;
  options.faults.rate_drop = 0.7;
  EXPECT_FALSE(Simulator::Start(options).ok());
}

TEST_F(FaultTest, SameSeedSameFaultSequence) {
  FaultConfig faults;
  faults.rate_500 = 0.3;
  faults.rate_429 = 0.3;
  auto sequence = [&](uint64_t seed) {
    StartWith(faults, seed);
    std::vector<int> statuses;
    for (int i = 0; i < 40; ++i) statuses.push_back(List(kService).status);
    sim_->Stop();
    sim_.reset();
    return statuses;
  };
  const std::vector<int> first = sequence(1234);
  EXPECT_EQ(first, sequence(1234));
  EXPECT_NE(std::count(first.begin(), first.end(), 200), 0);
  EXPECT_NE(std::count(first.begin(), first.end(), 500), 0);
  EXPECT_NE(std::count(first.begin(), first.end(), 429), 0);

  // Reseeding through the admin API restarts the sequence.
  StartWith(faults, 99);
  ASSERT_EQ(Post("/admin/faults", {{"rates", {{"500", 0.3}, {"429", 0.3}}}, {"seed", 1234}}).status,
            200);
  std::vector<int> again;
  for (int i = 0; i < 40; ++i) again.push_back(List(kService).status);
  EXPECT_EQ(first, again);
}

TEST_F(FaultTest, AfterEffectFaultAppliesTheActionThenFails) {
  FaultConfig faults;
  faults.rate_500 = 1.0;
  faults.after_effect_rate = 1.0;
  faults.list = faults.service = faults.description = false;
  StartWith(faults);
  AddConnection(kService, "ep-2");
  HttpReply reply = Action(kService, "receive", {"ep-1"});
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(reply.body.value("error_code", ""), "EndPoint.0001");
  EXPECT_EQ(StateStatus("ep-1"), "creating");  // the action took effect
  EXPECT_TRUE(WaitForStatus(kService, "ep-1", "accepted"));
  json counts = Faults();
  EXPECT_EQ(counts["500"], 1);
  EXPECT_EQ(counts["after_effect"], 1);

  // Rate 0: the same fault comes before the effect.
  ASSERT_EQ(Post("/admin/faults", {{"rates", {{"502", 1.0}}}, {"operations", {"action"}}}).status,
            200);
  EXPECT_EQ(Action(kService, "receive", {"ep-2"}).status, 502);
  EXPECT_EQ(StateStatus("ep-2"), "pendingAcceptance");
}

TEST_F(FaultTest, AfterEffectNeverHidesAnAuthFailure) {
  Simulator::Options options = DefaultOptions();
  options.token = "tok";
  options.faults.rate_503 = 1.0;
  options.faults.after_effect_rate = 1.0;
  options.fault_seed = 5;
  StartSim(options);
  AddService(kService);
  AddConnection(kService, "ep-1");
  EXPECT_EQ(Action(kService, "receive", {"ep-1"}).status, 401);
  EXPECT_EQ(StateStatus("ep-1"), "pendingAcceptance");
  EXPECT_EQ(Post(ServicePath(kService) + "/connections/action",
                 {{"action", "receive"}, {"endpoints", {"ep-1"}}}, {{"X-Auth-Token", "tok"}})
                .status,
            503);
  EXPECT_EQ(StateStatus("ep-1"), "creating");
  json counts = Faults();
  EXPECT_EQ(counts["503"], 2);
  EXPECT_EQ(counts["after_effect"], 1);
}

TEST_F(FaultTest, AfterEffectOnlyForActions) {
  FaultConfig faults;
  faults.rate_504 = 1.0;
  faults.after_effect_rate = 1.0;
  StartWith(faults);
  EXPECT_EQ(Put(ServicePath(kService) + "/connections/description",
                {{"connections", {{{"id", "ep-1"}, {"description", "new"}}}}})
                .status,
            504);
  auto connection = sim_->state().GetConnection(kService, "ep-1");
  ASSERT_TRUE(connection.ok());
  EXPECT_EQ(connection->description, "");
  EXPECT_EQ(Faults()["after_effect"], 0);
}

TEST_F(FaultTest, LatencyDelaysCalls) {
  FaultConfig faults;
  faults.latency = absl::Milliseconds(150);
  faults.jitter = absl::Milliseconds(50);
  StartWith(faults);
  const absl::Time start = absl::Now();
  EXPECT_EQ(List(kService).status, 200);
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_GE(elapsed, absl::Milliseconds(150));
  EXPECT_LT(elapsed, absl::Seconds(5));
  const absl::Time admin_start = absl::Now();
  EXPECT_EQ(Get("/admin/health").status, 200);
  EXPECT_LT(absl::Now() - admin_start, absl::Milliseconds(150));
  EXPECT_EQ(Faults()["latency"], 1);
}

TEST_F(FaultTest, DroppedConnectionIsATransportError) {
  FaultConfig faults;
  faults.rate_drop = 1.0;
  StartWith(faults);
  httplib::Result result = client_->Get(ServicePath(kService) + "/connections");
  ASSERT_FALSE(result) << "got HTTP " << result->status;
  EXPECT_NE(result.error(), httplib::Error::Success);
  // Again, with a fresh client, and a POST.
  httplib::Client other(sim_->base_url());
  other.set_read_timeout(5, 0);
  httplib::Result post =
      other.Post(ServicePath(kService) + "/connections/action",
                 R"({"action":"receive","endpoints":["ep-1"]})", "application/json");
  EXPECT_FALSE(post);
  EXPECT_EQ(StateStatus("ep-1"), "pendingAcceptance");  // dropped before the effect
  // The server keeps serving.
  EXPECT_EQ(Get("/admin/health").status, 200);
  EXPECT_EQ(Faults()["drop"], 2);
  ASSERT_EQ(Post("/admin/faults", json::object()).status, 200);
  EXPECT_EQ(List(kService).status, 200);
}

TEST_F(FaultTest, FailOnReceiveWithErrors) {
  StartWith(FaultConfig());
  const json errors = {{{"error_code", "EndPoint.9999"}, {"error_message", "quota exceeded"}}};
  HttpReply set =
      Post(absl::StrCat("/admin/services/", kService, "/connections/ep-1/fail-on-receive"),
           {{"error", errors}});
  ASSERT_EQ(set.status, 200) << set.body.dump();
  EXPECT_EQ(set.body["status"], "pendingAcceptance");
  HttpReply reply = Action(kService, "receive", {"ep-1"});
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["connections"][0]["status"], "creating");
  ASSERT_TRUE(WaitForStatus(kService, "ep-1", "failed"));
  HttpReply listed = List(kService, "id=ep-1");
  EXPECT_EQ(listed.body["connections"][0]["error"], errors);
  ExpectError(Action(kService, "receive", {"ep-1"}), 400, "EndPoint.2047");
}

TEST_F(FaultTest, FailOnReceiveDefaultErrorAndUnknownIds) {
  StartWith(FaultConfig());
  const std::string base = absl::StrCat("/admin/services/", kService, "/connections/");
  ASSERT_EQ(PostRaw(base + "ep-1/fail-on-receive", "").status, 200);
  ASSERT_EQ(Action(kService, "receive", {"ep-1"}).status, 200);
  ASSERT_TRUE(WaitForStatus(kService, "ep-1", "failed"));
  HttpReply listed = List(kService, "id=ep-1");
  ASSERT_EQ(listed.body["connections"][0]["error"].size(), 1u);
  EXPECT_FALSE(listed.body["connections"][0]["error"][0].value("error_code", "").empty());

  ExpectError(PostRaw(base + "nope/fail-on-receive", "{}"), 400, "EndPoint.2013");
  ExpectError(PostRaw("/admin/services/nope/connections/ep-1/fail-on-receive", "{}"), 400,
              "EndPoint.2003");
  ExpectError(Post(base + "ep-1/fail-on-receive", {{"error", "x"}}), 400, "EndPoint.0002");
}

}  // namespace
}  // namespace vpcep::sim::testing
