// vpcep_connection_policy: the planning rule, table-driven over owner
// (admitted / stranger) x status x opt-in; the plan's maps and calls; the
// calls carried from plan to apply; and the parallel read of a service's
// pages, complete also when the list shifts under it.
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "provider/cloud/client.h"
#include "resources/connection_policy/enforce.h"
#include "resources/connection_policy/model.h"
#include "resources/connection_policy/rule.h"
#include "resources/connection_policy/snapshot.h"
#include "tests/unit/fake_api.h"

namespace vpcep::resources {
namespace {

using cloud::Connection;

Connection Conn(const std::string& id, const std::string& owner, const std::string& status) {
  Connection c;
  c.id = id;
  c.domain_id = owner;
  c.status = status;
  return c;
}

const char* Name(PolicyStep s) {
  switch (s) {
    case PolicyStep::kNone:
      return "none";
    case PolicyStep::kAdopt:
      return "adopt";
    case PolicyStep::kReceive:
      return "receive";
    case PolicyStep::kReject:
      return "reject";
    case PolicyStep::kKeep:
      return "keep";
  }
  return "?";
}

enum Opt { kAdmitOnly, kRejectPending, kRevokeAccepted, kBoth };

struct Case {
  bool admitted;
  const char* status;
  Opt opt;
  bool rejected_by_policy;  // in the policy's prior `rejected`
  PolicyStep want;
};

std::string Describe(const Case& c) {
  static const char* opts[] = {"admit only", "reject_pending", "revoke_accepted", "both"};
  return absl::StrCat(c.admitted ? "admitted" : "stranger", " / ", c.status, " / ", opts[c.opt],
                      c.rejected_by_policy ? " / rejected by the policy" : "");
}

using S = PolicyStep;
constexpr S kNone = S::kNone, kAdopt = S::kAdopt, kReceive = S::kReceive, kReject = S::kReject,
            kKeep = S::kKeep;

// Every combination the rule distinguishes.
const Case kCases[] = {
    // An admitted owner: received when pending, adopted when accepted (or on
    // its way), never rejected, whatever the opt-ins.
    {true, "pendingAcceptance", kAdmitOnly, false, kReceive},
    {true, "pendingAcceptance", kRejectPending, false, kReceive},
    {true, "pendingAcceptance", kRevokeAccepted, false, kReceive},
    {true, "pendingAcceptance", kBoth, false, kReceive},
    {true, "accepted", kAdmitOnly, false, kAdopt},
    {true, "accepted", kRejectPending, false, kAdopt},
    {true, "accepted", kRevokeAccepted, false, kAdopt},
    {true, "accepted", kBoth, false, kAdopt},
    {true, "creating", kAdmitOnly, false, kAdopt},
    {true, "creating", kBoth, false, kAdopt},
    // Rejected by someone else: left alone; rejected by the policy (the
    // owner was removed, now admitted again): received.
    {true, "rejected", kAdmitOnly, false, kNone},
    {true, "rejected", kBoth, false, kNone},
    {true, "rejected", kAdmitOnly, true, kReceive},
    {true, "rejected", kBoth, true, kReceive},
    // A failed connection takes no action.
    {true, "failed", kAdmitOnly, false, kNone},
    {true, "failed", kBoth, false, kNone},
    {true, "deleting", kBoth, false, kNone},
    // A stranger: rejected only when an opt-in says so.
    {false, "pendingAcceptance", kAdmitOnly, false, kNone},
    {false, "pendingAcceptance", kRejectPending, false, kReject},
    {false, "pendingAcceptance", kRevokeAccepted, false, kNone},
    {false, "pendingAcceptance", kBoth, false, kReject},
    {false, "accepted", kAdmitOnly, false, kNone},
    {false, "accepted", kRejectPending, false, kNone},
    {false, "accepted", kRevokeAccepted, false, kReject},
    {false, "accepted", kBoth, false, kReject},
    {false, "creating", kRejectPending, false, kNone},
    {false, "creating", kRevokeAccepted, false, kReject},
    {false, "rejected", kAdmitOnly, false, kNone},
    {false, "rejected", kBoth, false, kNone},
    {false, "rejected", kAdmitOnly, true, kKeep},
    {false, "rejected", kBoth, true, kKeep},
    {false, "failed", kAdmitOnly, false, kNone},
    {false, "failed", kRejectPending, false, kNone},
    {false, "failed", kRevokeAccepted, false, kNone},
    {false, "failed", kBoth, false, kNone},
};

TEST(PolicyRuleTest, DecidesEveryOwnerStatusAndOptIn) {
  for (const Case& c : kCases) {
    PolicyRule rule{{"dom-a", "dom-b"},
                    c.opt == kRejectPending || c.opt == kBoth,
                    c.opt == kRevokeAccepted || c.opt == kBoth};
    const std::string owner = c.admitted ? "dom-a" : "dom-x";
    OwnerMap prior_rejected;
    if (c.rejected_by_policy) prior_rejected["ep-1"] = owner;
    EXPECT_EQ(Name(Decide(Conn("ep-1", owner, c.status), rule, prior_rejected)), Name(c.want))
        << Describe(c);
  }
}

// A rejection the policy recorded for another account's endpoint under the
// same id is not the policy's: not undone.
TEST(PolicyRuleTest, OnlyItsOwnRejectionOfTheSameAccountIsUndone) {
  PolicyRule rule{{"dom-a"}, false, false};
  OwnerMap prior_rejected = {{"ep-1", "dom-x"}};
  EXPECT_EQ(Decide(Conn("ep-1", "dom-a", "rejected"), rule, prior_rejected), PolicyStep::kNone);
}

// The acceptance scenario's service: pending from a, b, c and an accepted
// stranger; admit {a, b}, reject pending strangers.
TEST(PolicyRuleTest, PlanListsTheCallsAndTheMaps) {
  std::vector<Connection> service = {
      Conn("ep-a", "dom-a", "pendingAcceptance"), Conn("ep-b", "dom-b", "pendingAcceptance"),
      Conn("ep-c", "dom-c", "pendingAcceptance"), Conn("ep-s", "dom-s", "accepted"),
      Conn("ep-a2", "dom-a", "accepted")};
  PolicyPlan plan = PlanPolicy(service, PolicyRule{{"dom-a", "dom-b"}, true, false}, {});
  EXPECT_EQ(plan.accepted, (OwnerMap{{"ep-a", "dom-a"}, {"ep-a2", "dom-a"}, {"ep-b", "dom-b"}}));
  EXPECT_EQ(plan.rejected, (OwnerMap{{"ep-c", "dom-c"}}));
  EXPECT_EQ(plan.receive, (std::map<std::string, std::string>{{"ep-a", "pendingAcceptance"},
                                                              {"ep-b", "pendingAcceptance"}}));
  EXPECT_EQ(plan.reject, (std::map<std::string, std::string>{{"ep-c", "pendingAcceptance"}}));

  // b removed, revocation on: b's connection is rejected, a's are kept
  // without a call, c's rejection is kept.
  service[0].status = "accepted";
  service[1].status = "accepted";
  service[2].status = "rejected";
  PolicyPlan next = PlanPolicy(service, PolicyRule{{"dom-a"}, true, true}, plan.rejected);
  EXPECT_EQ(next.accepted, (OwnerMap{{"ep-a", "dom-a"}, {"ep-a2", "dom-a"}}));
  EXPECT_EQ(next.rejected, (OwnerMap{{"ep-b", "dom-b"}, {"ep-c", "dom-c"}, {"ep-s", "dom-s"}}));
  EXPECT_TRUE(next.receive.empty());
  EXPECT_EQ(next.reject,
            (std::map<std::string, std::string>{{"ep-b", "accepted"}, {"ep-s", "accepted"}}));
}

TEST(PolicyActionsTest, TheCallsSurviveThePlansPrivateData) {
  PolicyActions a{true, {{"ep-1", "pendingAcceptance"}}, {{"ep-2", "accepted"}}};
  PolicyActions b = DecodeActions(EncodeActions(a));
  EXPECT_TRUE(b.reviewed);
  EXPECT_EQ(b.receive, a.receive);
  EXPECT_EQ(b.reject, a.reject);
  // Anything else (an empty private, a plan of another version) sends nothing.
  EXPECT_FALSE(DecodeActions("").reviewed);
  EXPECT_FALSE(DecodeActions("reviewed\nreceive ep-1\n").reviewed);
  EXPECT_FALSE(DecodeActions(EncodeActions(PolicyActions{})).reviewed);
}

// The refresh's reading carried to both plans (the one reviewed, and
// Terraform's second one at apply), so they come to the same result.
TEST(PolicySnapshotTest, TheRefreshsReadingSurvivesItsPrivateData) {
  std::vector<Connection> service = {Conn("ep-1", "dom-a", "pendingAcceptance"),
                                     Conn("ep-2", "dom-b", "accepted"),
                                     Conn("ep-3", "dom-c", "failed")};
  std::optional<std::vector<Connection>> back = DecodeSnapshot(EncodeSnapshot(service));
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(back->size(), 2u) << "a failed connection is never acted on nor held";
  EXPECT_EQ((*back)[0].id, "ep-1");
  EXPECT_EQ((*back)[0].domain_id, "dom-a");
  EXPECT_EQ((*back)[0].status, "pendingAcceptance");
  EXPECT_EQ((*back)[1].status, "accepted");
  EXPECT_TRUE(DecodeSnapshot(EncodeSnapshot({}))->empty());
  EXPECT_FALSE(DecodeSnapshot("").has_value()) << "after an apply: read the service";
  EXPECT_FALSE(DecodeSnapshot(EncodeActions(PolicyActions{})).has_value());
}

class ReadServiceTest : public ::testing::Test {
 protected:
  ReadServiceTest() {
    cloud::ClientOptions o;
    o.endpoint = "https://vpcep.example";
    o.project_id = "p1";
    o.initial_backoff = absl::Milliseconds(1);
    o.max_backoff = absl::Milliseconds(4);
    client_ = std::make_unique<cloud::VpcepClient>(
        o, api_, std::make_shared<cloud::TokenAuth>("tok"), &stop_);
  }
  std::set<std::string> Read() {
    absl::StatusOr<std::vector<Connection>> all =
        ReadService(*client_, "svc", absl::Now() + absl::Minutes(1));
    EXPECT_TRUE(all.ok()) << all.status();
    std::set<std::string> ids;
    if (!all.ok()) return ids;
    for (const Connection& c : *all) EXPECT_TRUE(ids.insert(c.id).second) << "twice: " << c.id;
    return ids;
  }

  std::shared_ptr<testing::FakeApi> api_ = std::make_shared<testing::FakeApi>();
  core::StopSignal stop_;
  std::unique_ptr<cloud::VpcepClient> client_;
};

TEST_F(ReadServiceTest, ReadsTheOtherPagesInParallel) {
  api_->AddConnections(10000);
  api_->latency = absl::Milliseconds(20);
  absl::Time t0 = absl::Now();
  EXPECT_EQ(Read().size(), 10000u);
  // 1 + 11 pages; in order they would take 12 x 20 ms.
  EXPECT_GE(api_->max_in_flight, 2);
  EXPECT_LE(api_->list_calls, 12);
  EXPECT_LT(absl::Now() - t0, absl::Seconds(30)) << "hang";
}

TEST_F(ReadServiceTest, SmallServicesTakeOneCallAndWholePagesEndCleanly) {
  api_->AddConnections(999);
  EXPECT_EQ(Read().size(), 999u);
  EXPECT_EQ(api_->list_calls, 1);
  api_->AddConnections(1001);  // 2000: the second page ends the list exactly
  api_->list_calls = 0;
  EXPECT_EQ(Read().size(), 2000u);
  EXPECT_EQ(api_->list_calls, 3);
}

// More deletions between the pages than they overlap by: the pages no
// longer meet, and the sequential walk reads the service instead.
TEST_F(ReadServiceTest, AShiftedListIsReadAgainWithoutLosingASurvivor) {
  api_->AddConnections(3000);
  std::set<std::string> deleted;
  api_->before_page = [&deleted](testing::FakeApi& api) {
    if (api.list_calls != 2 || !deleted.empty()) return;
    for (int i = 100; i < 400; ++i) {
      std::string id = absl::StrCat("ep-", i);
      api.RemoveLocked(id);
      deleted.insert(id);
    }
  };
  std::set<std::string> ids = Read();
  for (int i = 0; i < 3000; ++i) {
    std::string id = absl::StrCat("ep-", i);
    if (deleted.count(id) == 0) {
      EXPECT_EQ(ids.count(id), 1u) << "survivor lost: " << id;
    }
  }
  EXPECT_GT(api_->list_calls, 4) << "the walk did not run";
}

// The apply in-process against FakeApi (every connection belongs to "dom").
class EnforceTest : public ReadServiceTest {
 protected:
  PolicyModel Planned(const std::set<std::string>& domains, OwnerMap accepted, OwnerMap rejected) {
    PolicyModel m;
    m.service_id = std::string("svc");
    m.domain_ids = domains;
    m.accepted = std::move(accepted);
    m.rejected = std::move(rejected);
    return m;
  }
  PolicyModel Run(const PolicyModel& planned, const PolicyActions& actions, absl::Duration timeout,
                  core::Diagnostics& diags) {
    Enforcing e{*client_, planned, "svc", timeout, absl::Now() + timeout};
    return Enforce(e, actions, diags);
  }
};

// The wait for `accepted` times out after the receive went out: the
// connection is recorded (it may become accepted later), with an error.
TEST_F(EnforceTest, AReceiveThatWentOutIsRecordedWhenItsWaitTimesOut) {
  api_->AddConnections(2);
  api_->delay = absl::Hours(1);
  core::Diagnostics diags;
  PolicyModel planned = Planned({"dom"}, {{"ep-0", "dom"}, {"ep-1", "dom"}}, {});
  PolicyModel done =
      Run(planned,
          PolicyActions{true, {{"ep-0", "pendingAcceptance"}, {"ep-1", "pendingAcceptance"}}, {}},
          absl::Milliseconds(300), diags);
  EXPECT_EQ(api_->receives, 2);
  EXPECT_EQ(done.Accepted(), (OwnerMap{{"ep-0", "dom"}, {"ep-1", "dom"}}));
  EXPECT_TRUE(diags.HasError());
}

// A plan that could not review (values unknown until apply): the apply
// sends nothing and only adopts what admitted accounts have accepted.
TEST_F(EnforceTest, AnUnreviewedPlanOnlyAdopts) {
  api_->AddConnections(1);
  api_->AddConnections(1, "accepted");
  core::Diagnostics diags;
  PolicyModel planned = Planned({"dom"}, {}, {});
  planned.accepted = core::Field<OwnerMap>::Unknown();
  planned.rejected = core::Field<OwnerMap>::Unknown();
  PolicyModel done = Run(planned, PolicyActions{}, absl::Seconds(5), diags);
  EXPECT_EQ(api_->receives, 0);
  EXPECT_EQ(done.Accepted(), (OwnerMap{{"ep-1", "dom"}}));
  EXPECT_TRUE(done.rejected.has_value() && done.Rejected().empty());
  EXPECT_FALSE(diags.HasError());
}

// Interrupted before anything was sent: nothing is sent, nothing recorded.
TEST_F(EnforceTest, AfterAStopRequestNothingIsSentNorRecorded) {
  api_->AddConnections(1);
  stop_.Stop();
  core::Diagnostics diags;
  PolicyModel done =
      Run(Planned({"dom"}, {{"ep-0", "dom"}}, {}),
          PolicyActions{true, {{"ep-0", "pendingAcceptance"}}, {}}, absl::Seconds(5), diags);
  EXPECT_EQ(api_->receives, 0);
  EXPECT_TRUE(done.Accepted().empty());
  EXPECT_TRUE(diags.HasError());
}

// Whatever the plan says, the apply never rejects a connection of an
// admitted account; a connection whose status changed gets no call.
TEST_F(EnforceTest, NeverRejectsAnAdmittedAccountNorAChangedConnection) {
  api_->AddConnections(1);
  api_->AddConnections(1, "accepted");
  core::Diagnostics diags;
  PolicyModel done =
      Run(Planned({"dom"}, {}, {{"ep-0", "dom"}}),
          PolicyActions{true, {}, {{"ep-0", "pendingAcceptance"}}}, absl::Seconds(5), diags);
  EXPECT_TRUE(done.Rejected().empty());
  EXPECT_TRUE(diags.HasError());
  core::Diagnostics diags2;
  done = Run(Planned({"other"}, {}, {{"ep-1", "dom"}}),
             PolicyActions{true, {}, {{"ep-1", "pendingAcceptance"}}}, absl::Seconds(5), diags2);
  EXPECT_TRUE(done.Rejected().empty()) << "planned on a pending connection, now accepted";
  EXPECT_TRUE(diags2.HasError());
  std::lock_guard<std::mutex> lock(api_->mu);
  for (const testing::FakeApi::Conn& c : api_->conns) {
    EXPECT_NE(c.target, "rejected") << c.id << ": a reject was sent";
  }
}

}  // namespace
}  // namespace vpcep::resources
