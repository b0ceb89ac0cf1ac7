// Acceptance, as an operator meets the provider on a bad day: wrong settings
// fail the plan once and name the setting, the API being down costs one
// round of retries, Ctrl-C under throttling sends nothing more, and a DEBUG
// log shows every API call.
#include <signal.h>
#include <stdlib.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/acceptance/terraform_fixture.h"

namespace vpcep::testing {
namespace {

// Every API call the simulator answered, refused ones included.
int ApiCalls(SimulatorProcess& sim) {
  auto stats = sim.Stats();
  if (!stats.ok()) return -1;
  const nlohmann::json& r = (*stats)["requests"];
  return r.value("list", 0) + r.value("action", 0) + r.value("service", 0) +
         r.value("description", 0);
}

// `n` connections of a new service, for approvals in the configuration.
void AddConnections(SimulatorProcess& sim, int n, std::string& service,
                    std::vector<std::string>& endpoints) {
  auto s = sim.AddService(true);
  ASSERT_TRUE(s.ok()) << s.status();
  service = *s;
  for (int i = 0; i < n; ++i) {
    auto e = sim.AddConnection(service, absl::StrCat("domain-", i));
    ASSERT_TRUE(e.ok()) << e.status();
    endpoints.push_back(*e);
  }
}

// Sets environment variables for the CLIs a test starts (Start() copies the
// environment), and restores them when the test ends.
class ScopedEnv {
 public:
  void Set(const std::string& name, const std::string& value) {
    const char* old = std::getenv(name.c_str());
    if (!saved_.count(name)) saved_[name] = old == nullptr ? nullptr : new std::string(old);
    setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() {
    for (auto& [name, old] : saved_) {
      if (old == nullptr) {
        unsetenv(name.c_str());
      } else {
        setenv(name.c_str(), old->c_str(), 1);
        delete old;
      }
    }
  }

 private:
  std::map<std::string, std::string*> saved_;
};

// Issue 21 item 5: a wrong token fails the plan at once, once per approval
// without retrying or calling the API again, names the token setting and is
// not pinned on service_id.
TEST_F(TerraformTest, WrongTokenFailsThePlanFastNamingTheTokenSetting) {
  std::string service;
  std::vector<std::string> endpoints;
  ASSERT_NO_FATAL_FAILURE(AddConnections(*sim_, 5, service, endpoints));
  WriteConfig(service, endpoints, "  auth_token = \"not-the-token\"\n");
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  const absl::Time start = absl::Now();
  CliResult plan = Run({"plan", "-input=false", "-no-color"});
  const double took = absl::ToDoubleSeconds(absl::Now() - start);
  const int calls = ApiCalls(*sim_);
  std::printf("wrong token: plan exit %d after %.1f s, %d API calls\n", plan.code, took, calls);
  const std::string err = Flat(plan.err);
  EXPECT_EQ(plan.code, 1) << plan.out << plan.err;
  EXPECT_LT(took, 30.0);
  EXPECT_LE(calls, 10) << "the first refusal ends the API calls of the process";
  EXPECT_TRUE(absl::StrContains(err, "The API refused the credentials")) << err;
  EXPECT_TRUE(absl::StrContains(err, "auth_token (or HW_AUTH_TOKEN)")) << err;
  EXPECT_TRUE(absl::StrContains(err, "APIGW.0301")) << err;
  // An error on service_id quotes its configuration line.
  EXPECT_FALSE(absl::StrContains(err, "service_id = \"")) << err;
}

TEST_F(TerraformTest, WrongProjectFailsThePlanNamingProjectId) {
  std::string service;
  std::vector<std::string> endpoints;
  ASSERT_NO_FATAL_FAILURE(AddConnections(*sim_, 3, service, endpoints));
  WriteConfig(service, endpoints);
  // The fixture's configuration with another project id.
  std::string main;
  {
    std::ifstream in(fs::path(dir_) / "work/main.tf");
    std::stringstream text;
    text << in.rdbuf();
    main = text.str();
  }
  size_t at = main.find(SimulatorProcess::kProjectId);
  ASSERT_NE(at, std::string::npos);
  main.replace(at, std::string(SimulatorProcess::kProjectId).size(),
               "ffffffffffffffffffffffffffffffff");
  std::ofstream(fs::path(dir_) / "work/main.tf") << main;
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  CliResult plan = Run({"plan", "-input=false", "-no-color"});
  const std::string err = Flat(plan.err);
  EXPECT_EQ(plan.code, 1) << plan.out << plan.err;
  EXPECT_LE(ApiCalls(*sim_), 6);
  EXPECT_TRUE(absl::StrContains(err, "EndPoint.0014")) << err;
  EXPECT_TRUE(absl::StrContains(err, "project_id (or HW_PROJECT_ID)")) << err;
  EXPECT_FALSE(absl::StrContains(err, "service_id = \"")) << err;
}

// A region that does not exist: its API host does not resolve. The plan
// fails (it used to pass with a warning) and names the host and the region.
TEST_F(TerraformTest, UnresolvableRegionFailsThePlanNamingTheHostAndTheRegion) {
  std::ofstream(fs::path(dir_) / "work/main.tf")
      << "terraform {\n  required_providers {\n"
      << "    vpcep = { source = \"terraform.local/vpcep/vpcep\" }\n  }\n}\n\n"
      << "provider \"vpcep\" {\n  region     = \"xx-nowhere-1\"\n"
      << "  project_id = \"" << SimulatorProcess::kProjectId << "\"\n}\n\n"
      << "resource \"vpcep_connection_approval\" \"this\" {\n"
      << "  for_each    = toset([\"ep-1\", \"ep-2\", \"ep-3\"])\n"
      << "  service_id  = \"svc-1\"\n  endpoint_id = each.value\n}\n";
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  const absl::Time start = absl::Now();
  CliResult plan = Run({"plan", "-input=false", "-no-color"});
  const double took = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf("unresolvable host: plan exit %d after %.1f s\n", plan.code, took);
  const std::string err = Flat(plan.err);
  EXPECT_EQ(plan.code, 1) << plan.out << plan.err;
  EXPECT_LT(took, 30.0);
  EXPECT_TRUE(absl::StrContains(err, "vpcep.xx-nowhere-1.myhuaweicloud.com")) << err;
  EXPECT_TRUE(absl::StrContains(err, "region \"xx-nowhere-1\"")) << err;
}

// Issue 22 item 6: a plan of 30 approvals with the API unreachable pays for
// one round of retries, not one per wave of 10 (36.8 s before).
TEST_F(TerraformTest, PlanOfThirtyWithTheApiDownSharesOneFailure) {
  std::vector<std::string> endpoints;
  for (int i = 0; i < 30; ++i) endpoints.push_back(absl::StrCat("ep-down-", i));
  WriteConfig("svc-down", endpoints);
  sim_.reset();  // its port now refuses connections
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  const absl::Time start = absl::Now();
  CliResult plan = Run({"plan", "-input=false", "-no-color"});
  const double took = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf("API down, 30 approvals: plan exit %d after %.1f s (limit 25 s)\n", plan.code, took);
  EXPECT_LE(took, 25.0) << plan.out << plan.err;
  EXPECT_TRUE(absl::StrContains(Flat(plan.out + plan.err), "Connection refused") ||
              absl::StrContains(Flat(plan.out + plan.err), "connect"))
      << plan.out << plan.err;
}

// Issue 22 item 4: Ctrl-C once throttling has started. Receives queued in
// the rate gate are not sent, terraform exits at once, and state holds no
// approval that the API did not receive.
TEST_F(TerraformTest, CtrlCUnderThrottlingSendsNoActionAfterTheStop) {
  ASSERT_NO_FATAL_FAILURE(StartSimulator({"--transition-delay", "4s", "--rate-limit", "1"}));
  std::string service;
  std::vector<std::string> endpoints;
  ASSERT_NO_FATAL_FAILURE(AddConnections(*sim_, 20, service, endpoints));
  WriteConfig(service, endpoints);
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  auto started = Start({"apply", "-auto-approve", "-input=false", "-no-color"});
  ASSERT_TRUE(started.ok());
  std::unique_ptr<Subprocess> apply = *std::move(started);
  auto stat = [&](const char* group, const char* name) {
    auto stats = sim_->Stats();
    return stats.ok() ? (*stats)[group].value(name, 0) : -1;
  };
  const absl::Time limit = absl::Now() + absl::Seconds(90);
  while (stat("requests", "throttled") < 1 || stat("actions", "receive") < 2) {
    ASSERT_LT(absl::Now(), limit) << "throttling never started";
    absl::SleepFor(absl::Milliseconds(20));  // polling the simulator's counters
  }
  const int actions_at_stop = stat("requests", "action");
  const absl::Time interrupted = absl::Now();
  apply->Signal(SIGINT);
  std::optional<int> code = apply->Wait(absl::Seconds(60));
  const double exit_s = absl::ToDoubleSeconds(absl::Now() - interrupted);
  ASSERT_TRUE(code.has_value()) << "terraform did not exit after SIGINT";
  const int actions_after = stat("requests", "action") - actions_at_stop;
  std::printf("throttled Ctrl-C: exit %.2f s after SIGINT, %d action requests after it\n", exit_s,
              actions_after);
  // One may have been on the wire when the signal came; none is sent later.
  EXPECT_LE(actions_after, 1);
  EXPECT_LE(exit_s, 3.0);
  ASSERT_TRUE(sim_->ClearFaults().ok());  // the rate limit off, to read the truth
  nlohmann::json shown = ShowJson();
  for (const nlohmann::json& r : shown["values"]["root_module"]["resources"]) {
    const std::string e = r["values"]["endpoint_id"];
    std::string status = (*sim_->GetConnection(service, e))["status"];
    EXPECT_TRUE(status == "accepted" || status == "creating")
        << e << " is in state but the API shows it " << status;
  }
}

// Issue 21 item 6: a DEBUG apply logs every API call with its status,
// request id and latency, and each wait's progress at INFO no more than once
// per 10 s.
TEST_F(TerraformTest, DebugApplyLogsEveryCallAndWaitProgressAtMostEveryTenSeconds) {
  ASSERT_NO_FATAL_FAILURE(StartSimulator({"--transition-delay", "15s"}));
  std::string service;
  std::vector<std::string> endpoints;
  ASSERT_NO_FATAL_FAILURE(AddConnections(*sim_, 10, service, endpoints));
  WriteConfig(service, endpoints);
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  const std::string log_path = dir_ + "/tf.log";
  ScopedEnv env;
  env.Set("TF_LOG_PROVIDER", "DEBUG");
  env.Set("TF_LOG_PATH", log_path);
  const absl::Time start = absl::Now();
  CliResult apply = Run({"apply", "-auto-approve", "-input=false", "-no-color"});
  const double took = absl::ToDoubleSeconds(absl::Now() - start);
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;
  std::ifstream log(log_path);
  std::string line;
  int calls = 0;
  std::map<std::string, int> progress;  // per endpoint
  while (std::getline(log, line)) {
    if (absl::StrContains(line, "API call:")) {
      ++calls;
      EXPECT_TRUE(absl::StrContains(line, "status=")) << line;
      EXPECT_TRUE(absl::StrContains(line, "latency_ms=")) << line;
      EXPECT_TRUE(absl::StrContains(line, "request_id=") &&
                  !absl::StrContains(line, "request_id= ") &&
                  !absl::StrContains(line, "request_id=\"\""))
          << line;
    }
    if (absl::StrContains(line, "[INFO]") && absl::StrContains(line, "waiting for ")) {
      for (const std::string& e : endpoints) {
        if (absl::StrContains(line, absl::StrCat("/", e, ":"))) ++progress[e];
      }
    }
    EXPECT_FALSE(absl::StrContains(line, SimulatorProcess::kToken)) << "a secret in the log";
  }
  const int answered = ApiCalls(*sim_);
  std::printf("DEBUG apply of 10 in %.1f s: %d API call lines for %d calls; progress lines:", took,
              calls, answered);
  for (const auto& [e, n] : progress) std::printf(" %d", n);
  std::printf("\n");
  EXPECT_EQ(calls, answered) << "one line per API call";
  EXPECT_FALSE(progress.empty()) << "no wait reported its progress";
  for (const auto& [e, n] : progress) {
    EXPECT_LE(n, static_cast<int>(took / 10)) << e << ": more than one line per 10 s";
  }
}

}  // namespace
}  // namespace vpcep::testing
