// The steps of approving one connection, for the approval's Create and for
// an Update that restores a connection rejected (or left pending) since: the
// look before the receive (nothing is sent for a connection that changed
// since the plan), the receive unless one is under way, the wait for
// `accepted`, and what state records when any of them ends early.
#ifndef VPCEP_RESOURCES_CONNECTION_APPROVAL_APPROVE_H_
#define VPCEP_RESOURCES_CONNECTION_APPROVAL_APPROVE_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "provider/cloud/client.h"
#include "provider/core/provider.h"
#include "resources/connection_approval/model.h"

namespace vpcep::resources {

// One approval in progress: what it approves, and until when.
struct Approving {
  const cloud::VpcepClient& client;
  const ApprovalModel& planned;
  const core::Type& type;  // of the approval's schema
  std::string service_id;
  std::string endpoint_id;
  absl::Duration timeout;
  absl::Time deadline;
  // A Create: a wait cut short by its timeout or a stop request is a warning,
  // not an error (Terraform taints a Create that errs, and the next apply
  // would reject the connection). An Update may err: it is never tainted.
  bool create = true;

  std::string what() const { return absl::StrCat(service_id, "/", endpoint_id); }
};

// Approves `a`: `new_state` accounts for whatever was sent, also when
// `diags` has an error; it is left as it is when nothing was.
void Approve(const Approving& a, core::Value& new_state, core::Diagnostics& diags);

// PUTs the planned description, then records the connection as listed in
// `new_state`; `new_state` is left as it is when that fails.
void SetDescription(const cloud::VpcepClient& client, const ApprovalModel& planned,
                    const core::Type& type, core::Value& new_state, core::Diagnostics& diags);

}  // namespace vpcep::resources

#endif  // VPCEP_RESOURCES_CONNECTION_APPROVAL_APPROVE_H_
