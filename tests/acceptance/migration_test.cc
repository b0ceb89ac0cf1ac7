// The part of docs/guides/migrating-from-huaweicloud-vpcep-approval.md that
// involves only this provider: connections accepted earlier (by the old
// resource) are adopted through `import` blocks with `for_each`; the plan
// shows only imports, the apply sends nothing to the API, and the next plan
// is empty.
#include <cstdio>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "tests/acceptance/terraform_fixture.h"

namespace vpcep::testing {
namespace {

class MigrationTest : public TerraformTest {
 protected:
  void SetUp() override {
    TerraformTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    CliResult r = Run({"version", "-json"});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    nlohmann::json v = nlohmann::json::parse(r.out, nullptr, false);
    std::string version = v.is_object() ? v.value("terraform_version", "") : "";
    std::vector<std::string> parts = absl::StrSplit(version, '.');
    int major = 0, minor = 0;
    ASSERT_TRUE(parts.size() >= 2 && absl::SimpleAtoi(parts[0], &major) &&
                absl::SimpleAtoi(parts[1], &minor))
        << "cannot read the version of " << cli_ << ": " << r.out;
    if (std::make_pair(major, minor) < std::make_pair(1, 7)) {
      GTEST_SKIP() << cli_ << " " << version << " has no `import` blocks with `for_each` "
                   << "(Terraform 1.7+): migration test skipped";
    }
  }

  // The guide's configuration, with the old resource already gone.
  void WriteMigration(const std::string& service, const std::vector<std::string>& endpoints) {
    std::string list;
    for (const auto& e : endpoints) absl::StrAppend(&list, list.empty() ? "" : ", ", "\"", e, "\"");
    WriteMain(absl::StrCat(
        "variable \"service_id\" {\n  type    = string\n  default = \"", service, "\"\n}\n\n",
        "variable \"endpoint_ids\" {\n  type    = set(string)\n  default = [", list, "]\n}\n\n",
        "resource \"vpcep_connection_approval\" \"this\" {\n", "  for_each    = var.endpoint_ids\n",
        "  service_id  = var.service_id\n", "  endpoint_id = each.value\n}\n\n", "import {\n",
        "  for_each = var.endpoint_ids\n",
        "  to       = vpcep_connection_approval.this[each.value]\n",
        "  id       = \"${var.service_id}/${each.value}\"\n}\n"));
  }

  // Calls that change a connection: receive, reject, description updates.
  int Writes() {
    auto s = sim_->Stats();
    if (!s.ok()) return -1;
    return (*s)["actions"].value("receive", 0) + (*s)["actions"].value("reject", 0) +
           (*s)["requests"].value("description", 0);
  }
};

TEST_F(MigrationTest, ImportBlocksWithForEachAdoptAcceptedConnectionsWithoutActions) {
  auto service = sim_->AddService(true);
  ASSERT_TRUE(service.ok()) << service.status();
  std::vector<std::string> endpoints;
  for (int i = 0; i < 3; ++i) {
    auto e = sim_->AddConnection(*service, absl::StrCat("domain-", i), "accepted");
    ASSERT_TRUE(e.ok()) << e.status();
    endpoints.push_back(*e);
  }
  // A pending connection the configuration does not name stays pending.
  auto bystander = sim_->AddConnection(*service, "domain-other");
  ASSERT_TRUE(bystander.ok());
  WriteMigration(*service, endpoints);
  CliResult init = Run({"init", "-input=false", "-no-color"});
  ASSERT_EQ(init.code, 0) << init.out << init.err;

  CliResult plan = Run({"plan", "-input=false", "-no-color", "-out=migrate.tfplan"});
  ASSERT_EQ(plan.code, 0) << plan.out << plan.err;
  EXPECT_NE(plan.out.find("Plan: 3 to import, 0 to add, 0 to change, 0 to destroy."),
            std::string::npos)
      << plan.out;
  nlohmann::json p = ShowJson({"migrate.tfplan"});
  ASSERT_TRUE(p["resource_changes"].is_array()) << p.dump();
  std::set<std::string> imported;
  for (const nlohmann::json& rc : p["resource_changes"]) {
    EXPECT_EQ(rc["change"]["actions"], nlohmann::json::array({"no-op"})) << rc.dump();
    const nlohmann::json& importing = rc["change"]["importing"];
    ASSERT_TRUE(importing.is_object()) << "not an import: " << rc.dump();
    imported.insert(importing.value("id", ""));
  }
  std::set<std::string> expected;
  for (const auto& e : endpoints) expected.insert(absl::StrCat(*service, "/", e));
  EXPECT_EQ(imported, expected);

  CliResult apply = Run({"apply", "-input=false", "-no-color", "migrate.tfplan"});
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;
  EXPECT_NE(apply.out.find("Resources: 3 imported, 0 added, 0 changed, 0 destroyed."),
            std::string::npos)
      << apply.out;
  EXPECT_EQ(Writes(), 0) << "the migration sent a receive, reject or description update";

  nlohmann::json shown = ShowJson();
  const nlohmann::json& resources = shown["values"]["root_module"]["resources"];
  ASSERT_TRUE(resources.is_array()) << shown.dump();
  ASSERT_EQ(resources.size(), endpoints.size());
  for (const nlohmann::json& r : resources) {
    const nlohmann::json& v = r["values"];
    EXPECT_EQ(v["status"], "accepted");
    EXPECT_EQ(v["id"], absl::StrCat(*service, "/", v["endpoint_id"].get<std::string>()));
    EXPECT_EQ(r["index"], v["endpoint_id"]);
  }

  CliResult again = Run({"plan", "-detailed-exitcode", "-input=false", "-no-color"});
  EXPECT_EQ(again.code, 0) << "the plan after the migration must be empty:\n"
                           << again.out << again.err;
  EXPECT_EQ(Writes(), 0);
  for (const auto& e : endpoints) {
    EXPECT_EQ((*sim_->GetConnection(*service, e))["status"], "accepted") << e;
  }
  EXPECT_EQ((*sim_->GetConnection(*service, *bystander))["status"], "pendingAcceptance");
}

// The guide says an endpoint that is not accepted cannot be imported: the
// plan fails naming it and its status, and nothing is sent.
TEST_F(MigrationTest, ImportOfAConnectionNotAcceptedFailsThePlanNamingIt) {
  auto service = sim_->AddService(true);
  auto accepted = sim_->AddConnection(*service, "domain-a", "accepted");
  auto pending = sim_->AddConnection(*service, "domain-p");
  ASSERT_TRUE(accepted.ok() && pending.ok());
  WriteMigration(*service, {*accepted, *pending});
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);

  CliResult plan = Run({"plan", "-input=false", "-no-color"});
  EXPECT_NE(plan.code, 0) << plan.out;
  const std::string err = Flat(plan.err);
  EXPECT_NE(err.find(absl::StrCat("Cannot import ", *service, "/", *pending)), std::string::npos)
      << plan.err;
  EXPECT_NE(err.find("is pendingAcceptance, not accepted"), std::string::npos) << plan.err;
  EXPECT_EQ(plan.err.find(absl::StrCat("this[\"", *accepted, "\"]")), std::string::npos)
      << "an error about the accepted connection:\n"
      << plan.err;
  EXPECT_EQ(Writes(), 0);
  EXPECT_EQ((*sim_->GetConnection(*service, *pending))["status"], "pendingAcceptance");
}

}  // namespace
}  // namespace vpcep::testing
