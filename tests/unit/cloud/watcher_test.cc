// ServiceWatcher against an in-memory API: exact evidence before declaring a
// connection gone, lookups sized to the service, shared polls.
#include "provider/cloud/watcher.h"

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "provider/cloud/api_error.h"
#include "provider/cloud/auth.h"
#include "tests/unit/fake_api.h"

namespace vpcep::cloud {
namespace {

using testing::FakeApi;

class WatcherTest : public ::testing::Test {
 protected:
  WatcherTest() {
    ClientOptions o;
    o.endpoint = "https://vpcep.example";
    o.project_id = "p1";
    o.initial_backoff = absl::Milliseconds(1);
    o.max_backoff = absl::Milliseconds(4);
    client_ = std::make_unique<VpcepClient>(o, api_, std::make_shared<TokenAuth>("tok"), &stop_);
  }
  ServiceWatcher& watcher() { return client_->watcher(); }

  // Receives every endpoint, then waits for each, one thread per endpoint.
  std::vector<absl::StatusOr<std::optional<Connection>>> ApproveAll(
      const std::vector<std::string>& endpoints) {
    std::vector<absl::StatusOr<std::optional<Connection>>> out(endpoints.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < endpoints.size(); ++i) {
      threads.emplace_back([&, i] {
        auto acted = client_->Act("svc", "receive", endpoints[i]);
        if (!acted.ok()) {
          out[i] = acted.status();
          return;
        }
        std::optional<Connection> last;
        WaitSpec spec{"accepted", false, absl::Now() + absl::Seconds(60), absl::Seconds(60), ""};
        out[i] = watcher().Wait("svc", endpoints[i], spec, last);
      });
    }
    for (auto& t : threads) t.join();
    return out;
  }

  std::shared_ptr<FakeApi> api_ = std::make_shared<FakeApi>();
  core::StopSignal stop_;
  std::unique_ptr<VpcepClient> client_;
};

TEST_F(WatcherTest, OnePageProvesAbsenceWithoutAskingById) {
  api_->AddConnections(10);
  auto found = watcher().Find("svc", "ep-404");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_FALSE(found->has_value());
  EXPECT_EQ(api_->list_calls, 1);
  EXPECT_EQ(api_->id_calls, 0);
  EXPECT_FALSE(watcher().IsLarge("svc"));
}

TEST_F(WatcherTest, LargeServiceReadsAskByIdAfterOnePage) {
  api_->AddConnections(2500);
  // ep-2400 is not on the first page (oldest first): only an id call finds it.
  auto found = watcher().Find("svc", "ep-2400");
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, "ep-2400");
  EXPECT_TRUE(watcher().IsLarge("svc"));
  int64_t items = api_->listed_items;
  auto again = watcher().Find("svc", "ep-2401", Freshness::ForRead(absl::Seconds(10)));
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ(api_->listed_items - items, 1) << "a read of a large service lists only its item";
}

TEST_F(WatcherTest, ReadOfAConnectionMissingFromAMultiPageListingButPresentByIdKeepsIt) {
  api_->AddConnections(1500);
  // ep-5 belongs on the first page, but the listing skips it (as a page
  // boundary that shifted under a deletion would): only the id call shows it.
  api_->hidden_from_pages = {"ep-5"};
  auto found = watcher().Find("svc", "ep-5", Freshness::ForRead(absl::Seconds(10)));
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_TRUE(found->has_value()) << "declared gone on a listing that can shift";
  EXPECT_EQ(api_->id_calls, 1);
}

TEST_F(WatcherTest, LookupsOfNewApprovalsOnALargeServiceShareOneListingOfThePending) {
  api_->AddConnections(4900, "accepted");
  api_->AddConnections(100);  // ep-4900 .. ep-4999, pending
  std::vector<std::thread> planners;
  std::atomic<int> found{0};
  for (int t = 0; t < 10; ++t) {
    planners.emplace_back([&, t] {
      for (int i = t; i < 100; i += 10) {
        auto c = watcher().Find("svc", absl::StrCat("ep-", 4900 + i),
                                Freshness::ForNewApproval(absl::Seconds(10)));
        if (c.ok() && c->has_value() && (*c)->status == "pendingAcceptance") ++found;
      }
    });
  }
  for (auto& t : planners) t.join();
  EXPECT_EQ(found.load(), 100);
  EXPECT_EQ(api_->id_calls, 0);
  EXPECT_LE(api_->list_calls, 4) << "discovery and the pending listing, shared";
  // An accepted connection is not among the pending: asked by id.
  auto accepted = watcher().Find("svc", "ep-7", Freshness::ForNewApproval(absl::Seconds(10)));
  ASSERT_TRUE(accepted.ok() && accepted->has_value());
  EXPECT_EQ((*accepted)->status, "accepted");
  EXPECT_EQ(api_->id_calls, 1);
}

TEST_F(WatcherTest, OnlyAOnePageListingProvesAbsence) {
  api_->AddConnections(300);
  api_->hidden_from_pages = {"ep-5"};  // a one-page listing is the truth: it is gone
  auto found = watcher().Find("svc", "ep-5", Freshness::ForRead(absl::Seconds(10)));
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_FALSE(found->has_value());
  EXPECT_EQ(api_->id_calls, 0);
}

// Absence is proven only by a self-consistent answer (issue 22, item 8).
// A full first page whose total_count counts only the page is not the whole
// service: the read asks by id and finds the connection.
TEST_F(WatcherTest, AFullFirstPageWhoseCountIsThePageProvesNoAbsence) {
  api_->AddConnections(1201, "accepted");
  api_->total_counts_page = true;
  auto found = watcher().Find("svc", "ep-1200", Freshness::ForRead(absl::Seconds(10)));
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_TRUE(found->has_value()) << "declared gone on a page that counted only itself";
  EXPECT_TRUE(watcher().IsLarge("svc"));
  EXPECT_EQ(api_->id_calls, 1);
}

// ... and a by-id answer that ignored the filter is an error, not absence.
TEST_F(WatcherTest, AByIdAnswerThatIgnoredTheFilterProvesNoAbsence) {
  api_->AddConnections(2500, "accepted");
  api_->ignore_id_filter = true;
  // Neither on the first page oldest first nor newest first.
  auto found = watcher().Find("svc", "ep-1200", Freshness::ForRead(absl::Seconds(10)));
  ASSERT_FALSE(found.ok()) << "declared gone on an answer that ignored the id filter";
  EXPECT_TRUE(absl::StrContains(found.status().message(), "ignored the filter"))
      << found.status();
}

TEST_F(WatcherTest, AMissingServiceProvesEveryConnectionGone) {
  struct NoService : HttpTransport {
    absl::StatusOr<HttpResponse> Send(const HttpRequest&) override {
      return HttpResponse{400, {{"x-request-id", "r"}},
                          R"({"error_code":"Endpoint.2003","error_msg":"no such service"})"};
    }
  };
  VpcepClient client({"https://x", "p"}, std::make_shared<NoService>(),
                     std::make_shared<TokenAuth>("t"), &stop_);
  auto found = client.watcher().Find("svc", "ep-1");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_FALSE(found->has_value());
}

TEST_F(WatcherTest, TenWaitsOnOneServiceKeepOneCallInFlight) {
  api_->AddConnections(50);
  api_->delay = absl::Milliseconds(300);
  api_->latency = absl::Milliseconds(10);
  std::vector<std::string> endpoints;
  for (int i = 0; i < 10; ++i) endpoints.push_back(absl::StrCat("ep-", i));
  auto results = ApproveAll(endpoints);
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i].ok()) << endpoints[i] << ": " << results[i].status();
    EXPECT_EQ((*results[i])->status, "accepted");
  }
  std::printf("10 waits: %lld list calls, at most %d in flight\n",
              static_cast<long long>(api_->list_calls), api_->max_in_flight);
  EXPECT_EQ(api_->max_in_flight, 1);
  EXPECT_LE(api_->list_calls, 20) << "ten waits should share their polls";
}

TEST_F(WatcherTest, WaitsOnALargeServiceListRecentChangesNotTheService) {
  api_->AddConnections(5000);
  api_->delay = absl::Milliseconds(300);
  std::vector<std::string> endpoints;
  for (int i = 0; i < 10; ++i) endpoints.push_back(absl::StrCat("ep-", 4000 + i));
  ASSERT_TRUE(watcher().Find("svc", "ep-4000").ok());  // learns the size: one page
  int64_t items = api_->listed_items;
  auto results = ApproveAll(endpoints);
  for (auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ((*r)->status, "accepted");
  }
  int64_t per_wait = (api_->listed_items - items) / 10;
  std::printf("large service: %lld items listed per wait\n", static_cast<long long>(per_wait));
  EXPECT_LE(per_wait, 50);
}

TEST_F(WatcherTest, AConnectionDeletedDuringAWaitOnALargeServiceIsProvenGoneById) {
  api_->AddConnections(2000);
  api_->delay = absl::Seconds(60);
  ASSERT_TRUE(watcher().Find("svc", "ep-1500").ok());
  ASSERT_TRUE(client_->Act("svc", "receive", "ep-1500").ok());
  {
    std::lock_guard<std::mutex> lock(api_->mu);
    api_->RemoveLocked("ep-1500");
  }
  std::optional<Connection> last;
  WaitSpec spec{"accepted", false, absl::Now() + absl::Seconds(30), absl::Seconds(30), ""};
  auto r = watcher().Wait("svc", "ep-1500", spec, last);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound) << r.status();
  EXPECT_GE(api_->id_calls, 2);  // the Find and the confirmation
}

TEST_F(WatcherTest, FailedPollsAreMissedPollsNotFailedWaits) {
  api_->AddConnections(20);
  api_->delay = absl::Milliseconds(200);
  {
    std::lock_guard<std::mutex> lock(api_->mu);
    api_->fail_next = 0;
  }
  std::vector<std::string> endpoints = {"ep-1", "ep-2", "ep-3"};
  std::vector<std::thread> threads;
  std::vector<absl::StatusOr<std::optional<Connection>>> out(3);
  for (const std::string& e : endpoints) ASSERT_TRUE(client_->Act("svc", "receive", e).ok());
  {
    std::lock_guard<std::mutex> lock(api_->mu);
    api_->fail_next = 6;  // more than max_retries: a retried shared listing would give up
  }
  for (size_t i = 0; i < 3; ++i) {
    threads.emplace_back([&, i] {
      std::optional<Connection> last;
      WaitSpec spec{"accepted", false, absl::Now() + absl::Seconds(30), absl::Seconds(30), ""};
      out[i] = watcher().Wait("svc", endpoints[i], spec, last);
    });
  }
  for (auto& t : threads) t.join();
  for (auto& r : out) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ((*r)->status, "accepted");
  }
}

TEST_F(WatcherTest, StopEndsAWait) {
  api_->AddConnections(5);
  api_->delay = absl::Seconds(60);
  ASSERT_TRUE(client_->Act("svc", "receive", "ep-1").ok());
  std::thread stopper([this] {
    // Stop once the wait has polled at least once, i.e. while it waits.
    while (true) {
      {
        std::lock_guard<std::mutex> lock(api_->mu);
        if (api_->list_calls > 0) break;
      }
      std::this_thread::yield();
    }
    stop_.Stop();
  });
  std::optional<Connection> last;
  WaitSpec spec{"accepted", false, absl::Now() + absl::Seconds(60), absl::Seconds(60), ""};
  absl::Time start = absl::Now();
  auto r = watcher().Wait("svc", "ep-1", spec, last);
  stopper.join();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled) << r.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(30));
}

TEST_F(WatcherTest, AWalkUnderChurnSkipsNothingAndRepeatsNothing) {
  api_->AddConnections(3500);
  int round = 0;
  // Before every page: the oldest connection is deleted and a new one created.
  api_->before_page = [&round](FakeApi& api) {
    api.RemoveLocked(api.conns.front().id);
    api.AddLocked(absl::StrCat("new-", round++), "pendingAcceptance");
  };
  auto all = client_->ListConnections("svc", {});
  ASSERT_TRUE(all.ok()) << all.status();
  std::set<std::string> ids;
  for (const Connection& c : *all) EXPECT_TRUE(ids.insert(c.id).second) << "twice: " << c.id;
  // Every connection that existed throughout the walk is in it.
  for (int i = round; i < 3500; ++i) EXPECT_TRUE(ids.count(absl::StrCat("ep-", i))) << i;
}

}  // namespace
}  // namespace vpcep::cloud
