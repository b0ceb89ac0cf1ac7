// Whether an action on one connection landed, told by a fresh lookup: after
// an action fails in a way that leaves its outcome open (no answer, a server
// error, throttling once retries ran out), trusting only the error would
// misreport the state.
#ifndef VPCEP_RESOURCES_CONNECTION_APPROVAL_ACTION_OUTCOME_H_
#define VPCEP_RESOURCES_CONNECTION_APPROVAL_ACTION_OUTCOME_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "provider/cloud/watcher.h"

namespace vpcep::resources {

// The statuses that show `action` landed: a receive leaves the connection
// `creating` at once (then `accepted` or `failed`); a reject leaves it
// `rejected`.
absl::Span<const absl::string_view> LandedStatuses(absl::string_view action);

class ActionOutcome {
 public:
  // `action`: api::kReceive or api::kReject. Lookups end by `deadline`.
  ActionOutcome(const cloud::ServiceWatcher& watcher, std::string service_id,
                std::string endpoint_id, absl::string_view action, absl::Time deadline);

  // Whether a lookup shows the connection in one of the LandedStatuses;
  // nullopt when the lookup itself failed.
  std::optional<bool> Landed() const;
  // After the action failed with `failure`: false when the API answered that
  // it refused the action, else Landed().
  std::optional<bool> LandedDespite(const absl::Status& failure) const;

 private:
  const cloud::ServiceWatcher& watcher_;
  std::string service_id_;
  std::string endpoint_id_;
  absl::Span<const absl::string_view> statuses_;
  absl::Time deadline_;
};

}  // namespace vpcep::resources

#endif  // VPCEP_RESOURCES_CONNECTION_APPROVAL_ACTION_OUTCOME_H_
