#include "simulator/command_line.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"

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

}  // namespace

std::string Usage() {
  return R"(Usage: vpcep-sim [flags]

A local simulator of the Huawei Cloud VPC Endpoint (VPCEP) API, for tests.
Prints its base URL (e.g. http://127.0.0.1:43123) as the first line of stdout,
then serves until SIGINT or SIGTERM. Request logs go to stderr.

Flags:
  --listen HOST:PORT         Address to listen on (default 127.0.0.1:0, i.e. any
                             free port). IPv6 hosts in brackets: [::1]:8080.
  --allow-remote             Allow a non-loopback HOST (refused otherwise).
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
  --error-code-spelling S    EndPoint (default) or Endpoint: spelling of
                             EndPoint.xxxx codes in API error bodies.
  --time-format F            seconds (default, 2018-01-30T07:42:01Z) or
                             fractional (2018-01-30T07:42:01.174, no Z).

  --random-seed N            Make generated ids reproducible.
  --quiet                    Do not log requests.
  -h, --help                 Print this help and exit.

The /admin API (no authentication) seeds and inspects the state; see
simulator/README.md.
)";
}

absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine result;
  result.options.log_requests = true;
  std::optional<std::string> pending_ak;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> inline_value;
    const size_t eq = flag.find('=');
    if (absl::StartsWith(flag, "--") && eq != std::string::npos) {
      inline_value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    auto value = [&]() -> absl::StatusOr<std::string> {
      if (inline_value.has_value()) return *inline_value;
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(absl::StrCat(flag, " needs a value"));
      }
      return args[++i];
    };
    auto no_value = [&]() -> absl::Status {
      if (inline_value.has_value()) {
        return absl::InvalidArgumentError(absl::StrCat(flag, " takes no value"));
      }
      return absl::OkStatus();
    };

    absl::Status status;
    if (flag == "-h" || flag == "--help") {
      status = no_value();
      result.help = true;
    } else if (flag == "--allow-remote") {
      status = no_value();
      result.options.allow_remote = true;
    } else if (flag == "--quiet") {
      status = no_value();
      result.options.log_requests = false;
    } else if (flag == "--strict-offset") {
      status = no_value();
      result.options.faults.strict_offset = true;
    } else if (flag == "--listen" || flag == "--project-id" || flag == "--token" ||
               flag == "--transition-delay" || flag == "--transition-delay-ms" ||
               flag == "--seed" || flag == "--threads" || flag == "--random-seed" ||
               flag == "--ak" || flag == "--sk" || absl::StartsWith(flag, "--fault-") ||
               flag == "--list-item-cost" || flag == "--rate-limit" || flag == "--churn-create" ||
               flag == "--churn-delete" || flag == "--churn-seed" ||
               flag == "--error-code-spelling" || flag == "--time-format") {
      absl::StatusOr<std::string> v = value();
      if (!v.ok()) return v.status();
      FaultConfig& faults = result.options.faults;
      if (flag == "--ak") {
        if (v->empty()) return absl::InvalidArgumentError("--ak must not be empty");
        if (pending_ak.has_value()) {
          return absl::InvalidArgumentError("--ak given twice without --sk in between");
        }
        pending_ak = *v;
      } else if (flag == "--sk") {
        if (!pending_ak.has_value()) return absl::InvalidArgumentError("--sk must follow --ak");
        if (v->empty()) return absl::InvalidArgumentError("--sk must not be empty");
        result.options.aksk_keys[*pending_ak] = *v;
        pending_ak.reset();
      } else if (flag == "--fault-500") {
        status = ParseRate(flag, *v, &faults.rate_500);
      } else if (flag == "--fault-502") {
        status = ParseRate(flag, *v, &faults.rate_502);
      } else if (flag == "--fault-503") {
        status = ParseRate(flag, *v, &faults.rate_503);
      } else if (flag == "--fault-504") {
        status = ParseRate(flag, *v, &faults.rate_504);
      } else if (flag == "--fault-429") {
        status = ParseRate(flag, *v, &faults.rate_429);
      } else if (flag == "--fault-throttle") {
        status = ParseRate(flag, *v, &faults.rate_throttle);
      } else if (flag == "--fault-drop") {
        status = ParseRate(flag, *v, &faults.rate_drop);
      } else if (flag == "--fault-after-effect") {
        status = ParseRate(flag, *v, &faults.after_effect_rate);
      } else if (flag == "--fault-latency") {
        status = ParseFaultDuration(flag, *v, &faults.latency);
      } else if (flag == "--fault-jitter") {
        status = ParseFaultDuration(flag, *v, &faults.jitter);
      } else if (flag == "--fault-operations") {
        status = ParseOperations(*v, faults);
      } else if (flag == "--fault-seed") {
        uint64_t seed;
        if (!absl::SimpleAtoi(*v, &seed)) {
          return absl::InvalidArgumentError(
              absl::StrCat("--fault-seed wants an integer, got '", *v, "'"));
        }
        result.options.fault_seed = seed;
      } else if (flag == "--list-item-cost") {
        status = ParseFaultDuration(flag, *v, &faults.list_item_cost);
        if (status.ok() && faults.list_item_cost > absl::Seconds(1)) {
          status = absl::InvalidArgumentError("--list-item-cost must be at most 1s");
        }
      } else if (flag == "--rate-limit") {
        if (!absl::SimpleAtod(*v, &faults.rate_limit) ||
            !(faults.rate_limit >= 0 && faults.rate_limit <= 1e9)) {
          return absl::InvalidArgumentError(
              absl::StrCat("--rate-limit wants calls per second >= 0 (0: off), got '", *v, "'"));
        }
      } else if (flag == "--churn-create") {
        status = ParseRate(flag, *v, &faults.churn_create);
      } else if (flag == "--churn-delete") {
        status = ParseRate(flag, *v, &faults.churn_delete);
      } else if (flag == "--churn-seed") {
        uint64_t seed;
        if (!absl::SimpleAtoi(*v, &seed)) {
          return absl::InvalidArgumentError(
              absl::StrCat("--churn-seed wants an integer, got '", *v, "'"));
        }
        result.options.churn_seed = seed;
      } else if (flag == "--error-code-spelling") {
        std::optional<CodeSpelling> spelling = ParseCodeSpelling(*v);
        if (!spelling.has_value()) {
          return absl::InvalidArgumentError(
              absl::StrCat("--error-code-spelling wants EndPoint or Endpoint, got '", *v, "'"));
        }
        faults.error_code_spelling = *spelling;
      } else if (flag == "--time-format") {
        std::optional<TimeFormat> format = ParseTimeFormat(*v);
        if (!format.has_value()) {
          return absl::InvalidArgumentError(
              absl::StrCat("--time-format wants seconds or fractional, got '", *v, "'"));
        }
        faults.time_format = *format;
      } else if (absl::StartsWith(flag, "--fault-")) {
        return absl::InvalidArgumentError(absl::StrCat("unknown argument '", flag, "'"));
      } else if (flag == "--listen") {
        status = ParseListen(*v, result.options);
      } else if (flag == "--project-id") {
        if (v->empty()) return absl::InvalidArgumentError("--project-id must not be empty");
        result.options.project_id = *v;
      } else if (flag == "--token") {
        result.options.token = *v;
      } else if (flag == "--seed") {
        result.options.seed_file = *v;
      } else if (flag == "--threads") {
        if (!absl::SimpleAtoi(*v, &result.options.threads) || result.options.threads < 1 ||
            result.options.threads > 1024) {
          return absl::InvalidArgumentError(
              absl::StrCat("--threads wants 1..1024, got '", *v, "'"));
        }
      } else if (flag == "--random-seed") {
        uint64_t seed;
        if (!absl::SimpleAtoi(*v, &seed)) {
          return absl::InvalidArgumentError(
              absl::StrCat("--random-seed wants an integer, got '", *v, "'"));
        }
        result.options.random_seed = seed;
      } else {
        status = ParseDelay(flag, *v, result.options);
      }
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown argument '", args[i], "'"));
    }
    if (!status.ok()) return status;
  }
  if (pending_ak.has_value()) return absl::InvalidArgumentError("--ak needs a following --sk");
  if (absl::Status faults = result.options.faults.Validate(); !faults.ok()) return faults;
  return result;
}

}  // namespace vpcep::sim
