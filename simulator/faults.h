// Fault injection: forced API errors, added latency and dropped connections.
//
// ApiServer asks the FaultInjector once per API request (never for /admin),
// after counting the request and before authentication. The decision is drawn
// from a seeded PRNG, so a given seed and request sequence always gives the
// same faults. Kinds are mutually exclusive per request: one uniform number in
// [0,1) is compared against the cumulative rates in the order 500, 502, 503,
// 504, 429, 400 (EndPoint.0022), drop; the rates must sum to at most 1.
//
// Thread-safety: all methods may be called concurrently (one mutex).

#ifndef VPCEP_SIMULATOR_FAULTS_H_
#define VPCEP_SIMULATOR_FAULTS_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
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

  bool AppliesTo(ApiOperation operation) const;
  // Rates in [0,1], their sum <= 1, durations >= 0.
  absl::Status Validate() const;
};

// Admin JSON shape:
// {"rates": {"500", "502", "503", "504", "429", "400", "drop"}, "latency_ms",
//  "jitter_ms", "after_effect_rate", "operations": ["list", ...], "seed"?}
// Missing fields take their defaults (no faults). Errors: 400 EndPoint.0002.
struct FaultUpdate {
  FaultConfig config;
  std::optional<uint64_t> seed;
};
absl::StatusOr<FaultUpdate> FaultUpdateFromJson(const nlohmann::json& body);
nlohmann::json FaultConfigToJson(const FaultConfig& config);

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

// The error status (errors.h) for an injected HTTP status.
absl::Status FaultError(int http_status);

class FaultInjector {
 public:
  explicit FaultInjector(FaultConfig config = {}, std::optional<uint64_t> seed = std::nullopt);

  FaultDecision Decide(ApiOperation operation);
  FaultConfig config() const;
  // Replaces the configuration; reseeds the PRNG when `seed` is set.
  void Set(const FaultConfig& config, std::optional<uint64_t> seed);

 private:
  mutable std::mutex mu_;  // guards config_, rng_ and seed_
  FaultConfig config_;
  std::mt19937_64 rng_;
  std::optional<uint64_t> seed_;
};

}  // namespace vpcep::sim

#endif  // VPCEP_SIMULATOR_FAULTS_H_
