// Load knobs of the simulator (faults.h): per-item list cost, fault latency
// alone, the per-project rate limit, churn, generated connections and the
// listing counters in /admin/stats.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/simulator/test_util.h"

namespace vpcep::sim::testing {
namespace {

constexpr char kService[] = "svc-1";

class LoadTest : public SimulatorTest {
 protected:
  void StartWith(const FaultConfig& faults, std::shared_ptr<FakeClock> clock = nullptr) {
    Simulator::Options options = DefaultOptions();
    options.faults = faults;
    options.fault_seed = 42;
    if (clock != nullptr) options.clock = FakeClock::Fn(clock);
    StartSim(options);
    AddService(kService);
  }
  void AddConnections(int n) {
    for (int i = 0; i < n; ++i) AddConnection(kService, absl::StrCat("ep-", i));
  }
  json Stats() { return Get("/admin/stats").body; }
  bool Exists(const std::string& endpoint) {
    return sim_->state().GetConnection(kService, endpoint).ok();
  }
};

TEST_F(LoadTest, ListItemCostSleepsPerItemReturned) {
  FaultConfig faults;
  faults.list_item_cost = absl::Milliseconds(50);
  StartWith(faults);
  AddConnections(10);
  absl::Time start = absl::Now();
  HttpReply page = List(kService, "limit=5");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body["connections"].size(), 5u);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(250));
  start = absl::Now();
  EXPECT_EQ(List(kService, "id=nobody").status, 200);  // no items, no cost
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(200));
  // Not a fault: nothing counted under faults.
  EXPECT_EQ(Stats()["faults"]["latency"], 0);
}

TEST_F(LoadTest, ListItemCostFromAdminJson) {
  StartWith(FaultConfig());
  HttpReply set = Post("/admin/faults", {{"list_item_cost_ms", 0.1}});
  ASSERT_EQ(set.status, 200) << set.body.dump();
  EXPECT_DOUBLE_EQ(set.body["list_item_cost_ms"].get<double>(), 0.1);
  EXPECT_EQ(sim_->faults().config().list_item_cost, absl::Microseconds(100));
  EXPECT_EQ(Post("/admin/faults", {{"list_item_cost_ms", -1}}).status, 400);
}

TEST_F(LoadTest, FaultLatencyAloneDelaysWithoutErrors) {
  FaultConfig faults;
  faults.latency = absl::Milliseconds(30);
  StartWith(faults);
  AddConnections(1);
  const absl::Time start = absl::Now();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(List(kService).status, 200);
  EXPECT_EQ(Action(kService, "receive", {"ep-0"}).status, 200);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(180));
  json counts = Stats()["faults"];
  EXPECT_EQ(counts["latency"], 6);
  for (const char* kind : {"500", "502", "503", "504", "429", "400", "drop"}) {
    EXPECT_EQ(counts[kind], 0) << kind;
  }
}

TEST_F(LoadTest, RateLimitAnswers429BeyondTheBucket) {
  auto clock = std::make_shared<FakeClock>();
  FaultConfig faults;
  faults.rate_limit = 3;
  StartWith(faults, clock);
  std::vector<int> statuses;
  for (int i = 0; i < 5; ++i) {
    HttpReply reply = List(kService);
    statuses.push_back(reply.status);
    if (reply.status == 429) {
      EXPECT_EQ(reply.body.value("error_code", ""), "APIGW.0308");
      EXPECT_FALSE(reply.body.value("error_msg", "").empty());
      EXPECT_EQ(reply.body.value("request_id", ""), reply.request_id);
    }
  }
  EXPECT_EQ(statuses, (std::vector<int>{200, 200, 200, 429, 429}));
  EXPECT_EQ(Get("/admin/health").status, 200);  // the admin API is not limited
  json stats = Stats();
  EXPECT_EQ(stats["requests"]["throttled"], 2);
  EXPECT_EQ(stats["requests"]["list"], 5);
  EXPECT_EQ(stats["faults"]["429"], 0);  // not an injected fault

  // Refilled at 3 per second.
  clock->Advance(absl::Milliseconds(400));
  EXPECT_EQ(Get(ServicePath(kService)).status, 200);
  EXPECT_EQ(Get(ServicePath(kService)).status, 429);
  clock->Advance(absl::Seconds(10));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(List(kService).status, 200);
  EXPECT_EQ(List(kService).status, 429);
}

TEST_F(LoadTest, RateLimitFromAdminJson) {
  StartWith(FaultConfig());
  HttpReply set = Post("/admin/faults", {{"rate_limit", 2}});
  ASSERT_EQ(set.status, 200) << set.body.dump();
  EXPECT_EQ(set.body["rate_limit"], 2.0);
  // A real clock: allow for a refill during slow calls.
  int throttled = 0;
  for (int i = 0; i < 6; ++i) throttled += List(kService).status == 429 ? 1 : 0;
  EXPECT_GE(throttled, 2);
  EXPECT_EQ(Stats()["requests"]["throttled"], throttled);
  ASSERT_EQ(Post("/admin/faults", json::object()).status, 200);  // off again
  for (int i = 0; i < 6; ++i) EXPECT_EQ(List(kService).status, 200);
  EXPECT_EQ(Post("/admin/faults", {{"rate_limit", -1}}).status, 400);
}

TEST_F(LoadTest, ChurnNeverDeletesConnectionsTheClientActedOn) {
  FaultConfig faults;
  faults.churn_create = 1;
  faults.churn_delete = 1;
  StartWith(faults);
  AddConnection(kService, "ep-pending");
  AddConnection(kService, "ep-received");
  AddConnection(kService, "ep-described");
  AddConnection(kService, "ep-accepted", ConnectionStatus::kAccepted);
  ASSERT_EQ(Action(kService, "receive", {"ep-received"}).status, 200);
  ASSERT_EQ(Put(ServicePath(kService) + "/connections/description",
                {{"connections", {{{"id", "ep-described"}, {"description", "mine"}}}}})
                .status,
            200);
  for (int i = 0; i < 20; ++i) {
    HttpReply reply = List(kService, "limit=100");
    ASSERT_EQ(reply.status, 200);
    // Each call deletes one candidate (the first: ep-pending; then the
    // previous call's churned one) and creates one.
    EXPECT_EQ(reply.body["total_count"], 4);
  }
  EXPECT_FALSE(Exists("ep-pending"));
  EXPECT_TRUE(Exists("ep-received"));
  EXPECT_TRUE(Exists("ep-described"));
  EXPECT_TRUE(Exists("ep-accepted"));
  json churn = Stats()["churn"];
  EXPECT_EQ(churn["created"], 20);
  EXPECT_EQ(churn["deleted"], 20);
  // Churned connections follow approval_enabled and have a 32-hex domain id.
  auto all = sim_->state().AllConnections(kService);
  ASSERT_TRUE(all.ok());
  const Connection& churned = all->back();
  EXPECT_EQ(churned.status, ConnectionStatus::kPendingAcceptance);
  EXPECT_EQ(churned.domain_id.size(), 32u);
}

TEST_F(LoadTest, ChurnIsReproducibleWithASeed) {
  auto totals = [&](uint64_t churn_seed) {
    Simulator::Options options = DefaultOptions();
    options.faults.churn_create = 0.5;
    options.faults.churn_delete = 0.3;
    options.churn_seed = churn_seed;
    StartSim(options);
    AddService(kService);
    AddConnections(5);
    std::vector<int64_t> result;
    for (int i = 0; i < 30; ++i) result.push_back(List(kService).body["total_count"]);
    sim_->Stop();
    sim_.reset();
    return result;
  };
  const std::vector<int64_t> first = totals(7);
  EXPECT_EQ(first, totals(7));
  EXPECT_NE(first.front(), first.back());
}

TEST_F(LoadTest, ChurnFromAdminJson) {
  StartWith(FaultConfig());
  AddConnections(3);
  HttpReply set = Post("/admin/faults", {{"churn_create", 1}, {"churn_seed", 3}});
  ASSERT_EQ(set.status, 200) << set.body.dump();
  EXPECT_EQ(set.body["churn_create"], 1.0);
  EXPECT_EQ(set.body["churn_delete"], 0.0);
  EXPECT_EQ(List(kService).body["total_count"], 4);
  EXPECT_EQ(List(kService, "offset=2").body["total_count"], 5);
  EXPECT_EQ(Stats()["churn"]["created"], 2);
  EXPECT_EQ(Post("/admin/faults", {{"churn_delete", 2}}).status, 400);
  EXPECT_EQ(Post("/admin/faults", {{"churn_seed", -1}}).status, 400);
}

TEST_F(LoadTest, GenerateBuildsALargeServiceInOneCall) {
  StartWith(FaultConfig());
  AddConnections(2);
  HttpReply generated = Post(absl::StrCat("/admin/services/", kService, "/generate"),
                             {{"count", 10000}, {"status", "accepted"}});
  ASSERT_EQ(generated.status, 201) << generated.body.dump();
  EXPECT_EQ(generated.body["created"], 10000);
  EXPECT_EQ(generated.body["total_count"], 10002);
  HttpReply page = List(kService, "status=accepted&limit=1000");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body["total_count"], 10000);
  EXPECT_EQ(page.body["connections"].size(), 1000u);
  // Without a status: the service's default (pendingAcceptance here).
  ASSERT_EQ(Post(absl::StrCat("/admin/services/", kService, "/generate"), {{"count", 3}}).status,
            201);
  EXPECT_EQ(List(kService, "status=pendingAcceptance").body["total_count"], 5);

  EXPECT_EQ(Post(absl::StrCat("/admin/services/", kService, "/generate"), {{"count", 0}}).status,
            400);
  EXPECT_EQ(Post(absl::StrCat("/admin/services/", kService, "/generate"),
                 {{"count", 1}, {"status", "done"}})
                .status,
            400);
  HttpReply unknown = Post("/admin/services/nope/generate", {{"count", 1}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.body.value("error_code", ""), "EndPoint.2003");
}

TEST_F(LoadTest, StatsCountListedItemsAndListCalls) {
  StartWith(FaultConfig());
  AddConnections(25);
  for (int offset = 0; offset < 25; offset += 10) {
    ASSERT_EQ(List(kService, absl::StrCat("limit=10&offset=", offset)).status, 200);
  }
  EXPECT_EQ(List(kService, "limit=0").status, 400);  // refused: not a listed call
  json stats = Stats();
  EXPECT_EQ(stats["listed"]["calls"], 3);
  EXPECT_EQ(stats["listed"]["items"], 25);
  EXPECT_EQ(stats["requests"]["list"], 4);
  ASSERT_EQ(Post("/admin/stats/reset", json::object()).status, 200);
  EXPECT_EQ(Stats()["listed"]["items"], 0);
}

}  // namespace
}  // namespace vpcep::sim::testing
