// Fault injection: forced API errors, added latency and dropped connections.
//
// ApiServer asks the FaultInjector once per API request (never for /admin),
// after counting the request and before authentication. The decision is drawn
// from a seeded PRNG, so a given seed and request sequence always gives the
// same faults. Kinds are mutually exclusive per request: one uniform number in
// [0,1) is compared against the cumulative rates in the order 500, 502, 503,
// 504, 429, 400 (EndPoint.0022), drop; the rates must sum to at most 1.
//
// The same configuration also carries the simulator's other run-time knobs
// (list cost, rate limit, churn, strict paging, error-code spelling, time
// format): they are set by command-line flags and by POST /admin/faults alike.
// The rate limit is a token bucket per project id (capacity max(R, 1),
// refilled at R per second); churn draws from its own seeded PRNG.
//
// Thread-safety: all methods may be called concurrently (one mutex).

#ifndef VPCEP_SIMULATOR_FAULTS_H_
#define VPCEP_SIMULATOR_FAULTS_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "simulator/errors.h"
#include "simulator/model.h"
#include "simulator/stats.h"

namespace vpcep::sim {

struct FaultConfig {
  double rate_500 = 0;                            // 500 EndPoint.0001
  double rate_502 = 0;                            // 502 gateway body
  double rate_503 = 0;                            // 503 gateway body
  double rate_504 = 0;                            // 504 gateway body
  double rate_429 = 0;                            // 429 APIGW.0308
  double rate_throttle = 0;                       // 400 EndPoint.0022
  double rate_drop = 0;                           // socket closed without a response
  absl::Duration latency = absl::ZeroDuration();  // added to every matching call
  absl::Duration jitter = absl::ZeroDuration();   // plus uniform [0, jitter)
  // Fraction of injected 5xx on action calls that are returned after the
  // action has taken effect (a lost response).
  double after_effect_rate = 0;
  // Operations the faults apply to; all four by default.
  bool list = true;
  bool action = true;
  bool service = true;
  bool description = true;

  // ---- Simulator knobs set alongside the faults (not limited by the
  // operations above).
  // A successful list call sleeps (items returned x list_item_cost).
  absl::Duration list_item_cost = absl::ZeroDuration();
  // API calls per second per project; beyond it 429 APIGW.0308. 0: off.
  double rate_limit = 0;
  // Per list call: probability of creating one connection / deleting one
  // unprotected connection of the listed service before the page is served.
  double churn_create = 0;
  double churn_delete = 0;
  // A list call whose offset > 0 is >= the number of matches: 400
  // EndPoint.0010 (instead of an empty page).
  bool strict_offset = false;
  // Misbehaviours of API fronts met in the field (simulator/README.md,
  // "Misbehaving fronts"): list pages of at most page_cap items whatever the
  // limit (0: off); connections whose shown times are equal in a new order on
  // every list call; the list call's `id` filter ignored.
  int page_cap = 0;
  bool unstable_order = false;
  bool ignore_id_filter = false;
  // Spelling of "EndPoint." error codes in API error bodies.
  CodeSpelling error_code_spelling = CodeSpelling::kEndPoint;
  // Format of created_at / updated_at in API responses.
  TimeFormat time_format = TimeFormat::kSeconds;

  bool AppliesTo(ApiOperation operation) const;
  // Rates in [0,1], their sum <= 1, durations >= 0.
  absl::Status Validate() const;
};

// Admin JSON shape:
// {"rates": {"500", "502", "503", "504", "429", "400", "drop"}, "latency_ms",
//  "jitter_ms", "after_effect_rate", "operations": ["list", ...], "seed"?,
//  "list_item_cost_ms", "rate_limit", "churn_create", "churn_delete",
//  "churn_seed"?, "strict_offset", "page_cap", "unstable_order",
//  "ignore_id_filter", "error_code_spelling": "EndPoint" |
//  "Endpoint", "time_format": "seconds" | "fractional"}
// Missing fields take their defaults (no faults). Errors: 400 EndPoint.0002.
struct FaultUpdate {
  FaultConfig config;
  std::optional<uint64_t> seed;
  std::optional<uint64_t> churn_seed;
};
absl::StatusOr<FaultUpdate> FaultUpdateFromJson(const nlohmann::json& body);
nlohmann::json FaultConfigToJson(const FaultConfig& config);

// "EndPoint" | "Endpoint" and "seconds" | "fractional" (flags, admin JSON).
std::optional<CodeSpelling> ParseCodeSpelling(absl::string_view name);
absl::string_view CodeSpellingName(CodeSpelling spelling);
std::optional<TimeFormat> ParseTimeFormat(absl::string_view name);
absl::string_view TimeFormatName(TimeFormat format);

// What to do with one request.
struct FaultDecision {
  enum class Kind { kNone, kError, kDrop };
  Kind kind = Kind::kNone;
  int http_status = 0;        // kError
  bool after_effect = false;  // kError: run the handler first, then fail
  absl::Duration latency = absl::ZeroDuration();
  // Stats key: "500", "502", "503", "504", "429", "400", "drop".
  std::string stats_key;
};

// What churn does before one list page is served.
struct ChurnDecision {
  bool create = false;
  bool remove = false;
  uint64_t pick = 0;      // chooses the connection to delete
  std::string domain_id;  // of the created connection (32 hex digits)
};

// The error status (errors.h) for an injected HTTP status.
absl::Status FaultError(int http_status);
// 429 APIGW.0308 for a call beyond the rate limit of `calls_per_second`.
absl::Status RateLimitError(double calls_per_second);

class FaultInjector {
 public:
  // `churn_seed` seeds the churn PRNG (default: `seed`); `clock` drives the
  // rate limiter (null: absl::Now).
  explicit FaultInjector(FaultConfig config = {}, std::optional<uint64_t> seed = std::nullopt,
                         std::optional<uint64_t> churn_seed = std::nullopt,
                         std::function<absl::Time()> clock = nullptr);

  FaultDecision Decide(ApiOperation operation);
  // Takes a token from the project's bucket; false when the call is beyond
  // the rate limit. Always true when the rate limit is off.
  bool Admit(absl::string_view project_id);
  // Draws the churn of one list call (nothing when both rates are 0).
  ChurnDecision DecideChurn();
  FaultConfig config() const;
  // Replaces the configuration and empties the rate-limit buckets; reseeds
  // the fault PRNG when `seed` is set, the churn PRNG when `churn_seed` (or
  // else `seed`) is set.
  void Set(const FaultConfig& config, std::optional<uint64_t> seed,
           std::optional<uint64_t> churn_seed = std::nullopt);

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time refilled;
  };

  const std::function<absl::Time()> clock_;
  mutable std::mutex mu_;  // guards every member below
  FaultConfig config_;
  std::mt19937_64 rng_;
  std::mt19937_64 churn_rng_;
  std::optional<uint64_t> seed_;
  absl::flat_hash_map<std::string, Bucket> buckets_;
};

}  // namespace vpcep::sim

#endif  // VPCEP_SIMULATOR_FAULTS_H_
