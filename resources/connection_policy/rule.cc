#include "resources/connection_policy/rule.h"

#include "provider/cloud/api_vocabulary.h"

namespace vpcep::resources {

PolicyStep Decide(const cloud::Connection& c, const PolicyRule& rule,
                  const OwnerMap& prior_rejected) {
  const bool pending = c.status == api::kPendingAcceptance;
  // `creating` is a receive under way: it ends accepted unless it fails.
  const bool in = c.status == api::kAccepted || c.status == api::kCreating;
  auto was_rejected = prior_rejected.find(c.id);
  const bool ours = c.status == api::kRejected && was_rejected != prior_rejected.end() &&
                    was_rejected->second == c.domain_id;
  if (rule.Admits(c.domain_id)) {
    if (in) return PolicyStep::kAdopt;
    if (pending || ours) return PolicyStep::kReceive;
    return PolicyStep::kNone;  // failed, deleting, or rejected by someone else
  }
  if (pending && rule.reject_pending) return PolicyStep::kReject;
  if (in && rule.revoke_accepted) return PolicyStep::kReject;
  if (ours) return PolicyStep::kKeep;
  return PolicyStep::kNone;
}

PolicyPlan PlanPolicy(const std::vector<cloud::Connection>& service, const PolicyRule& rule,
                      const OwnerMap& prior_rejected) {
  PolicyPlan plan;
  for (const cloud::Connection& c : service) {
    switch (Decide(c, rule, prior_rejected)) {
      case PolicyStep::kNone:
        break;
      case PolicyStep::kAdopt:
        plan.accepted[c.id] = c.domain_id;
        break;
      case PolicyStep::kReceive:
        plan.accepted[c.id] = c.domain_id;
        plan.receive[c.id] = c.status;
        break;
      case PolicyStep::kReject:
        plan.rejected[c.id] = c.domain_id;
        plan.reject[c.id] = c.status;
        break;
      case PolicyStep::kKeep:
        plan.rejected[c.id] = c.domain_id;
        break;
    }
  }
  return plan;
}

}  // namespace vpcep::resources
