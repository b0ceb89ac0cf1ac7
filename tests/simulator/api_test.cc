// HTTP-level tests of the simulated VPCEP API and the admin API.

#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "tests/simulator/test_util.h"

namespace vpcep::sim::testing {
namespace {

constexpr char kService[] = "svc-1";

void ExpectError(const HttpReply& reply, int status, const std::string& code) {
  EXPECT_EQ(reply.status, status) << reply.body.dump();
  EXPECT_EQ(reply.body.value("error_code", ""), code) << reply.body.dump();
  EXPECT_FALSE(reply.body.value("error_msg", "").empty()) << reply.body.dump();
  EXPECT_EQ(reply.body.value("request_id", ""), reply.request_id);
}

std::vector<std::string> Ids(const HttpReply& reply) {
  std::vector<std::string> ids;
  for (const json& c : reply.body["connections"]) ids.push_back(c["id"].get<std::string>());
  return ids;
}

class ApiTest : public SimulatorTest {
 protected:
  void SetUp() override {
    StartSim();
    AddService(kService);
  }
  // Adds `count` pending connections ep-00, ep-01, ... created one second
  // apart (ep-00 oldest).
  void AddMany(int count) {
    const absl::Time base = absl::FromUnixSeconds(1700000000);
    for (int i = 0; i < count; ++i) {
      AddConnection(kService, absl::StrFormat("ep-%02d", i), std::nullopt, base + absl::Seconds(i));
    }
  }
};

// ---- List

TEST_F(ApiTest, ListReturnsTenByDefaultWithTotalCount) {
  AddMany(25);
  HttpReply reply = List(kService);
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["connections"].size(), 10u);
  EXPECT_EQ(reply.body["total_count"], 25);
}

TEST_F(ApiTest, ListPagesWithLimitAndOffset) {
  AddMany(25);
  std::set<std::string> seen;
  for (int offset = 0; offset < 25; offset += 7) {
    HttpReply reply = List(kService, absl::StrCat("limit=7&offset=", offset));
    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body["total_count"], 25);
    for (const std::string& id : Ids(reply)) EXPECT_TRUE(seen.insert(id).second) << id;
  }
  EXPECT_EQ(seen.size(), 25u);

  HttpReply past_end = List(kService, "limit=10&offset=30");
  ASSERT_EQ(past_end.status, 200);
  EXPECT_TRUE(past_end.body["connections"].empty());
  EXPECT_EQ(past_end.body["total_count"], 25);

  EXPECT_EQ(List(kService, "limit=1000").body["connections"].size(), 25u);
}

TEST_F(ApiTest, ListSortsByCreationNewestFirstByDefault) {
  AddMany(3);
  EXPECT_EQ(Ids(List(kService)), (std::vector<std::string>{"ep-02", "ep-01", "ep-00"}));
  EXPECT_EQ(Ids(List(kService, "sort_key=create_at&sort_dir=asc")),
            (std::vector<std::string>{"ep-00", "ep-01", "ep-02"}));
}

TEST_F(ApiTest, ListSortsByUpdateTime) {
  AddMany(3);
  // Touch ep-00 so it becomes the most recently updated.
  ASSERT_EQ(Put(ServicePath(kService) + "/connections/description",
                {{"connections", {{{"id", "ep-00"}, {"description", "x"}}}}})
                .status,
            200);
  EXPECT_EQ(Ids(List(kService, "sort_key=update_at"))[0], "ep-00");
  EXPECT_EQ(Ids(List(kService, "sort_key=update_at&sort_dir=asc"))[2], "ep-00");
}

TEST_F(ApiTest, ListFiltersByIdStatusAndMarkerId) {
  AddMany(4);
  ASSERT_TRUE(
      sim_->state().SetConnectionStatus(kService, "ep-01", ConnectionStatus::kAccepted).ok());
  ASSERT_TRUE(
      sim_->state().SetConnectionStatus(kService, "ep-02", ConnectionStatus::kAccepted).ok());

  HttpReply by_id = List(kService, "id=ep-03");
  EXPECT_EQ(Ids(by_id), std::vector<std::string>{"ep-03"});
  EXPECT_EQ(by_id.body["total_count"], 1);

  HttpReply accepted = List(kService, "status=accepted&sort_dir=asc");
  EXPECT_EQ(Ids(accepted), (std::vector<std::string>{"ep-01", "ep-02"}));
  EXPECT_EQ(accepted.body["total_count"], 2);

  const int64_t marker = by_id.body["connections"][0]["marker_id"].get<int64_t>();
  EXPECT_GT(marker, int64_t{1} << 32);  // exercises 64-bit handling
  EXPECT_EQ(Ids(List(kService, absl::StrCat("marker_id=", marker))),
            std::vector<std::string>{"ep-03"});

  EXPECT_TRUE(List(kService, "id=nope").body["connections"].empty());
}

TEST_F(ApiTest, StatusFilterAcceptsEveryDocumentedStatus) {
  const std::vector<std::pair<std::string, ConnectionStatus>> statuses = {
      {"pendingAcceptance", ConnectionStatus::kPendingAcceptance},
      {"creating", ConnectionStatus::kCreating},
      {"accepted", ConnectionStatus::kAccepted},
      {"rejected", ConnectionStatus::kRejected},
      {"failed", ConnectionStatus::kFailed},
      {"deleting", ConnectionStatus::kDeleting},
  };
  for (const auto& [name, status] : statuses) AddConnection(kService, "ep-" + name, status);
  for (const auto& [name, status] : statuses) {
    SCOPED_TRACE(name);
    HttpReply reply = List(kService, "status=" + name);
    ASSERT_EQ(reply.status, 200) << reply.body.dump();
    EXPECT_EQ(Ids(reply), std::vector<std::string>{"ep-" + name});
    EXPECT_EQ(reply.body["total_count"], 1);
  }
}

TEST_F(ApiTest, NonNumericMarkerIdMatchesNothing) {
  AddMany(3);
  for (const char* marker : {"abc", "-5", "12x", "4294967297.0"}) {
    SCOPED_TRACE(marker);
    HttpReply reply = List(kService, absl::StrCat("marker_id=", marker));
    ASSERT_EQ(reply.status, 200) << reply.body.dump();
    EXPECT_TRUE(reply.body["connections"].empty());
    EXPECT_EQ(reply.body["total_count"], 0);
  }
}

TEST_F(ApiTest, StrictOffsetRefusesAnOffsetPastTheMatches) {
  AddMany(5);
  // Off by default: an empty page.
  EXPECT_EQ(List(kService, "offset=5").status, 200);
  ASSERT_EQ(Post("/admin/faults", {{"strict_offset", true}}).status, 200);
  EXPECT_EQ(Get("/admin/faults").body["strict_offset"], true);
  HttpReply last = List(kService, "limit=2&offset=4");
  ASSERT_EQ(last.status, 200);
  EXPECT_EQ(last.body["connections"].size(), 1u);
  ExpectError(List(kService, "offset=5"), 400, "EndPoint.0010");
  ExpectError(List(kService, "status=accepted&offset=1"), 400, "EndPoint.0010");
  // Offset 0 with no matches is still an empty page.
  HttpReply none = List(kService, "status=accepted&offset=0");
  EXPECT_EQ(none.status, 200);
  EXPECT_EQ(none.body["total_count"], 0);
  EXPECT_EQ(Post("/admin/faults", {{"strict_offset", "yes"}}).status, 400);
}

// The misbehaving fronts (README "Misbehaving fronts"): each mode on its own.
TEST_F(ApiTest, PageCapServesShortPagesAndCountsAll) {
  AddMany(25);
  ASSERT_EQ(Post("/admin/faults", {{"page_cap", 7}}).status, 200);
  EXPECT_EQ(Get("/admin/faults").body["page_cap"], 7);
  HttpReply page = List(kService, "limit=20&offset=0");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body["connections"].size(), 7u);
  EXPECT_EQ(page.body["total_count"], 25);
  EXPECT_EQ(Post("/admin/faults", {{"page_cap", 1001}}).status, 400);
  EXPECT_EQ(Post("/admin/faults", {{"page_cap", "7"}}).status, 400);
}

TEST_F(ApiTest, UnstableOrderShufflesEqualTimesOnEveryCall) {
  const absl::Time same = absl::FromUnixSeconds(1700000000);
  for (int i = 0; i < 30; ++i) {
    AddConnection(kService, absl::StrFormat("ep-%02d", i), std::nullopt, same);
  }
  AddConnection(kService, "ep-newest", std::nullopt, same + absl::Seconds(1));
  std::vector<std::string> stable = Ids(List(kService, "limit=100"));
  EXPECT_EQ(Ids(List(kService, "limit=100")), stable) << "stable when off";
  ASSERT_EQ(Post("/admin/faults", {{"unstable_order", true}}).status, 200);
  std::set<std::vector<std::string>> orders;
  for (int call = 0; call < 5; ++call) {
    std::vector<std::string> ids = Ids(List(kService, "limit=100"));
    ASSERT_EQ(ids.size(), 31u);
    EXPECT_EQ(ids.front(), "ep-newest") << "distinct times keep their order";
    orders.insert(ids);
  }
  EXPECT_GT(orders.size(), 1u) << "equal times came in the same order every call";
}

TEST_F(ApiTest, IgnoreIdFilterAnswersTheWholeService) {
  AddMany(5);
  EXPECT_EQ(Ids(List(kService, "id=ep-02")), std::vector<std::string>{"ep-02"});
  ASSERT_EQ(Post("/admin/faults", {{"ignore_id_filter", true}}).status, 200);
  HttpReply all = List(kService, "id=ep-02");
  EXPECT_EQ(all.body["connections"].size(), 5u);
  EXPECT_EQ(all.body["total_count"], 5);
  ASSERT_EQ(Post("/admin/faults", json::object()).status, 200);
  EXPECT_EQ(Get("/admin/faults").body["ignore_id_filter"], false);
}

TEST_F(ApiTest, ErrorCodeSpellingEndpoint) {
  AddConnection(kService, "ep-a");
  ASSERT_EQ(Post("/admin/faults", {{"error_code_spelling", "Endpoint"}}).status, 200);
  ExpectError(List(kService, "limit=0"), 400, "Endpoint.0006");
  ExpectError(Action(kService, "receive", {"nope"}), 400, "Endpoint.2013");
  ExpectError(Get(ServicePath("no-such-service")), 400, "Endpoint.2003");
  // Gateway codes and the admin API keep their spelling.
  ExpectError(Get("/v1/nowhere"), 404, "APIGW.0101");
  ExpectError(Post("/admin/services/nope/generate", {{"count", 1}}), 400, "EndPoint.2003");
  EXPECT_EQ(Post("/admin/faults", {{"error_code_spelling", "ENDPOINT"}}).status, 400);
  ASSERT_EQ(Post("/admin/faults", {{"error_code_spelling", "EndPoint"}}).status, 200);
  ExpectError(List(kService, "limit=0"), 400, "EndPoint.0006");
}

TEST_F(ApiTest, ErrorCodeSpellingAppliesToInjectedFaults) {
  ASSERT_EQ(
      Post("/admin/faults", {{"error_code_spelling", "Endpoint"}, {"rates", {{"500", 1}}}}).status,
      200);
  ExpectError(List(kService), 500, "Endpoint.0001");
}

TEST_F(ApiTest, FractionalTimeFormat) {
  AddConnection(kService, "ep-a", std::nullopt, absl::FromUnixMillis(1700000000174));
  ASSERT_EQ(Post("/admin/faults", {{"time_format", "fractional"}}).status, 200);
  json c = List(kService).body["connections"][0];
  EXPECT_EQ(c["created_at"], "2023-11-14T22:13:20.174");
  EXPECT_EQ(c["updated_at"], "2023-11-14T22:13:20.174");
  const std::string service_time = Get(ServicePath(kService)).body["created_at"];
  EXPECT_EQ(service_time.size(), 23u) << service_time;  // YYYY-MM-DDTHH:MM:SS.mmm
  EXPECT_NE(service_time.back(), 'Z');
  HttpReply action = Action(kService, "receive", {"ep-a"});
  EXPECT_EQ(action.body["connections"][0]["created_at"], "2023-11-14T22:13:20.174");
  // The admin API keeps whole seconds.
  HttpReply admin = Get(absl::StrCat("/admin/services/", kService, "/connections"));
  EXPECT_EQ(admin.body["connections"][0]["created_at"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(Post("/admin/faults", {{"time_format", "millis"}}).status, 400);
  ASSERT_EQ(Post("/admin/faults", json::object()).status, 200);
  EXPECT_EQ(List(kService).body["connections"][0]["created_at"], "2023-11-14T22:13:20Z");
}

TEST_F(ApiTest, ListConnectionHasDocumentedFields) {
  AddConnection(kService, "ep-x");
  json c = List(kService).body["connections"][0];
  EXPECT_EQ(c["id"], "ep-x");
  EXPECT_TRUE(c["marker_id"].is_number_integer());
  EXPECT_EQ(c["domain_id"], "domain-ep-x");
  EXPECT_EQ(c["status"], "pendingAcceptance");
  EXPECT_TRUE(c["description"].is_string());
  EXPECT_FALSE(c.contains("error"));
  for (const char* key : {"created_at", "updated_at"}) {
    const std::string t = c[key].get<std::string>();
    EXPECT_TRUE(ParseApiTime(t).ok()) << t;
    EXPECT_EQ(t.size(), 20u) << t;  // YYYY-MM-DDTHH:MM:SSZ
    EXPECT_EQ(t.back(), 'Z');
  }
}

TEST_F(ApiTest, ListRejectsInvalidParameters) {
  struct Case {
    std::string query;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"limit=0", "EndPoint.0006"},     {"limit=1001", "EndPoint.0006"},
      {"limit=ten", "EndPoint.0006"},   {"offset=-1", "EndPoint.0010"},
      {"offset=x", "EndPoint.0010"},    {"sort_key=name", "EndPoint.0017"},
      {"sort_dir=up", "EndPoint.0018"}, {"status=Accepted", "EndPoint.0019"},
      {"status=done", "EndPoint.0019"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.query);
    ExpectError(List(kService, c.query), 400, c.code);
  }
}

TEST_F(ApiTest, ListOfUnknownServiceIs2003) {
  ExpectError(List("no-such-service"), 400, "EndPoint.2003");
}

// ---- Service details

TEST_F(ApiTest, GetServiceReturnsDetails) {
  HttpReply reply = Get(ServicePath(kService));
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["id"], kService);
  EXPECT_EQ(reply.body["status"], "available");
  EXPECT_EQ(reply.body["approval_enabled"], true);
  EXPECT_EQ(reply.body["project_id"], sim_->project_id());
  for (const char* key :
       {"service_name", "service_type", "server_type", "vpc_id", "created_at", "updated_at"}) {
    EXPECT_TRUE(reply.body.contains(key)) << key;
  }
  ExpectError(Get(ServicePath("no-such-service")), 400, "EndPoint.2003");
}

// ---- Action

TEST_F(ApiTest, ActionAcceptsExactlyOneEndpoint) {
  AddConnection(kService, "ep-a");
  AddConnection(kService, "ep-b");
  ExpectError(Action(kService, "receive", json::array()), 400, "EndPoint.2031");
  ExpectError(Action(kService, "receive", {"ep-a", "ep-b"}), 400, "EndPoint.2031");
  EXPECT_EQ(StatusOf(kService, "ep-a"), "pendingAcceptance");
  EXPECT_EQ(StatusOf(kService, "ep-b"), "pendingAcceptance");
}

TEST_F(ApiTest, ActionRejectsUnknownAction) {
  AddConnection(kService, "ep-a");
  ExpectError(Action(kService, "approve", {"ep-a"}), 400, "EndPoint.2027");
}

TEST_F(ApiTest, ActionRejectsMissingOrMalformedFields) {
  const std::string path = ServicePath(kService) + "/connections/action";
  HttpReply no_action = Post(path, {{"endpoints", {"ep-a"}}});
  ExpectError(no_action, 400, "EndPoint.0002");
  EXPECT_NE(no_action.body["error_msg"].get<std::string>().find("action"), std::string::npos);

  HttpReply no_endpoints = Post(path, {{"action", "receive"}});
  ExpectError(no_endpoints, 400, "EndPoint.0002");
  EXPECT_NE(no_endpoints.body["error_msg"].get<std::string>().find("endpoints"), std::string::npos);

  ExpectError(Post(path, {{"action", "receive"}, {"endpoints", "ep-a"}}), 400, "EndPoint.0002");
  ExpectError(Post(path, {{"action", 1}, {"endpoints", {"ep-a"}}}), 400, "EndPoint.0002");
  ExpectError(Post(path, {{"action", "receive"}, {"endpoints", {7}}}), 400, "EndPoint.0002");
  ExpectError(PostRaw(path, "{not json"), 400, "EndPoint.0002");
}

TEST_F(ApiTest, ActionOnUnknownServiceIs2003) {
  ExpectError(Action("no-such-service", "receive", {"ep-a"}), 400, "EndPoint.2003");
}

TEST_F(ApiTest, ActionOnEndpointOfAnotherServiceIs2013) {
  AddService("svc-2");
  AddConnection("svc-2", "ep-other");
  ExpectError(Action(kService, "receive", {"ep-other"}), 400, "EndPoint.2013");
  ExpectError(Action(kService, "reject", {"ep-unknown"}), 400, "EndPoint.2013");
}

TEST_F(ApiTest, ReceiveGoesThroughCreatingToAccepted) {
  AddConnection(kService, "ep-a");
  HttpReply reply = Action(kService, "receive", {"ep-a"});
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  ASSERT_EQ(reply.body["connections"].size(), 1u);
  EXPECT_EQ(reply.body["connections"][0]["id"], "ep-a");
  EXPECT_EQ(reply.body["connections"][0]["status"], "creating");
  EXPECT_TRUE(WaitForStatus(kService, "ep-a", "accepted"));
}

TEST_F(ApiTest, ReceiveOfAcceptedConnectionIs2014) {
  AddConnection(kService, "ep-a", ConnectionStatus::kAccepted);
  ExpectError(Action(kService, "receive", {"ep-a"}), 400, "EndPoint.2014");
}

TEST_F(ApiTest, RejectBecomesRejectedAfterDelay) {
  AddConnection(kService, "ep-a", ConnectionStatus::kAccepted);
  HttpReply reply = Action(kService, "reject", {"ep-a"});
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  // Meanwhile the status is shown unchanged.
  EXPECT_EQ(reply.body["connections"][0]["status"], "accepted");
  EXPECT_TRUE(WaitForStatus(kService, "ep-a", "rejected"));
}

TEST_F(ApiTest, RejectOfPendingConnectionIsAllowed) {
  AddConnection(kService, "ep-a");
  ASSERT_EQ(Action(kService, "reject", {"ep-a"}).status, 200);
  EXPECT_TRUE(WaitForStatus(kService, "ep-a", "rejected"));
}

TEST_F(ApiTest, ReceiveOfRejectedConnectionAcceptsAgain) {
  AddConnection(kService, "ep-a", ConnectionStatus::kRejected);
  HttpReply reply = Action(kService, "receive", {"ep-a"});
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["connections"][0]["status"], "creating");
  EXPECT_TRUE(WaitForStatus(kService, "ep-a", "accepted"));
}

TEST_F(ApiTest, ConcurrentActionsOnDifferentEndpointsAllSucceed) {
  constexpr int kCount = 8;
  for (int i = 0; i < kCount; ++i) AddConnection(kService, absl::StrCat("ep-", i));
  std::vector<int> statuses(kCount);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCount; ++i) {
    threads.emplace_back([this, i, &statuses] {
      httplib::Client client(sim_->base_url());
      json body = {{"action", "receive"}, {"endpoints", {absl::StrCat("ep-", i)}}};
      auto result = client.Post(ServicePath(kService) + "/connections/action", body.dump(),
                                "application/json");
      statuses[i] = result ? result->status : -1;
    });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < kCount; ++i) EXPECT_EQ(statuses[i], 200) << i;
  for (int i = 0; i < kCount; ++i) {
    EXPECT_TRUE(WaitForStatus(kService, absl::StrCat("ep-", i), "accepted"));
  }
}

// ---- Descriptions

TEST_F(ApiTest, UpdateDescriptionsChangesThem) {
  AddConnection(kService, "ep-a");
  AddConnection(kService, "ep-b");
  HttpReply reply = Put(ServicePath(kService) + "/connections/description",
                        {{"connections",
                          {{{"id", "ep-a"}, {"description", "first"}},
                           {{"id", "ep-b"}, {"description", std::string(512, 'x')}}}}});
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  ASSERT_EQ(reply.body["connections"].size(), 2u);
  EXPECT_EQ(reply.body["connections"][0]["description"], "first");
  EXPECT_EQ(List(kService, "id=ep-a").body["connections"][0]["description"], "first");
}

TEST_F(ApiTest, UpdateDescriptionsRejectsInvalidTextAndChangesNothing) {
  AddConnection(kService, "ep-a");
  const std::string path = ServicePath(kService) + "/connections/description";
  auto update = [&](const std::string& text) {
    return Put(
        path,
        {{"connections",
          {{{"id", "ep-a"}, {"description", "ok"}}, {{"id", "ep-a"}, {"description", text}}}}});
  };
  ExpectError(update("<script>"), 400, "EndPoint.0002");
  ExpectError(update("a > b"), 400, "EndPoint.0002");
  ExpectError(update(std::string(513, 'x')), 400, "EndPoint.0002");
  EXPECT_EQ(List(kService, "id=ep-a").body["connections"][0]["description"], "");

  ExpectError(Put(path, {{"connections", {{{"id", "ep-zzz"}, {"description", "x"}}}}}), 400,
              "EndPoint.2013");
  ExpectError(Put(path, {{"connections", json::array()}}), 400, "EndPoint.0002");
  ExpectError(Put(path, {{"connections", {{{"id", "ep-a"}}}}}), 400, "EndPoint.0002");
}

// ---- Gateway behaviour

TEST_F(ApiTest, EveryResponseCarriesAUniqueRequestId) {
  std::set<std::string> ids;
  for (const HttpReply& reply :
       {List(kService), List(kService, "limit=0"), Get("/no/such/route"), Get("/admin/health")}) {
    EXPECT_EQ(reply.request_id.size(), 32u);
    EXPECT_EQ(reply.request_id.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_TRUE(ids.insert(reply.request_id).second);
  }
}

TEST_F(ApiTest, UnknownRouteIs404WithErrorBody) {
  ExpectError(Get("/v2/whatever"), 404, "APIGW.0101");
  ExpectError(Delete(ServicePath(kService) + "/connections"), 404, "APIGW.0101");
}

TEST_F(ApiTest, WrongProjectIdIs400) {
  ExpectError(Get("/v1/otherproject/vpc-endpoint-services/svc-1/connections"), 400,
              "EndPoint.0014");
}

class AuthTest : public SimulatorTest {
 protected:
  void SetUp() override {
    Simulator::Options options = DefaultOptions();
    options.token = "s3cret-token";
    StartSim(options);
    AddService(kService);
  }
};

TEST_F(AuthTest, MissingTokenIs401) {
  HttpReply reply = List(kService);
  ExpectError(reply, 401, "APIGW.0301");
  EXPECT_EQ(reply.body["error_msg"].get<std::string>().rfind(
                "Incorrect IAM authentication information: ", 0),
            0u);
}

TEST_F(AuthTest, WrongTokenIs401AndIsNeverEchoed) {
  HttpReply reply = Get(ServicePath(kService), {{"X-Auth-Token", "wrong"}});
  ExpectError(reply, 401, "APIGW.0301");
  EXPECT_EQ(reply.body.dump().find("s3cret"), std::string::npos);
  EXPECT_EQ(sim_->stats().Snapshot().unauthorized, 1);
}

TEST_F(AuthTest, RightTokenIsAccepted) {
  EXPECT_EQ(Get(ServicePath(kService) + "/connections", {{"X-Auth-Token", "s3cret-token"}}).status,
            200);
}

TEST_F(AuthTest, AdminApiNeedsNoToken) {
  EXPECT_EQ(Get("/admin/health").status, 200);
  EXPECT_EQ(Post("/admin/services", {{"id", "svc-2"}}).status, 201);
}

// ---- Who may reach the admin API

// With remote access allowed, /admin takes the API's credentials: the
// start-up line says a token is required, and it is, for /admin too.
class RemoteAdminTest : public SimulatorTest {
 protected:
  void SetUp() override {
    Simulator::Options options = DefaultOptions();
    options.allow_remote = true;  // still bound to 127.0.0.1: the checks are the same
    options.token = "s3cret-token";
    StartSim(options);
  }
};

TEST_F(RemoteAdminTest, AdminCallsNeedTheTokenWhenRemoteAccessIsAllowed) {
  ExpectError(Get("/admin/health"), 401, "APIGW.0301");
  ExpectError(Get("/admin/services", {{"X-Auth-Token", "wrong"}}), 401, "APIGW.0301");
  ExpectError(Post("/admin/services", {{"id", "svc-2"}}), 401, "APIGW.0301");
  ExpectError(Post("/admin/faults", {{"rates", {{"500", 1}}}}), 401, "APIGW.0301");
  ExpectError(Delete("/admin/services/svc-2"), 401, "APIGW.0301");
  EXPECT_TRUE(sim_->state().ListServices().empty());
  EXPECT_EQ(sim_->faults().config().rate_500, 0);

  const httplib::Headers token = {{"X-Auth-Token", "s3cret-token"}};
  EXPECT_EQ(Get("/admin/health", token).status, 200);
  EXPECT_EQ(Post("/admin/services", {{"id", "svc-2"}}, token).status, 201);
  // Remote callers use whatever name reaches the host: any Host is served.
  httplib::Headers named = token;
  named.emplace("Host", "sim.example.internal:8080");
  EXPECT_EQ(Get("/admin/services", named).status, 200);
}

TEST(RemoteAdminStartTest, RemoteAccessWithoutCredentialsIsRefusedAtStart) {
  Simulator::Options options;
  options.allow_remote = true;
  auto refused = Simulator::Start(options);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("--token"), std::string::npos) << refused.status();
  options.aksk_keys = {{"AK", "SK"}};
  EXPECT_TRUE(Simulator::Start(options).ok());
}

// A web page may POST a form or text/plain to any address without asking
// first; the admin API takes JSON only, which a page from another origin
// cannot send without a CORS preflight (never granted).
TEST_F(ApiTest, AdminPostsNeedAJsonContentType) {
  auto post = [&](const std::string& path, const std::string& body, const char* type) {
    return Convert(type == nullptr ? client_->Post(path, httplib::Headers{}, body, "")
                                   : client_->Post(path, body, type));
  };
  const std::string rates = R"({"rates": {"500": 1}})";
  // A form as a browser sends it (httplib itself refuses a malformed one).
  const std::string multipart =
      "--x\r\nContent-Disposition: form-data; name=\"rates\"\r\n\r\n{}\r\n--x--\r\n";
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x", "application/jsonx"}) {
    HttpReply reply =
        post("/admin/faults", absl::StartsWith(type, "multipart") ? multipart : rates, type);
    ExpectError(reply, 415, "SIM.0415");
    EXPECT_NE(reply.body.value("error_msg", "").find("Content-Type: application/json"),
              std::string::npos)
        << reply.body.dump();
    EXPECT_NE(reply.body.value("error_msg", "").find(type), std::string::npos) << reply.body.dump();
  }
  ExpectError(post("/admin/services", R"({"id": "svc-2"})", "text/plain"), 415, "SIM.0415");
  // No type at all, even with no body (a page's bodiless POST sends none).
  ASSERT_EQ(List(kService).status, 200);
  HttpReply untyped = post("/admin/stats/reset", "", nullptr);
  ExpectError(untyped, 415, "SIM.0415");
  EXPECT_NE(untyped.body.value("error_msg", "").find("none was sent"), std::string::npos)
      << untyped.body.dump();
  EXPECT_EQ(sim_->stats().Snapshot().list, 1);  // not reset
  EXPECT_EQ(sim_->faults().config().rate_500, 0);
  EXPECT_EQ(sim_->state().ListServices().size(), 1u);

  // JSON with parameters or in another case is JSON.
  EXPECT_EQ(post("/admin/faults", "{}", "Application/JSON; charset=utf-8").status, 200);
  EXPECT_EQ(post("/admin/stats/reset", "", "application/json").status, 200);
  // GET and DELETE carry no body and are not checked.
  EXPECT_EQ(Delete("/admin/services/" + std::string(kService)).status, 200);
}

// A page served from attacker.example can rebind that name to 127.0.0.1 and
// then call the simulator as its own origin; the Host header still names
// attacker.example. Listening on loopback only, the simulator answers only
// requests for a loopback name.
TEST_F(ApiTest, RequestsForAnotherHostAreRefusedWhenListeningOnLoopback) {
  const std::string port = absl::StrCat(":", sim_->port());
  for (const std::string& host : {"attacker.example" + port, std::string("attacker.example"),
                                  "10.0.0.1" + port, "localhost.attacker.example" + port}) {
    const httplib::Headers named = {{"Host", host}};
    HttpReply health = Get("/admin/health", named);
    ExpectError(health, 403, "SIM.0403");
    EXPECT_NE(health.body.value("error_msg", "").find(host), std::string::npos)
        << health.body.dump();
    ExpectError(Post("/admin/services", {{"id", "svc-2"}}, named), 403, "SIM.0403");
    ExpectError(Get(ServicePath(kService) + "/connections", named), 403, "SIM.0403");
  }
  EXPECT_EQ(sim_->state().ListServices().size(), 1u);
  for (const std::string& host : {"127.0.0.1" + port, "localhost" + port, std::string("LOCALHOST"),
                                  "localhost." + port, "[::1]" + port, std::string("127.8.9.10")}) {
    EXPECT_EQ(Get("/admin/health", {{"Host", host}}).status, 200) << host;
    EXPECT_EQ(Get(ServicePath(kService) + "/connections", {{"Host", host}}).status, 200) << host;
  }
}

// ---- Admin API

TEST_F(ApiTest, HealthIsOk) {
  HttpReply reply = Get("/admin/health");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["status"], "ok");
}

TEST_F(ApiTest, AdminCreatesServiceWithGeneratedId) {
  HttpReply reply = Post("/admin/services", {{"service_name", "my.svc"}});
  ASSERT_EQ(reply.status, 201) << reply.body.dump();
  const std::string id = reply.body["id"].get<std::string>();
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(reply.body["service_name"], "my.svc");
  EXPECT_EQ(reply.body["approval_enabled"], true);
  EXPECT_EQ(Get(ServicePath(id)).status, 200);
  EXPECT_EQ(Post("/admin/services", {{"id", id}}).status, 409);
}

TEST_F(ApiTest, AdminConnectionsOfServiceWithoutApprovalAreAccepted) {
  ASSERT_EQ(Post("/admin/services", {{"id", "open"}, {"approval_enabled", false}}).status, 201);
  HttpReply reply = Post("/admin/services/open/connections", {{"domain_id", "d-1"}});
  ASSERT_EQ(reply.status, 201) << reply.body.dump();
  EXPECT_EQ(reply.body["status"], "accepted");
  EXPECT_EQ(reply.body["id"].get<std::string>().size(), 36u);
}

TEST_F(ApiTest, AdminAddsConnectionWithGivenFields) {
  HttpReply reply = Post(absl::StrCat("/admin/services/", kService, "/connections"),
                         {{"id", "ep-given"},
                          {"domain_id", "d-9"},
                          {"marker_id", 9007199254740993LL},
                          {"status", "rejected"},
                          {"description", "hello"}});
  ASSERT_EQ(reply.status, 201) << reply.body.dump();
  json c = List(kService, "id=ep-given").body["connections"][0];
  EXPECT_EQ(c["marker_id"].get<int64_t>(), 9007199254740993LL);
  EXPECT_EQ(c["status"], "rejected");
  EXPECT_EQ(c["description"], "hello");
  EXPECT_EQ(c["domain_id"], "d-9");

  EXPECT_EQ(Post(absl::StrCat("/admin/services/", kService, "/connections"), json::object()).status,
            400);  // domain_id is required
}

TEST_F(ApiTest, AdminOutOfBandRejectShowsAtOnce) {
  AddConnection(kService, "ep-a", ConnectionStatus::kAccepted);
  HttpReply reply = Post(absl::StrCat("/admin/services/", kService, "/connections/ep-a/status"),
                         {{"status", "rejected"}});
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(StatusOf(kService, "ep-a"), "rejected");
}

TEST_F(ApiTest, AdminFailedStatusShowsErrorArray) {
  AddConnection(kService, "ep-a");
  ASSERT_EQ(Post(absl::StrCat("/admin/services/", kService, "/connections/ep-a/status"),
                 {{"status", "failed"},
                  {"error", {{{"error_code", "EndPoint.9999"}, {"error_message", "boom"}}}}})
                .status,
            200);
  json c = List(kService, "id=ep-a").body["connections"][0];
  EXPECT_EQ(c["status"], "failed");
  ASSERT_EQ(c["error"].size(), 1u);
  EXPECT_EQ(c["error"][0]["error_code"], "EndPoint.9999");
  EXPECT_EQ(c["error"][0]["error_message"], "boom");
  ExpectError(Action(kService, "receive", {"ep-a"}), 400, "EndPoint.2047");
}

TEST_F(ApiTest, AdminDeleteConnectionMakesItVanish) {
  AddConnection(kService, "ep-a");
  EXPECT_EQ(Delete(absl::StrCat("/admin/services/", kService, "/connections/ep-a")).status, 200);
  EXPECT_EQ(List(kService).body["total_count"], 0);
  ExpectError(Action(kService, "reject", {"ep-a"}), 400, "EndPoint.2013");
  EXPECT_EQ(Delete(absl::StrCat("/admin/services/", kService, "/connections/ep-a")).status, 400);
}

TEST_F(ApiTest, StatsCountRequestsAndActions) {
  AddConnection(kService, "ep-a");
  AddConnection(kService, "ep-b", ConnectionStatus::kAccepted);
  List(kService);
  List(kService, "limit=0");  // failed requests count too
  Get(ServicePath(kService));
  Action(kService, "receive", {"ep-a"});
  Action(kService, "receive", {"ep-b"});  // 2014: not counted as an action
  Action(kService, "reject", {"ep-b"});
  Put(ServicePath(kService) + "/connections/description",
      {{"connections", {{{"id", "ep-a"}, {"description", "d"}}}}});

  HttpReply stats = Get("/admin/stats");
  ASSERT_EQ(stats.status, 200);
  EXPECT_EQ(stats.body["requests"]["list"], 2);
  EXPECT_EQ(stats.body["requests"]["service"], 1);
  EXPECT_EQ(stats.body["requests"]["action"], 3);
  EXPECT_EQ(stats.body["requests"]["description"], 1);
  EXPECT_EQ(stats.body["actions"]["receive"], 1);
  EXPECT_EQ(stats.body["actions"]["reject"], 1);
  // ep-b was accepted when its receive came: the repeat is counted apart.
  EXPECT_EQ(stats.body["actions"]["receive_on_accepted"], 1);

  EXPECT_EQ(Post("/admin/stats/reset", json::object()).status, 200);
  stats = Get("/admin/stats");
  EXPECT_EQ(stats.body["requests"]["list"], 0);
  EXPECT_EQ(stats.body["actions"]["receive"], 0);
  EXPECT_EQ(stats.body["actions"]["receive_on_accepted"], 0);
}

// ---- Seed file and deterministic time

TEST(SeedTest, SeedFileIsLoadedAtStart) {
  const std::string path = ::testing::TempDir() + "/vpcep_sim_seed_test.json";
  {
    std::ofstream out(path);
    out << R"({"services": [
      {"id": "seeded", "service_name": "seeded.svc", "approval_enabled": true,
       "connections": [
         {"id": "ep-1", "domain_id": "d-1", "marker_id": 4294967301, "status": "pendingAcceptance"},
         {"id": "ep-2", "domain_id": "d-2", "status": "accepted", "description": "two"}
       ]},
      {"id": "open", "approval_enabled": false, "connections": [{"id": "ep-3", "domain_id": "d-3"}]}
    ]})";
  }
  Simulator::Options options;
  options.seed_file = path;
  auto sim = Simulator::Start(options);
  ASSERT_TRUE(sim.ok()) << sim.status();
  auto listed = (*sim)->state().AllConnections("seeded");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].marker_id, 4294967301);
  EXPECT_EQ((*listed)[1].status, ConnectionStatus::kAccepted);
  EXPECT_EQ((*listed)[1].description, "two");
  auto open = (*sim)->state().GetConnection("open", "ep-3");
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->status, ConnectionStatus::kAccepted);
}

TEST(SeedTest, InvalidSeedFileFailsStart) {
  const std::string path = ::testing::TempDir() + "/vpcep_sim_bad_seed_test.json";
  {
    std::ofstream out(path);
    out << R"({"services": [{"id": "s", "connections": [{"id": "no-domain"}]}]})";
  }
  Simulator::Options options;
  options.seed_file = path;
  auto sim = Simulator::Start(options);
  ASSERT_FALSE(sim.ok());
  EXPECT_NE(sim.status().message().find("domain_id"), absl::string_view::npos);

  options.seed_file = ::testing::TempDir() + "/does-not-exist.json";
  EXPECT_FALSE(Simulator::Start(options).ok());
}

class FakeClockApiTest : public SimulatorTest {
 protected:
  void SetUp() override {
    clock_ = std::make_shared<FakeClock>();
    Simulator::Options options = DefaultOptions();
    options.transition_delay = absl::Seconds(2);
    options.clock = FakeClock::Fn(clock_);
    StartSim(options);
    AddService(kService);
  }
  std::shared_ptr<FakeClock> clock_;
};

TEST_F(FakeClockApiTest, ReceiveShowsCreatingUntilTheDelayHasPassed) {
  AddConnection(kService, "ep-a");
  ASSERT_EQ(Action(kService, "receive", {"ep-a"}).status, 200);
  EXPECT_EQ(StatusOf(kService, "ep-a"), "creating");
  EXPECT_EQ(List(kService, "status=pendingAcceptance").body["total_count"], 0);
  EXPECT_EQ(List(kService, "status=creating").body["total_count"], 1);
  clock_->Advance(absl::Milliseconds(1999));
  EXPECT_EQ(StatusOf(kService, "ep-a"), "creating");
  clock_->Advance(absl::Milliseconds(1));
  EXPECT_EQ(StatusOf(kService, "ep-a"), "accepted");
}

TEST_F(FakeClockApiTest, RejectKeepsTheOldStatusUntilTheDelayHasPassed) {
  AddConnection(kService, "ep-a", ConnectionStatus::kAccepted);
  ASSERT_EQ(Action(kService, "reject", {"ep-a"}).status, 200);
  clock_->Advance(absl::Seconds(1));
  EXPECT_EQ(StatusOf(kService, "ep-a"), "accepted");
  // Still visibly accepted, so receive is refused.
  ExpectError(Action(kService, "receive", {"ep-a"}), 400, "EndPoint.2014");
  clock_->Advance(absl::Seconds(1));
  EXPECT_EQ(StatusOf(kService, "ep-a"), "rejected");
}

TEST_F(FakeClockApiTest, ZeroDelayStillAnswersCreating) {
  sim_->state().SetTransitionDelay(absl::ZeroDuration());
  AddConnection(kService, "ep-a");
  HttpReply reply = Action(kService, "receive", {"ep-a"});
  EXPECT_EQ(reply.body["connections"][0]["status"], "creating");
  EXPECT_EQ(StatusOf(kService, "ep-a"), "accepted");
}

}  // namespace
}  // namespace vpcep::sim::testing
