// Terraform 1.12–1.15 features with a real CLI: resource identity in the
// schema and in import blocks, `terraform query` discovery and the config it
// generates (Terraform >= 1.14: the suite's run on Terraform 1.15.9 covers
// them; runs on older CLIs or OpenTofu skip with a message), and destroy
// plans that name who loses access (any CLI with import blocks).
#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "tests/acceptance/terraform_fixture.h"

namespace vpcep::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class QueryAcceptanceTest : public TerraformTest {
 protected:
  void SetUp() override {
    TerraformTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    if (!TerraformAtLeast(1, 14)) {
      GTEST_SKIP() << cli_ << " is " << CliVersion()
                   << ": identity and `terraform query` need Terraform 1.14+ (set VPCEP_TF_CLI "
                      "to one, as CTest does with ../shared/tools/terraform)";
    }
    auto service = sim_->AddService(true);
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = *service;
  }

  void Init() {
    CliResult init = Run({"init", "-input=false", "-no-color"});
    ASSERT_EQ(init.code, 0) << init.out << init.err;
  }

  std::string AddAccepted(const std::string& domain) {
    auto e = sim_->AddConnection(service_, domain, "accepted");
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *e : "";
  }

  // Calls that change a connection: receive, reject, description updates.
  int Writes() {
    auto s = sim_->Stats();
    if (!s.ok()) return -1;
    return (*s)["actions"].value("receive", 0) + (*s)["actions"].value("reject", 0) +
           (*s)["requests"].value("description", 0);
  }

  std::string service_;
};

TEST_F(QueryAcceptanceTest, ProvidersSchemaShowsTheIdentityAndTheListResource) {
  WriteMain("");
  ASSERT_NO_FATAL_FAILURE(Init());
  CliResult r = Run({"providers", "schema", "-json"});
  ASSERT_EQ(r.code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  const nlohmann::json& p = j["provider_schemas"]["terraform.local/vpcep/vpcep"];
  const nlohmann::json& id = p["resource_identity_schemas"]["vpcep_connection_approval"];
  ASSERT_TRUE(id.is_object()) << p.dump(2).substr(0, 2000);
  EXPECT_EQ(id.value("version", -1), 0);
  for (const char* attr : {"service_id", "endpoint_id"}) {
    EXPECT_EQ(id["attributes"][attr]["type"], "string") << attr;
    EXPECT_EQ(id["attributes"][attr].value("required_for_import", false), true) << attr;
  }
  EXPECT_EQ(id["attributes"].size(), 2u);
  EXPECT_TRUE(p["list_resource_schemas"].contains("vpcep_connection_approval"))
      << p.dump(2).substr(0, 2000);
}

TEST_F(QueryAcceptanceTest, ImportBlockByIdentityImportsAndApplies) {
  const std::string endpoint = AddAccepted("domain-1");
  WriteMain(absl::StrCat("resource \"vpcep_connection_approval\" \"a\" {\n", "  service_id  = \"",
                         service_, "\"\n", "  endpoint_id = \"", endpoint, "\"\n}\n\n",
                         "import {\n  to       = vpcep_connection_approval.a\n",
                         "  identity = {\n    service_id  = \"", service_, "\"\n",
                         "    endpoint_id = \"", endpoint, "\"\n  }\n}\n"));
  ASSERT_NO_FATAL_FAILURE(Init());
  CliResult plan = Run({"plan", "-input=false", "-no-color", "-out=import.tfplan"});
  ASSERT_EQ(plan.code, 0) << plan.out << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("Plan: 1 to import, 0 to add, 0 to change, 0 to destroy."));
  CliResult apply = Run({"apply", "-input=false", "-no-color", "import.tfplan"});
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;
  EXPECT_THAT(apply.out, HasSubstr("1 imported, 0 added, 0 changed, 0 destroyed"));
  EXPECT_EQ(Writes(), 0);
  // State keeps the identity; the next plan is empty.
  nlohmann::json state = ShowJson();
  const nlohmann::json& res = state["values"]["root_module"]["resources"][0];
  EXPECT_EQ(res["identity"]["endpoint_id"], endpoint) << res.dump(2);
  EXPECT_EQ(res["identity"]["service_id"], service_);
  CliResult again = Run({"plan", "-input=false", "-no-color", "-detailed-exitcode"});
  EXPECT_EQ(again.code, 0) << again.out << again.err;
}

// The adoption path of docs/guides/adopting-with-terraform-query.md.
TEST_F(QueryAcceptanceTest, QueryListsAcceptedConnectionsAndItsConfigAdoptsThem) {
  std::set<std::string> accepted;
  for (const char* d : {"domain-1", "domain-2", "domain-1"}) accepted.insert(AddAccepted(d));
  std::set<std::string> pending;
  for (int i = 0; i < 2; ++i) {
    auto e = sim_->AddConnection(service_, "domain-9");
    ASSERT_TRUE(e.ok());
    pending.insert(*e);
  }
  WriteMain("");
  std::ofstream(fs::path(dir_) / "work/discover.tfquery.hcl")
      << "list \"vpcep_connection_approval\" \"found\" {\n  provider = vpcep\n"
      << "  config {\n    service_id = \"" << service_ << "\"\n  }\n}\n";
  ASSERT_NO_FATAL_FAILURE(Init());

  CliResult query = Run({"query", "-no-color"});
  ASSERT_EQ(query.code, 0) << query.out << query.err;
  for (const std::string& e : accepted) EXPECT_THAT(query.out, HasSubstr(e));
  for (const std::string& e : pending) EXPECT_THAT(query.out, Not(HasSubstr(e)));
  EXPECT_THAT(query.out, HasSubstr("domain-2"));

  CliResult gen = Run({"query", "-no-color", "-generate-config-out=generated.tf"});
  ASSERT_EQ(gen.code, 0) << gen.out << gen.err;
  std::ifstream in(fs::path(dir_) / "work/generated.tf");
  std::string generated((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const std::string& e : accepted) EXPECT_THAT(generated, HasSubstr(e));
  // Nothing computed, no empty description; Terraform itself writes an
  // optional argument left unset as `= null`.
  for (const char* computed : {"domain_id", "marker_id", "status", "created_at", "updated_at",
                               "description", "timeouts", " id "}) {
    EXPECT_THAT(generated, Not(HasSubstr(absl::StrCat(computed, " ")))) << generated;
  }
  EXPECT_THAT(generated, HasSubstr("reject_on_delete = null"));
  EXPECT_THAT(generated, HasSubstr("identity = {"));
  // Terraform cannot plan with the query file beside the generated one in
  // the same way; move the query away as the guide says.
  fs::remove(fs::path(dir_) / "work/discover.tfquery.hcl");
  CliResult plan = Run({"plan", "-input=false", "-no-color", "-out=adopt.tfplan"});
  ASSERT_EQ(plan.code, 0) << plan.out << plan.err << "\n" << generated;
  EXPECT_THAT(plan.out, HasSubstr("Plan: 3 to import, 0 to add, 0 to change, 0 to destroy."))
      << generated;
  CliResult apply = Run({"apply", "-input=false", "-no-color", "adopt.tfplan"});
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;
  EXPECT_EQ(Writes(), 0) << "adoption sends nothing to the API";
  CliResult again = Run({"plan", "-input=false", "-no-color", "-detailed-exitcode"});
  EXPECT_EQ(again.code, 0) << again.out << again.err;
}

// Destroy plans come from every CLI that plans destroys (Terraform 1.3+,
// OpenTofu); the test's import blocks need 1.5.
class DestroyPlanTest : public QueryAcceptanceTest {
 protected:
  void SetUp() override {
    TerraformTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    if (!CliAtLeast(1, 5)) {
      GTEST_SKIP() << cli_ << " is " << CliVersion() << ": the test's import blocks need 1.5+";
    }
    auto service = sim_->AddService(true);
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = *service;
  }
};

TEST_F(DestroyPlanTest, WarnsNamingTheOwnerThatLosesAccess) {
  const std::string endpoint = AddAccepted("domain-owner-42");
  const std::string kept = AddAccepted("domain-owner-43");
  WriteMain(absl::StrCat(
      "resource \"vpcep_connection_approval\" \"cut\" {\n", "  service_id  = \"", service_, "\"\n",
      "  endpoint_id = \"", endpoint, "\"\n}\n\n",
      "resource \"vpcep_connection_approval\" \"kept\" {\n", "  service_id       = \"", service_,
      "\"\n", "  endpoint_id      = \"", kept, "\"\n", "  reject_on_delete = false\n}\n\n",
      "import {\n  to = vpcep_connection_approval.cut\n", "  id = \"", service_, "/", endpoint,
      "\"\n}\n", "import {\n  to = vpcep_connection_approval.kept\n", "  id = \"", service_, "/",
      kept, "\"\n}\n"));
  ASSERT_NO_FATAL_FAILURE(Init());
  CliResult apply = Run({"apply", "-input=false", "-no-color", "-auto-approve"});
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;
  CliResult plan = Run({"plan", "-destroy", "-input=false", "-no-color"});
  ASSERT_EQ(plan.code, 0) << plan.out << plan.err;
  const std::string all = Flat(plan.out + plan.err);
  EXPECT_THAT(all, HasSubstr(absl::StrCat("Warning: Destroy rejects endpoint ", endpoint,
                                          " of account domain-owner-42")));
  EXPECT_THAT(all, Not(HasSubstr(absl::StrCat("Destroy rejects endpoint ", kept))))
      << "reject_on_delete = false: no warning";
  EXPECT_EQ(all.find("Warning:"), all.rfind("Warning:")) << "one warning";
  EXPECT_EQ(Writes(), 0) << "a plan sends nothing";
}

}  // namespace
}  // namespace vpcep::testing
