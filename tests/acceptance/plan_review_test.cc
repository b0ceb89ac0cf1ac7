// Plans reviewers can trust, with the real CLI: a new approval plans its
// owner, marker id and creation time as known values; a typo fails the plan;
// a pinned owner guards plan and apply; a saved plan is not applied to a
// connection that changed hands since.
#include <cstdlib>

#include "absl/strings/match.h"
#include "tests/acceptance/terraform_fixture.h"

namespace vpcep::testing {
namespace {

std::string OneApproval(const std::string& service, const std::string& endpoint,
                        const std::string& extra = "") {
  return absl::StrCat("resource \"vpcep_connection_approval\" \"one\" {\n  service_id  = \"",
                      service, "\"\n  endpoint_id = \"", endpoint, "\"\n", extra, "}\n");
}

class PlanReviewTest : public TerraformTest {
 protected:
  // Plans into plan.tfplan; returns `terraform show -json` of it.
  nlohmann::json PlanJson(CliResult* result = nullptr) {
    CliResult r = Run({"plan", "-input=false", "-no-color", "-out=plan.tfplan"});
    if (result != nullptr) *result = r;
    if (r.code != 0) return nullptr;
    return ShowJson({"plan.tfplan"});
  }
  int64_t Stat(const char* group, const char* key) {
    auto s = sim_->Stats();
    return s.ok() ? (*s)[group].value(key, int64_t{0}) : -1;
  }
};

TEST_F(PlanReviewTest, PlanShowsWhoseEndpointIsLetInAndApplyKeepsIt) {
  auto service = sim_->AddService(true);
  auto endpoint = sim_->AddConnection(*service, "domain-reviewed");
  ASSERT_TRUE(endpoint.ok());
  WriteMain(OneApproval(*service, *endpoint));
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  CliResult plan;
  nlohmann::json p = PlanJson(&plan);
  ASSERT_EQ(plan.code, 0) << plan.out << plan.err;
  const nlohmann::json& change = p["resource_changes"][0]["change"];
  auto truth = sim_->GetConnection(*service, *endpoint);
  ASSERT_TRUE(truth.ok());
  EXPECT_EQ(change["after"]["domain_id"], "domain-reviewed");
  EXPECT_EQ(change["after"]["marker_id"], (*truth)["marker_id"]);
  EXPECT_EQ(change["after"]["created_at"], (*truth)["created_at"]);
  for (const char* key : {"domain_id", "marker_id", "created_at"}) {
    EXPECT_FALSE(change["after_unknown"].contains(key)) << key << " still unknown at plan";
  }
  // What the apply records is the status it sees, which a timeout can cut short.
  EXPECT_TRUE(change["after_unknown"].value("status", false));
  EXPECT_TRUE(change["after_unknown"].value("updated_at", false));
  EXPECT_NE(plan.out.find("domain-reviewed"), std::string::npos) << plan.out;

  CliResult apply = Run({"apply", "-input=false", "-no-color", "plan.tfplan"});
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;
  nlohmann::json state = ShowJson()["values"]["root_module"]["resources"][0]["values"];
  for (const char* key : {"domain_id", "marker_id", "created_at"}) {
    EXPECT_EQ(state[key], change["after"][key]) << key;
  }
  EXPECT_EQ(state["status"], "accepted");
}

TEST_F(PlanReviewTest, MistypedEndpointOrMissingServiceFailsThePlan) {
  auto service = sim_->AddService(true);
  ASSERT_TRUE(sim_->AddConnection(*service, "domain-a").ok());
  WriteMain(OneApproval(*service, "no-such-endpoint-42"));
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  CliResult r = Run({"plan", "-input=false", "-no-color"});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(Flat(r.err).find("no-such-endpoint-42"), std::string::npos) << r.err;
  EXPECT_NE(Flat(r.err).find("has no connection"), std::string::npos) << r.err;

  WriteMain(OneApproval("no-such-service-7", "no-such-endpoint-42"));
  r = Run({"plan", "-input=false", "-no-color"});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(Flat(r.err).find("no-such-service-7"), std::string::npos) << r.err;
  EXPECT_NE(Flat(r.err).find("EndPoint.2003"), std::string::npos) << "the API's code: " << r.err;
  EXPECT_NE(Flat(r.err).find("request id"), std::string::npos) << r.err;
  EXPECT_EQ(Stat("actions", "receive"), 0);
}

TEST_F(PlanReviewTest, PinnedOwnerGuardsThePlan) {
  auto service = sim_->AddService(true);
  auto endpoint = sim_->AddConnection(*service, "domain-real");
  ASSERT_TRUE(endpoint.ok());
  WriteMain(OneApproval(*service, *endpoint, "  domain_id   = \"domain-expected\"\n"));
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  CliResult r = Run({"plan", "-input=false", "-no-color"});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(Flat(r.err).find("belongs to account domain-real, not domain-expected"), std::string::npos)
      << r.err;

  WriteMain(OneApproval(*service, *endpoint, "  domain_id   = \"domain-real\"\n"));
  CliResult apply = Run({"apply", "-auto-approve", "-input=false", "-no-color"});
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;
  CliResult again = Run({"plan", "-detailed-exitcode", "-input=false", "-no-color"});
  EXPECT_EQ(again.code, 0) << again.out << again.err;
}

TEST_F(PlanReviewTest, SavedPlanIsNotAppliedToAConnectionThatChangedOwner) {
  auto service = sim_->AddService(true);
  auto endpoint = sim_->AddConnection(*service, "domain-reviewed");
  ASSERT_TRUE(endpoint.ok());
  WriteMain(OneApproval(*service, *endpoint));
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  CliResult plan;
  PlanJson(&plan);
  ASSERT_EQ(plan.code, 0) << plan.err;
  // The endpoint is deleted and another account's endpoint appears under the id.
  ASSERT_TRUE(sim_->DeleteConnection(*service, *endpoint).ok());
  ASSERT_TRUE(sim_->AddConnection(*service, "domain-stranger", "", *endpoint).ok());

  CliResult apply = Run({"apply", "-input=false", "-no-color", "plan.tfplan"});
  EXPECT_EQ(apply.code, 1) << apply.out;
  EXPECT_NE(Flat(apply.err).find("domain-reviewed"), std::string::npos) << apply.err;
  EXPECT_NE(Flat(apply.err).find("domain-stranger"), std::string::npos) << apply.err;
  EXPECT_EQ(Stat("actions", "receive"), 0) << "nothing may be sent";
  EXPECT_EQ((*sim_->GetConnection(*service, *endpoint))["status"], "pendingAcceptance");
}

TEST_F(PlanReviewTest, ImportOfAnEndpointWithoutConnectionNamesIt) {
  auto service = sim_->AddService(true);
  WriteMain(OneApproval(*service, "ghost-endpoint-9"));
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  CliResult r = Run({"import", "-input=false", "-no-color", "vpcep_connection_approval.one",
                     absl::StrCat(*service, "/ghost-endpoint-9")});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(Flat(r.err).find("ghost-endpoint-9"), std::string::npos) << r.err;
  EXPECT_NE(Flat(r.err).find(*service), std::string::npos) << r.err;

  // The same through an import block (Terraform >= 1.5).
  WriteMain(OneApproval(*service, "ghost-endpoint-9") +
            absl::StrCat("\nimport {\n  to = vpcep_connection_approval.one\n  id = \"", *service,
                         "/ghost-endpoint-9\"\n}\n"));
  r = Run({"plan", "-input=false", "-no-color"});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(Flat(r.err).find("ghost-endpoint-9"), std::string::npos) << r.err;
}

// A plan that cannot look the connection up fails, saying what failed: values
// it left unknown would be known, and different, when apply plans again.
TEST_F(PlanReviewTest, UnreachableApiAtPlanTimeFailsThePlanSayingWhatFailed) {
  auto service = sim_->AddService(true);
  auto endpoint = sim_->AddConnection(*service, "domain-a");
  ASSERT_TRUE(endpoint.ok());
  const std::string base = sim_->base_url();
  std::string config = OneApproval(*service, *endpoint);
  // A port nothing listens on (the simulator's, after it is gone).
  sim_.reset();
  std::ofstream(fs::path(dir_) / "work/main.tf")
      << "terraform {\n  required_providers {\n"
      << "    vpcep = { source = \"terraform.local/vpcep/vpcep\" }\n  }\n}\n\n"
      << "provider \"vpcep\" {\n  project_id  = \"" << SimulatorProcess::kProjectId << "\"\n"
      << "  endpoints   = { vpcep = \"" << base << "\" }\n  max_retries = 1\n}\n\n"
      << config;
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  CliResult plan = Run({"plan", "-input=false", "-no-color"});
  EXPECT_EQ(plan.code, 1) << plan.out << plan.err;
  EXPECT_NE(Flat(plan.err).find("Cannot look up"), std::string::npos) << plan.err;
  EXPECT_NE(Flat(plan.err).find("Nothing was sent"), std::string::npos) << plan.err;
}

TEST_F(PlanReviewTest, PlanOfManyNewApprovalsCostsOneListing) {
  auto service = sim_->AddService(true);
  std::vector<std::string> endpoints;
  for (int i = 0; i < 100; ++i) {
    auto e = sim_->AddConnection(*service, absl::StrCat("domain-", i % 3));
    ASSERT_TRUE(e.ok());
    endpoints.push_back(*e);
  }
  WriteConfig(*service, endpoints);
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  int64_t before = Stat("requests", "list");
  CliResult plan = Run({"plan", "-input=false", "-no-color"});
  ASSERT_EQ(plan.code, 0) << plan.err;
  EXPECT_EQ(Stat("requests", "list") - before, 1) << "one listing serves every plan";
}

TEST_F(PlanReviewTest, CiGateExampleRefusesAStrangersEndpoint) {
  if (std::system("command -v jq >/dev/null 2>&1") != 0) GTEST_SKIP() << "jq is not installed";
  auto service = sim_->AddService(true);
  auto trusted = sim_->AddConnection(*service, "domain-trusted");
  auto stranger = sim_->AddConnection(*service, "domain-stranger");
  ASSERT_TRUE(trusted.ok() && stranger.ok());
  std::ofstream(fs::path(dir_) / "allow.txt") << "# allowed\ndomain-trusted  # team A\n";
  const std::string gate = std::string(VPCEP_SOURCE_DIR) + "/examples/ci-gate/check-approvals.sh";
  auto check = [&](const std::vector<std::string>& endpoints) {
    WriteConfig(*service, endpoints);
    EXPECT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
    CliResult plan = Run({"plan", "-input=false", "-no-color", "-out=plan.tfplan"});
    EXPECT_EQ(plan.code, 0) << plan.err;
    CliResult shown = Run({"show", "-json", "plan.tfplan"});
    std::ofstream(fs::path(dir_) / "plan.json") << shown.out;
    SubprocessOptions sp;
    sp.argv = {gate, dir_ + "/plan.json", dir_ + "/allow.txt"};
    sp.env = CurrentEnvironment();
    return Finish(Subprocess::Start(sp));
  };
  CliResult allowed = check({*trusted});
  EXPECT_EQ(allowed.code, 0) << allowed.out << allowed.err;
  CliResult refused = check({*trusted, *stranger});
  EXPECT_EQ(refused.code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.out.find("domain-stranger"), std::string::npos) << refused.out;
  EXPECT_EQ(refused.out.find("domain-trusted,"), std::string::npos) << refused.out;
}

}  // namespace
}  // namespace vpcep::testing
