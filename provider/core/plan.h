// Planning helpers that follow Terraform's plan/apply contract:
// - create: computed attributes not set in config are planned unknown;
// - update: a changed force_new attribute is reported in requires_replace and
//   every computed-only attribute becomes unknown (a new object will be made);
// - destroy: planned state is null.
#ifndef VPCEP_PROVIDER_CORE_PLAN_H_
#define VPCEP_PROVIDER_CORE_PLAN_H_

#include "provider/core/provider.h"
#include "provider/core/schema.h"

namespace vpcep::core {

void PlanFromSchema(const Schema& schema, const PlanRequest& req, PlanResponse& resp);

// Copy of `value` (an object of `block`'s type) with every computed attribute
// that is null in `config` set to unknown.
Value MarkComputedUnknown(const Block& block, const Value& value, const Value& config);

}  // namespace vpcep::core

#endif  // VPCEP_PROVIDER_CORE_PLAN_H_
