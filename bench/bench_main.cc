// vpcep_bench: end-to-end figures of the provider against vpcep-sim, each
// printed beside its yardstick, measured in the same run.
//
//  1. create-all wall time of N approvals at parallelism 10: through the
//     Terraform-side test client (one provider process, 10 threads doing
//     plan+apply) and, when `terraform` is on PATH, `terraform apply
//     -parallelism=10`; yardsticks ceil(N/10)*D and 3 s * N (sequential).
//  2. API calls (from /admin/stats) per apply and per refresh of N approvals.
//  3. start-up (exec -> handshake line), GetProviderSchema round trip, peak
//     RSS (VmHWM) of the provider process, binary size.
//
// Exit status: 0 when every figure could be measured and every result was
// right; 1 on a wrong result (an approval missing or not accepted); 2 on
// bad arguments or a harness failure (simulator or provider would not start).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "provider/plugin/certificate.h"
#include "tests/support/plugin_client.h"
#include "tests/support/process_stats.h"
#include "tests/support/provider_driver.h"
#include "tests/support/simulator_process.h"
#include "tests/support/subprocess.h"

namespace vpcep::bench {
namespace {

namespace fs = std::filesystem;
using core::Type;
using core::Value;
using testing::LaunchOptions;
using testing::PluginClient;
using testing::ProposedNew;
using testing::ProviderDriver;
using testing::RpcResult;
using testing::SimulatorProcess;
using testing::FindOnPath;
using testing::WithoutCloudSettings;
using testing::Subprocess;
using testing::SubprocessOptions;

constexpr char kApproval[] = "vpcep_connection_approval";
constexpr char kPolicy[] = "vpcep_connection_policy";
constexpr char kMagicCookie[] =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

struct Options {
  std::string provider;
  std::string sim;
  std::vector<int> counts = {10, 100, 500};
  absl::Duration delay = absl::Seconds(1);
  int parallelism = 10;
  bool terraform = true;  // when found on PATH
  int startup_runs = 20;
  bool scale = true;  // the big-service rows (issue: cost follows the approvals)
  bool scale_only = false;
  bool long_run = true;  // 20 cycles of apply + destroy of 200 on one process
  std::string version = VPCEP_VERSION;
};

// One row of the printed table.
struct Row {
  std::string item;
  std::string measured;
  std::string yardstick;
  std::string target;
  std::string verdict;  // "ok", "MISSED", "-" (no target)
};

std::vector<Row> g_rows;
bool g_wrong = false;

void Emit(Row r) {
  std::cerr << "  " << r.item << ": " << r.measured << "   (" << r.yardstick << ")\n";
  g_rows.push_back(std::move(r));
}

std::string Secs(absl::Duration d) { return absl::StrFormat("%.2f s", absl::ToDoubleSeconds(d)); }
std::string Ms(absl::Duration d) { return absl::StrFormat("%.1f ms", absl::ToDoubleMilliseconds(d)); }

// VmHWM (peak resident set) of a live process, in KiB; -1 if unreadable.
// A "Name:   123 kB" field of /proc/<pid>/status, in KiB (-1 if absent).
long StatusKib(pid_t pid, const std::string& field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      std::istringstream s(line.substr(field.size() + 1));
      long kib = -1;
      s >> kib;
      return kib;
    }
  }
  return -1;
}

long PeakRssKib(pid_t pid) { return StatusKib(pid, "VmHWM"); }

int ThreadCount(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::atoi(line.c_str() + 8);
  }
  return -1;
}

// Shared objects mapped into the process (each costs the loader at start-up).
int SharedObjects(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/maps"));
  std::set<std::string> objects;
  std::string line;
  while (std::getline(in, line)) {
    size_t slash = line.find('/');
    if (slash != std::string::npos && line.find(".so", slash) != std::string::npos) {
      objects.insert(line.substr(slash));
    }
  }
  return static_cast<int>(objects.size());
}

struct Counts {
  int64_t list = 0, action = 0, service = 0, description = 0, total = 0;
};

Counts Snapshot(SimulatorProcess& sim) {
  Counts c;
  auto s = sim.Stats();
  if (!s.ok()) return c;
  const nlohmann::json& r = (*s)["requests"];
  c.list = r.value("list", int64_t{0});
  c.action = r.value("action", int64_t{0});
  c.service = r.value("service", int64_t{0});
  c.description = r.value("description", int64_t{0});
  c.total = c.list + c.action + c.service + c.description;
  return c;
}

Counts Delta(const Counts& a, const Counts& b) {
  return {b.list - a.list, b.action - a.action, b.service - a.service,
          b.description - a.description, b.total - a.total};
}

std::string CallText(const Counts& c) {
  return absl::StrFormat("%d calls (list %d, action %d, service %d)", c.total, c.list, c.action,
                         c.service);
}

// A service with n pending connections; endpoint ids out.
bool Seed(SimulatorProcess& sim, int n, std::string& service, std::vector<std::string>& endpoints) {
  auto s = sim.AddService(true);
  if (!s.ok()) {
    std::cerr << "seeding failed: " << s.status() << "\n";
    return false;
  }
  service = *s;
  endpoints.clear();
  for (int i = 0; i < n; ++i) {
    auto e = sim.AddConnection(service, absl::StrCat("domain-", i));
    if (!e.ok()) {
      std::cerr << "seeding failed: " << e.status() << "\n";
      return false;
    }
    endpoints.push_back(*e);
  }
  return true;
}

// Every connection accepted in the simulator? Reports the first few that are not.
int CountNotAccepted(SimulatorProcess& sim, const std::string& service,
                     const std::vector<std::string>& endpoints) {
  int bad = 0;
  for (const auto& e : endpoints) {
    auto c = sim.GetConnection(service, e);
    std::string status = (c.ok() && c->is_object()) ? c->value("status", "") : "<absent>";
    if (status != "accepted") {
      if (++bad <= 5) std::cerr << "WRONG: " << service << "/" << e << " is " << status << "\n";
    }
  }
  return bad;
}

// Runs fn(i) for i in [0, n) on `threads` threads, each taking every threads-th item.
template <typename Fn>
void Parallel(int n, int threads, Fn fn) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = t; i < n; i += threads) fn(i);
    });
  }
  for (auto& th : pool) th.join();
}

class Bench {
 public:
  explicit Bench(Options o) : o_(std::move(o)) {}

  int Run() {
    auto sim = SimulatorProcess::Start(
        o_.sim, {"--transition-delay-ms", absl::StrCat(absl::ToInt64Milliseconds(o_.delay)),
                 "--quiet", "--threads", "64"});
    if (!sim.ok()) {
      std::cerr << "cannot start the simulator: " << sim.status() << "\n";
      return 2;
    }
    sim_ = *std::move(sim);
    std::cerr << "simulator at " << sim_->base_url() << ", transition delay "
              << absl::FormatDuration(o_.delay) << "\n";

    if (o_.scale_only) {
      if (!ScaleFigures()) return 2;
      PrintTable();
      return g_wrong ? 1 : 0;
    }
    if (!StartupFigures()) return 2;
    for (int n : o_.counts) {
      if (!ClientRun(n)) return 2;
    }
    if (o_.terraform) {
      std::string cli = FindOnPath("terraform");
      if (cli.empty()) {
        Emit({"terraform apply", "skipped: terraform not on PATH", "", "", "-"});
      } else {
        for (int n : o_.counts) {
          if (!TerraformRun(cli, n)) return 2;
        }
      }
    }
    if (o_.scale && !ScaleFigures()) return 2;
    if (o_.long_run && !LongRun()) return 2;
    struct stat st {};
    if (stat(o_.provider.c_str(), &st) == 0) {
      Emit({"binary size", absl::StrFormat("%.1f MiB (%d bytes)", st.st_size / 1048576.0,
                                           static_cast<int64_t>(st.st_size)),
            "", "", "-"});
    }
    PrintTable();
    return g_wrong ? 1 : 0;
  }

 private:
  // Start-up to the handshake line (exec as Terraform does), over several runs.
  bool StartupFigures() {
    std::vector<double> ms;
    for (int i = 0; i < o_.startup_runs; ++i) {
      auto cert = plugin::GenerateSelfSigned("P-521");
      if (!cert.ok()) {
        std::cerr << cert.status() << "\n";
        return false;
      }
      SubprocessOptions sp;
      sp.argv = {o_.provider};
      sp.env = testing::CurrentEnvironment();
      for (const auto& [k, v] : WithoutCloudSettings()) sp.env[k] = v;
      sp.env["TF_PLUGIN_MAGIC_COOKIE"] = kMagicCookie;
      sp.env["PLUGIN_PROTOCOL_VERSIONS"] = "5,6";
      sp.env["PLUGIN_MIN_PORT"] = "10000";
      sp.env["PLUGIN_MAX_PORT"] = "25000";
      sp.env["PLUGIN_CLIENT_CERT"] = cert->cert_pem;
      absl::Time t0 = absl::Now();
      auto p = Subprocess::Start(sp);
      if (!p.ok()) {
        std::cerr << "cannot start the provider: " << p.status() << "\n";
        return false;
      }
      auto line = (*p)->ReadLine(absl::Seconds(30));
      absl::Duration d = absl::Now() - t0;
      if (!line.ok()) {
        std::cerr << "no handshake line: " << line.status() << "\n" << (*p)->Stderr() << "\n";
        return false;
      }
      ms.push_back(absl::ToDoubleMilliseconds(d));
      (*p)->Signal(SIGKILL);
      (*p)->Wait(absl::Seconds(5));
    }
    std::sort(ms.begin(), ms.end());
    double median = ms[ms.size() / 2];
    // Yardstick: the same binary exec'd without the magic cookie, which makes
    // it print a message and exit at once: exec + dynamic linking + exit.
    std::vector<double> bare;
    for (int i = 0; i < o_.startup_runs; ++i) {
      SubprocessOptions sp;
      sp.argv = {o_.provider};
      sp.env = testing::CurrentEnvironment();
      sp.env.erase("TF_PLUGIN_MAGIC_COOKIE");
      absl::Time t0 = absl::Now();
      auto p = Subprocess::Start(sp);
      if (!p.ok()) return false;
      (*p)->ReadRest(absl::Seconds(10));
      (*p)->Wait(absl::Seconds(10));
      bare.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
    }
    std::sort(bare.begin(), bare.end());
    Emit({"start-up: exec -> handshake line",
          absl::StrFormat("median %.1f ms (min %.1f, max %.1f, %d runs)", median, ms.front(),
                          ms.back(), static_cast<int>(ms.size())),
          absl::StrFormat("same binary exec -> exit without cookie (loader only): median %.1f ms "
                          "(min %.1f)",
                          bare[bare.size() / 2], bare.front()),
          "<= 15 ms", median <= 15 ? "ok" : "MISSED"});

    // GetProviderSchema round trip on a fresh process (first call) and warm.
    auto client = Launch();
    if (!client) return false;
    ProviderDriver driver(*client);
    std::vector<double> rt;
    for (int i = 0; i < 11; ++i) {
      absl::Time t0 = absl::Now();
      absl::Status s = driver.LoadSchema();
      rt.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
      if (!s.ok()) {
        std::cerr << "GetProviderSchema failed: " << s << "\n";
        return false;
      }
    }
    double first = rt.front();
    std::sort(rt.begin() + 1, rt.end());
    Emit({"GetProviderSchema round trip",
          absl::StrFormat("first %.2f ms, warm median %.2f ms (incl. client-side decode)", first,
                          rt[1 + (rt.size() - 1) / 2]),
          "", "", "-"});
    client->Shutdown(absl::Seconds(10)).IgnoreError();
    return true;
  }

  std::unique_ptr<PluginClient> Launch() {
    LaunchOptions lo;
    lo.binary = o_.provider;
    lo.env = WithoutCloudSettings();
    auto client = PluginClient::Launch(lo);
    if (!client.ok()) {
      std::cerr << "cannot launch the provider: " << client.status() << "\n";
      return nullptr;
    }
    return *std::move(client);
  }

  bool Configure(ProviderDriver& driver) { return Configure(driver, sim_->base_url()); }

  bool Configure(ProviderDriver& driver, const std::string& api_url) {
    if (absl::Status s = driver.LoadSchema(); !s.ok()) {
      std::cerr << s << "\n";
      return false;
    }
    Value config = Value::ObjectOf(
        driver.ProviderType(),
        {{"project_id", Value::String(SimulatorProcess::kProjectId)},
         {"auth_token", Value::String(SimulatorProcess::kToken)},
         {"endpoints", Value::Map(Type::String(), {{"vpcep", Value::String(api_url)}})}});
    RpcResult r = driver.Configure(config);
    if (r.HasError()) {
      std::cerr << "Configure: " << r.DiagText() << "\n";
      return false;
    }
    return true;
  }

  // A pipeline that approves and revokes all day: one provider process
  // applies and destroys 200 approvals 20 times (no transition delay, so
  // that the run is about what stays behind, not about waiting).
  bool LongRun() {
    constexpr int kApprovals = 200;
    constexpr int kCycles = 20;
    auto sim = SimulatorProcess::Start(o_.sim, {"--transition-delay", "0", "--quiet", "--threads",
                                                "32"});
    if (!sim.ok()) {
      std::cerr << "cannot start the simulator: " << sim.status() << "\n";
      return false;
    }
    std::string service;
    std::vector<std::string> endpoints;
    if (!Seed(**sim, kApprovals, service, endpoints)) return false;
    auto client = Launch();
    if (!client) return false;
    ProviderDriver driver(*client);
    if (!Configure(driver, (*sim)->base_url())) return false;
    const Type type = driver.ResourceType(kApproval);
    const pid_t pid = client->process().pid();
    const int api_port = testing::PortOf((*sim)->base_url());
    struct Sample {
      long rss_kib;
      testing::OpenDescriptors fds;
      int threads;
      std::multiset<std::string> thread_names;
    };
    auto sample = [&] {
      testing::OpenDescriptors fds = testing::CountDescriptors(pid, api_port);
      std::error_code ec;
      std::multiset<std::string> names;
      for (auto it = fs::directory_iterator(absl::StrCat("/proc/", pid, "/task"), ec);
           !ec && it != fs::directory_iterator(); it.increment(ec)) {
        std::string name;
        std::getline(std::ifstream(it->path() / "comm"), name);
        names.insert(name);
      }
      return Sample{StatusKib(pid, "VmRSS"), fds, ThreadCount(pid), names};
    };
    // Which threads a cycle left that the start did not have (by name).
    auto added = [](const Sample& from, const Sample& to) {
      std::vector<std::string> out;
      std::set_difference(to.thread_names.begin(), to.thread_names.end(),
                          from.thread_names.begin(), from.thread_names.end(),
                          std::back_inserter(out));
      return out.empty() ? std::string("none") : absl::StrJoin(out, ", ");
    };
    std::atomic<int> errors{0};
    auto cycle_one = [&](const std::string& endpoint) {
      Value config = Value::ObjectOf(type, {{"service_id", Value::String(service)},
                                            {"endpoint_id", Value::String(endpoint)}});
      RpcResult plan = driver.Plan(kApproval, Value::Null(type),
                                   ProposedNew(type, Value::Null(type), config), config);
      RpcResult made = plan.HasError() ? plan
                                       : driver.Apply(kApproval, Value::Null(type), plan.value,
                                                      config, plan.private_data);
      RpcResult gone = made.HasError() ? made
                                       : driver.Apply(kApproval, made.value, Value::Null(type),
                                                      Value::Null(type));
      if (gone.HasError() && errors++ < 3) std::cerr << "long run: " << gone.DiagText() << "\n";
      if (!(*sim)->SetStatus(service, endpoint, "pendingAcceptance").ok()) ++errors;
    };
    // Threads that gRPC and the HTTP transport start once, on first use, are
    // not growth: "start" is a process that has approved and revoked one.
    cycle_one(endpoints[0]);
    const Sample start = sample();
    std::vector<Sample> after;
    absl::Time t0 = absl::Now();
    for (int cycle = 1; cycle <= kCycles; ++cycle) {
      Parallel(kApprovals, o_.parallelism, [&](int i) { cycle_one(endpoints[i]); });
      after.push_back(sample());
    }
    const absl::Duration wall = absl::Now() - t0;
    if (errors > 0) g_wrong = true;
    const Sample& first = after.front();
    const Sample& last = after.back();
    const double growth_mib = (last.rss_kib - first.rss_kib) / 1024.0;
    Emit({absl::StrFormat("long run: %d cycles of apply + destroy of %d, one process", kCycles,
                          kApprovals),
          absl::StrFormat("RSS %.1f -> %.1f MiB after cycle 1 -> %d (+%.2f MiB); %s",
                          first.rss_kib / 1024.0, last.rss_kib / 1024.0, kCycles, growth_mib,
                          Secs(wall)),
          "growth after the first cycle", "<= 1 MiB",
          errors > 0 ? "WRONG" : growth_mib <= 1.0 ? "ok" : "MISSED"});
    // Idle keep-alive connections to the API vary with how calls overlapped,
    // up to the pool's cap; every other descriptor must stay put.
    int most_to_api = 0;
    for (const Sample& a : after) most_to_api = std::max(most_to_api, a.fds.to_api);
    const bool fds_ok = last.fds.others <= first.fds.others && most_to_api <= 16;
    Emit({"long run: descriptors, others (start, cycle 1, last) + API connections (most)",
          absl::StrFormat("%d, %d, %d + at most %d to the API", start.fds.others,
                          first.fds.others, last.fds.others, most_to_api),
          "other descriptors flat; idle API connections within the pool's cap",
          "others <= cycle 1; API <= 16", fds_ok ? "ok" : "MISSED"});
    Emit({"long run: threads (start after one approval, after cycle 1, after the last)",
          absl::StrFormat("%d, %d, %d; added since the start: %s; since cycle 1: %s",
                          start.threads, first.threads, last.threads, added(start, last),
                          added(first, last)),
          "back to the start value", "<= start", last.threads <= start.threads ? "ok" : "MISSED"});
    client->Shutdown(absl::Seconds(10)).IgnoreError();
    return true;
  }

  // Items 1 and 2 through the test client; peak RSS for the largest N.
  bool ClientRun(int n) {
    std::string service;
    std::vector<std::string> endpoints;
    if (!Seed(*sim_, n, service, endpoints)) return false;
    auto client = Launch();
    if (!client) return false;
    ProviderDriver driver(*client);
    if (!Configure(driver)) return false;
    const Type type = driver.ResourceType(kApproval);
    const long idle_kib = PeakRssKib(client->process().pid());

    std::vector<Value> configs;
    for (const auto& e : endpoints) {
      configs.push_back(Value::ObjectOf(
          type, {{"service_id", Value::String(service)}, {"endpoint_id", Value::String(e)}}));
    }
    std::vector<RpcResult> applied(n);
    std::atomic<int> errors{0};
    Counts before = Snapshot(*sim_);
    absl::Time t0 = absl::Now();
    Parallel(n, o_.parallelism, [&](int i) {
      const Value& config = configs[i];
      RpcResult plan = driver.Plan(kApproval, Value::Null(type),
                                   ProposedNew(type, Value::Null(type), config), config);
      if (plan.HasError()) {
        if (errors++ < 3) std::cerr << "plan: " << plan.DiagText() << "\n";
        return;
      }
      applied[i] = driver.Apply(kApproval, Value::Null(type), plan.value, config,
                                plan.private_data);
      if (applied[i].HasError() && errors++ < 3) {
        std::cerr << "apply: " << applied[i].DiagText() << "\n";
      }
    });
    absl::Duration wall = absl::Now() - t0;
    Counts apply_calls = Delta(before, Snapshot(*sim_));

    int bad = CountNotAccepted(*sim_, service, endpoints);
    for (int i = 0; i < n; ++i) {
      if (applied[i].HasError() || applied[i].value.is_null() ||
          applied[i].value.Attr("status").AsString() != "accepted") {
        ++bad;
      }
    }
    if (errors > 0 || bad > 0) g_wrong = true;

    double limit = std::ceil(n / static_cast<double>(o_.parallelism)) * absl::ToDoubleSeconds(o_.delay);
    double ratio = limit > 0 ? absl::ToDoubleSeconds(wall) / limit : 0;
    std::string target = n == 100 ? "<= 1.3x limit" : "";
    std::string verdict = (errors > 0 || bad > 0) ? "WRONG" : n == 100 ? (ratio <= 1.3 ? "ok" : "MISSED") : "-";
    Emit({absl::StrFormat("apply %d approvals, test client, parallelism %d", n, o_.parallelism),
          absl::StrFormat("%s (%.2fx limit)", Secs(wall), ratio),
          absl::StrFormat("limit ceil(N/%d)*D = %g s; sequential 3 s*N = %d s", o_.parallelism,
                          limit, 3 * n),
          target, verdict});
    Emit({absl::StrFormat("API calls per apply of %d", n), CallText(apply_calls),
          absl::StrFormat("N receive actions = %d; naive per-resource polling >> N", n), "", "-"});

    if (n == *std::max_element(o_.counts.begin(), o_.counts.end())) {
      const pid_t pid = client->process().pid();
      long kib = PeakRssKib(pid);
      Emit({absl::StrFormat("provider peak RSS (VmHWM) after apply of %d", n),
            absl::StrFormat("%.1f MiB (now: %.1f MiB mapped files, %.1f MiB anonymous, %d threads, "
                            "%d shared objects)",
                            kib / 1024.0, StatusKib(pid, "RssFile") / 1024.0,
                            StatusKib(pid, "RssAnon") / 1024.0, ThreadCount(pid),
                            SharedObjects(pid)),
            absl::StrFormat("VmHWM of the same process after handshake+Configure: %.1f MiB",
                            idle_kib / 1024.0),
            "<= 24 MiB",
            kib > 0 && kib <= 24 * 1024 ? "ok" : "MISSED"});
    }
    client->Shutdown(absl::Seconds(10)).IgnoreError();

    // Refresh: Read of every approval at parallelism 10, in a new provider
    // process as `terraform plan` starts one (the apply process would answer
    // from listings it already holds).
    auto planner = Launch();
    if (!planner) return false;
    ProviderDriver plan_driver(*planner);
    if (!Configure(plan_driver)) return false;
    before = Snapshot(*sim_);
    absl::Duration rwall;
    int lost = RefreshAll(plan_driver, applied, endpoints, &rwall);
    Counts refresh_calls = Delta(before, Snapshot(*sim_));
    Emit({absl::StrFormat("refresh %d approvals (1 service, new provider process), parallelism %d",
                          n, o_.parallelism),
          absl::StrFormat("%s; list calls/service: %d", CallText(refresh_calls), refresh_calls.list),
          absl::StrFormat("naive per-resource listing = %d; wall %s", n, Ms(rwall)),
          n == 100 ? "<= 2 list calls/service" : "",
          lost > 0 ? "WRONG" : n == 100 ? (refresh_calls.list <= 2 ? "ok" : "MISSED") : "-"});
    planner->Shutdown(absl::Seconds(10)).IgnoreError();
    return true;
  }

  // Item 1 with the real CLI: terraform apply -parallelism=10, mirror install.
  bool TerraformRun(const std::string& cli, int n) {
    std::string service;
    std::vector<std::string> endpoints;
    if (!Seed(*sim_, n, service, endpoints)) return false;
    std::string dir = TerraformDir(cli, service, endpoints);
    if (dir.empty()) return false;
    TimedApply run = ApplyWithTerraform(cli, dir, service, endpoints);
    const int code = run.code, bad = run.bad;
    const absl::Duration wall = run.wall;
    const Counts calls = run.calls;
    double limit = std::ceil(n / static_cast<double>(o_.parallelism)) * absl::ToDoubleSeconds(o_.delay);
    double ratio = absl::ToDoubleSeconds(wall) / limit;
    Emit({absl::StrFormat("apply %d approvals, terraform apply -parallelism=%d", n, o_.parallelism),
          absl::StrFormat("%s (%.2fx limit); %s", Secs(wall), ratio, CallText(calls)),
          absl::StrFormat("limit %g s; sequential 3 s*N = %d s", limit, 3 * n),
          n == 100 ? "<= 1.3x limit" : "",
          (code != 0 || bad > 0) ? "WRONG" : n == 100 ? (ratio <= 1.3 ? "ok" : "MISSED") : "-"});
    if (code == 0 && bad == 0) fs::remove_all(dir);
    return true;
  }

  // Writes a working directory approving `endpoints` of `service` and runs
  // `terraform init` there; returns the directory ("" on failure).
  std::string TerraformDir(const std::string& cli, const std::string& service,
                           const std::vector<std::string>& endpoints) {
    char tmpl[] = "/tmp/vpcep-bench-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return "";
    std::string dir = tmpl;
    fs::path plugin_dir =
        fs::path(dir) / "mirror/terraform.local/vpcep/vpcep" / o_.version / "linux_amd64";
    fs::create_directories(plugin_dir);
    fs::copy_file(o_.provider, plugin_dir / absl::StrCat("terraform-provider-vpcep_v", o_.version));
    std::ofstream(fs::path(dir) / "cli.tfrc")
        << "provider_installation {\n  filesystem_mirror {\n    path    = \"" << dir
        << "/mirror\"\n    include = [\"terraform.local/*/*\"]\n  }\n"
        << "  direct {\n    exclude = [\"terraform.local/*/*\"]\n  }\n}\n";
    fs::create_directories(fs::path(dir) / "work");
    std::string list;
    for (const auto& e : endpoints) absl::StrAppend(&list, list.empty() ? "" : ", ", "\"", e, "\"");
    std::ofstream(fs::path(dir) / "work/main.tf")
        << "terraform {\n  required_providers {\n"
        << "    vpcep = { source = \"terraform.local/vpcep/vpcep\" }\n  }\n}\n\n"
        << "provider \"vpcep\" {\n  project_id = \"" << SimulatorProcess::kProjectId << "\"\n"
        << "  endpoints  = { vpcep = \"" << sim_->base_url() << "\" }\n}\n\n"
        << "resource \"vpcep_connection_approval\" \"this\" {\n"
        << "  for_each    = toset([" << list << "])\n"
        << "  service_id  = \"" << service << "\"\n  endpoint_id = each.value\n}\n";
    int code = 0;
    std::string err;
    RunTerraform(cli, dir, {"init", "-input=false", "-no-color"}, code, err);
    if (code != 0) {
      std::cerr << "terraform init failed:\n" << err << "\n";
      return "";
    }
    return dir;
  }

  void RunTerraform(const std::string& cli, const std::string& dir, std::vector<std::string> args,
                    int& code, std::string& err) {
    SubprocessOptions sp;
    sp.argv = {cli};
    sp.argv.insert(sp.argv.end(), args.begin(), args.end());
    sp.env = testing::CurrentEnvironment();
    for (const auto& [k, v] : WithoutCloudSettings()) sp.env.erase(k);
    sp.env["TF_CLI_CONFIG_FILE"] = dir + "/cli.tfrc";
    sp.env["TF_IN_AUTOMATION"] = "1";
    sp.env["CHECKPOINT_DISABLE"] = "1";
    sp.env["HW_AUTH_TOKEN"] = SimulatorProcess::kToken;
    sp.env.erase("TF_PLUGIN_CACHE_DIR");
    sp.working_dir = dir + "/work";
    auto p = Subprocess::Start(sp);
    if (!p.ok()) {
      code = -1;
      err = std::string(p.status().message());
      return;
    }
    (*p)->ReadRest(absl::Minutes(30));
    code = (*p)->Wait(absl::Minutes(30)).value_or(-1);
    err = (*p)->Stderr();
  }

  struct TimedApply {
    int code = 0;
    int bad = 0;  // connections not accepted afterwards
    absl::Duration wall;
    Counts calls;
    int64_t items = 0;
  };

  // `terraform apply -parallelism=N` in `dir`, timed, with the API calls and
  // listed items it cost; a failure or an unaccepted connection marks the
  // run wrong.
  TimedApply ApplyWithTerraform(const std::string& cli, const std::string& dir,
                                const std::string& service,
                                const std::vector<std::string>& endpoints) {
    TimedApply r;
    std::string err;
    Counts before = Snapshot(*sim_);
    int64_t items = ListedItems();
    absl::Time t0 = absl::Now();
    RunTerraform(cli, dir,
                 {"apply", "-auto-approve", "-input=false", "-no-color",
                  absl::StrCat("-parallelism=", o_.parallelism)},
                 r.code, err);
    r.wall = absl::Now() - t0;
    r.calls = Delta(before, Snapshot(*sim_));
    r.items = ListedItems() - items;
    r.bad = CountNotAccepted(*sim_, service, endpoints);
    if (r.code != 0) std::cerr << "terraform apply exited " << r.code << ":\n" << err << "\n";
    if (r.code != 0 || r.bad > 0) g_wrong = true;
    return r;
  }

  // Reads every approval in `applied` on `driver`, `o_.parallelism` at a
  // time, as a refresh does; returns how many left state or failed.
  int RefreshAll(ProviderDriver& driver, const std::vector<RpcResult>& applied,
                 const std::vector<std::string>& endpoints, absl::Duration* wall) {
    const int n = static_cast<int>(applied.size());
    std::vector<RpcResult> read(n);
    absl::Time t0 = absl::Now();
    Parallel(n, o_.parallelism, [&](int i) {
      read[i] = driver.Read(kApproval, applied[i].value, applied[i].private_data);
    });
    *wall = absl::Now() - t0;
    int lost = 0;
    for (int i = 0; i < n; ++i) {
      if (read[i].HasError() || read[i].value.is_null() ||
          read[i].value.Attr("status").AsString() != "accepted") {
        if (++lost <= 3) std::cerr << "refresh lost " << endpoints[i] << ": " << read[i].DiagText() << "\n";
      }
    }
    if (lost > 0) g_wrong = true;
    return lost;
  }

  // The plan of a vpcep_connection_policy over the whole service, in a new
  // process as `terraform plan` starts one: a new policy's plan (one read of
  // the service), and an existing one's refresh and plan (one read, which the
  // plan reuses as Terraform hands it over). Authoritative: admits the owners
  // of the first 50 of the 100 approvals of the rows before (accepted by now)
  // and rejects every other connection.
  bool PolicyPlanRow(const std::string& service, const std::vector<std::string>& endpoints,
                     absl::Duration latency, double item_cost_ms) {
    auto planner = Launch();
    if (!planner) return false;
    ProviderDriver driver(*planner);
    if (!Configure(driver)) return false;
    const Type type = driver.ResourceType(kPolicy);
    std::vector<Value> domains;
    for (int i = 0; i < 50; ++i) domains.push_back(Value::String(absl::StrCat("domain-", i)));
    Value config = Value::ObjectOf(type, {{"service_id", Value::String(service)},
                                          {"domain_ids", Value::Set(Type::String(), domains)},
                                          {"reject_pending", Value::Bool(true)},
                                          {"revoke_accepted", Value::Bool(true)}});
    Counts before = Snapshot(*sim_);
    absl::Time t0 = absl::Now();
    RpcResult plan = driver.Plan(kPolicy, Value::Null(type),
                                 ProposedNew(type, Value::Null(type), config), config);
    const absl::Duration create_wall = absl::Now() - t0;
    Counts create_calls = Delta(before, Snapshot(*sim_));
    t0 = absl::Now();
    RpcResult read = plan.HasError() ? plan : driver.Read(kPolicy, plan.value);
    RpcResult again = read.HasError() ? read
                                      : driver.Plan(kPolicy, read.value,
                                                    ProposedNew(type, read.value, config), config,
                                                    read.private_data);
    const absl::Duration update_wall = absl::Now() - t0;
    planner->Shutdown(absl::Seconds(10)).IgnoreError();
    bool right = !plan.HasError() && !again.HasError();
    for (int i = 0; right && i < 100; ++i) {
      const Value& map = plan.value.Attr(i < 50 ? "accepted" : "rejected");
      right = map.is_wholly_known() && map.MapElements().count(endpoints[i]) == 1;
    }
    if (!right) {
      std::cerr << "policy plan wrong: " << plan.DiagText() << again.DiagText() << "\n";
      g_wrong = true;
    }
    const double pages = std::ceil(10000.0 / 980);
    const double sequential =
        pages * (absl::ToDoubleSeconds(latency) + 1000 * item_cost_ms / 1000);
    Emit({"scale: plan a connection policy over a service of 10,000, latency 100 ms",
          absl::StrFormat("new: %s (%s); existing (refresh + plan): %s", Secs(create_wall),
                          CallText(create_calls), Secs(update_wall)),
          absl::StrFormat("one page walk in order = %.0f x (100 ms + 1,000 items) = %.2f s",
                          pages, sequential),
          "<= 2 s each",
          !right ? "WRONG"
          : create_wall <= absl::Seconds(2) && update_wall <= absl::Seconds(2) ? "ok"
                                                                                : "MISSED"});
    return true;
  }

  int64_t ListedItems() {
    auto s = sim_->Stats();
    return s.ok() ? (*s)["listed"].value("items", int64_t{0}) : 0;
  }
  int64_t Throttled() {
    auto s = sim_->Stats();
    return s.ok() ? (*s)["requests"].value("throttled", int64_t{0}) : 0;
  }

  // A service of `size` connections, 100 of them pending (to approve).
  bool SeedLarge(int size, std::string& service, std::vector<std::string>& endpoints) {
    if (!Seed(*sim_, 100, service, endpoints)) return false;
    // Filler on both sides of the approvals in creation order.
    int filler = size - 100;
    if (filler > 0 && (!sim_->Generate(service, filler / 2, "accepted").ok() ||
                       !sim_->Generate(service, filler - filler / 2, "accepted").ok())) {
      std::cerr << "cannot generate connections\n";
      return false;
    }
    return true;
  }

  // The big-service rows: apply of 100 approvals on services of 100, 1,000
  // and 10,000 connections at 100 ms API latency, the refresh of the largest,
  // and an apply under a rate limit of 20 calls/s.
  bool ScaleFigures() {
    const absl::Duration latency = absl::Milliseconds(100);
    const double item_cost_ms = 0.02;
    const int n = 100;
    const double limit = std::ceil(n / static_cast<double>(o_.parallelism)) *
                         absl::ToDoubleSeconds(o_.delay + 2 * latency);
    std::string cli = o_.terraform ? FindOnPath("terraform") : "";
    for (int size : {100, 1000, 10000}) {
      std::string service;
      std::vector<std::string> endpoints;
      if (!sim_->ClearFaults().ok() || !SeedLarge(size, service, endpoints)) return false;
      if (!sim_->SetFaults({{"latency_ms", absl::ToInt64Milliseconds(latency)},
                            {"list_item_cost_ms", item_cost_ms}})
               .ok()) {
        return false;
      }
      // Test client: one process, Terraform's RPC sequence at parallelism 10.
      auto client = Launch();
      if (!client) return false;
      ProviderDriver driver(*client);
      if (!Configure(driver)) return false;
      const Type type = driver.ResourceType(kApproval);
      std::vector<RpcResult> applied(n);
      std::atomic<int> errors{0};
      Counts before = Snapshot(*sim_);
      int64_t items0 = ListedItems();
      absl::Time t0 = absl::Now();
      Parallel(n, o_.parallelism, [&](int i) {
        Value config = Value::ObjectOf(type, {{"service_id", Value::String(service)},
                                              {"endpoint_id", Value::String(endpoints[i])}});
        RpcResult plan = driver.Plan(kApproval, Value::Null(type),
                                     ProposedNew(type, Value::Null(type), config), config);
        applied[i] = plan.HasError() ? plan
                                     : driver.Apply(kApproval, Value::Null(type), plan.value,
                                                    config, plan.private_data);
        if (applied[i].HasError() && errors++ < 3) std::cerr << applied[i].DiagText() << "\n";
      });
      absl::Duration wall = absl::Now() - t0;
      Counts calls = Delta(before, Snapshot(*sim_));
      int64_t items = ListedItems() - items0;
      client->Shutdown(absl::Seconds(10)).IgnoreError();
      int bad = CountNotAccepted(*sim_, service, endpoints);
      if (errors > 0 || bad > 0) g_wrong = true;
      double ratio = absl::ToDoubleSeconds(wall) / limit;
      Emit({absl::StrFormat("scale: apply %d on a service of %d, latency 100 ms, test client", n,
                            size),
            absl::StrFormat("%s (%.2fx limit)", Secs(wall), ratio),
            absl::StrFormat("limit ceil(N/10)*(D + 2*latency) = %g s", limit), "<= 1.15x limit",
            errors > 0 || bad > 0 ? "WRONG" : ratio <= 1.15 ? "ok" : "MISSED"});
      double per_call = calls.total / static_cast<double>(n);
      double per_item = items / static_cast<double>(n);
      Emit({absl::StrFormat("scale: API calls and listed items per approval (service of %d)", size),
            absl::StrFormat("%.2f calls (%s); %.1f items", per_call, CallText(calls), per_item),
            "1 receive per approval is the floor",
            size == 10000 ? "<= 2.5 calls, <= 50 items" : "",
            size != 10000 ? "-" : (per_call <= 2.5 && per_item <= 50 ? "ok" : "MISSED")});

      if (size == 10000) {
        // Refresh in a new process, as `terraform plan` starts one.
        auto planner = Launch();
        if (!planner) return false;
        ProviderDriver plan_driver(*planner);
        if (!Configure(plan_driver)) return false;
        before = Snapshot(*sim_);
        items0 = ListedItems();
        absl::Duration rwall;
        int lost = RefreshAll(plan_driver, applied, endpoints, &rwall);
        Counts rcalls = Delta(before, Snapshot(*sim_));
        Emit({"scale: refresh 100 approvals of a service of 10,000, latency 100 ms",
              absl::StrFormat("%s; %s; %lld items", Secs(rwall), CallText(rcalls),
                              static_cast<long long>(ListedItems() - items0)),
              "10 waves of one 100 ms call = 1.0 s", "<= 1.5 s",
              lost > 0 ? "WRONG" : rwall <= absl::Milliseconds(1500) ? "ok" : "MISSED"});
        planner->Shutdown(absl::Seconds(10)).IgnoreError();
      }
      if (size == 10000 && !PolicyPlanRow(service, endpoints, latency, item_cost_ms)) return false;

      if (!cli.empty()) {
        // The same with the real CLI, on a fresh set of 100 endpoints.
        std::string service2;
        std::vector<std::string> endpoints2;
        if (!sim_->ClearFaults().ok() || !SeedLarge(size, service2, endpoints2)) return false;
        std::string dir = TerraformDir(cli, service2, endpoints2);
        if (dir.empty()) return false;
        if (!sim_->SetFaults({{"latency_ms", absl::ToInt64Milliseconds(latency)},
                              {"list_item_cost_ms", item_cost_ms}})
                 .ok()) {
          return false;
        }
        TimedApply run = ApplyWithTerraform(cli, dir, service2, endpoints2);
        const int code = run.code, tbad = run.bad;
        const absl::Duration twall = run.wall;
        const Counts tcalls = run.calls;
        const int64_t items = run.items;
        double tratio = absl::ToDoubleSeconds(twall) / limit;
        Emit({absl::StrFormat("scale: apply %d on a service of %d, latency 100 ms, terraform", n,
                              size),
              absl::StrFormat("%s (%.2fx limit); %.2f calls and %.1f items per approval", Secs(twall),
                              tratio, tcalls.total / static_cast<double>(n),
                              items / static_cast<double>(n)),
              absl::StrFormat("limit %g s (plan and apply, one provider process each)", limit),
              "<= 1.15x limit",
              code != 0 || tbad > 0 ? "WRONG" : tratio <= 1.15 ? "ok" : "MISSED"});
        if (code == 0 && tbad == 0) fs::remove_all(dir);
      }
    }
    return RateLimitFigure();
  }

  // Apply of 100 under a simulated limit of 20 calls/s, default settings.
  bool RateLimitFigure() {
    std::string service;
    std::vector<std::string> endpoints;
    if (!sim_->ClearFaults().ok() || !Seed(*sim_, 100, service, endpoints)) return false;
    if (!sim_->SetFaults({{"rate_limit", 20}}).ok()) return false;
    auto client = Launch();
    if (!client) return false;
    ProviderDriver driver(*client);
    if (!Configure(driver)) return false;
    const Type type = driver.ResourceType(kApproval);
    std::atomic<int> errors{0};
    Counts before = Snapshot(*sim_);
    int64_t throttled0 = Throttled();
    absl::Time t0 = absl::Now();
    Parallel(100, o_.parallelism, [&](int i) {
      Value config = Value::ObjectOf(type, {{"service_id", Value::String(service)},
                                            {"endpoint_id", Value::String(endpoints[i])}});
      RpcResult plan = driver.Plan(kApproval, Value::Null(type),
                                   ProposedNew(type, Value::Null(type), config), config);
      RpcResult r = plan.HasError() ? plan
                                    : driver.Apply(kApproval, Value::Null(type), plan.value,
                                                   config, plan.private_data);
      if (r.HasError() && errors++ < 3) std::cerr << r.DiagText() << "\n";
    });
    absl::Duration wall = absl::Now() - t0;
    Counts calls = Delta(before, Snapshot(*sim_));
    int64_t throttled = Throttled() - throttled0;
    client->Shutdown(absl::Seconds(10)).IgnoreError();
    sim_->ClearFaults().IgnoreError();  // the check below lists through the API too
    int bad = CountNotAccepted(*sim_, service, endpoints);
    if (errors > 0 || bad > 0) g_wrong = true;
    double share = calls.total > 0 ? 100.0 * throttled / calls.total : 0;
    Emit({"scale: apply 100 under a limit of 20 calls/s, default settings",
          absl::StrFormat("%s; %lld of %lld calls throttled (%.1f%%)", Secs(wall),
                          static_cast<long long>(throttled), static_cast<long long>(calls.total),
                          share),
          "converges; throttled share of all calls", "<= 5% throttled",
          errors > 0 || bad > 0 ? "WRONG" : share <= 5 ? "ok" : "MISSED"});
    return true;
  }

  void PrintTable() {
    std::cout << "| figure | measured | yardstick | target | verdict |\n"
              << "|---|---|---|---|---|\n";
    for (const auto& r : g_rows) {
      std::cout << "| " << r.item << " | " << r.measured << " | " << r.yardstick << " | "
                << r.target << " | " << r.verdict << " |\n";
    }
    std::cout.flush();
  }

  Options o_;
  std::unique_ptr<SimulatorProcess> sim_;
};

int Usage(const char* argv0) {
  std::cerr << "usage: " << argv0
            << " --provider PATH --sim PATH [--counts 10,100,500] [--quick]\n"
               "       [--delay 1s] [--parallelism 10] [--no-terraform] [--no-long-run]\n"
               "       [--startup-runs 20]\n";
  return 2;
}

}  // namespace
}  // namespace vpcep::bench

int main(int argc, char** argv) {
  using vpcep::bench::Options;
  Options o;
  if (const char* d = std::getenv("VPCEP_BENCH_DELAY")) {
    if (!absl::ParseDuration(d, &o.delay)) return vpcep::bench::Usage(argv[0]);
  }
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--provider") {
      o.provider = next();
    } else if (a == "--sim") {
      o.sim = next();
    } else if (a == "--quick") {
      o.counts = {10, 100};
    } else if (a == "--counts") {
      o.counts.clear();
      for (absl::string_view c : absl::StrSplit(next(), ',')) {
        int n = 0;
        if (!absl::SimpleAtoi(c, &n) || n <= 0) return vpcep::bench::Usage(argv[0]);
        o.counts.push_back(n);
      }
    } else if (a == "--delay") {
      if (!absl::ParseDuration(next(), &o.delay)) return vpcep::bench::Usage(argv[0]);
    } else if (a == "--parallelism") {
      if (!absl::SimpleAtoi(next(), &o.parallelism) || o.parallelism <= 0) {
        return vpcep::bench::Usage(argv[0]);
      }
    } else if (a == "--no-scale") {
      o.scale = false;
    } else if (a == "--scale-only") {
      o.scale_only = true;
    } else if (a == "--no-long-run") {
      o.long_run = false;
    } else if (a == "--no-terraform") {
      o.terraform = false;
    } else if (a == "--startup-runs") {
      if (!absl::SimpleAtoi(next(), &o.startup_runs) || o.startup_runs <= 0) {
        return vpcep::bench::Usage(argv[0]);
      }
    } else {
      return vpcep::bench::Usage(argv[0]);
    }
  }
  if (o.provider.empty() || o.sim.empty() || o.counts.empty()) return vpcep::bench::Usage(argv[0]);
  return vpcep::bench::Bench(o).Run();
}
