// RateGate: no limit until the API throttles; then one rate for every caller,
// cut on throttling and raised while calls go through.
#include "provider/cloud/throttle.h"

#include "gtest/gtest.h"

namespace vpcep::cloud {
namespace {

class RateGateTest : public ::testing::Test {
 protected:
  absl::Time now_ = absl::FromUnixSeconds(1'700'000'000);
  RateGate gate_{[this] { return now_; }};
  // Acquires without sleeping: the fake clock is already past each slot.
  void Calls(int n, absl::Duration apart) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(gate_.Acquire(absl::InfiniteFuture(), nullptr).ok());
      now_ += apart;
    }
  }
};

TEST_F(RateGateTest, NoLimitUntilTheFirstThrottledAnswer) {
  Calls(100, absl::ZeroDuration());
  EXPECT_EQ(gate_.rate(), 0);
}

TEST_F(RateGateTest, AThrottledAnswerHalvesTheMeasuredRateOncePerWindow) {
  Calls(40, absl::Milliseconds(25));  // 40 calls per second
  gate_.OnThrottled();
  EXPECT_NEAR(gate_.rate(), 20, 1);
  gate_.OnThrottled();  // the other answers of the same burst: no second cut
  EXPECT_NEAR(gate_.rate(), 20, 1);
  EXPECT_EQ(gate_.throttled(), 2);
}

TEST_F(RateGateTest, CallsAreSpacedAtTheRate) {
  Calls(10, absl::Milliseconds(100));
  gate_.OnThrottled();  // 10/s measured -> 5/s: the next turn is 200 ms away
  EXPECT_NEAR(gate_.rate(), 5, 0.5);
  // A caller whose turn would come after its deadline is refused at once.
  absl::Status late = gate_.Acquire(now_ + absl::Milliseconds(150), nullptr);
  EXPECT_EQ(late.code(), absl::StatusCode::kDeadlineExceeded) << late;
  now_ += absl::Milliseconds(200);
  EXPECT_TRUE(gate_.Acquire(now_ + absl::Milliseconds(1), nullptr).ok());
  // The one after it waits another 200 ms.
  EXPECT_EQ(gate_.Acquire(now_ + absl::Milliseconds(150), nullptr).code(),
            absl::StatusCode::kDeadlineExceeded);
}

TEST_F(RateGateTest, TheRateClimbsBackWhileCallsGoThrough) {
  Calls(20, absl::Milliseconds(50));
  gate_.OnThrottled();
  double cut = gate_.rate();
  for (int i = 0; i < 50; ++i) gate_.OnAnswered();
  EXPECT_GT(gate_.rate(), cut + 3);
}

}  // namespace
}  // namespace vpcep::cloud
