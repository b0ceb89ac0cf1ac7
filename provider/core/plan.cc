#include "provider/core/plan.h"

namespace vpcep::core {

Value MarkComputedUnknown(const Block& block, const Value& value, const Value& config) {
  Value out = value;
  for (const Attribute& a : block.attributes) {
    if (!a.computed) continue;
    bool set_in_config = !config.is_null() && !config.Attr(a.name).is_null();
    if (!set_in_config) out = out.WithAttr(a.name, Value::Unknown(a.type));
  }
  return out;
}

void PlanFromSchema(const Schema& schema, const PlanRequest& req, PlanResponse& resp) {
  resp.planned_private = req.prior_private;
  if (req.proposed_new_state.is_null()) {  // destroy
    resp.planned_state = req.proposed_new_state;
    return;
  }
  if (req.prior_state.is_null()) {  // create
    resp.planned_state = MarkComputedUnknown(schema.block, req.proposed_new_state, req.config);
    return;
  }
  resp.planned_state = req.proposed_new_state;
  for (const Attribute& a : schema.block.attributes) {
    if (!a.force_new) continue;
    if (!req.proposed_new_state.Attr(a.name).Equals(req.prior_state.Attr(a.name))) {
      resp.requires_replace.push_back({PathStep::Attr(a.name)});
    }
  }
  if (!resp.requires_replace.empty()) {
    resp.planned_state = MarkComputedUnknown(schema.block, req.proposed_new_state, req.config);
  }
}

}  // namespace vpcep::core
