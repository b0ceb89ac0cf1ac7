// vpcep_connection_policy with the real CLI: the plan lists every receive and
// reject the apply sends, as known values; the apply sends exactly those; a
// connection that appears later waits for the next plan; removing an account
// with revocation on rejects its connections; destroy by default sends
// nothing; a receive that fails is left out of state, with an error naming it.
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/acceptance/terraform_fixture.h"

namespace vpcep::testing {
namespace {

std::string Policy(const std::string& service, const std::string& domains,
                   const std::string& extra) {
  return absl::StrCat("resource \"vpcep_connection_policy\" \"this\" {\n  service_id = \"", service,
                      "\"\n  domain_ids = [", domains, "]\n", extra, "}\n");
}

using Owners = std::map<std::string, std::string>;

// CLI output with the diagnostics' box drawing and line breaks folded away.
std::string Plain(std::string text) {
  for (size_t p = text.find("\u2502"); p != std::string::npos; p = text.find("\u2502", p)) {
    text.replace(p, std::string("\u2502").size(), " ");
  }
  return Flat(text);
}

Owners MapOf(const nlohmann::json& j) {
  Owners out;
  if (!j.is_object()) return out;
  for (auto it = j.begin(); it != j.end(); ++it) out[it.key()] = it.value();
  return out;
}

class ConnectionPolicyTest : public TerraformTest {
 protected:
  // Plans into plan.tfplan; the planned values of the policy.
  nlohmann::json Plan(CliResult& r) {
    r = Run({"plan", "-input=false", "-no-color", "-out=plan.tfplan"});
    if (r.code != 0) return nullptr;
    nlohmann::json p = ShowJson({"plan.tfplan"});
    for (const nlohmann::json& rc : p["resource_changes"]) {
      if (rc["type"] == "vpcep_connection_policy") return rc["change"];
    }
    return nullptr;
  }
  std::string Status(const std::string& service, const std::string& endpoint) {
    auto c = sim_->GetConnection(service, endpoint);
    return c.ok() && c->is_object() ? c->value("status", "") : "<absent>";
  }
};

TEST_F(ConnectionPolicyTest, ThePlanIsTheReviewAndTheApplySendsExactlyIt) {
  auto service = sim_->AddService(true);
  ASSERT_TRUE(service.ok());
  auto a = sim_->AddConnection(*service, "dom-a");
  auto b = sim_->AddConnection(*service, "dom-b");
  auto c = sim_->AddConnection(*service, "dom-c");
  auto s = sim_->AddConnection(*service, "dom-s", "accepted");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok() && s.ok());
  WriteMain(Policy(*service, "\"dom-a\", \"dom-b\"", "  reject_pending = true\n"));
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);

  CliResult r;
  nlohmann::json change = Plan(r);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(MapOf(change["after"]["accepted"]), (Owners{{*a, "dom-a"}, {*b, "dom-b"}}));
  EXPECT_EQ(MapOf(change["after"]["rejected"]), (Owners{{*c, "dom-c"}}));
  EXPECT_FALSE(change["after_unknown"].contains("accepted")) << change.dump();
  EXPECT_FALSE(change["after_unknown"].contains("rejected")) << change.dump();
  EXPECT_NE(Plain(r.out).find("2 receive(s) and 1 reject(s)"), std::string::npos) << r.out;
  EXPECT_EQ(Action("receive"), 0) << "a plan sends nothing";
  EXPECT_EQ(Action("reject"), 0);

  CliResult apply = Run({"apply", "-input=false", "-no-color", "plan.tfplan"});
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;
  EXPECT_EQ(Action("receive"), 2);
  EXPECT_EQ(Action("reject"), 1);
  EXPECT_EQ(Status(*service, *a), "accepted");
  EXPECT_EQ(Status(*service, *b), "accepted");
  EXPECT_EQ(Status(*service, *c), "rejected");
  EXPECT_EQ(Status(*service, *s), "accepted") << "an accepted stranger stays without revocation";
  CliResult same = Run({"plan", "-detailed-exitcode", "-input=false", "-no-color"});
  EXPECT_EQ(same.code, 0) << "nothing left to do: " << same.out << same.err;

  // A new pending connection of a: the next plan shows one receive.
  auto a2 = sim_->AddConnection(*service, "dom-a");
  ASSERT_TRUE(a2.ok());
  change = Plan(r);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(MapOf(change["after"]["accepted"]),
            (Owners{{*a, "dom-a"}, {*a2, "dom-a"}, {*b, "dom-b"}}));
  EXPECT_NE(Plain(r.out).find("1 receive(s) and 0 reject(s)"), std::string::npos) << r.out;
  // One more appears after the plan: the saved plan leaves it for the next.
  auto a3 = sim_->AddConnection(*service, "dom-a");
  ASSERT_TRUE(a3.ok());
  apply = Run({"apply", "-input=false", "-no-color", "plan.tfplan"});
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;
  EXPECT_EQ(Action("receive"), 3);
  EXPECT_EQ(Status(*service, *a3), "pendingAcceptance");

  // b removed, revocation on: the plan shows b's (and the stranger's) rejects.
  WriteMain(Policy(*service, "\"dom-a\"", "  reject_pending  = true\n  revoke_accepted = true\n"));
  change = Plan(r);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(MapOf(change["after"]["accepted"]),
            (Owners{{*a, "dom-a"}, {*a2, "dom-a"}, {*a3, "dom-a"}}));
  EXPECT_EQ(MapOf(change["after"]["rejected"]),
            (Owners{{*b, "dom-b"}, {*c, "dom-c"}, {*s, "dom-s"}}));
  apply = Run({"apply", "-input=false", "-no-color", "plan.tfplan"});
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;
  EXPECT_EQ(Action("receive"), 4);
  EXPECT_EQ(Action("reject"), 3);
  EXPECT_EQ(Status(*service, *b), "rejected");
  EXPECT_EQ(Status(*service, *s), "rejected");
  EXPECT_EQ(Status(*service, *a), "accepted");

  // Destroy with the default sends nothing.
  CliResult destroy = Run({"destroy", "-auto-approve", "-input=false", "-no-color"});
  ASSERT_EQ(destroy.code, 0) << destroy.out << destroy.err;
  EXPECT_EQ(Action("receive"), 4);
  EXPECT_EQ(Action("reject"), 3);
  EXPECT_EQ(Status(*service, *a), "accepted");
}

// Between plan and apply someone else accepts a stranger's connection the
// plan rejects: the apply skips that reject with an error naming it, and
// does the rest.
TEST_F(ConnectionPolicyTest, AConnectionThatChangedAfterThePlanIsSkipped) {
  auto service = sim_->AddService(true);
  ASSERT_TRUE(service.ok());
  auto a = sim_->AddConnection(*service, "dom-a");
  ASSERT_TRUE(a.ok());
  WriteMain(Policy(*service, "\"dom-a\"", ""));
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  CliResult apply = Run({"apply", "-auto-approve", "-input=false", "-no-color"});
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;

  auto a2 = sim_->AddConnection(*service, "dom-a");
  auto c = sim_->AddConnection(*service, "dom-c");
  ASSERT_TRUE(a2.ok() && c.ok());
  WriteMain(Policy(*service, "\"dom-a\"", "  reject_pending = true\n"));
  CliResult r;
  nlohmann::json change = Plan(r);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(MapOf(change["after"]["rejected"]), (Owners{{*c, "dom-c"}}));
  ASSERT_TRUE(sim_->SetStatus(*service, *c, "accepted").ok());

  apply = Run({"apply", "-input=false", "-no-color", "plan.tfplan"});
  EXPECT_EQ(apply.code, 1) << apply.out;
  EXPECT_NE(Flat(apply.err).find(absl::StrCat("Reject of ", *c, " skipped")), std::string::npos)
      << apply.err;
  EXPECT_EQ(Action("reject"), 0) << "nothing sent for a connection that changed";
  EXPECT_EQ(Status(*service, *c), "accepted");
  EXPECT_EQ(Status(*service, *a2), "accepted");
  nlohmann::json state = ShowJson()["values"]["root_module"]["resources"][0]["values"];
  EXPECT_EQ(MapOf(state["accepted"]), (Owners{{*a, "dom-a"}, {*a2, "dom-a"}}));
  EXPECT_EQ(MapOf(state["rejected"]), Owners{});
}

// One receive fails: the others are recorded, the failed one is not, and the
// error names it; the next plan proposes nothing for a failed connection.
TEST_F(ConnectionPolicyTest, APartialFailureLeavesStateExact) {
  auto service = sim_->AddService(true);
  ASSERT_TRUE(service.ok());
  auto good = sim_->AddConnection(*service, "dom-a");
  auto bad = sim_->AddConnection(*service, "dom-a");
  ASSERT_TRUE(good.ok() && bad.ok());
  ASSERT_TRUE(sim_->FailOnReceive(*service, *bad).ok());
  WriteMain(Policy(*service, "\"dom-a\"", ""));
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  CliResult apply = Run({"apply", "-auto-approve", "-input=false", "-no-color"});
  EXPECT_EQ(apply.code, 1) << apply.out;
  EXPECT_NE(Flat(apply.err).find(*bad), std::string::npos) << apply.err;
  nlohmann::json state = ShowJson()["values"]["root_module"]["resources"][0]["values"];
  EXPECT_EQ(MapOf(state["accepted"]), (Owners{{*good, "dom-a"}})) << state.dump();
  EXPECT_EQ(Status(*service, *good), "accepted");
  EXPECT_EQ(Status(*service, *bad), "failed");
}

}  // namespace
}  // namespace vpcep::testing
