#include "simulator/faults.h"

#include <iterator>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "simulator/errors.h"

namespace vpcep::sim {
namespace {

using nlohmann::json;

struct RateField {
  const char* key;
  double FaultConfig::*rate;
};

constexpr RateField kRateFields[] = {
    {"500", &FaultConfig::rate_500},   {"502", &FaultConfig::rate_502},
    {"503", &FaultConfig::rate_503},   {"504", &FaultConfig::rate_504},
    {"429", &FaultConfig::rate_429},   {"400", &FaultConfig::rate_throttle},
    {"drop", &FaultConfig::rate_drop},
};

absl::StatusOr<double> ReadRate(const json& value, const std::string& where) {
  if (!value.is_number()) return InvalidField(where, "must be a number in [0, 1]");
  const double rate = value.get<double>();
  if (!(rate >= 0 && rate <= 1)) return InvalidField(where, "must be a number in [0, 1]");
  return rate;
}

absl::StatusOr<absl::Duration> ReadMillis(const json& value, const std::string& where) {
  // At most one hour: a longer delay is surely a mistake (and keeps the
  // conversion below in range).
  if (!value.is_number() || !(value.get<double>() >= 0 && value.get<double>() <= 3600000)) {
    return InvalidField(where, "must be a number of milliseconds in [0, 3600000]");
  }
  return absl::Microseconds(static_cast<int64_t>(value.get<double>() * 1000));
}

}  // namespace

bool FaultConfig::AppliesTo(ApiOperation operation) const {
  switch (operation) {
    case ApiOperation::kList:
      return list;
    case ApiOperation::kAction:
      return action;
    case ApiOperation::kService:
      return service;
    case ApiOperation::kDescription:
      return description;
  }
  return false;
}

absl::Status FaultConfig::Validate() const {
  double sum = 0;
  for (const RateField& field : kRateFields) {
    const double rate = this->*field.rate;
    if (!(rate >= 0 && rate <= 1)) {
      return absl::InvalidArgumentError(
          absl::StrCat("fault rate ", field.key, " must be in [0, 1], got ", rate));
    }
    sum += rate;
  }
  if (sum > 1 + 1e-9) {
    return absl::InvalidArgumentError(absl::StrCat("fault rates must sum to at most 1, got ", sum));
  }
  if (!(after_effect_rate >= 0 && after_effect_rate <= 1)) {
    return absl::InvalidArgumentError("after_effect_rate must be in [0, 1]");
  }
  if (latency < absl::ZeroDuration() || jitter < absl::ZeroDuration() ||
      latency == absl::InfiniteDuration() || jitter == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError("fault latency and jitter must be finite and >= 0");
  }
  return absl::OkStatus();
}

absl::StatusOr<FaultUpdate> FaultUpdateFromJson(const json& body) {
  FaultUpdate update;
  FaultConfig& config = update.config;
  if (!body.is_object()) return InvalidField("body", "must be a JSON object");
  if (auto it = body.find("rates"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) return InvalidField("rates", "must be an object");
    for (const auto& [key, value] : it->items()) {
      bool known = false;
      for (const RateField& field : kRateFields) {
        if (key != field.key) continue;
        absl::StatusOr<double> rate = ReadRate(value, absl::StrCat("rates.", key));
        if (!rate.ok()) return rate.status();
        config.*field.rate = *rate;
        known = true;
      }
      if (!known) {
        return InvalidField(absl::StrCat("rates.", key),
                            "is unknown; use 500, 502, 503, 504, 429, 400 or drop");
      }
    }
  }
  if (auto it = body.find("latency_ms"); it != body.end() && !it->is_null()) {
    absl::StatusOr<absl::Duration> d = ReadMillis(*it, "latency_ms");
    if (!d.ok()) return d.status();
    config.latency = *d;
  }
  if (auto it = body.find("jitter_ms"); it != body.end() && !it->is_null()) {
    absl::StatusOr<absl::Duration> d = ReadMillis(*it, "jitter_ms");
    if (!d.ok()) return d.status();
    config.jitter = *d;
  }
  if (auto it = body.find("after_effect_rate"); it != body.end() && !it->is_null()) {
    absl::StatusOr<double> rate = ReadRate(*it, "after_effect_rate");
    if (!rate.ok()) return rate.status();
    config.after_effect_rate = *rate;
  }
  if (auto it = body.find("operations"); it != body.end() && !it->is_null()) {
    if (!it->is_array()) return InvalidField("operations", "must be an array");
    config.list = config.action = config.service = config.description = false;
    for (const json& op : *it) {
      const std::string name = op.is_string() ? op.get<std::string>() : "";
      if (name == "list") {
        config.list = true;
      } else if (name == "action") {
        config.action = true;
      } else if (name == "service") {
        config.service = true;
      } else if (name == "description") {
        config.description = true;
      } else {
        return InvalidField("operations", "must contain only list, action, service, description");
      }
    }
  }
  if (auto it = body.find("seed"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0) {
      return InvalidField("seed", "must be an integer >= 0");
    }
    update.seed = it->get<uint64_t>();
  }
  absl::Status valid = config.Validate();
  if (!valid.ok()) return InvalidField("body", valid.message());
  return update;
}

json FaultConfigToJson(const FaultConfig& config) {
  json rates = json::object();
  for (const RateField& field : kRateFields) rates[field.key] = config.*field.rate;
  json operations = json::array();
  if (config.list) operations.push_back("list");
  if (config.action) operations.push_back("action");
  if (config.service) operations.push_back("service");
  if (config.description) operations.push_back("description");
  return {
      {"rates", std::move(rates)},
      {"latency_ms", absl::ToDoubleMilliseconds(config.latency)},
      {"jitter_ms", absl::ToDoubleMilliseconds(config.jitter)},
      {"after_effect_rate", config.after_effect_rate},
      {"operations", std::move(operations)},
  };
}

absl::Status FaultError(int http_status) {
  switch (http_status) {
    case 500:
      return MakeError(500, codes::kSystemError, "System error (injected fault).");
    case 502:
      return MakeError(502, "APIGW.0202", "Backend unavailable (injected fault)");
    case 503:
      return MakeError(503, "APIGW.0203", "Service unavailable (injected fault)");
    case 504:
      return MakeError(504, "APIGW.0204", "Backend timeout (injected fault)");
    case 429:
      return MakeError(429, "APIGW.0308",
                       "The throttling threshold has been reached (injected fault)");
    default:
      return MakeError(400, "EndPoint.0022",
                       "The number of requests exceeded the limit (injected fault).");
  }
}

FaultInjector::FaultInjector(FaultConfig config, std::optional<uint64_t> seed)
    : config_(std::move(config)) {
  rng_.seed(seed.has_value() ? *seed : std::random_device()());
  seed_ = seed;
}

FaultConfig FaultInjector::config() const {
  std::lock_guard<std::mutex> lock(mu_);
  return config_;
}

void FaultInjector::Set(const FaultConfig& config, std::optional<uint64_t> seed) {
  std::lock_guard<std::mutex> lock(mu_);
  config_ = config;
  if (seed.has_value()) {
    rng_.seed(*seed);
    seed_ = seed;
  }
}

FaultDecision FaultInjector::Decide(ApiOperation operation) {
  std::lock_guard<std::mutex> lock(mu_);
  FaultDecision decision;
  if (!config_.AppliesTo(operation)) return decision;
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  decision.latency = config_.latency;
  if (config_.jitter > absl::ZeroDuration()) {
    decision.latency += config_.jitter * uniform(rng_);
  }
  const double draw = uniform(rng_);
  double cumulative = 0;
  static constexpr int kStatuses[] = {500, 502, 503, 504, 429, 400};
  for (size_t i = 0; i < std::size(kRateFields); ++i) {
    const double rate = config_.*kRateFields[i].rate;
    cumulative += rate;
    if (rate <= 0 || draw >= cumulative) continue;
    decision.stats_key = kRateFields[i].key;
    if (i == std::size(kRateFields) - 1) {
      decision.kind = FaultDecision::Kind::kDrop;
    } else {
      decision.kind = FaultDecision::Kind::kError;
      decision.http_status = kStatuses[i];
      if (decision.http_status >= 500 && operation == ApiOperation::kAction &&
          config_.after_effect_rate > 0) {
        decision.after_effect = uniform(rng_) < config_.after_effect_rate;
      }
    }
    break;
  }
  return decision;
}

}  // namespace vpcep::sim
