#include "simulator/stats.h"

#include <utility>

#include "provider/cloud/api_vocabulary.h"

namespace vpcep::sim {

nlohmann::json StatsToJson(const StatsSnapshot& stats) {
  nlohmann::json faults = nlohmann::json::object();
  for (const char* kind :
       {"500", "502", "503", "504", "429", "400", "drop", "after_effect", "latency"}) {
    faults[kind] = 0;
  }
  for (const auto& [kind, count] : stats.faults) faults[kind] = count;
  return {
      {"requests",
       {{"list", stats.list},
        {"action", stats.action},
        {"service", stats.service},
        {"description", stats.description},
        {"unauthorized", stats.unauthorized},
        {"throttled", stats.throttled}}},
      {"actions",
       {{api::kReceive, stats.receive},
        {api::kReject, stats.reject},
        {"receive_on_accepted", stats.receive_on_accepted}}},
      {"listed", {{"calls", stats.listed_calls}, {"items", stats.listed_items}}},
      {"churn", {{"created", stats.churn_created}, {"deleted", stats.churn_deleted}}},
      {"faults", std::move(faults)},
  };
}

void Stats::CountRequest(ApiOperation operation) {
  std::lock_guard<std::mutex> lock(mu_);
  switch (operation) {
    case ApiOperation::kList:
      ++counts_.list;
      break;
    case ApiOperation::kAction:
      ++counts_.action;
      break;
    case ApiOperation::kService:
      ++counts_.service;
      break;
    case ApiOperation::kDescription:
      ++counts_.description;
      break;
  }
}

void Stats::CountUnauthorized() {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.unauthorized;
}

void Stats::CountThrottled() {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.throttled;
}

void Stats::CountListed(int64_t items) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.listed_calls;
  counts_.listed_items += items;
}

void Stats::CountChurn(bool created, bool deleted) {
  std::lock_guard<std::mutex> lock(mu_);
  if (created) ++counts_.churn_created;
  if (deleted) ++counts_.churn_deleted;
}

void Stats::CountAction(Action action) {
  std::lock_guard<std::mutex> lock(mu_);
  if (action == Action::kReceive) {
    ++counts_.receive;
  } else {
    ++counts_.reject;
  }
}

void Stats::CountReceiveOnAccepted() {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.receive_on_accepted;
}

void Stats::CountFault(const std::string& kind) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.faults[kind];
}

StatsSnapshot Stats::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

void Stats::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  counts_ = StatsSnapshot();
}

}  // namespace vpcep::sim
