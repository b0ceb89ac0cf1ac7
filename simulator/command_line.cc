#include "simulator/command_line.h"

#include <functional>
#include <map>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "provider/cloud/api_vocabulary.h"

namespace vpcep::sim {
namespace {

absl::Status ParseListen(const std::string& value, Simulator::Options& options) {
  const size_t colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen wants HOST:PORT (e.g. 127.0.0.1:0), got '", value, "'"));
  }
  std::string host = value.substr(0, colon);
  const std::string port_text = value.substr(colon + 1);
  if (host.find(':') != std::string::npos && !(host.front() == '[' && host.back() == ']')) {
    return absl::InvalidArgumentError("--listen: write IPv6 hosts in brackets, e.g. [::1]:8080");
  }
  int port;
  if (!absl::SimpleAtoi(port_text, &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("--listen: invalid port '", port_text, "'"));
  }
  options.host = host;
  options.port = port;
  return absl::OkStatus();
}

absl::Status ParseDelay(const std::string& flag, const std::string& value,
                        Simulator::Options& options) {
  absl::Duration delay;
  if (flag == "--transition-delay-ms") {
    int64_t ms;
    if (!absl::SimpleAtoi(value, &ms) || ms < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--transition-delay-ms wants milliseconds >= 0, got '", value, "'"));
    }
    delay = absl::Milliseconds(ms);
  } else if (value == "0") {
    delay = absl::ZeroDuration();
  } else if (!absl::ParseDuration(value, &delay) || delay < absl::ZeroDuration() ||
             delay == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--transition-delay wants a duration like 1s, 250ms or 1m30s, got '", value, "'"));
  }
  options.transition_delay = delay;
  return absl::OkStatus();
}

absl::Status ParseRate(const std::string& flag, const std::string& value, double* rate) {
  if (!absl::SimpleAtod(value, rate) || !(*rate >= 0 && *rate <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " wants a rate between 0 and 1, got '", value, "'"));
  }
  return absl::OkStatus();
}

absl::Status ParseFaultDuration(const std::string& flag, const std::string& value,
                                absl::Duration* out) {
  if (value == "0") {
    *out = absl::ZeroDuration();
    return absl::OkStatus();
  }
  if (!absl::ParseDuration(value, out) || *out < absl::ZeroDuration() ||
      *out == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " wants a duration like 100ms or 2s, got '", value, "'"));
  }
  return absl::OkStatus();
}

absl::Status ParseOperations(const std::string& value, FaultConfig& config) {
  config.list = config.action = config.service = config.description = false;
  for (absl::string_view op : absl::StrSplit(value, ',', absl::SkipEmpty())) {
    if (op == "list") {
      config.list = true;
    } else if (op == "action") {
      config.action = true;
    } else if (op == "service") {
      config.service = true;
    } else if (op == "description") {
      config.description = true;
    } else if (op == "all") {
      config.list = config.action = config.service = config.description = true;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--fault-operations wants a comma-separated list of list, action, service, "
                       "description (or all), got '",
                       value, "'"));
    }
  }
  return absl::OkStatus();
}

// Parsing state: the result so far, and an --ak waiting for its --sk.
struct Parse {
  CommandLine result;
  std::optional<std::string> pending_ak;

  Simulator::Options& options() { return result.options; }
  FaultConfig& faults() { return result.options.faults; }
};

// Takes the value of `flag` into `p`.
using ValueFlag =
    std::function<absl::Status(const std::string& flag, const std::string& value, Parse& p)>;

ValueFlag Rate(double FaultConfig::*rate) {
  return [rate](const std::string& flag, const std::string& v, Parse& p) {
    return ParseRate(flag, v, &(p.faults().*rate));
  };
}

ValueFlag FaultDuration(absl::Duration FaultConfig::*duration) {
  return [duration](const std::string& flag, const std::string& v, Parse& p) {
    return ParseFaultDuration(flag, v, &(p.faults().*duration));
  };
}

ValueFlag Seed(std::optional<uint64_t> Simulator::Options::*seed) {
  return [seed](const std::string& flag, const std::string& v, Parse& p) {
    uint64_t n;
    if (!absl::SimpleAtoi(v, &n)) {
      return absl::InvalidArgumentError(absl::StrCat(flag, " wants an integer, got '", v, "'"));
    }
    p.options().*seed = n;
    return absl::OkStatus();
  };
}

absl::Status Ak(const std::string&, const std::string& v, Parse& p) {
  if (v.empty()) return absl::InvalidArgumentError("--ak must not be empty");
  if (p.pending_ak.has_value()) {
    return absl::InvalidArgumentError("--ak given twice without --sk in between");
  }
  p.pending_ak = v;
  return absl::OkStatus();
}

absl::Status Sk(const std::string&, const std::string& v, Parse& p) {
  if (!p.pending_ak.has_value()) return absl::InvalidArgumentError("--sk must follow --ak");
  if (v.empty()) return absl::InvalidArgumentError("--sk must not be empty");
  p.options().aksk_keys[*p.pending_ak] = v;
  p.pending_ak.reset();
  return absl::OkStatus();
}

absl::Status ListItemCost(const std::string& flag, const std::string& v, Parse& p) {
  absl::Status status = ParseFaultDuration(flag, v, &p.faults().list_item_cost);
  if (status.ok() && p.faults().list_item_cost > absl::Seconds(1)) {
    return absl::InvalidArgumentError("--list-item-cost must be at most 1s");
  }
  return status;
}

absl::Status RateLimit(const std::string&, const std::string& v, Parse& p) {
  double& limit = p.faults().rate_limit;
  if (!absl::SimpleAtod(v, &limit) || !(limit >= 0 && limit <= 1e9)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--rate-limit wants calls per second >= 0 (0: off), got '", v, "'"));
  }
  return absl::OkStatus();
}

absl::Status PageCap(const std::string&, const std::string& v, Parse& p) {
  int& cap = p.faults().page_cap;
  if (!absl::SimpleAtoi(v, &cap) || cap < 0 || cap > api::kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("--page-cap wants 0 (off) to ", api::kMaxPageSize, " items, got '", v, "'"));
  }
  return absl::OkStatus();
}

absl::Status Spelling(const std::string&, const std::string& v, Parse& p) {
  std::optional<CodeSpelling> spelling = ParseCodeSpelling(v);
  if (!spelling.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--error-code-spelling wants EndPoint or Endpoint, got '", v, "'"));
  }
  p.faults().error_code_spelling = *spelling;
  return absl::OkStatus();
}

absl::Status Times(const std::string&, const std::string& v, Parse& p) {
  std::optional<TimeFormat> format = ParseTimeFormat(v);
  if (!format.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--time-format wants seconds or fractional, got '", v, "'"));
  }
  p.faults().time_format = *format;
  return absl::OkStatus();
}

absl::Status ProjectId(const std::string&, const std::string& v, Parse& p) {
  if (v.empty()) return absl::InvalidArgumentError("--project-id must not be empty");
  p.options().project_id = v;
  return absl::OkStatus();
}

absl::Status Threads(const std::string&, const std::string& v, Parse& p) {
  int& threads = p.options().threads;
  if (!absl::SimpleAtoi(v, &threads) || threads < 1 || threads > 1024) {
    return absl::InvalidArgumentError(absl::StrCat("--threads wants 1..1024, got '", v, "'"));
  }
  return absl::OkStatus();
}

// Every flag that takes a value.
const std::map<std::string, ValueFlag>& ValueFlags() {
  static const auto* const kFlags = new std::map<std::string, ValueFlag>{
      {"--listen",
       [](const std::string&, const std::string& v, Parse& p) {
         return ParseListen(v, p.options());
       }},
      {"--project-id", ProjectId},
      {"--token",
       [](const std::string&, const std::string& v, Parse& p) {
         p.options().token = v;
         return absl::OkStatus();
       }},
      {"--transition-delay",
       [](const std::string& flag, const std::string& v, Parse& p) {
         return ParseDelay(flag, v, p.options());
       }},
      {"--transition-delay-ms",
       [](const std::string& flag, const std::string& v, Parse& p) {
         return ParseDelay(flag, v, p.options());
       }},
      {"--seed",
       [](const std::string&, const std::string& v, Parse& p) {
         p.options().seed_file = v;
         return absl::OkStatus();
       }},
      {"--ak", Ak},
      {"--sk", Sk},
      {"--threads", Threads},
      {"--fault-500", Rate(&FaultConfig::rate_500)},
      {"--fault-502", Rate(&FaultConfig::rate_502)},
      {"--fault-503", Rate(&FaultConfig::rate_503)},
      {"--fault-504", Rate(&FaultConfig::rate_504)},
      {"--fault-429", Rate(&FaultConfig::rate_429)},
      {"--fault-throttle", Rate(&FaultConfig::rate_throttle)},
      {"--fault-drop", Rate(&FaultConfig::rate_drop)},
      {"--fault-latency", FaultDuration(&FaultConfig::latency)},
      {"--fault-jitter", FaultDuration(&FaultConfig::jitter)},
      {"--fault-after-effect", Rate(&FaultConfig::after_effect_rate)},
      {"--fault-operations",
       [](const std::string&, const std::string& v, Parse& p) {
         return ParseOperations(v, p.faults());
       }},
      {"--fault-seed", Seed(&Simulator::Options::fault_seed)},
      {"--list-item-cost", ListItemCost},
      {"--rate-limit", RateLimit},
      {"--churn-create", Rate(&FaultConfig::churn_create)},
      {"--churn-delete", Rate(&FaultConfig::churn_delete)},
      {"--churn-seed", Seed(&Simulator::Options::churn_seed)},
      {"--error-code-spelling", Spelling},
      {"--page-cap", PageCap},
      {"--time-format", Times},
      {"--random-seed", Seed(&Simulator::Options::random_seed)},
  };
  return *kFlags;
}

// Every flag without a value.
const std::map<std::string, std::function<void(Parse&)>>& Switches() {
  static const auto* const kSwitches = new std::map<std::string, std::function<void(Parse&)>>{
      {"-h", [](Parse& p) { p.result.help = true; }},
      {"--help", [](Parse& p) { p.result.help = true; }},
      {"--allow-remote", [](Parse& p) { p.options().allow_remote = true; }},
      {"--quiet", [](Parse& p) { p.options().log_requests = false; }},
      {"--strict-offset", [](Parse& p) { p.faults().strict_offset = true; }},
      {"--unstable-order", [](Parse& p) { p.faults().unstable_order = true; }},
      {"--ignore-id-filter", [](Parse& p) { p.faults().ignore_id_filter = true; }},
  };
  return *kSwitches;
}

}  // namespace

// Long, but one string literal: the help text as it is printed.
std::string Usage() {
  return R"(Usage: vpcep-sim [flags]

A local simulator of the Huawei Cloud VPC Endpoint (VPCEP) API, for tests.
Prints its base URL (e.g. http://127.0.0.1:43123) as the first line of stdout,
then serves until SIGINT or SIGTERM. Request logs go to stderr.

Flags:
  --listen HOST:PORT         Address to listen on (default 127.0.0.1:0, i.e. any
                             free port). IPv6 hosts in brackets: [::1]:8080.
  --allow-remote             Allow a non-loopback HOST (refused otherwise; so
                             is a request whose Host header is not loopback).
                             Needs --token or --ak/--sk, which /admin then
                             requires too.
  --project-id ID            Project id expected in API paths
                             (default 0123456789abcdef0123456789abcdef).
  --token TOKEN              Require header "X-Auth-Token: TOKEN" on API calls
                             (default: no authentication).
  --transition-delay DUR     Time a requested status change takes, as an
                             absl duration: 1s, 250ms, 1m30s, 0 (default 1s).
  --transition-delay-ms N    The same in milliseconds.
  --seed FILE                JSON file of services and connections to start
                             with (format in simulator/README.md).
  --ak AK --sk SK            Accept API calls signed with AK/SK
                             (SDK-HMAC-SHA256, X-Sdk-Date within 15 minutes).
                             Repeat the pair for several keys. With --token
                             too, either credential is accepted.
  --threads N                HTTP worker threads (default 16).

Fault injection (API calls only, never /admin; also set by POST /admin/faults):
  --fault-500 R              Rate (0..1) of 500 EndPoint.0001.
  --fault-502 R, --fault-503 R, --fault-504 R
                             Rates of 502/503/504 with a gateway (APIGW) body.
  --fault-429 R              Rate of 429 APIGW.0308 (gateway throttling).
  --fault-throttle R         Rate of 400 EndPoint.0022 (API throttling).
  --fault-drop R             Rate of connections closed without a response.
                             (The rates above must sum to at most 1.)
  --fault-latency DUR        Delay added to each call (e.g. 200ms).
  --fault-jitter DUR         Plus a uniform random delay in [0, DUR).
  --fault-after-effect R     Fraction of injected 5xx on actions returned after
                             the action took effect (a lost response).
  --fault-operations LIST    Calls affected: comma-separated list, action,
                             service, description (default all).
  --fault-seed N             Make the fault sequence reproducible.

Load and API variants (also set by POST /admin/faults):
  --list-item-cost DUR       A list response sleeps (items returned x DUR),
                             e.g. 100us, besides any fault latency.
  --rate-limit R             API calls per second per project (token bucket of
                             capacity max(R,1)); beyond: 429 APIGW.0308.
                             0 = off (default).
  --churn-create R           Per list call, probability (0..1) of adding a new
                             connection to the listed service first.
  --churn-delete R           Per list call, probability of deleting one
                             connection the client never acted on (churned or
                             pendingAcceptance).
  --churn-seed N             Seed of the churn draws (default: --fault-seed).
  --strict-offset            A list offset > 0 and >= the number of matches is
                             400 EndPoint.0010 (default: an empty page).
  --page-cap N               Misbehave: list pages of at most N items whatever
                             the limit asked for, total_count still all.
  --unstable-order           Misbehave: connections whose times show the same
                             second come in a new order on every list call.
  --ignore-id-filter         Misbehave: the list call ignores its id filter.
  --error-code-spelling S    EndPoint (default) or Endpoint: spelling of
                             EndPoint.xxxx codes in API error bodies.
  --time-format F            seconds (default, 2018-01-30T07:42:01Z) or
                             fractional (2018-01-30T07:42:01.174, no Z).

  --random-seed N            Make generated ids reproducible.
  --quiet                    Do not log requests.
  -h, --help                 Print this help and exit.

The /admin API seeds and inspects the state; its POSTs must be
Content-Type: application/json. See simulator/README.md.
)";
}

absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  Parse p;
  p.options().log_requests = true;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> value;
    if (const size_t eq = flag.find('='); absl::StartsWith(flag, "--") && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    if (auto sw = Switches().find(flag); sw != Switches().end()) {
      if (value.has_value()) {
        return absl::InvalidArgumentError(absl::StrCat(flag, " takes no value"));
      }
      sw->second(p);
      continue;
    }
    auto take = ValueFlags().find(flag);
    if (take == ValueFlags().end()) {
      return absl::InvalidArgumentError(absl::StrCat("unknown argument '", args[i], "'"));
    }
    if (!value.has_value() && i + 1 >= args.size()) {
      return absl::InvalidArgumentError(absl::StrCat(flag, " needs a value"));
    }
    if (!value.has_value()) value = args[++i];
    if (absl::Status s = take->second(flag, *value, p); !s.ok()) return s;
  }
  if (p.pending_ak.has_value()) return absl::InvalidArgumentError("--ak needs a following --sk");
  if (absl::Status faults = p.faults().Validate(); !faults.ok()) return faults;
  return p.result;
}

}  // namespace vpcep::sim
