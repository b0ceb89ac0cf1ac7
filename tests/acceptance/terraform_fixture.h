// The acceptance fixture: the real `terraform` (or `tofu`) CLI, the provider
// installed from a filesystem mirror, the simulator. The CLI is
// $VPCEP_TF_CLI when set (CTest runs the suite once per CLI it found, see
// CMakeLists.txt), else the `terraform` or `tofu` on PATH.
#ifndef VPCEP_TESTS_ACCEPTANCE_TERRAFORM_FIXTURE_H_
#define VPCEP_TESTS_ACCEPTANCE_TERRAFORM_FIXTURE_H_

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/simulator_process.h"
#include "tests/support/subprocess.h"

namespace vpcep::testing {

namespace fs = std::filesystem;

// Terraform wraps diagnostics to the terminal width: compare with the line
// breaks folded back into spaces.
inline std::string Flat(const std::string& text) {
  std::string out;
  for (char c : text) {
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  return out;
}

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

class TerraformTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* chosen = std::getenv("VPCEP_TF_CLI");
    if (chosen != nullptr && *chosen != '\0') {
      cli_ = chosen;
      ASSERT_EQ(access(cli_.c_str(), X_OK), 0) << "VPCEP_TF_CLI=" << cli_ << " is not executable";
    } else {
      cli_ = FindOnPath("terraform");
      if (cli_.empty()) cli_ = FindOnPath("tofu");
    }
    if (cli_.empty()) GTEST_SKIP() << "neither terraform nor tofu is on PATH: acceptance skipped";

    ASSERT_NO_FATAL_FAILURE(StartSimulator({"--transition-delay", "200ms"}));

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

  // Replaces the simulator (a test needing other flags calls it again).
  void StartSimulator(const std::vector<std::string>& args) {
    sim_.reset();
    auto sim = SimulatorProcess::Start(VPCEP_SIM_BINARY, args);
    ASSERT_TRUE(sim.ok()) << sim.status();
    sim_ = *std::move(sim);
  }

  // "Terraform v1.15.9" or "OpenTofu v1.11.14", from `version`.
  std::string CliVersion() {
    if (cli_version_.empty()) {
      SubprocessOptions sp;
      sp.argv = {cli_, "version"};
      sp.env = CurrentEnvironment();
      sp.env["CHECKPOINT_DISABLE"] = "1";
      CliResult r = Finish(Subprocess::Start(sp));
      // The version line, past any warning about the CLI configuration.
      for (const char* name : {"Terraform v", "OpenTofu v"}) {
        const size_t at = r.out.find(name);
        if (at == std::string::npos || !cli_version_.empty()) continue;
        cli_version_ = r.out.substr(at, r.out.find('\n', at) - at);
      }
    }
    return cli_version_;
  }

  // Whether the CLI is Terraform (not OpenTofu) at `major.minor` or later.
  bool TerraformAtLeast(int major, int minor) {
    int ma = 0, mi = 0;
    if (std::sscanf(CliVersion().c_str(), "Terraform v%d.%d", &ma, &mi) != 2) return false;
    return ma > major || (ma == major && mi >= minor);
  }

  // Whether the CLI, Terraform or OpenTofu (which forked from Terraform 1.5
  // and numbers on from 1.6), is at `major.minor` or later.
  bool CliAtLeast(int major, int minor) {
    int ma = 0, mi = 0;
    const std::string v = CliVersion();
    if (std::sscanf(v.c_str(), "Terraform v%d.%d", &ma, &mi) != 2 &&
        std::sscanf(v.c_str(), "OpenTofu v%d.%d", &ma, &mi) != 2) {
      return false;
    }
    return ma > major || (ma == major && mi >= minor);
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

  // Shared steps of terraform_test.cc (defined there).
  void ApplyTwentyUntilTheFirstWaveIsCreating(std::string& service,
                                              std::vector<std::string>& endpoints,
                                              std::unique_ptr<Subprocess>& apply);
  // How many of one action (receive, reject, ...) the simulator counted.
  int Action(const char* which);
  // One apply of 50 approvals under injected faults (terraform_test.cc).
  void ApplyUnderFaults(const char* label, const std::vector<std::string>& rates,
                        const std::string& provider_extra);

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

  // `provider_extra`: more lines for the provider block (e.g. "  max_retries = 10\n").
  void WriteConfig(const std::string& service_id, const std::vector<std::string>& endpoints,
                   const std::string& provider_extra = "") {
    std::string list;
    for (const auto& e : endpoints) absl::StrAppend(&list, list.empty() ? "" : ", ", "\"", e, "\"");
    std::ofstream(fs::path(dir_) / "work/main.tf")
        << "terraform {\n  required_providers {\n"
        << "    vpcep = { source = \"terraform.local/vpcep/vpcep\" }\n  }\n}\n\n"
        << "provider \"vpcep\" {\n"
        << "  project_id = \"" << SimulatorProcess::kProjectId << "\"\n"
        << "  endpoints  = { vpcep = \"" << sim_->base_url() << "\" }\n"
        << provider_extra << "}\n\n"
        << "resource \"vpcep_connection_approval\" \"this\" {\n"
        << "  for_each    = toset([" << list << "])\n"
        << "  service_id  = \"" << service_id << "\"\n"
        << "  endpoint_id = each.value\n}\n";
  }

  // Starts the CLI in the working directory without waiting for it.
  absl::StatusOr<std::unique_ptr<Subprocess>> Start(std::vector<std::string> args) {
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
    return Subprocess::Start(sp);
  }

  CliResult Run(std::vector<std::string> args) { return Finish(Start(std::move(args))); }

  // Output and exit code of a started program (code -1 when it did not start).
  static CliResult Finish(absl::StatusOr<std::unique_ptr<Subprocess>> p) {
    CliResult r;
    if (!p.ok()) return r;
    r.out = (*p)->ReadRest(absl::Minutes(5));
    r.code = (*p)->Wait(absl::Minutes(5)).value_or(-1);
    r.err = (*p)->Stderr();
    return r;
  }

  std::string cli_;
  std::string cli_version_;
  std::string dir_;
  std::unique_ptr<SimulatorProcess> sim_;
};

}  // namespace vpcep::testing

#endif  // VPCEP_TESTS_ACCEPTANCE_TERRAFORM_FIXTURE_H_
