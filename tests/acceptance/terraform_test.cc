// Acceptance: the real `terraform` (or `tofu`) CLI found on PATH drives the
// provider, installed from a filesystem mirror, against the simulator.
// Skipped, with a message, when neither CLI is installed.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/simulator_process.h"
#include "tests/support/subprocess.h"

namespace vpcep::testing {
namespace {

namespace fs = std::filesystem;

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

class TerraformTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cli_ = FindOnPath("terraform");
    if (cli_.empty()) cli_ = FindOnPath("tofu");
    if (cli_.empty()) GTEST_SKIP() << "neither terraform nor tofu is on PATH: acceptance skipped";

    auto sim = SimulatorProcess::Start(VPCEP_SIM_BINARY, {"--transition-delay", "200ms"});
    ASSERT_TRUE(sim.ok()) << sim.status();
    sim_ = *std::move(sim);

    char tmpl[] = "/tmp/vpcep-acceptance-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    // Filesystem mirror in Terraform's unpacked layout.
    fs::path plugin_dir = fs::path(dir_) / "mirror/terraform.local/vpcep/vpcep" / VPCEP_VERSION /
                          "linux_amd64";
    fs::create_directories(plugin_dir);
    fs::copy_file(VPCEP_PROVIDER_BINARY,
                  plugin_dir / absl::StrCat("terraform-provider-vpcep_v", VPCEP_VERSION));
    std::ofstream(fs::path(dir_) / "cli.tfrc")
        << "provider_installation {\n"
        << "  filesystem_mirror {\n    path    = \"" << dir_ << "/mirror\"\n"
        << "    include = [\"terraform.local/*/*\"]\n  }\n"
        << "  direct {\n    exclude = [\"terraform.local/*/*\"]\n  }\n}\n";
    fs::create_directories(fs::path(dir_) / "work");
  }

  void TearDown() override {
    if (!dir_.empty() && !HasFailure()) fs::remove_all(dir_);
  }

  std::string ProviderBlock() {
    return absl::StrCat(
        "terraform {\n  required_providers {\n",
        "    vpcep = { source = \"terraform.local/vpcep/vpcep\" }\n  }\n}\n\n",
        "provider \"vpcep\" {\n  project_id = \"", SimulatorProcess::kProjectId, "\"\n",
        "  endpoints  = { vpcep = \"", sim_->base_url(), "\" }\n}\n\n");
  }

  void WriteMain(const std::string& body) {
    std::ofstream(fs::path(dir_) / "work/main.tf") << ProviderBlock() << body;
  }

  nlohmann::json ShowJson(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"show", "-json"};
    args.insert(args.end(), extra.begin(), extra.end());
    CliResult r = Run(args);
    EXPECT_EQ(r.code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }

  void WriteConfig(const std::string& service_id, const std::vector<std::string>& endpoints) {
    std::string list;
    for (const auto& e : endpoints) absl::StrAppend(&list, list.empty() ? "" : ", ", "\"", e, "\"");
    std::ofstream(fs::path(dir_) / "work/main.tf")
        << "terraform {\n  required_providers {\n"
        << "    vpcep = { source = \"terraform.local/vpcep/vpcep\" }\n  }\n}\n\n"
        << "provider \"vpcep\" {\n"
        << "  project_id = \"" << SimulatorProcess::kProjectId << "\"\n"
        << "  endpoints  = { vpcep = \"" << sim_->base_url() << "\" }\n}\n\n"
        << "resource \"vpcep_connection_approval\" \"this\" {\n"
        << "  for_each    = toset([" << list << "])\n"
        << "  service_id  = \"" << service_id << "\"\n"
        << "  endpoint_id = each.value\n}\n";
  }

  CliResult Run(std::vector<std::string> args) {
    SubprocessOptions sp;
    sp.argv = {cli_};
    sp.argv.insert(sp.argv.end(), args.begin(), args.end());
    sp.env = CurrentEnvironment();
    sp.env["TF_CLI_CONFIG_FILE"] = dir_ + "/cli.tfrc";
    sp.env["TF_IN_AUTOMATION"] = "1";
    sp.env["CHECKPOINT_DISABLE"] = "1";
    sp.env["HW_AUTH_TOKEN"] = SimulatorProcess::kToken;  // secrets via the environment
    sp.env.erase("TF_PLUGIN_CACHE_DIR");
    sp.env.erase("TF_LOG");
    sp.working_dir = dir_ + "/work";
    CliResult r;
    auto p = Subprocess::Start(sp);
    if (!p.ok()) return r;
    r.out = (*p)->ReadRest(absl::Minutes(5));
    r.code = (*p)->Wait(absl::Minutes(5)).value_or(-1);
    r.err = (*p)->Stderr();
    return r;
  }

  std::string cli_;
  std::string dir_;
  std::unique_ptr<SimulatorProcess> sim_;
};

TEST_F(TerraformTest, ApplyNoChangePlanDestroy) {
  auto service = sim_->AddService(true);
  ASSERT_TRUE(service.ok()) << service.status();
  std::vector<std::string> endpoints;
  for (int i = 0; i < 3; ++i) {
    auto e = sim_->AddConnection(*service, absl::StrCat("domain-", i));
    ASSERT_TRUE(e.ok()) << e.status();
    endpoints.push_back(*e);
  }
  WriteConfig(*service, endpoints);

  CliResult init = Run({"init", "-input=false", "-no-color"});
  ASSERT_EQ(init.code, 0) << init.out << init.err;

  CliResult apply = Run({"apply", "-auto-approve", "-input=false", "-no-color"});
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;
  for (const auto& e : endpoints) {
    auto c = sim_->GetConnection(*service, e);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ((*c)["status"], "accepted") << e;
  }

  CliResult show = Run({"show", "-json"});
  ASSERT_EQ(show.code, 0) << show.err;
  nlohmann::json state = nlohmann::json::parse(show.out, nullptr, false);
  ASSERT_TRUE(state.is_object()) << show.out;
  const auto& resources = state["values"]["root_module"]["resources"];
  ASSERT_EQ(resources.size(), endpoints.size());
  for (const auto& r : resources) {
    EXPECT_EQ(r["values"]["status"], "accepted");
    EXPECT_EQ(r["values"]["id"],
              absl::StrCat(*service, "/", r["values"]["endpoint_id"].get<std::string>()));
  }

  // -detailed-exitcode: 0 = no changes, 2 = changes present.
  CliResult plan = Run({"plan", "-detailed-exitcode", "-input=false", "-no-color"});
  EXPECT_EQ(plan.code, 0) << "second plan must show no changes:\n" << plan.out << plan.err;

  CliResult destroy = Run({"destroy", "-auto-approve", "-input=false", "-no-color"});
  ASSERT_EQ(destroy.code, 0) << destroy.out << destroy.err;
  for (const auto& e : endpoints) {
    auto c = sim_->GetConnection(*service, e);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ((*c)["status"], "rejected") << e;
  }
}

TEST_F(TerraformTest, OutOfBandRejectIsPlannedForRecreation) {
  auto service = sim_->AddService(true);
  auto endpoint = sim_->AddConnection(*service, "domain-x");
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  WriteConfig(*service, {*endpoint});
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  CliResult apply = Run({"apply", "-auto-approve", "-input=false", "-no-color"});
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;

  ASSERT_TRUE(sim_->SetStatus(*service, *endpoint, "rejected").ok());
  CliResult plan = Run({"plan", "-input=false", "-no-color", "-out=drift.tfplan"});
  ASSERT_EQ(plan.code, 0) << plan.out << plan.err;
  CliResult shown = Run({"show", "-json", "drift.tfplan"});
  ASSERT_EQ(shown.code, 0) << shown.err;
  nlohmann::json p = nlohmann::json::parse(shown.out, nullptr, false);
  ASSERT_TRUE(p.is_object());
  ASSERT_EQ(p["resource_changes"].size(), 1u);
  EXPECT_EQ(p["resource_changes"][0]["change"]["actions"], nlohmann::json::array({"create"}));

  apply = Run({"apply", "-auto-approve", "-input=false", "-no-color"});
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;
  auto c = sim_->GetConnection(*service, *endpoint);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)["status"], "accepted");
  EXPECT_EQ(Run({"destroy", "-auto-approve", "-input=false", "-no-color"}).code, 0);
}

TEST_F(TerraformTest, ForEachOverDataSourceApprovesTrustedAccounts) {
  auto service = sim_->AddService(true);
  auto a = sim_->AddConnection(*service, "trusted-a");
  auto b = sim_->AddConnection(*service, "trusted-b");
  auto x = sim_->AddConnection(*service, "stranger");
  ASSERT_TRUE(a.ok() && b.ok() && x.ok());
  WriteMain(absl::StrCat(
      "data \"vpcep_service_connections\" \"all\" {\n  service_id = \"", *service, "\"\n}\n\n",
      "locals {\n  trusted = toset([\"trusted-a\", \"trusted-b\"])\n}\n\n",
      "resource \"vpcep_connection_approval\" \"trusted\" {\n",
      "  for_each = { for c in data.vpcep_service_connections.all.connections :\n",
      "               c.endpoint_id => c if contains(local.trusted, c.domain_id) }\n",
      "  service_id  = data.vpcep_service_connections.all.service_id\n",
      "  endpoint_id = each.key\n}\n"));
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  CliResult apply = Run({"apply", "-auto-approve", "-input=false", "-no-color"});
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;
  EXPECT_EQ((*sim_->GetConnection(*service, *a))["status"], "accepted");
  EXPECT_EQ((*sim_->GetConnection(*service, *b))["status"], "accepted");
  EXPECT_EQ((*sim_->GetConnection(*service, *x))["status"], "pendingAcceptance");
  CliResult plan = Run({"plan", "-detailed-exitcode", "-input=false", "-no-color"});
  EXPECT_EQ(plan.code, 0) << plan.out << plan.err;
  EXPECT_EQ(Run({"destroy", "-auto-approve", "-input=false", "-no-color"}).code, 0);
}

TEST_F(TerraformTest, ImportIntoEmptyStateMatchesAndDescriptionUpdatesInPlace) {
  auto service = sim_->AddService(true);
  auto endpoint = sim_->AddConnection(*service, "domain-i");
  ASSERT_TRUE(endpoint.ok());
  std::string resource = absl::StrCat(
      "resource \"vpcep_connection_approval\" \"one\" {\n  service_id  = \"", *service,
      "\"\n  endpoint_id = \"", *endpoint, "\"\n  description = \"DESC\"\n}\n");
  auto with_description = [&](const std::string& d) {
    std::string r = resource;
    r.replace(r.find("DESC"), 4, d);
    return r;
  };
  WriteMain(with_description("first"));
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  CliResult apply = Run({"apply", "-auto-approve", "-input=false", "-no-color"});
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;
  nlohmann::json applied = ShowJson()["values"]["root_module"]["resources"][0]["values"];

  fs::remove(fs::path(dir_) / "work/terraform.tfstate");
  CliResult imported = Run({"import", "-input=false", "-no-color", "vpcep_connection_approval.one",
                            absl::StrCat(*service, "/", *endpoint)});
  ASSERT_EQ(imported.code, 0) << imported.out << imported.err;
  nlohmann::json after_import = ShowJson()["values"]["root_module"]["resources"][0]["values"];
  for (const char* key : {"id", "service_id", "endpoint_id", "status", "marker_id", "domain_id",
                          "created_at", "updated_at", "description"}) {
    EXPECT_EQ(after_import[key], applied[key]) << key;
  }
  CliResult plan = Run({"plan", "-detailed-exitcode", "-input=false", "-no-color"});
  EXPECT_EQ(plan.code, 0) << "import must not leave a diff:\n" << plan.out << plan.err;

  WriteMain(with_description("second"));
  CliResult plan2 = Run({"plan", "-input=false", "-no-color", "-out=desc.tfplan"});
  ASSERT_EQ(plan2.code, 0) << plan2.out << plan2.err;
  nlohmann::json p = ShowJson({"desc.tfplan"});
  ASSERT_EQ(p["resource_changes"].size(), 1u);
  EXPECT_EQ(p["resource_changes"][0]["change"]["actions"], nlohmann::json::array({"update"}));
  apply = Run({"apply", "-auto-approve", "-input=false", "-no-color", "desc.tfplan"});
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;
  EXPECT_EQ((*sim_->GetConnection(*service, *endpoint))["description"], "second");
  EXPECT_EQ(Run({"destroy", "-auto-approve", "-input=false", "-no-color"}).code, 0);
  EXPECT_EQ((*sim_->GetConnection(*service, *endpoint))["status"], "rejected");
}

}  // namespace
}  // namespace vpcep::testing
