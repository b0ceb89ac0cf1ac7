// Every connection of one service, for the policy's plan, apply and refresh:
// the first page tells the size, the other pages are read in parallel (they
// overlap, so a page that no longer meets its neighbour shows that the list
// shifted under the read, and the sequential walk of the client reads it
// instead).
#ifndef VPCEP_RESOURCES_CONNECTION_POLICY_SNAPSHOT_H_
#define VPCEP_RESOURCES_CONNECTION_POLICY_SNAPSHOT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "provider/cloud/client.h"

namespace vpcep::resources {

// Pages read at once after the first.
inline constexpr int kSnapshotParallelPages = 8;

absl::StatusOr<std::vector<cloud::Connection>> ReadService(const cloud::VpcepClient& client,
                                                           const std::string& service_id,
                                                           absl::Time deadline);

}  // namespace vpcep::resources

#endif  // VPCEP_RESOURCES_CONNECTION_POLICY_SNAPSHOT_H_
