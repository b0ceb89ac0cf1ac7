// Day 2 with the real CLI: what happens after the first apply never blocks
// the workspace and never cuts a consumer off. A deleted endpoint leaves
// state with a warning and is planned as new with a warning; a create whose
// wait runs out is tracked, untainted, and finished by the next apply; a
// reject made elsewhere is a change of status, restored in place; an API
// failure while apply plans again is reported in the provider's words. (A
// reject made elsewhere: terraform_test.cc.)
#include "absl/strings/match.h"
#include "tests/acceptance/terraform_fixture.h"

namespace vpcep::testing {
namespace {

class DayTwoTest : public TerraformTest {
 protected:
  // Resources in `terraform show -json` of the state.
  nlohmann::json StateResources() { return ShowJson()["values"]["root_module"]["resources"]; }
  std::string Status(const std::string& service, const std::string& endpoint) {
    auto c = sim_->GetConnection(service, endpoint);
    return c.ok() ? (*c)["status"].get<std::string>() : "absent";
  }
};

TEST_F(DayTwoTest, VanishedEndpointWarnsAndNeverBlocksPlanApplyOrDestroy) {
  auto service = sim_->AddService(true);
  auto gone = sim_->AddConnection(*service, "domain-a");
  auto other = sim_->AddConnection(*service, "domain-b");
  ASSERT_TRUE(gone.ok() && other.ok());
  WriteConfig(*service, {*gone});
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  CliResult first = Run({"apply", "-auto-approve", "-input=false", "-no-color"});
  ASSERT_EQ(first.code, 0) << first.out << first.err;

  // The consumer deletes its endpoint while another approval is added.
  ASSERT_TRUE(sim_->DeleteConnection(*service, *gone).ok());
  WriteConfig(*service, {*gone, *other});
  CliResult plan = Run({"plan", "-detailed-exitcode", "-input=false", "-no-color"});
  EXPECT_EQ(plan.code, 2) << plan.out << plan.err;
  EXPECT_TRUE(
      absl::StrContains(Flat(plan.out + plan.err), absl::StrCat("Endpoint ", *gone, " is gone")))
      << plan.out << plan.err;

  CliResult apply = Run({"apply", "-auto-approve", "-input=false", "-no-color"});
  EXPECT_EQ(apply.code, 1) << "the vanished one cannot be approved:\n" << apply.out;
  EXPECT_TRUE(absl::StrContains(Flat(apply.err), *gone)) << apply.err;
  EXPECT_EQ(Status(*service, *other), "accepted") << "the rest applies";

  CliResult destroy = Run({"destroy", "-auto-approve", "-input=false", "-no-color"});
  EXPECT_EQ(destroy.code, 0) << destroy.out << destroy.err;
  EXPECT_EQ(Status(*service, *other), "rejected");
  EXPECT_EQ(StateResources().size(), 0u);
}

TEST_F(DayTwoTest, CreateTimeoutNeverRejectsAndTheNextApplyFinishesTheWait) {
  ASSERT_NO_FATAL_FAILURE(StartSimulator({"--transition-delay", "6s"}));
  auto service = sim_->AddService(true);
  ASSERT_TRUE(service.ok());
  std::vector<std::string> endpoints;
  std::string body;
  for (int i = 0; i < 3; ++i) {
    auto e = sim_->AddConnection(*service, absl::StrCat("domain-", i));
    ASSERT_TRUE(e.ok());
    endpoints.push_back(*e);
    absl::StrAppend(&body, "resource \"vpcep_connection_approval\" \"a", i,
                    "\" {\n  service_id  = \"", *service, "\"\n  endpoint_id = \"", *e,
                    "\"\n  timeouts {\n    create = \"2s\"\n  }\n}\n");
  }
  WriteMain(body);
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  CliResult first = Run({"apply", "-auto-approve", "-input=false", "-no-color"});
  EXPECT_EQ(first.code, 0) << "a warning, not an error:\n" << first.out << first.err;
  EXPECT_TRUE(absl::StrContains(Flat(first.out + first.err), "not confirmed"))
      << first.out << first.err;
  nlohmann::json resources = StateResources();
  ASSERT_EQ(resources.size(), 3u);
  for (const nlohmann::json& r : resources) {
    EXPECT_FALSE(r.value("tainted", false)) << r.dump();
    EXPECT_EQ(r["values"]["status"], "creating") << "the status last seen";
  }

  CliResult second = Run({"apply", "-auto-approve", "-input=false", "-no-color"});
  ASSERT_EQ(second.code, 0) << second.out << second.err;
  EXPECT_TRUE(absl::StrContains(Flat(second.out), "\"creating\" -> \"accepted\"")) << second.out;
  EXPECT_EQ(Action("reject"), 0);
  EXPECT_EQ(Action("receive"), 3) << "one receive per endpoint";
  for (const std::string& e : endpoints) EXPECT_EQ(Status(*service, e), "accepted") << e;
  CliResult after = Run({"plan", "-detailed-exitcode", "-input=false", "-no-color"});
  EXPECT_EQ(after.code, 0) << after.out << after.err;
}

// Issue 22.5: apply plans again; when the lookup fails then, the apply stops
// before any action with the API's code and request id, not with
// Terraform's "Provider produced inconsistent final plan".
TEST_F(DayTwoTest, ApiFailureWhileApplyPlansAgainIsReportedInTheProvidersWords) {
  auto service = sim_->AddService(true);
  auto endpoint = sim_->AddConnection(*service, "domain-reviewed");
  ASSERT_TRUE(endpoint.ok());
  std::ofstream(fs::path(dir_) / "work/main.tf")
      << "terraform {\n  required_providers {\n"
      << "    vpcep = { source = \"terraform.local/vpcep/vpcep\" }\n  }\n}\n\n"
      << "provider \"vpcep\" {\n  project_id  = \"" << SimulatorProcess::kProjectId << "\"\n"
      << "  endpoints   = { vpcep = \"" << sim_->base_url() << "\" }\n  max_retries = 1\n}\n\n"
      << "resource \"vpcep_connection_approval\" \"one\" {\n  service_id  = \"" << *service
      << "\"\n  endpoint_id = \"" << *endpoint << "\"\n}\n";
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  CliResult plan = Run({"plan", "-input=false", "-no-color", "-out=plan.tfplan"});
  ASSERT_EQ(plan.code, 0) << plan.out << plan.err;

  ASSERT_TRUE(sim_->SetFaults({{"rates", {{"503", 1.0}}}, {"operations", {"list"}}}).ok());
  CliResult apply = Run({"apply", "-input=false", "-no-color", "plan.tfplan"});
  EXPECT_EQ(apply.code, 1) << apply.out;
  const std::string err = Flat(apply.err);
  EXPECT_FALSE(absl::StrContains(err, "inconsistent final plan")) << apply.err;
  EXPECT_TRUE(absl::StrContains(err, "Cannot look up")) << apply.err;
  EXPECT_TRUE(absl::StrContains(err, "HTTP 503")) << apply.err;
  EXPECT_TRUE(absl::StrContains(err, "request id")) << apply.err;
  EXPECT_TRUE(absl::StrContains(err, "Nothing was sent")) << apply.err;
  ASSERT_TRUE(sim_->ClearFaults().ok());
  EXPECT_EQ(Action("receive"), 0);
  EXPECT_EQ(Status(*service, *endpoint), "pendingAcceptance");
}

}  // namespace
}  // namespace vpcep::testing
