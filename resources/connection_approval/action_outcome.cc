#include "resources/connection_approval/action_outcome.h"

#include <algorithm>
#include <utility>

#include "provider/cloud/api_vocabulary.h"
#include "provider/cloud/client.h"

namespace vpcep::resources {

absl::Span<const absl::string_view> LandedStatuses(absl::string_view action) {
  static constexpr absl::string_view kReceived[] = {api::kCreating, api::kAccepted, api::kFailed};
  static constexpr absl::string_view kRejected[] = {api::kRejected};
  if (action == api::kReceive) return kReceived;
  return kRejected;
}

ActionOutcome::ActionOutcome(const cloud::ServiceWatcher& watcher, std::string service_id,
                             std::string endpoint_id, absl::string_view action, absl::Time deadline)
    : watcher_(watcher),
      service_id_(std::move(service_id)),
      endpoint_id_(std::move(endpoint_id)),
      statuses_(LandedStatuses(action)),
      deadline_(deadline) {}

std::optional<bool> ActionOutcome::Landed() const {
  absl::StatusOr<std::optional<cloud::Connection>> now =
      watcher_.Find(service_id_, endpoint_id_, {}, deadline_);
  if (!now.ok()) return std::nullopt;
  if (!now->has_value()) return false;
  return std::find(statuses_.begin(), statuses_.end(), (*now)->status) != statuses_.end();
}

std::optional<bool> ActionOutcome::LandedDespite(const absl::Status& failure) const {
  if (!cloud::IsRetryable(failure) && !cloud::IsOutcomeUnknown(failure)) return false;
  return Landed();
}

}  // namespace vpcep::resources
