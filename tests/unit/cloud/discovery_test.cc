// DiscoverConnections: pages as small as the caller's appetite, each
// connection once, none lost when the set shrinks under the walk.
#include "provider/cloud/discovery.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "provider/cloud/auth.h"
#include "tests/unit/fake_api.h"

namespace vpcep::cloud {
namespace {

using testing::FakeApi;

class DiscoveryTest : public ::testing::Test {
 protected:
  DiscoveryTest() {
    ClientOptions o;
    o.endpoint = "https://vpcep.example";
    o.project_id = "p1";
    o.initial_backoff = absl::Milliseconds(1);
    o.max_backoff = absl::Milliseconds(4);
    client_ = std::make_unique<VpcepClient>(o, api_, std::make_shared<TokenAuth>("tok"), &stop_);
  }

  // Every id taken, in order; stops after `want` when it is >= 0.
  std::vector<std::string> Discover(int page_size, int want = -1, absl::Status* status = nullptr) {
    std::vector<std::string> taken;
    DiscoverySpec spec;
    spec.page_size = page_size;
    absl::Status s = DiscoverConnections(*client_, "svc", spec, [&](const Connection& c) {
      taken.push_back(c.id);
      return want < 0 || static_cast<int>(taken.size()) < want;
    });
    if (status != nullptr) *status = s;
    EXPECT_TRUE(status != nullptr || s.ok()) << s;
    return taken;
  }

  std::shared_ptr<FakeApi> api_ = std::make_shared<FakeApi>();
  core::StopSignal stop_;
  std::unique_ptr<VpcepClient> client_;
};

TEST_F(DiscoveryTest, StopsAfterThePageThatHoldsWhatTheCallerWants) {
  api_->AddConnections(3000, "accepted");
  std::vector<std::string> taken = Discover(50, 10);
  ASSERT_EQ(taken.size(), 10u);
  EXPECT_EQ(taken.front(), "ep-0") << "oldest first";
  EXPECT_EQ(api_->list_calls, 1);
  EXPECT_EQ(api_->listed_items, 50);
}

TEST_F(DiscoveryTest, WalksEveryPageEachConnectionOnce) {
  api_->AddConnections(2345, "accepted");
  std::vector<std::string> taken = Discover(kMaxPageSize);
  std::set<std::string> unique(taken.begin(), taken.end());
  EXPECT_EQ(taken.size(), 2345u);
  EXPECT_EQ(unique.size(), 2345u);
  EXPECT_EQ(api_->list_calls, 3) << "pages of 1000 with a small overlap";
}

TEST_F(DiscoveryTest, DeletionsBetweenPagesLoseNoSurvivor) {
  api_->AddConnections(300, "accepted");
  std::set<std::string> deleted;
  api_->before_page = [&deleted](FakeApi& api) {
    if (api.list_calls != 2) return;
    for (int i = 0; i < 80; ++i) {  // more than the overlap, all already seen
      std::string id = absl::StrCat("ep-", i);
      api.RemoveLocked(id);
      deleted.insert(id);
    }
  };
  std::vector<std::string> taken = Discover(100);
  std::set<std::string> unique(taken.begin(), taken.end());
  EXPECT_EQ(unique.size(), taken.size()) << "none twice";
  for (int i = 80; i < 300; ++i) {
    EXPECT_EQ(unique.count(absl::StrCat("ep-", i)), 1u) << "survivor lost: ep-" << i;
  }
}

TEST_F(DiscoveryTest, AFailureEndsTheWalkWithTheApisError) {
  api_->AddConnections(10, "accepted");
  api_->fail_next = 100;
  absl::Status status;
  std::vector<std::string> taken = Discover(50, -1, &status);
  EXPECT_TRUE(taken.empty());
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("APIGW.0203"), absl::string_view::npos) << status;
}

}  // namespace
}  // namespace vpcep::cloud
