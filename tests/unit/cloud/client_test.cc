// The VPCEP client against a scripted transport: pagination, retries, errors.
#include <atomic>
#include <cstdio>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "provider/cloud/api_error.h"
#include "provider/cloud/auth.h"
#include "provider/cloud/client.h"
#include "provider/cloud/watcher.h"
#include "tests/unit/fake_api.h"

namespace vpcep::cloud {
namespace {

using ::testing::HasSubstr;
using testing::FakeApi;

// Answers requests in order from a script; when the script is empty it
// serves a service of `total` connections, honouring limit and offset.
class ScriptedTransport : public HttpTransport {
 public:
  absl::StatusOr<HttpResponse> Send(const HttpRequest& req) override {
    if (latency > absl::ZeroDuration()) absl::SleepFor(latency);
    std::lock_guard<std::mutex> lock(mu_);
    requests.push_back(req);
    if (!script.empty()) {
      auto next = script.front();
      script.pop_front();
      return next;
    }
    int offset = QueryInt(req.url, "offset"), limit = QueryInt(req.url, "limit");
    nlohmann::json list = nlohmann::json::array();
    for (int i = offset; i < std::min(total, offset + limit); ++i) {
      list.push_back({{"id", absl::StrCat("ep-", i)}, {"status", "accepted"}, {"marker_id", i}});
    }
    HttpResponse r{200, {{"x-request-id", "req-ok"}}, ""};
    r.body = nlohmann::json{{"connections", list}, {"total_count", total}}.dump();
    return r;
  }
  static int QueryInt(const std::string& url, const std::string& key) {
    size_t p = url.find(key + "=");
    return p == std::string::npos ? 0 : std::atoi(url.c_str() + p + key.size() + 1);
  }
  std::mutex mu_;  // guards script and requests while Send runs on other threads
  std::deque<absl::StatusOr<HttpResponse>> script;
  std::vector<HttpRequest> requests;
  int total = 0;
  absl::Duration latency = absl::ZeroDuration();
};

HttpResponse Error(int status, const std::string& code, const std::string& msg) {
  HttpResponse r{status, {{"x-request-id", "req-" + code}}, ""};
  r.body = nlohmann::json{{"error_code", code}, {"error_msg", msg}}.dump();
  return r;
}

class ClientTest : public ::testing::Test {
 protected:
  ClientTest() {
    ClientOptions o;
    o.endpoint = "https://vpcep.example/";
    o.project_id = "p1";
    o.initial_backoff = absl::Milliseconds(1);
    o.max_backoff = absl::Milliseconds(4);
    o.max_retries = 3;
    client_ = std::make_unique<VpcepClient>(o, transport_, std::make_shared<TokenAuth>("tok"),
                                            &stop_);
  }
  std::shared_ptr<ScriptedTransport> transport_ = std::make_shared<ScriptedTransport>();
  core::StopSignal stop_;
  std::unique_ptr<VpcepClient> client_;
};

TEST_F(ClientTest, ListWalksEveryPageOfAThousand) {
  transport_->total = 2500;
  auto list = client_->ListConnections("svc", {});
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->size(), 2500u);
  EXPECT_EQ(transport_->requests.size(), 3u);
  EXPECT_THAT(transport_->requests[0].url,
              HasSubstr("https://vpcep.example/v1/p1/vpc-endpoint-services/svc/connections?limit=1000"));
  std::set<std::string> ids;
  for (const Connection& c : *list) ids.insert(c.id);
  EXPECT_EQ(ids.size(), 2500u);
  EXPECT_EQ(ids.count("ep-2499"), 1u);
}

TEST_F(ClientTest, FiftyConnectionsTakeOneCall) {
  transport_->total = 50;
  auto list = client_->ListConnections("svc", {});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 50u);
  EXPECT_EQ(transport_->requests.size(), 1u);
}

TEST_F(ClientTest, SendsTokenAndFilterParameters) {
  ListFilter f;
  f.endpoint_id = "ep 1";
  ASSERT_TRUE(client_->ListConnections("svc", f).ok());
  const HttpRequest& r = transport_->requests[0];
  EXPECT_THAT(r.url, HasSubstr("&id=ep%201"));
  EXPECT_THAT(r.headers, ::testing::Contains(std::make_pair(std::string("X-Auth-Token"),
                                                            std::string("tok"))));
}

TEST_F(ClientTest, RetriesEachRetryableClassThenSucceeds) {
  transport_->script = {Error(500, "EndPoint.0001", "system error"),
                        Error(429, "APIGW.0308", "throttled"),
                        Error(400, "EndPoint.0022", "too many requests")};
  auto list = client_->ListConnections("svc", {});
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(transport_->requests.size(), 4u);
  transport_->script = {Error(400, "EndPoint.2004", "service unavailable"),
                        Error(400, "EndPoint.2019", "endpoint being created"),
                        Error(504, "EndPoint.0013", "timed out")};
  ASSERT_TRUE(client_->ListConnections("svc", {}).ok());
  EXPECT_EQ(transport_->requests.size(), 8u);
}

TEST_F(ClientTest, RetriesNetworkErrors) {
  transport_->script = {absl::UnavailableError("connection refused")};
  ASSERT_TRUE(client_->ListConnections("svc", {}).ok());
  EXPECT_EQ(transport_->requests.size(), 2u);
}

TEST_F(ClientTest, NeverRetriesAuthenticationFailure) {
  transport_->script = {Error(401, "APIGW.0301", "Incorrect IAM authentication information")};
  auto list = client_->ListConnections("svc", {});
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(transport_->requests.size(), 1u);
  std::string msg(list.status().message());
  EXPECT_THAT(msg, HasSubstr("list connections failed: HTTP 401 APIGW.0301"));
  EXPECT_THAT(msg, HasSubstr("request id req-APIGW.0301"));
  EXPECT_EQ(ApiErrorCode(list.status()), "APIGW.0301");
}

TEST_F(ClientTest, NeverRetriesOtherClientErrors) {
  for (auto [status, code] : std::vector<std::pair<int, std::string>>{
           {403, "EndPoint.0004"}, {400, "EndPoint.2013"}, {400, "EndPoint.0002"}}) {
    transport_->requests.clear();
    transport_->script = {Error(status, code, "no")};
    auto acted = client_->Act("svc", "receive", "ep");
    ASSERT_FALSE(acted.ok());
    EXPECT_EQ(ApiErrorCode(acted.status()), code);
    EXPECT_EQ(transport_->requests.size(), 1u) << code;
  }
}

TEST_F(ClientTest, GivesUpAfterMaxRetries) {
  for (int i = 0; i < 10; ++i) transport_->script.push_back(Error(503, "", "unavailable"));
  auto list = client_->ListConnections("svc", {});
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(transport_->requests.size(), 4u);  // 1 + max_retries
}

TEST_F(ClientTest, ParsesTheNestedErrorShape) {
  HttpResponse r{404, {{"x-request-id", "abc"}}, R"({"error":{"code":"EndPoint.2006","message":"gone"}})"};
  transport_->script = {r};
  auto acted = client_->Act("svc", "reject", "ep");
  ASSERT_FALSE(acted.ok());
  EXPECT_EQ(ApiErrorCode(acted.status()), "EndPoint.2006");
  EXPECT_THAT(std::string(acted.status().message()), HasSubstr("gone (request id abc)"));
}

TEST_F(ClientTest, ActSendsOneEndpoint) {
  transport_->script = {HttpResponse{200, {}, R"({"connections":[{"id":"ep","status":"creating"}]})"}};
  auto acted = client_->Act("svc", "receive", "ep");
  ASSERT_TRUE(acted.ok()) << acted.status();
  EXPECT_EQ((*acted)[0].status, "creating");
  nlohmann::json body = nlohmann::json::parse(transport_->requests[0].body);
  EXPECT_EQ(body, (nlohmann::json{{"action", "receive"}, {"endpoints", {"ep"}}}));
}

TEST_F(ClientTest, StopInterruptsBackoff) {
  ClientOptions o = client_->options();
  o.initial_backoff = o.max_backoff = absl::Hours(1);
  VpcepClient slow(o, transport_, std::make_shared<TokenAuth>("t"), &stop_);
  transport_->script = {Error(500, "EndPoint.0001", "x")};
  absl::Time stopped_at = absl::InfiniteFuture();
  std::thread stopper([&] {
    // Stop once the first attempt has been made, i.e. during the backoff.
    while (true) {
      {
        std::lock_guard<std::mutex> lock(transport_->mu_);
        if (!transport_->requests.empty()) break;
      }
      std::this_thread::yield();
    }
    stopped_at = absl::Now();
    stop_.Stop();
  });
  auto list = slow.ListConnections("svc", {});
  absl::Time returned_at = absl::Now();
  stopper.join();
  EXPECT_LT(returned_at - stopped_at, absl::Seconds(1)) << "a stop must end a backoff at once";
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.status().code(), absl::StatusCode::kCancelled);
}

TEST_F(ClientTest, RetriesStopAtTheOperationDeadline) {
  ClientOptions o = client_->options();
  o.initial_backoff = o.max_backoff = absl::Seconds(30);
  VpcepClient slow(o, transport_, std::make_shared<TokenAuth>("t"), &stop_);
  transport_->script = {Error(503, "", "unavailable"), Error(503, "", "unavailable")};
  absl::Time start = absl::Now();
  auto acted = slow.Act("svc", "receive", "ep", start + absl::Seconds(5));
  ASSERT_FALSE(acted.ok());
  EXPECT_THAT(std::string(acted.status().message()), HasSubstr("no time left to retry"));
  EXPECT_EQ(transport_->requests.size(), 1u);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST_F(ClientTest, ConcurrentReadsOfOneServiceShareListCalls) {
  transport_->total = 100;
  transport_->latency = absl::Milliseconds(20);  // a network round trip, so calls overlap
  constexpr int kReaders = 100;
  std::vector<std::thread> readers;
  std::atomic<int> complete{0};
  for (int i = 0; i < kReaders; ++i) {
    readers.emplace_back([&] {
      auto found = client_->watcher().Find("svc", "ep-42", Freshness::ForRead(absl::Seconds(10)));
      if (found.ok() && found->has_value()) ++complete;
    });
  }
  for (auto& t : readers) t.join();
  EXPECT_EQ(complete.load(), kReaders);
  size_t calls = transport_->requests.size();
  std::printf("%d concurrent reads of one service took %zu list calls\n", kReaders, calls);
  EXPECT_LE(calls, 10u);
  EXPECT_EQ(client_->watcher().stats().listings, static_cast<int64_t>(calls));
}

TEST_F(ClientTest, SequentialReadsNeverReuseAnEarlierListing) {
  transport_->total = 1;
  auto first = client_->watcher().Find("svc", "ep-1");
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->has_value());
  transport_->total = 2;
  auto second = client_->watcher().Find("svc", "ep-1");
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->has_value());
  EXPECT_EQ(transport_->requests.size(), 2u);
}

TEST_F(ClientTest, ATotalCountThatIsNotANumberDoesNotEndTheListing) {
  for (const char* total : {R"("1500")", "null", R"({"n":1})"}) {
    transport_->requests.clear();
    HttpResponse r{200, {{"x-request-id", "req-x"}}, ""};
    r.body = absl::StrCat(R"({"connections":[{"id":"ep-1","status":"accepted"}],"total_count":)",
                          total, "}");
    transport_->script = {r};
    auto list = client_->ListConnections("svc", {});
    ASSERT_TRUE(list.ok()) << total << ": " << list.status();
    EXPECT_EQ(list->size(), 1u) << total;
    transport_->script = {r};
    auto found = client_->watcher().Find("svc", "ep-1");
    ASSERT_TRUE(found.ok()) << total << ": " << found.status();
    EXPECT_TRUE(found->has_value());
  }
}

// Full pages of 1,000 at every offset (or the same page again and again),
// with an inflated total.
class EndlessPages : public HttpTransport {
 public:
  absl::StatusOr<HttpResponse> Send(const HttpRequest& req) override {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    int offset = repeat ? 0 : ScriptedTransport::QueryInt(req.url, "offset");
    nlohmann::json list = nlohmann::json::array();
    for (int i = 0; i < 1000; ++i) {
      list.push_back({{"id", absl::StrCat("ep-", offset + i)}, {"status", "accepted"}});
    }
    return HttpResponse{200, {},
                        nlohmann::json{{"connections", list}, {"total_count", 1'000'000'000'000'000}}
                            .dump()};
  }
  std::mutex mu;
  bool repeat = false;
  int64_t calls = 0;
};

TEST_F(ClientTest, EndlessPaginationStopsAtThePageCap) {
  auto endless = std::make_shared<EndlessPages>();
  VpcepClient client({"https://x", "p"}, endless, std::make_shared<TokenAuth>("t"), &stop_);
  auto list = client.ListConnections("svc", {});
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.status().code(), absl::StatusCode::kResourceExhausted) << list.status();
  EXPECT_EQ(endless->calls, ClientOptions{}.max_pages);
}

// The repeated page is never taken for the whole list: its total_count says
// there is more, so the listing is an error, after a few walks.
TEST_F(ClientTest, APageThatRepeatsItselfEndsTheWalkWithAnErrorNotAShortList) {
  auto endless = std::make_shared<EndlessPages>();
  endless->repeat = true;
  VpcepClient client({"https://x", "p"}, endless, std::make_shared<TokenAuth>("t"), &stop_);
  auto list = client.ListConnections("svc", {});
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.status().code(), absl::StatusCode::kUnavailable) << list.status();
  EXPECT_THAT(list.status().message(), HasSubstr("listed only 1000"));
  EXPECT_LE(endless->calls, 6) << "walks that add nothing are not repeated";
}

TEST_F(ClientTest, TheDeadlineBoundsAWalk) {
  auto endless = std::make_shared<EndlessPages>();
  VpcepClient client({"https://x", "p"}, endless, std::make_shared<TokenAuth>("t"), &stop_);
  auto list = client.ListConnections("svc", {}, absl::Now() - absl::Seconds(1));
  EXPECT_EQ(list.status().code(), absl::StatusCode::kDeadlineExceeded) << list.status();
  EXPECT_EQ(endless->calls, 0);
}

// Text that is not valid UTF-8, in answers and in what is sent: never an
// exception, always valid UTF-8 in what reaches Terraform or the API.
const std::string kFffd = "\xEF\xBF\xBD";

// Answers every request with `answer`, recording the requests.
class FixedApi : public HttpTransport {
 public:
  explicit FixedApi(HttpResponse answer) : answer_(std::move(answer)) {}
  absl::StatusOr<HttpResponse> Send(const HttpRequest& req) override {
    std::lock_guard<std::mutex> lock(mu_);
    requests.push_back(req);
    return answer_;
  }
  std::vector<HttpRequest> requests;  // read after the calls return

 private:
  std::mutex mu_;  // guards requests
  HttpResponse answer_;
};

TEST(ApiErrorText, RequestIdOfASuccessfulAnswerIsReplacedToo) {
  auto api = std::make_shared<FixedApi>(HttpResponse{
      200, {{"x-request-id", "ok-\xC3"}}, R"({"connections":[{"id":"ep","status":"creating"}]})"});
  ClientOptions o;
  o.endpoint = "https://vpcep.example";
  VpcepClient client(o, api, std::make_shared<TokenAuth>("t"), nullptr);
  auto acted = client.Act("svc", "receive", "ep");
  ASSERT_TRUE(acted.ok()) << acted.status();
  EXPECT_EQ((*acted)[0].request_id, "ok-" + kFffd);
}

// Connection fields need no repair: the JSON parser refuses invalid UTF-8.
TEST(ApiErrorText, ConnectionFieldsThatAreNotUtf8AreNotParsed) {
  EXPECT_FALSE(ParseConnection("{\"id\":\"ep\",\"description\":\"caf\xE9\"}").ok());
  auto parsed = ParseConnection("{\"id\":\"ep\",\"description\":\"caf\xC3\xA9\"}");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->description, "caf\xC3\xA9");
}

TEST(RequestBody, DescriptionThatIsNotUtf8IsSentWithReplacementsNotThrown) {
  auto api = std::make_shared<FixedApi>(HttpResponse{200, {}, R"({"connections":[]})"});
  ClientOptions o;
  o.endpoint = "https://vpcep.example";
  VpcepClient client(o, api, std::make_shared<TokenAuth>("t"), nullptr);
  auto updated = client.UpdateDescription("svc", "ep", "caf\xE9");
  ASSERT_TRUE(updated.ok()) << updated.status();
  ASSERT_EQ(api->requests.size(), 1u);
  nlohmann::json body = nlohmann::json::parse(api->requests[0].body);
  EXPECT_EQ(body["connections"][0]["description"], "caf" + kFffd);
  auto acted = client.Act("svc", "receive", "ep-\xFF");
  ASSERT_TRUE(acted.ok()) << acted.status();
}

// A by-id answer proves absence only when it holds to the filter: one that
// lists other endpoints' connections (the filter ignored), or counts matches
// it does not show, is an error, not "no such connection".
TEST(ByIdAnswer, ThatIgnoredTheIdFilterProvesNoAbsence) {
  auto api = std::make_shared<FakeApi>();
  api->AddConnections(1201, "accepted");
  api->ignore_id_filter = true;
  ClientOptions o;
  o.endpoint = "https://vpcep.example";
  VpcepClient client(o, api, std::make_shared<TokenAuth>("t"), nullptr);
  // Newest first: ep-1200 is on the first page, ep-100 is not.
  auto present = client.GetConnection("svc", "ep-1200");
  ASSERT_TRUE(present.ok()) << present.status();
  EXPECT_TRUE(present->has_value());
  auto missing = client.GetConnection("svc", "ep-100");
  ASSERT_FALSE(missing.ok()) << "absence taken from an answer that ignored the id filter";
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(missing.status().message(), HasSubstr("ignored the filter"));
  EXPECT_THAT(missing.status().message(), HasSubstr("request id req-list"));
}

TEST(ByIdAnswer, ThatCountsMatchesItDoesNotShowProvesNoAbsence) {
  auto api = std::make_shared<FixedApi>(
      HttpResponse{200, {{"x-request-id", "req-1"}}, R"({"connections":[],"total_count":1})"});
  ClientOptions o;
  o.endpoint = "https://vpcep.example";
  VpcepClient client(o, api, std::make_shared<TokenAuth>("t"), nullptr);
  auto found = client.GetConnection("svc", "ep-1");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), absl::StatusCode::kFailedPrecondition);
}

// Walking every page of a listing at its edges (vpcep-api.md, "List
// connections": the offset must stay below the number of matches): a full
// last page, and a set that shrinks below the next offset mid-walk, against
// an API that refuses such an offset (strict) and one that answers an empty
// page (lenient).
struct Edge {
  bool strict_offset;
  bool omit_total_count;
};

class ListWalkTest : public ::testing::TestWithParam<Edge> {
 protected:
  ListWalkTest() {
    api_->strict_offset = GetParam().strict_offset;
    api_->omit_total_count = GetParam().omit_total_count;
    ClientOptions o;
    o.endpoint = "https://vpcep.example";
    o.project_id = "p1";
    o.initial_backoff = absl::Milliseconds(1);
    o.max_backoff = absl::Milliseconds(4);
    client_ = std::make_unique<VpcepClient>(o, api_, std::make_shared<TokenAuth>("tok"), &stop_);
  }

  std::set<std::string> Walk() {
    absl::StatusOr<std::vector<Connection>> all = client_->ListConnections("svc", {});
    EXPECT_TRUE(all.ok()) << all.status();
    std::set<std::string> ids;
    if (!all.ok()) return ids;
    for (const Connection& c : *all) EXPECT_TRUE(ids.insert(c.id).second) << "twice: " << c.id;
    return ids;
  }

  std::shared_ptr<FakeApi> api_ = std::make_shared<FakeApi>();
  core::StopSignal stop_;
  std::unique_ptr<VpcepClient> client_;
};

// Whole pages only: the walk ends with every item and never asks past the end.
TEST_P(ListWalkTest, AFullLastPageEndsTheWalkCleanly) {
  for (int pages : {1, 2, 3}) {
    SCOPED_TRACE(absl::StrCat(pages, " full pages"));
    api_->conns.clear();
    api_->offsets.clear();
    api_->AddConnections(pages * kMaxPageSize);
    std::set<std::string> ids = Walk();
    EXPECT_EQ(ids.size(), static_cast<size_t>(pages * kMaxPageSize));
    for (int64_t offset : api_->offsets) EXPECT_LT(offset, pages * kMaxPageSize);
    EXPECT_EQ(api_->offset_refusals, 0);
  }
}

// Between the first and second page most of the set goes, so the next offset
// lies past the new end while connections not yet seen now sit before it.
TEST_P(ListWalkTest, ASetShrinkingPastTheNextOffsetLosesNoSurvivor) {
  api_->AddConnections(2500);
  std::set<std::string> deleted;
  api_->before_page = [&deleted](FakeApi& api) {
    if (api.list_calls != 2) return;
    for (int i = 0; i < 2500; ++i) {
      if (i < 900 || (i >= 1000 && i < 1700)) {
        std::string id = absl::StrCat("ep-", i);
        api.RemoveLocked(id);
        deleted.insert(id);
      }
    }
  };
  std::set<std::string> ids = Walk();
  ASSERT_EQ(deleted.size(), 1600u);
  for (int i = 0; i < 2500; ++i) {
    std::string id = absl::StrCat("ep-", i);
    if (deleted.count(id) == 0) {
      EXPECT_EQ(ids.count(id), 1u) << "survivor lost: " << id;
    }
  }
  if (GetParam().strict_offset) {
    EXPECT_GE(api_->offset_refusals, 1) << "the edge was not reached";
  }
  // Connections seen before they went stay in the result: a walk of several
  // pages proves nothing about absence (only an exact call does).
  for (int i = 0; i < 900; ++i) EXPECT_EQ(ids.count(absl::StrCat("ep-", i)), 1u) << i;
}

// Against an API that reports total_count, strict or lenient about offsets
// past the end: the count tells a short listing.
class CountedWalkTest : public ListWalkTest {};

// An API that serves at most 500 per page (total_count 1,500): the walk goes
// on to total_count, not to the first page shorter than asked.
TEST_P(CountedWalkTest, PagesCappedBelowTheLimitAskedForAreAllWalked) {
  api_->AddConnections(1500);
  api_->page_cap = 500;
  EXPECT_EQ(Walk().size(), 1500u);
  EXPECT_LE(api_->list_calls, 5);
}

// 1,500 connections created in the same second, which the API orders
// differently on every call: every one is listed, once, and two listings
// come back in the same order.
TEST_P(CountedWalkTest, EqualCreationTimesInAnUnstableOrderAreAllListedOnceInAStableOrder) {
  api_->AddConnections(1500);
  api_->SameCreationTime();
  api_->shuffle_ties = true;
  EXPECT_EQ(Walk().size(), 1500u);
  auto first = client_->ListConnections("svc", {});
  auto second = client_->ListConnections("svc", {});
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_EQ(first->size(), second->size());
  for (size_t i = 0; i < first->size(); ++i) ASSERT_EQ((*first)[i].id, (*second)[i].id) << i;
}

// Fewer connections than total_count however often the pages are walked: an
// error that says so, never the short list.
TEST_P(CountedWalkTest, AListingShortOfTotalCountIsAnErrorNotAShortList) {
  api_->AddConnections(1500);
  api_->hidden_from_pages = {"ep-7", "ep-1234"};
  api_->count_hidden = true;
  absl::StatusOr<std::vector<Connection>> all = client_->ListConnections("svc", {});
  ASSERT_FALSE(all.ok()) << all->size() << " listed";
  EXPECT_EQ(all.status().code(), absl::StatusCode::kUnavailable) << all.status();
  EXPECT_THAT(all.status().message(), HasSubstr("counts 1500 connections (total_count)"));
  EXPECT_THAT(all.status().message(), HasSubstr("listed only 1498"));
  EXPECT_LE(api_->list_calls, 3 * 3) << "walks that add nothing are not repeated";
}

// An answer holding connections the filter excludes: the API ignored it.
TEST_P(ListWalkTest, AListingThatIgnoredTheIdFilterIsAnError) {
  api_->AddConnections(3);
  api_->ignore_id_filter = true;
  ListFilter f;
  f.endpoint_id = "ep-1";
  absl::StatusOr<std::vector<Connection>> all = client_->ListConnections("svc", f);
  ASSERT_FALSE(all.ok());
  EXPECT_THAT(all.status().message(), HasSubstr("ignored the filter"));
  EXPECT_EQ(ListParameterAtFault(all.status()), "id");
}

INSTANTIATE_TEST_SUITE_P(Edges, CountedWalkTest,
                         ::testing::Values(Edge{true, false}, Edge{false, false}),
                         [](const ::testing::TestParamInfo<Edge>& info) {
                           return std::string(info.param.strict_offset ? "Strict" : "Lenient");
                         });

INSTANTIATE_TEST_SUITE_P(Edges, ListWalkTest,
                         ::testing::Values(Edge{true, false}, Edge{false, false},
                                           Edge{true, true}, Edge{false, true}),
                         [](const ::testing::TestParamInfo<Edge>& info) {
                           return absl::StrCat(info.param.strict_offset ? "Strict" : "Lenient",
                                               info.param.omit_total_count ? "NoTotal" : "");
                         });

}  // namespace
}  // namespace vpcep::cloud
