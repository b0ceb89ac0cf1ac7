// Acceptance: the real `terraform` (or `tofu`) CLI found on PATH drives the
// provider, installed from a filesystem mirror, against the simulator.
// Skipped, with a message, when neither CLI is installed.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/acceptance/terraform_fixture.h"
#include "tests/support/simulator_process.h"
#include "tests/support/subprocess.h"

namespace vpcep::testing {
namespace {

// Pipelines detect drift with `plan -refresh-only -detailed-exitcode`: no
// drift must be exit 0 (Terraform 1.11 compares the loaded and the refreshed
// state by deep equality, number precision included), a reject made outside
// Terraform exit 2.
TEST_F(TerraformTest, RefreshOnlyDetailedExitCodeReportsOnlyRealDrift) {
  auto service = sim_->AddService(true);
  auto endpoint = sim_->AddConnection(*service, "domain-d");
  ASSERT_TRUE(endpoint.ok());
  WriteConfig(*service, {*endpoint});
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  CliResult apply = Run({"apply", "-auto-approve", "-input=false", "-no-color"});
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;
  CliResult clean = Run({"plan", "-refresh-only", "-detailed-exitcode", "-input=false", "-no-color"});
  EXPECT_EQ(clean.code, 0) << "no drift, yet reported:\n" << clean.out << clean.err;
  ASSERT_TRUE(sim_->SetStatus(*service, *endpoint, "rejected").ok());
  CliResult drift = Run({"plan", "-refresh-only", "-detailed-exitcode", "-input=false", "-no-color"});
  EXPECT_EQ(drift.code, 2) << drift.out << drift.err;
}

// The processes whose parent is `pid` (a CLI's provider plugins).
std::vector<pid_t> ChildrenOf(pid_t pid) {
  std::vector<pid_t> out;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    pid_t child = std::atoi(entry.path().filename().c_str());
    if (child <= 0) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    std::string state;
    pid_t parent = 0;
    rest >> state >> parent;
    if (parent == pid) out.push_back(child);
  }
  return out;
}

}  // namespace

// 20 approvals of a service whose transitions take 4 s; returns once the
// first wave's receives went out, with terraform apply still running.
void TerraformTest::ApplyTwentyUntilTheFirstWaveIsCreating(
    std::string& service, std::vector<std::string>& endpoints, std::unique_ptr<Subprocess>& apply) {
  ASSERT_NO_FATAL_FAILURE(StartSimulator({"--transition-delay", "4s"}));
  auto s = sim_->AddService(true);
  ASSERT_TRUE(s.ok());
  service = *s;
  for (int i = 0; i < 20; ++i) {
    auto e = sim_->AddConnection(service, absl::StrCat("domain-", i % 4));
    ASSERT_TRUE(e.ok());
    endpoints.push_back(*e);
  }
  WriteConfig(service, endpoints);
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  auto started = Start({"apply", "-auto-approve", "-input=false", "-no-color"});
  ASSERT_TRUE(started.ok());
  apply = *std::move(started);
  absl::Time limit = absl::Now() + absl::Seconds(60);
  while (Action("receive") < 10) {
    ASSERT_LT(absl::Now(), limit) << "the first receives never came";
    absl::SleepFor(absl::Milliseconds(20));  // polling the simulator's counter
  }
}

int TerraformTest::Action(const char* which) {
  auto stats = sim_->Stats();
  return stats.ok() ? (*stats)["actions"].value(which, 0) : -1;
}

namespace {

// A CI runner killed mid-apply: terraform and the provider it started die at
// once, while connections are `creating`. The next apply waits for those
// instead of sending `receive` again, and converges.
TEST_F(TerraformTest, KilledMidApplyTheNextApplyConvergesWithOneReceivePerEndpoint) {
  std::string service;
  std::vector<std::string> endpoints;
  std::unique_ptr<Subprocess> apply;
  // Kill once the first wave's receives went out (they are `creating` for 4 s).
  ASSERT_NO_FATAL_FAILURE(ApplyTwentyUntilTheFirstWaveIsCreating(service, endpoints, apply));
  auto receives = [&] { return Action("receive"); };
  std::vector<pid_t> plugins = ChildrenOf(apply->pid());
  apply->Signal(SIGKILL);
  for (pid_t p : plugins) kill(p, SIGKILL);
  apply->Wait(absl::Seconds(30));
  const int sent_before = receives();

  CliResult again = Run({"apply", "-auto-approve", "-input=false", "-no-color"});
  ASSERT_EQ(again.code, 0) << again.out << again.err;
  auto stats = sim_->Stats();
  ASSERT_TRUE(stats.ok());
  std::printf("killed after %d receives; %d receives over both applies, %d on accepted\n",
              sent_before, (*stats)["actions"].value("receive", 0),
              (*stats)["actions"].value("receive_on_accepted", 0));
  EXPECT_EQ((*stats)["actions"].value("receive", 0), 20) << "exactly one receive per endpoint";
  EXPECT_EQ((*stats)["actions"].value("receive_on_accepted", 0), 0);
  nlohmann::json shown = ShowJson();
  const nlohmann::json& resources = shown["values"]["root_module"]["resources"];
  ASSERT_TRUE(resources.is_array());
  EXPECT_EQ(resources.size(), 20u);
  for (const std::string& e : endpoints) {
    EXPECT_EQ((*sim_->GetConnection(service, e))["status"], "accepted") << e;
  }
}

// Ctrl-C mid-apply: terraform stops the provider, which ends its waits at
// once, so terraform exits promptly. Approvals whose receive went out are in
// state (recorded as planned, not tainted), so the next apply waits for the
// ones still `creating` and neither rejects nor receives anything twice.
TEST_F(TerraformTest, InterruptedApplyExitsPromptlyAndTheNextApplyConvergesWithoutResending) {
  std::string service;
  std::vector<std::string> endpoints;
  std::unique_ptr<Subprocess> apply;
  ASSERT_NO_FATAL_FAILURE(ApplyTwentyUntilTheFirstWaveIsCreating(service, endpoints, apply));
  auto action = [&](const char* which) { return Action(which); };
  const absl::Time interrupted = absl::Now();
  apply->Signal(SIGINT);
  std::optional<int> code = apply->Wait(absl::Seconds(60));
  const double exit_s = absl::ToDoubleSeconds(absl::Now() - interrupted);
  ASSERT_TRUE(code.has_value()) << "terraform did not exit after SIGINT";
  CliResult first{*code, apply->ReadRest(absl::Seconds(5)), apply->Stderr()};
  const int sent_before = action("receive");
  std::printf("terraform exited %.2f s after SIGINT (limit 2 s), exit code %d, after %d "
              "receives\n", exit_s, first.code, sent_before);
  EXPECT_LE(exit_s, 2.0) << first.out << first.err;
  EXPECT_NE(first.code, 0) << "an interrupted apply is not a success";

  std::map<std::string, std::string> tracked;  // endpoint -> status in state
  nlohmann::json shown = ShowJson();
  for (const nlohmann::json& r : shown["values"]["root_module"]["resources"]) {
    tracked[r["values"]["endpoint_id"].get<std::string>()] = r["values"]["status"];
    EXPECT_FALSE(r.value("tainted", false)) << r.dump();
  }
  for (const std::string& e : endpoints) {
    std::string status = (*sim_->GetConnection(service, e))["status"];
    if (status == "accepted" || status == "creating") {
      EXPECT_TRUE(tracked.count(e)) << e << " is " << status << " but not in state";
    } else if (tracked.count(e)) {
      EXPECT_EQ(tracked[e], status) << e << ": state records only a status seen";
    }
  }

  CliResult again = Run({"apply", "-auto-approve", "-input=false", "-no-color"});
  ASSERT_EQ(again.code, 0) << again.out << again.err;
  std::printf("%d receives over both applies, %d on accepted, %d rejects\n", action("receive"),
              action("receive_on_accepted"), action("reject"));
  EXPECT_EQ(action("receive"), 20) << "exactly one receive per endpoint";
  EXPECT_EQ(action("receive_on_accepted"), 0);
  EXPECT_EQ(action("reject"), 0) << "nothing was replaced";
  for (const std::string& e : endpoints) {
    EXPECT_EQ((*sim_->GetConnection(service, e))["status"], "accepted") << e;
  }
  EXPECT_EQ(ShowJson()["values"]["root_module"]["resources"].size(), 20u);
  EXPECT_EQ(Run({"plan", "-detailed-exitcode", "-input=false", "-no-color"}).code, 0);
}

// A busy service with the real CLI: 3,000 connections, and before every list
// call a consumer creates one connection and deletes another. 100 approvals
// converge, and the next plan (a refresh under the same churn) is empty:
// no approval leaves state because a listing shifted.
TEST_F(TerraformTest, ChurnOnABigServiceLeavesEveryApprovalInState) {
  auto service = sim_->AddService(true);
  ASSERT_TRUE(sim_->Generate(*service, 1450, "accepted").ok());
  std::vector<std::string> endpoints;
  for (int i = 0; i < 100; ++i) {
    auto e = sim_->AddConnection(*service, absl::StrCat("domain-", i % 7));
    ASSERT_TRUE(e.ok());
    endpoints.push_back(*e);
  }
  ASSERT_TRUE(sim_->Generate(*service, 1450, "accepted").ok());
  WriteConfig(*service, endpoints);
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  // Deletions take only connections nobody acted on and that are pending:
  // ours until their receive. Creations only, so all 100 stay approvable.
  ASSERT_TRUE(sim_->SetFaults({{"churn_create", 1.0}, {"churn_seed", 7}}).ok());
  CliResult apply = Run({"apply", "-auto-approve", "-input=false", "-no-color"});
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;
  ASSERT_TRUE(sim_->SetFaults({{"churn_create", 1.0}, {"churn_delete", 1.0}, {"churn_seed", 8}})
                  .ok());
  CliResult plan = Run({"plan", "-detailed-exitcode", "-input=false", "-no-color"});
  EXPECT_EQ(plan.code, 0) << "an approval left state:\n" << plan.out << plan.err;
  auto stats = sim_->Stats();
  ASSERT_TRUE(stats.ok());
  std::printf("churn with terraform: %s receives, churn %s\n",
              (*stats)["actions"]["receive"].dump().c_str(), (*stats)["churn"].dump().c_str());
  EXPECT_EQ((*stats)["actions"]["receive"], 100);
}

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

// A reject made elsewhere is a change of status, not a deletion: the
// refresh shows it, the plan restores it in place with one receive, and
// destroying a rejected approval sends nothing.
TEST_F(TerraformTest, OutOfBandRejectIsAStatusChangeRestoredInPlace) {
  auto service = sim_->AddService(true);
  auto endpoint = sim_->AddConnection(*service, "domain-x");
  ASSERT_TRUE(endpoint.ok());
  WriteConfig(*service, {*endpoint});
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);
  ASSERT_EQ(Run({"apply", "-auto-approve", "-input=false", "-no-color"}).code, 0);
  ASSERT_EQ(Action("receive"), 1);

  ASSERT_TRUE(sim_->SetStatus(*service, *endpoint, "rejected").ok());
  CliResult drift =
      Run({"plan", "-refresh-only", "-detailed-exitcode", "-input=false", "-no-color"});
  EXPECT_EQ(drift.code, 2) << drift.out << drift.err;
  EXPECT_TRUE(absl::StrContains(Flat(drift.out), "status = \"accepted\" -> \"rejected\""))
      << drift.out;
  EXPECT_FALSE(absl::StrContains(drift.out, "has been deleted")) << drift.out;

  CliResult plan = Run({"plan", "-input=false", "-no-color", "-out=drift.tfplan"});
  ASSERT_EQ(plan.code, 0) << plan.out << plan.err;
  EXPECT_TRUE(absl::StrContains(Flat(plan.out + plan.err), "approving re-admits it"))
      << plan.out << plan.err;
  nlohmann::json p = ShowJson({"drift.tfplan"});
  ASSERT_EQ(p["resource_changes"].size(), 1u);
  EXPECT_EQ(p["resource_changes"][0]["change"]["actions"], nlohmann::json::array({"update"}));

  CliResult apply = Run({"apply", "-input=false", "-no-color", "drift.tfplan"});
  ASSERT_EQ(apply.code, 0) << apply.out << apply.err;
  EXPECT_EQ(Action("receive"), 2) << "exactly one receive restores it";
  EXPECT_EQ(Action("reject"), 0);
  EXPECT_EQ((*sim_->GetConnection(*service, *endpoint))["status"], "accepted");

  // Destroying a rejected approval sends nothing.
  ASSERT_TRUE(sim_->SetStatus(*service, *endpoint, "rejected").ok());
  CliResult destroy = Run({"destroy", "-auto-approve", "-input=false", "-no-color"});
  EXPECT_EQ(destroy.code, 0) << destroy.out << destroy.err;
  EXPECT_EQ(Action("reject"), 0);
  EXPECT_EQ(Action("receive"), 2);
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

// Sum of the injected faults by kind ("after_effect" and "latency" qualify
// faults already counted under their kind, so they are left out).
int InjectedFaults(const nlohmann::json& stats) {
  int injected = 0;
  for (const auto& [kind, n] : stats["faults"].items()) {
    if (kind != "latency" && kind != "after_effect") injected += n.get<int>();
  }
  return injected;
}

// The approvals in `terraform show -json` output, by endpoint id.
std::map<std::string, nlohmann::json> ApprovalsInState(const nlohmann::json& shown) {
  std::map<std::string, nlohmann::json> out;
  const nlohmann::json& resources = shown["values"]["root_module"]["resources"];
  if (!resources.is_array()) return out;
  for (const nlohmann::json& r : resources) {
    out[r["values"]["endpoint_id"].get<std::string>()] = r;
  }
  return out;
}

}  // namespace

// One `terraform apply` of 50 approvals against a simulator failing calls at
// the given rates (server and gateway errors, both kinds of throttling and
// dropped connections; half of the failed receives took effect before their
// answer was lost); state must end equal to the simulator.
void TerraformTest::ApplyUnderFaults(const char* label, const std::vector<std::string>& rates,
                                     const std::string& provider_extra) {
  std::vector<std::string> args = {"--transition-delay", "50ms", "--quiet",
                                   "--fault-after-effect", "0.5", "--fault-seed", "42"};
  args.insert(args.end(), rates.begin(), rates.end());
  ASSERT_NO_FATAL_FAILURE(StartSimulator(args));
  constexpr int kApprovals = 50;
  auto service = sim_->AddService(true);
  ASSERT_TRUE(service.ok()) << service.status();
  std::vector<std::string> endpoints;
  for (int i = 0; i < kApprovals; ++i) {
    auto e = sim_->AddConnection(*service, absl::StrCat("domain-", i % 5));
    ASSERT_TRUE(e.ok()) << e.status();
    endpoints.push_back(*e);
  }
  WriteConfig(*service, endpoints, provider_extra);
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);

  absl::Time start = absl::Now();
  CliResult apply =
      Run({"apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=10"});
  absl::Duration took = absl::Now() - start;
  auto stats = sim_->Stats();  // read before clearing: it counts the faults injected
  ASSERT_TRUE(stats.ok()) << stats.status();
  ASSERT_TRUE(sim_->ClearFaults().ok());
  ASSERT_EQ(apply.code, 0) << "one apply must converge despite the faults:\n"
                           << apply.out << apply.err;

  // The simulator's truth: every connection accepted, each by exactly one
  // receive, and no receive ever sent for a connection already accepted.
  std::map<std::string, nlohmann::json> truth;
  for (const std::string& e : endpoints) {
    auto c = sim_->GetConnection(*service, e);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ((*c)["status"], "accepted") << e;
    truth[e] = *c;
  }
  EXPECT_EQ((*stats)["actions"]["receive_on_accepted"], 0)
      << "a receive was repeated for an accepted connection: " << stats->dump();
  EXPECT_EQ((*stats)["actions"]["receive"], kApprovals)
      << "each connection must be accepted by one receive: " << stats->dump();

  // State equals truth: exactly the 50 approvals, healthy, as the API lists them.
  std::map<std::string, nlohmann::json> state = ApprovalsInState(ShowJson());
  ASSERT_EQ(state.size(), endpoints.size());
  int converged = 0;
  for (const std::string& e : endpoints) {
    ASSERT_TRUE(state.count(e)) << e << " missing from state";
    const nlohmann::json& r = state[e];
    EXPECT_FALSE(r.value("tainted", false)) << e;
    const nlohmann::json& v = r["values"];
    EXPECT_EQ(v["id"], absl::StrCat(*service, "/", e));
    for (const char* key : {"status", "domain_id", "marker_id", "created_at", "updated_at"}) {
      EXPECT_EQ(v[key], truth[e][key]) << e << " " << key;
    }
    if (v["status"] == "accepted" && truth[e]["status"] == "accepted") ++converged;
  }
  EXPECT_EQ(converged, kApprovals);

  CliResult plan = Run({"plan", "-detailed-exitcode", "-input=false", "-no-color"});
  EXPECT_EQ(plan.code, 0) << "the plan after a converged apply must be empty:\n"
                          << plan.out << plan.err;

  int injected = InjectedFaults(*stats);
  EXPECT_GT(injected, 0);
  std::printf(
      "terraform apply, %s: %d faults injected (%s) over %d API calls, %d/%d "
      "approvals converged, %d receives, %d on accepted connections, apply took %s\n",
      label, injected, (*stats)["faults"].dump().c_str(),
      (*stats)["requests"]["list"].get<int>() + (*stats)["requests"]["action"].get<int>() +
          (*stats)["requests"]["service"].get<int>(),
      converged, kApprovals, (*stats)["actions"]["receive"].get<int>(),
      (*stats)["actions"]["receive_on_accepted"].get<int>(),
      absl::FormatDuration(took).c_str());
}

namespace {

TEST_F(TerraformTest, ThirtyPercentFaultsConverge) {
  // Ten retries per call, as in ReliabilityTest: at a 30% fault rate eleven
  // failures in a row (0.3^11) do not happen in practice.
  ApplyUnderFaults("30% faults, max_retries = 10",
                   {"--fault-500", "0.08", "--fault-503", "0.05", "--fault-429", "0.05",
                    "--fault-throttle", "0.07", "--fault-drop", "0.05"},
                   "  max_retries = 10\n");
}

// The rates of ReliabilityFaults.TwentyPercentFaultsConvergeWithDefaultSettings,
// once with the real CLI and no max_retries override.
TEST_F(TerraformTest, TwentyPercentFaultsConvergeWithDefaultSettings) {
  ApplyUnderFaults("20% faults, default settings",
                   {"--fault-500", "0.05", "--fault-503", "0.04", "--fault-429", "0.04",
                    "--fault-throttle", "0.04", "--fault-drop", "0.03"},
                   "");
}

TEST_F(TerraformTest, PermanentFailuresAreReportedAndStateIsExact) {
  ASSERT_NO_FATAL_FAILURE(StartSimulator({"--transition-delay", "50ms"}));
  auto service = sim_->AddService(true);
  ASSERT_TRUE(service.ok()) << service.status();
  std::vector<std::string> endpoints;
  std::map<std::string, std::string> doomed;  // endpoint -> the error code it fails with
  for (int i = 0; i < 10; ++i) {
    auto e = sim_->AddConnection(*service, absl::StrCat("domain-", i));
    ASSERT_TRUE(e.ok()) << e.status();
    endpoints.push_back(*e);
    if (i % 3 == 1) {  // 1, 4, 7
      std::string code = absl::StrCat("EndPoint.900", i);
      ASSERT_TRUE(sim_->FailOnReceive(*service, *e,
                                      {{{"error_code", code},
                                        {"error_message", "simulated permanent failure"}}})
                      .ok());
      doomed[*e] = code;
    }
  }
  ASSERT_EQ(doomed.size(), 3u);
  WriteConfig(*service, endpoints);
  ASSERT_EQ(Run({"init", "-input=false", "-no-color"}).code, 0);

  absl::Time start = absl::Now();
  CliResult apply = Run({"apply", "-auto-approve", "-input=false", "-json"});
  absl::Duration took = absl::Now() - start;
  ASSERT_NE(apply.code, 0) << "three approvals failed, so must the apply:\n" << apply.out;

  // Machine-readable diagnostics: one error per failed endpoint, none else.
  std::map<std::string, nlohmann::json> errors;  // endpoint -> diagnostic
  for (absl::string_view line : absl::StrSplit(apply.out, '\n', absl::SkipEmpty())) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || j.value("type", "") != "diagnostic") continue;
    const nlohmann::json& d = j["diagnostic"];
    if (d.value("severity", "") != "error") continue;
    std::string text = absl::StrCat(d.value("summary", ""), "\n", d.value("detail", ""));
    std::string named;
    for (const std::string& e : endpoints) {
      if (text.find(e) != std::string::npos) named = e;
    }
    ASSERT_FALSE(named.empty()) << "an error naming no endpoint: " << d.dump();
    EXPECT_TRUE(doomed.count(named)) << "error for an endpoint that did not fail: " << d.dump();
    EXPECT_FALSE(errors.count(named)) << "two errors for " << named;
    errors[named] = d;
  }
  ASSERT_EQ(errors.size(), doomed.size()) << apply.out;
  const std::string log = sim_->Log();
  for (const auto& [endpoint, code] : doomed) {
    const nlohmann::json& d = errors[endpoint];
    if (d.contains("address")) {
      EXPECT_EQ(d["address"], absl::StrCat("vpcep_connection_approval.this[\"", endpoint, "\"]"));
    }
    const std::string detail = d.value("detail", "");
    EXPECT_NE(detail.find(absl::StrCat("endpoint ", endpoint, " failed")), std::string::npos)
        << detail;
    EXPECT_NE(detail.find(absl::StrCat(code, ": simulated permanent failure")), std::string::npos)
        << detail;
    // The request id of the receive, which the simulator logged as a
    // successful action call.
    const std::string marker = "receive request id ";
    size_t at = detail.find(marker);
    ASSERT_NE(at, std::string::npos) << detail;
    std::string request_id = detail.substr(at + marker.size(), 32);
    EXPECT_EQ(request_id.find_first_not_of("0123456789abcdef"), std::string::npos) << detail;
    EXPECT_NE(log.find(absl::StrCat("/connections/action 200 request_id=", request_id)),
              std::string::npos)
        << request_id << " is not a receive the simulator answered";
    EXPECT_NE(detail.find("reported failed by request id "), std::string::npos) << detail;
  }

  // State holds the seven accepted approvals as healthy instances and, as
  // documented, the three failed ones as tainted with status `failed`.
  std::map<std::string, nlohmann::json> state = ApprovalsInState(ShowJson());
  ASSERT_EQ(state.size(), endpoints.size());
  int accepted = 0;
  for (const std::string& e : endpoints) {
    auto truth = sim_->GetConnection(*service, e);
    ASSERT_TRUE(truth.ok()) << truth.status();
    const nlohmann::json& r = state[e];
    bool failed = doomed.count(e) > 0;
    EXPECT_EQ(r.value("tainted", false), failed) << e;
    EXPECT_EQ(r["values"]["status"], failed ? "failed" : "accepted") << e;
    EXPECT_EQ(r["values"]["status"], (*truth)["status"]) << e << " state differs from the API";
    if (!failed && (*truth)["status"] == "accepted") ++accepted;
  }
  EXPECT_EQ(accepted, 7);

  // The next plan leaves the accepted ones alone and acts only on the failed.
  CliResult plan = Run({"plan", "-input=false", "-no-color", "-out=after.tfplan"});
  ASSERT_EQ(plan.code, 0) << plan.out << plan.err;
  nlohmann::json p = ShowJson({"after.tfplan"});
  std::set<std::string> changed;
  for (const nlohmann::json& rc : p["resource_changes"]) {
    if (rc["change"]["actions"] != nlohmann::json::array({"no-op"})) {
      changed.insert(rc["index"].get<std::string>());
    }
  }
  std::set<std::string> failed_ids;
  for (const auto& [e, code] : doomed) failed_ids.insert(e);
  EXPECT_EQ(changed, failed_ids);
  std::printf("terraform apply, 3 of 10 endpoints failing: exit %d, %zu errors naming endpoint, "
              "code and request id, %d accepted in state, apply took %s\n",
              apply.code, errors.size(), accepted, absl::FormatDuration(took).c_str());
}

}  // namespace
}  // namespace vpcep::testing
