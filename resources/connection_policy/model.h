// The typed model of vpcep_connection_policy, read from and written to
// core::Values only here.
#ifndef VPCEP_RESOURCES_CONNECTION_POLICY_MODEL_H_
#define VPCEP_RESOURCES_CONNECTION_POLICY_MODEL_H_

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "provider/core/field.h"
#include "provider/core/value.h"
#include "resources/connection_approval/model.h"
#include "resources/connection_policy/rule.h"

namespace vpcep::resources {

struct PolicyModel {
  // Configured.
  core::Field<std::string> service_id;
  // Unknown when any element is.
  core::Field<std::set<std::string>> domain_ids;
  core::Field<bool> reject_pending;
  core::Field<bool> revoke_accepted;
  core::Field<bool> reject_on_delete;
  core::Field<ApprovalTimeouts> timeouts;  // the same block as the approval's
  // Computed.
  core::Field<std::string> id;
  core::Field<OwnerMap> accepted;
  core::Field<OwnerMap> rejected;

  static PolicyModel FromValue(const core::Value& v);
  core::Value ToValue(const core::Type& type) const;

  // The rule; precondition: domain_ids known.
  PolicyRule Rule() const;
  // Known maps, or empty ones.
  OwnerMap Accepted() const { return accepted.value_or({}); }
  OwnerMap Rejected() const { return rejected.value_or({}); }
  bool RejectsOnDelete() const { return reject_on_delete.value_or(false); }
  absl::StatusOr<absl::Duration> CreateTimeout() const;
  absl::StatusOr<absl::Duration> DeleteTimeout() const;
};

}  // namespace vpcep::resources

#endif  // VPCEP_RESOURCES_CONNECTION_POLICY_MODEL_H_
