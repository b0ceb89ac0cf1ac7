#include "provider/core/provider.h"

#include "provider/core/json_codec.h"
#include "provider/core/plan.h"

namespace vpcep::core {

void Resource::ValidateConfig(const Value&, Diagnostics&) const {}

absl::StatusOr<Value> Resource::UpgradeState(int64_t, absl::string_view json) const {
  return UpgradeJsonState(std::string(json), ImpliedType(GetSchema().block));
}

void Resource::Plan(const PlanRequest& req, PlanResponse& resp) {
  PlanFromSchema(GetSchema(), req, resp);
}

void Resource::Import(const ImportRequest&, ImportResponse& resp) {
  resp.diags.AddError("Import not supported",
                      std::string(TypeName()) + " does not support import.");
}

void DataSource::ValidateConfig(const Value&, Diagnostics&) const {}

void Provider::ValidateConfig(const Value&, Diagnostics&) const {}

}  // namespace vpcep::core
