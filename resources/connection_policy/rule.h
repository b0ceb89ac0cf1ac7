// The planning rule of vpcep_connection_policy, a pure function: from the
// service's connections, the admitted owners and the opt-ins, what the policy
// keeps accepted, what it keeps rejected, and which receives and rejects the
// apply sends. The plan shows its result; the apply does only that.
#ifndef VPCEP_RESOURCES_CONNECTION_POLICY_RULE_H_
#define VPCEP_RESOURCES_CONNECTION_POLICY_RULE_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "provider/cloud/client.h"

namespace vpcep::resources {

// endpoint id => owner (domain id), the shape of `accepted` and `rejected`.
using OwnerMap = std::map<std::string, std::string>;

struct PolicyRule {
  std::set<std::string> domain_ids;  // owners admitted
  bool reject_pending = false;       // reject pending connections of anyone else
  bool revoke_accepted = false;      // reject accepted (or creating) ones of anyone else

  bool Admits(const std::string& domain_id) const { return domain_ids.count(domain_id) > 0; }
};

// What the policy does with one connection.
enum class PolicyStep {
  kNone,     // left as it is, not held
  kAdopt,    // held as accepted without a call (accepted, or a receive under way)
  kReceive,  // receive, then held as accepted
  kReject,   // reject, then held as rejected
  kKeep,     // held as rejected without a call (the policy rejected it before)
};

// `prior_rejected`: what the policy rejected before (its refreshed state).
// Only the policy's own rejections are undone when an owner is admitted
// again; a rejection made by someone else is left alone.
PolicyStep Decide(const cloud::Connection& c, const PolicyRule& rule,
                  const OwnerMap& prior_rejected);

struct PolicyPlan {
  OwnerMap accepted;  // adopted and received
  OwnerMap rejected;  // kept and rejected
  // The calls the apply sends, endpoint id => the status the plan saw (the
  // apply sends nothing for a connection whose owner or status changed).
  std::map<std::string, std::string> receive;
  std::map<std::string, std::string> reject;
};

PolicyPlan PlanPolicy(const std::vector<cloud::Connection>& service, const PolicyRule& rule,
                      const OwnerMap& prior_rejected);

}  // namespace vpcep::resources

#endif  // VPCEP_RESOURCES_CONNECTION_POLICY_RULE_H_
