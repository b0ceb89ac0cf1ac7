#include "simulator/faults.h"

#include <algorithm>
#include <iterator>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "provider/cloud/api_vocabulary.h"
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
  if (list_item_cost < absl::ZeroDuration() || list_item_cost > absl::Seconds(1)) {
    return absl::InvalidArgumentError("list item cost must be in [0, 1s]");
  }
  if (!(rate_limit >= 0 && rate_limit <= 1e9)) {
    return absl::InvalidArgumentError("rate limit must be a number of calls per second >= 0");
  }
  if (!(churn_create >= 0 && churn_create <= 1) || !(churn_delete >= 0 && churn_delete <= 1)) {
    return absl::InvalidArgumentError("churn rates must be in [0, 1]");
  }
  return absl::OkStatus();
}

namespace {

// The member of `body` named `key`, or nullptr when it is absent or null.
const json* Member(const json& body, const char* key) {
  auto it = body.find(key);
  return it == body.end() || it->is_null() ? nullptr : &*it;
}

absl::Status ReadRates(const json& body, FaultConfig& config) {
  const json* rates = Member(body, "rates");
  if (rates == nullptr) return absl::OkStatus();
  if (!rates->is_object()) return InvalidField("rates", "must be an object");
  for (const auto& [key, value] : rates->items()) {
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
  return absl::OkStatus();
}

// latency_ms, jitter_ms and after_effect_rate: how injected faults behave.
absl::Status ReadFaultShape(const json& body, FaultConfig& config) {
  for (auto [key, duration] : {std::pair{"latency_ms", &config.latency},
                               std::pair{"jitter_ms", &config.jitter}}) {
    if (const json* v = Member(body, key)) {
      absl::StatusOr<absl::Duration> d = ReadMillis(*v, key);
      if (!d.ok()) return d.status();
      *duration = *d;
    }
  }
  if (const json* v = Member(body, "after_effect_rate")) {
    absl::StatusOr<double> rate = ReadRate(*v, "after_effect_rate");
    if (!rate.ok()) return rate.status();
    config.after_effect_rate = *rate;
  }
  return absl::OkStatus();
}

absl::Status ReadOperations(const json& body, FaultConfig& config) {
  const json* ops = Member(body, "operations");
  if (ops == nullptr) return absl::OkStatus();
  if (!ops->is_array()) return InvalidField("operations", "must be an array");
  config.list = config.action = config.service = config.description = false;
  for (const json& op : *ops) {
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
  return absl::OkStatus();
}

absl::Status ReadSeeds(const json& body, FaultUpdate& update) {
  for (auto [key, seed] :
       {std::pair{"seed", &update.seed}, std::pair{"churn_seed", &update.churn_seed}}) {
    if (const json* v = Member(body, key)) {
      if (!v->is_number_integer() || v->get<int64_t>() < 0) {
        return InvalidField(key, "must be an integer >= 0");
      }
      *seed = v->get<uint64_t>();
    }
  }
  return absl::OkStatus();
}

// list_item_cost_ms, rate_limit and the churn rates: load on the API.
absl::Status ReadLoad(const json& body, FaultConfig& config) {
  if (const json* v = Member(body, "list_item_cost_ms")) {
    absl::StatusOr<absl::Duration> d = ReadMillis(*v, "list_item_cost_ms");
    if (!d.ok()) return d.status();
    config.list_item_cost = *d;
  }
  if (const json* v = Member(body, "rate_limit")) {
    if (!v->is_number() || !(v->get<double>() >= 0 && v->get<double>() <= 1e9)) {
      return InvalidField("rate_limit", "must be a number of calls per second >= 0 (0: off)");
    }
    config.rate_limit = v->get<double>();
  }
  for (auto [key, rate] : {std::pair{"churn_create", &config.churn_create},
                           std::pair{"churn_delete", &config.churn_delete}}) {
    if (const json* v = Member(body, key)) {
      absl::StatusOr<double> value = ReadRate(*v, key);
      if (!value.ok()) return value.status();
      *rate = *value;
    }
  }
  return absl::OkStatus();
}

// strict_offset, error_code_spelling and time_format: API editions.
absl::Status ReadVariants(const json& body, FaultConfig& config) {
  if (const json* v = Member(body, "strict_offset")) {
    if (!v->is_boolean()) return InvalidField("strict_offset", "must be true or false");
    config.strict_offset = v->get<bool>();
  }
  for (auto [key, flag] : {std::pair{"unstable_order", &config.unstable_order},
                           std::pair{"ignore_id_filter", &config.ignore_id_filter}}) {
    if (const json* v = Member(body, key)) {
      if (!v->is_boolean()) return InvalidField(key, "must be true or false");
      *flag = v->get<bool>();
    }
  }
  if (const json* v = Member(body, "page_cap")) {
    if (!v->is_number_integer() || v->get<int64_t>() < 0 || v->get<int64_t>() > api::kMaxPageSize) {
      return InvalidField("page_cap", "must be an integer from 0 (off) to 1000");
    }
    config.page_cap = v->get<int>();
  }
  if (const json* v = Member(body, "error_code_spelling")) {
    std::optional<CodeSpelling> spelling =
        ParseCodeSpelling(v->is_string() ? v->get<std::string>() : "");
    if (!spelling.has_value()) {
      return InvalidField("error_code_spelling", "must be \"EndPoint\" or \"Endpoint\"");
    }
    config.error_code_spelling = *spelling;
  }
  if (const json* v = Member(body, "time_format")) {
    std::optional<TimeFormat> format = ParseTimeFormat(v->is_string() ? v->get<std::string>() : "");
    if (!format.has_value()) {
      return InvalidField("time_format", "must be \"seconds\" or \"fractional\"");
    }
    config.time_format = *format;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<FaultUpdate> FaultUpdateFromJson(const json& body) {
  if (!body.is_object()) return InvalidField("body", "must be a JSON object");
  FaultUpdate update;
  FaultConfig& config = update.config;
  // Every part is read; the first error in this order is the one reported.
  for (absl::Status s : {ReadRates(body, config), ReadFaultShape(body, config),
                         ReadOperations(body, config), ReadSeeds(body, update),
                         ReadLoad(body, config), ReadVariants(body, config)}) {
    if (!s.ok()) return s;
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
      {"list_item_cost_ms", absl::ToDoubleMilliseconds(config.list_item_cost)},
      {"rate_limit", config.rate_limit},
      {"churn_create", config.churn_create},
      {"churn_delete", config.churn_delete},
      {"strict_offset", config.strict_offset},
      {"page_cap", config.page_cap},
      {"unstable_order", config.unstable_order},
      {"ignore_id_filter", config.ignore_id_filter},
      {"error_code_spelling", std::string(CodeSpellingName(config.error_code_spelling))},
      {"time_format", std::string(TimeFormatName(config.time_format))},
  };
}

std::optional<CodeSpelling> ParseCodeSpelling(absl::string_view name) {
  if (name == "EndPoint") return CodeSpelling::kEndPoint;
  if (name == "Endpoint") return CodeSpelling::kEndpoint;
  return std::nullopt;
}

absl::string_view CodeSpellingName(CodeSpelling spelling) {
  return spelling == CodeSpelling::kEndpoint ? "Endpoint" : "EndPoint";
}

std::optional<TimeFormat> ParseTimeFormat(absl::string_view name) {
  if (name == "seconds") return TimeFormat::kSeconds;
  if (name == "fractional") return TimeFormat::kFractional;
  return std::nullopt;
}

absl::string_view TimeFormatName(TimeFormat format) {
  return format == TimeFormat::kFractional ? "fractional" : "seconds";
}

absl::Status FaultError(int http_status) {
  switch (http_status) {
    case 500:
      return MakeError(500, codes::kSystemError, "System error (injected fault).");
    case 502:
      return MakeError(502, codes::kGatewayBadGateway, "Backend unavailable (injected fault)");
    case 503:
      return MakeError(503, codes::kGatewayUnavailable, "Service unavailable (injected fault)");
    case 504:
      return MakeError(504, codes::kGatewayTimeout, "Backend timeout (injected fault)");
    case 429:
      return MakeError(429, codes::kGatewayThrottled,
                       "The throttling threshold has been reached (injected fault)");
    default:
      return MakeError(400, codes::kThrottled,
                       "The number of requests exceeded the limit (injected fault).");
  }
}

absl::Status RateLimitError(double calls_per_second) {
  return MakeError(429, codes::kGatewayThrottled,
                   absl::StrFormat("The throttling threshold has been reached: policy user over "
                                   "ratelimit,limit:%g,time:1 second",
                                   calls_per_second));
}

FaultInjector::FaultInjector(FaultConfig config, std::optional<uint64_t> seed,
                             std::optional<uint64_t> churn_seed, std::function<absl::Time()> clock)
    : clock_(clock ? std::move(clock) : std::function<absl::Time()>(absl::Now)),
      config_(std::move(config)) {
  rng_.seed(seed.has_value() ? *seed : std::random_device()());
  seed_ = seed;
  const std::optional<uint64_t> churn = churn_seed.has_value() ? churn_seed : seed;
  churn_rng_.seed(churn.has_value() ? *churn : std::random_device()());
}

FaultConfig FaultInjector::config() const {
  std::lock_guard<std::mutex> lock(mu_);
  return config_;
}

void FaultInjector::Set(const FaultConfig& config, std::optional<uint64_t> seed,
                        std::optional<uint64_t> churn_seed) {
  std::lock_guard<std::mutex> lock(mu_);
  config_ = config;
  buckets_.clear();
  if (seed.has_value()) {
    rng_.seed(*seed);
    seed_ = seed;
  }
  if (churn_seed.has_value() || seed.has_value()) {
    churn_rng_.seed(churn_seed.has_value() ? *churn_seed : *seed);
  }
}

bool FaultInjector::Admit(absl::string_view project_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (config_.rate_limit <= 0) return true;
  const double capacity = std::max(config_.rate_limit, 1.0);
  const absl::Time now = clock_();
  auto [it, inserted] = buckets_.try_emplace(std::string(project_id));
  Bucket& bucket = it->second;
  if (inserted) {
    bucket.tokens = capacity;
  } else if (now > bucket.refilled) {
    bucket.tokens =
        std::min(capacity,
                 bucket.tokens + absl::ToDoubleSeconds(now - bucket.refilled) * config_.rate_limit);
  }
  bucket.refilled = std::max(bucket.refilled, now);
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

ChurnDecision FaultInjector::DecideChurn() {
  std::lock_guard<std::mutex> lock(mu_);
  ChurnDecision decision;
  if (config_.churn_create <= 0 && config_.churn_delete <= 0) return decision;
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  decision.create = uniform(churn_rng_) < config_.churn_create;
  decision.remove = uniform(churn_rng_) < config_.churn_delete;
  decision.pick = churn_rng_();
  decision.domain_id = absl::StrFormat("%016x%016x", churn_rng_(), churn_rng_());
  return decision;
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
