// Unit tests of State: the lazy status transitions and the data rules, with
// a fake clock (no HTTP).

#include "simulator/state.h"

#include <memory>

#include "gtest/gtest.h"
#include "simulator/errors.h"
#include "tests/simulator/test_util.h"

namespace vpcep::sim::testing {
namespace {

class StateTest : public ::testing::Test {
 protected:
  StateTest() : clock_(std::make_shared<FakeClock>()), state_(MakeOptions(clock_)) {
    ServiceSpec service;
    service.id = "svc";
    EXPECT_TRUE(state_.AddService(service).ok());
  }

  static State::Options MakeOptions(const std::shared_ptr<FakeClock>& clock) {
    State::Options options;
    options.transition_delay = absl::Seconds(3);
    options.clock = FakeClock::Fn(clock);
    return options;
  }

  Connection Add(const std::string& id, std::optional<ConnectionStatus> status = std::nullopt) {
    ConnectionSpec spec;
    spec.id = id;
    spec.domain_id = "d";
    spec.status = status;
    auto added = state_.AddConnection("svc", spec);
    EXPECT_TRUE(added.ok()) << added.status();
    return added.value_or(Connection());
  }

  ConnectionStatus StatusOf(const std::string& id) {
    auto connection = state_.GetConnection("svc", id);
    EXPECT_TRUE(connection.ok());
    return connection.ok() ? connection->status : ConnectionStatus::kDeleting;
  }

  std::string CodeOf(const absl::Status& status) { return ToApiError(status).code; }

  std::shared_ptr<FakeClock> clock_;
  State state_;
};

TEST_F(StateTest, FailOnReceiveEndsFailedAfterTheDelayOnce) {
  Add("ep");
  ASSERT_TRUE(state_.SetFailOnReceive("svc", "ep", {{"EndPoint.9", "boom"}}).ok());
  EXPECT_EQ(StatusOf("ep"), ConnectionStatus::kPendingAcceptance);  // nothing yet
  const absl::Time requested = clock_->Now();
  auto after = state_.ApplyAction("svc", "ep", Action::kReceive);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status, ConnectionStatus::kCreating);
  clock_->Advance(absl::Seconds(2));
  EXPECT_EQ(StatusOf("ep"), ConnectionStatus::kCreating);
  clock_->Advance(absl::Seconds(2));
  auto failed = state_.GetConnection("svc", "ep");
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->status, ConnectionStatus::kFailed);
  EXPECT_EQ(failed->updated_at, requested + absl::Seconds(3));
  ASSERT_EQ(failed->errors.size(), 1u);
  EXPECT_EQ(failed->errors[0].error_code, "EndPoint.9");
  EXPECT_EQ(failed->errors[0].error_message, "boom");
  EXPECT_FALSE(failed->fail_on_receive.has_value());  // used up

  // Once reset by the admin, the next receive is accepted normally.
  ASSERT_TRUE(state_.SetConnectionStatus("svc", "ep", ConnectionStatus::kPendingAcceptance).ok());
  ASSERT_TRUE(state_.ApplyAction("svc", "ep", Action::kReceive).ok());
  clock_->Advance(absl::Seconds(3));
  EXPECT_EQ(StatusOf("ep"), ConnectionStatus::kAccepted);

  EXPECT_EQ(CodeOf(state_.SetFailOnReceive("svc", "nope").status()), codes::kNotServiceEndpoint);
  EXPECT_EQ(CodeOf(state_.SetFailOnReceive("nope", "ep").status()), codes::kServiceNotFound);
}

TEST_F(StateTest, TransitionIsStampedWithItsDueTime) {
  Add("ep");
  const absl::Time requested = clock_->Now();
  auto after = state_.ApplyAction("svc", "ep", Action::kReceive);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status, ConnectionStatus::kCreating);
  EXPECT_EQ(after->updated_at, requested);

  clock_->Advance(absl::Seconds(10));  // read long after the due time
  auto accepted = state_.GetConnection("svc", "ep");
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted->status, ConnectionStatus::kAccepted);
  EXPECT_EQ(accepted->updated_at, requested + absl::Seconds(3));
}

TEST_F(StateTest, RejectWhileCreatingEndsRejected) {
  Add("ep");
  ASSERT_TRUE(state_.ApplyAction("svc", "ep", Action::kReceive).ok());
  clock_->Advance(absl::Seconds(1));
  auto during = state_.ApplyAction("svc", "ep", Action::kReject);
  ASSERT_TRUE(during.ok());
  EXPECT_EQ(during->status, ConnectionStatus::kCreating);
  clock_->Advance(absl::Seconds(3));
  EXPECT_EQ(StatusOf("ep"), ConnectionStatus::kRejected);
}

TEST_F(StateTest, RepeatedReceiveWhileCreatingKeepsTheFirstDeadline) {
  Add("ep");
  ASSERT_TRUE(state_.ApplyAction("svc", "ep", Action::kReceive).ok());
  clock_->Advance(absl::Seconds(2));
  auto again = state_.ApplyAction("svc", "ep", Action::kReceive);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, ConnectionStatus::kCreating);
  clock_->Advance(absl::Seconds(1));
  EXPECT_EQ(StatusOf("ep"), ConnectionStatus::kAccepted);
}

TEST_F(StateTest, RejectOfRejectedIsANoOp) {
  Add("ep", ConnectionStatus::kRejected);
  auto result = state_.ApplyAction("svc", "ep", Action::kReject);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->status, ConnectionStatus::kRejected);
}

TEST_F(StateTest, OutOfBandStatusCancelsPendingTransition) {
  Add("ep");
  ASSERT_TRUE(state_.ApplyAction("svc", "ep", Action::kReceive).ok());
  ASSERT_TRUE(state_.SetConnectionStatus("svc", "ep", ConnectionStatus::kRejected).ok());
  clock_->Advance(absl::Seconds(5));
  EXPECT_EQ(StatusOf("ep"), ConnectionStatus::kRejected);
}

TEST_F(StateTest, ActionErrorsCarryTheirCodes) {
  Add("failed", ConnectionStatus::kFailed);
  Add("deleting", ConnectionStatus::kDeleting);
  Add("accepted", ConnectionStatus::kAccepted);
  EXPECT_EQ(CodeOf(state_.ApplyAction("nope", "x", Action::kReceive).status()), "EndPoint.2003");
  EXPECT_EQ(CodeOf(state_.ApplyAction("svc", "x", Action::kReceive).status()), "EndPoint.2013");
  EXPECT_EQ(CodeOf(state_.ApplyAction("svc", "accepted", Action::kReceive).status()),
            "EndPoint.2014");
  EXPECT_EQ(CodeOf(state_.ApplyAction("svc", "failed", Action::kReject).status()), "EndPoint.2047");
  EXPECT_EQ(CodeOf(state_.ApplyAction("svc", "deleting", Action::kReceive).status()),
            "EndPoint.2018");
  EXPECT_EQ(ToApiError(state_.ApplyAction("nope", "x", Action::kReceive).status()).http_status,
            400);
}

TEST_F(StateTest, UnavailableServiceRefusesActions) {
  ServiceSpec spec;
  spec.id = "down";
  spec.status = "creating";
  ASSERT_TRUE(state_.AddService(spec).ok());
  ConnectionSpec conn;
  conn.id = "ep";
  conn.domain_id = "d";
  ASSERT_TRUE(state_.AddConnection("down", conn).ok());
  EXPECT_EQ(CodeOf(state_.ApplyAction("down", "ep", Action::kReceive).status()), "EndPoint.2004");
}

TEST_F(StateTest, GeneratedMarkerIdsAreUniqueAndAbove32Bits) {
  const Connection a = Add("a");
  const Connection b = Add("b");
  EXPECT_GT(a.marker_id, int64_t{1} << 32);
  EXPECT_NE(a.marker_id, b.marker_id);
}

TEST_F(StateTest, EndpointIdsAreUniqueAcrossServices) {
  Add("ep");
  ServiceSpec other;
  other.id = "other";
  ASSERT_TRUE(state_.AddService(other).ok());
  ConnectionSpec spec;
  spec.id = "ep";
  spec.domain_id = "d";
  auto added = state_.AddConnection("other", spec);
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(ToApiError(added.status()).http_status, 409);
}

TEST_F(StateTest, DescriptionLimitCountsCharactersNotBytes) {
  std::string text;
  for (int i = 0; i < 512; ++i) text += "\xC3\xA9";  // 512 x 'é' (1024 bytes)
  EXPECT_TRUE(ValidateDescription(text).ok());
  EXPECT_FALSE(ValidateDescription(text + "e").ok());
}

TEST_F(StateTest, RemovedServiceIsGone) {
  ASSERT_TRUE(state_.RemoveService("svc").ok());
  EXPECT_EQ(CodeOf(state_.GetService("svc").status()), "EndPoint.2003");
}

TEST(ApiTimeTest, FormatsAndParsesBothShapes) {
  const absl::Time t = absl::FromUnixSeconds(1700000000);
  EXPECT_EQ(FormatApiTime(t), "2023-11-14T22:13:20Z");
  EXPECT_EQ(*ParseApiTime("2023-11-14T22:13:20Z"), t);
  EXPECT_EQ(*ParseApiTime("2023-11-14T22:13:20.500"), t + absl::Milliseconds(500));
  EXPECT_FALSE(ParseApiTime("yesterday").ok());
}

}  // namespace
}  // namespace vpcep::sim::testing
