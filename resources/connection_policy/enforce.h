// The apply of vpcep_connection_policy: the calls its plan listed, each after
// a look at the connection as it is now (nothing is sent for one whose owner
// or status changed since the plan), and the maps that record what was done.
#ifndef VPCEP_RESOURCES_CONNECTION_POLICY_ENFORCE_H_
#define VPCEP_RESOURCES_CONNECTION_POLICY_ENFORCE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "provider/cloud/client.h"
#include "provider/core/diagnostics.h"
#include "resources/connection_policy/model.h"
#include "resources/connection_policy/rule.h"

namespace vpcep::resources {

// The calls a plan listed, carried to the apply in the plan's private data.
struct PolicyActions {
  // False when the plan could not review the service (values unknown until
  // apply): the apply then sends nothing and only adopts.
  bool reviewed = false;
  std::map<std::string, std::string> receive;  // endpoint id => status seen by the plan
  std::map<std::string, std::string> reject;
};

std::string EncodeActions(const PolicyActions& actions);
// Unreviewed for text that is not an encoding of actions.
PolicyActions DecodeActions(absl::string_view text);

// The service as a refresh read it, kept in the refreshed state's private
// data: Terraform plans again at apply (and insists on the same result), so
// both plans review this one reading, and a connection that appears or
// changes in between waits for the next plan. Only what the rule looks at
// (id, owner, status) of connections it may act on or hold.
std::string EncodeSnapshot(const std::vector<cloud::Connection>& service);
// nullopt for text that is not a snapshot (an empty private, after an apply).
std::optional<std::vector<cloud::Connection>> DecodeSnapshot(absl::string_view text);

// Calls sent at once.
inline constexpr int kPolicyWorkers = 10;

struct Enforcing {
  const cloud::VpcepClient& client;
  const PolicyModel& planned;  // wholly known but the maps when not reviewed
  std::string service_id;
  absl::Duration timeout;
  absl::Time deadline;
};

// Carries out `actions`. Returns `planned` with the maps of what the policy
// holds now: a call that went out is recorded even when its confirmation
// failed; what was not done is left out, with an error in `diags` naming it.
PolicyModel Enforce(const Enforcing& e, const PolicyActions& actions, core::Diagnostics& diags);

// Destroy with reject_on_delete: rejects every connection `state` holds as
// accepted that still belongs to its recorded owner.
void RejectHeld(const Enforcing& e, const OwnerMap& accepted, core::Diagnostics& diags);

}  // namespace vpcep::resources

#endif  // VPCEP_RESOURCES_CONNECTION_POLICY_ENFORCE_H_
