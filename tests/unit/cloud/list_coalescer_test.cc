// ListCoalescer: strict waits never reuse an older listing; reads share one
// listing within max_age until this process changes the service.
#include "provider/cloud/list_coalescer.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "provider/cloud/client.h"

namespace vpcep::cloud {
namespace {

// A fetch that returns one connection named after the fetch number and can be
// held open until the test releases it.
class FakeFetch {
 public:
  ListCoalescer::Fetched operator()(const std::string&) {
    std::unique_lock<std::mutex> lock(mu_);
    int n = ++started_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return !held_; });
    if (throw_) {
      throw_ = false;
      throw std::runtime_error("malformed answer");
    }
    if (fail_) return absl::UnavailableError("listing failed");
    Connection c;
    c.id = "fetch-" + std::to_string(n);
    Snapshot s;
    s.connections = {c};
    return s;
  }
  void Hold() {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = true;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = false;
    cv_.notify_all();
  }
  void AwaitStarted(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return started_ >= n; });
  }
  void Fail(bool f) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_ = f;
  }
  void Throw(bool t) {
    std::lock_guard<std::mutex> lock(mu_);
    throw_ = t;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int started_ = 0;
  bool held_ = false;
  bool fail_ = false;
  bool throw_ = false;
};

class CoalescerTest : public ::testing::Test {
 protected:
  absl::Time now_ = absl::FromUnixSeconds(1'700'000'000);
  FakeFetch fake_;
  ListCoalescer coalescer_{[this](const std::string& s, absl::Time) { return fake_(s); },
                           [this] { return now_; }};

  std::string FirstId(const ListCoalescer::Listing& l) {
    return l.ok() && !(*l)->connections.empty() ? (*l)->connections.front().id : "error";
  }
  // A wait: only a listing that starts after this call will do.
  ListCoalescer::Listing Strict(const std::string& service) {
    return coalescer_.List(service, now_ + absl::Nanoseconds(1));
  }
  // A read: a listing at most `age` old, made after the last change.
  ListCoalescer::Listing Read(const std::string& service, absl::Duration age) {
    return coalescer_.List(service, now_ - age, true);
  }
  // Spins (without sleeping) until `n` callers wait inside the coalescer.
  void AwaitWaiting(int n) {
    absl::Time limit = absl::Now() + absl::Seconds(30);
    while (coalescer_.waiting() < n) {
      ASSERT_LT(absl::Now(), limit) << "callers never started waiting";
      std::this_thread::yield();
    }
  }
};

TEST_F(CoalescerTest, StrictCallersNeverReuseAFinishedListing) {
  EXPECT_EQ(FirstId(Strict("svc")), "fetch-1");
  EXPECT_EQ(FirstId(Strict("svc")), "fetch-2");
  EXPECT_EQ(coalescer_.fetches(), 2);
}

TEST_F(CoalescerTest, ReadsReuseARecentListing) {
  EXPECT_EQ(FirstId(Read("svc", absl::Seconds(10))), "fetch-1");
  now_ += absl::Seconds(10);
  EXPECT_EQ(FirstId(Read("svc", absl::Seconds(10))), "fetch-1");
  now_ += absl::Milliseconds(1);
  EXPECT_EQ(FirstId(Read("svc", absl::Seconds(10))), "fetch-2");
  EXPECT_EQ(coalescer_.fetches(), 2);
}

TEST_F(CoalescerTest, ReadsReuseAListingMadeForAWait) {
  EXPECT_EQ(FirstId(Strict("svc")), "fetch-1");
  EXPECT_EQ(FirstId(Read("svc", absl::Seconds(10))), "fetch-1");
  EXPECT_EQ(coalescer_.fetches(), 1);
}

TEST_F(CoalescerTest, ListingsArePerService) {
  EXPECT_EQ(FirstId(Read("a", absl::Seconds(10))), "fetch-1");
  EXPECT_EQ(FirstId(Read("b", absl::Seconds(10))), "fetch-2");
  EXPECT_EQ(FirstId(Read("a", absl::Seconds(10))), "fetch-1");
}

TEST_F(CoalescerTest, InvalidateForcesAFreshListing) {
  EXPECT_EQ(FirstId(Read("svc", absl::Seconds(10))), "fetch-1");
  coalescer_.Invalidate("svc");
  EXPECT_EQ(FirstId(Read("svc", absl::Seconds(10))), "fetch-2");
  // Other services keep theirs.
  EXPECT_EQ(FirstId(Read("other", absl::Seconds(10))), "fetch-3");
  coalescer_.Invalidate("svc");
  EXPECT_EQ(FirstId(Read("other", absl::Seconds(10))), "fetch-3");
}

TEST_F(CoalescerTest, AListingRunningDuringAChangeIsNotReused) {
  fake_.Hold();
  std::thread reader([&] { (void)Read("svc", absl::Seconds(10)); });
  fake_.AwaitStarted(1);
  coalescer_.Invalidate("svc");  // e.g. a receive landed while listing
  fake_.Release();
  reader.join();
  EXPECT_EQ(FirstId(Read("svc", absl::Seconds(10))), "fetch-2");
}

TEST_F(CoalescerTest, FailedListingsAreNotReused) {
  fake_.Fail(true);
  EXPECT_FALSE(Read("svc", absl::Seconds(10)).ok());
  fake_.Fail(false);
  EXPECT_EQ(FirstId(Read("svc", absl::Seconds(10))), "fetch-2");
}

TEST_F(CoalescerTest, ConcurrentReadsShareTheRunningListing) {
  fake_.Hold();
  std::vector<std::thread> readers;
  std::vector<std::string> got(10);
  readers.emplace_back([&] { got[0] = FirstId(Read("svc", absl::Seconds(10))); });
  fake_.AwaitStarted(1);
  for (int i = 1; i < 10; ++i) {
    readers.emplace_back([&, i] { got[i] = FirstId(Read("svc", absl::Seconds(10))); });
  }
  AwaitWaiting(9);
  fake_.Release();
  for (auto& t : readers) t.join();
  for (const std::string& id : got) EXPECT_EQ(id, "fetch-1");
  EXPECT_EQ(coalescer_.fetches(), 1);
}

TEST_F(CoalescerTest, ConcurrentWaitsShareOneFreshListing) {
  fake_.Hold();
  std::vector<std::thread> waiters;
  std::vector<std::string> got(10);
  waiters.emplace_back([&] { got[0] = FirstId(Strict("svc")); });
  fake_.AwaitStarted(1);
  for (int i = 1; i < 10; ++i) {
    waiters.emplace_back([&, i] { got[i] = FirstId(Strict("svc")); });
  }
  AwaitWaiting(9);
  fake_.Release();
  for (auto& t : waiters) t.join();
  EXPECT_EQ(got[0], "fetch-1");
  // The others arrived while fetch-1 ran, so it may predate what they wait for.
  for (int i = 1; i < 10; ++i) EXPECT_EQ(got[i], "fetch-2");
  EXPECT_EQ(coalescer_.fetches(), 2);
}

TEST_F(CoalescerTest, AWaitTakesAListingThatStartedAfterItsMark) {
  absl::Time mark = now_;
  now_ += absl::Milliseconds(10);
  EXPECT_EQ(FirstId(Strict("svc")), "fetch-1");
  // A second waiter that only needs news newer than `mark` shares fetch-1.
  EXPECT_EQ(FirstId(coalescer_.List("svc", mark)), "fetch-1");
  EXPECT_EQ(coalescer_.fetches(), 1);
}

TEST_F(CoalescerTest, AFetchThatThrowsStillFinishesItsFlight) {
  fake_.Hold();
  fake_.Throw(true);
  ListCoalescer::Listing first;
  std::thread leader([&] { first = Strict("svc"); });
  fake_.AwaitStarted(1);
  ListCoalescer::Listing second;
  std::thread follower([&] { second = Strict("svc"); });
  AwaitWaiting(1);
  fake_.Release();
  leader.join();
  EXPECT_FALSE(first.ok());
  follower.join();  // hangs forever if the throwing leader left its flight open
  EXPECT_EQ(FirstId(second), "fetch-2");
}

}  // namespace
}  // namespace vpcep::cloud
