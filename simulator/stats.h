// Request counters exposed by GET /admin/stats, so tests can check how many
// calls a client made. Thread-safe.

#ifndef VPCEP_SIMULATOR_STATS_H_
#define VPCEP_SIMULATOR_STATS_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "nlohmann/json.hpp"
#include "simulator/model.h"

namespace vpcep::sim {

// The four API operations.
enum class ApiOperation { kList, kAction, kService, kDescription };

struct StatsSnapshot {
  // Requests that matched an API route, whatever their outcome (including
  // those refused by authentication).
  int64_t list = 0;
  int64_t action = 0;
  int64_t service = 0;
  int64_t description = 0;
  // API requests refused with 401.
  int64_t unauthorized = 0;
  // API requests refused with 429 by the rate limit (--rate-limit).
  int64_t throttled = 0;
  // List calls answered 200, and the connection items they returned.
  int64_t listed_calls = 0;
  int64_t listed_items = 0;
  // Connections created / deleted by churn (--churn-create, --churn-delete).
  int64_t churn_created = 0;
  int64_t churn_deleted = 0;
  // Action requests that succeeded (HTTP 200), by action.
  int64_t receive = 0;
  int64_t reject = 0;
  // Receive requests refused because the connection was already accepted
  // (400 EndPoint.2014): a client that sends one repeated an accept.
  int64_t receive_on_accepted = 0;
  // Injected faults by kind: "500", "502", "503", "504", "429", "400",
  // "drop", plus "after_effect" (5xx returned after the action took effect)
  // and "latency" (calls delayed by a fault latency).
  std::map<std::string, int64_t> faults;
};

// {"requests": {"list", "action", "service", "description", "unauthorized", "throttled"},
//  "actions": {"receive", "reject", "receive_on_accepted"},
//  "listed": {"calls", "items"}, "churn": {"created", "deleted"},
//  "faults": {"500", "502", "503", "504", "429", "400", "drop", "after_effect", "latency"}}
nlohmann::json StatsToJson(const StatsSnapshot& stats);

class Stats {
 public:
  void CountRequest(ApiOperation operation);
  void CountUnauthorized();
  void CountThrottled();
  // One list call answered 200 with `items` connections.
  void CountListed(int64_t items);
  void CountChurn(bool created, bool deleted);
  void CountAction(Action action);
  void CountReceiveOnAccepted();
  void CountFault(const std::string& kind);
  StatsSnapshot Snapshot() const;
  void Reset();

 private:
  mutable std::mutex mu_;  // guards counts_
  StatsSnapshot counts_;
};

}  // namespace vpcep::sim

#endif  // VPCEP_SIMULATOR_STATS_H_
