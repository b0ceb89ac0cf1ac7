#include "provider/core/provider.h"

#include "absl/strings/str_cat.h"
#include "provider/core/json_codec.h"
#include "provider/core/plan.h"

namespace vpcep::core {
namespace {

// Terraform resolves every value before apply, so a required attribute still
// unknown or null means a malformed request: refuse it plainly instead of
// letting the resource send it on.
bool RequiredAttributesSet(const Schema& schema, const Value& object, Diagnostics& diags) {
  bool ok = true;
  for (const Attribute& a : schema.block.attributes) {
    if (!a.required) continue;
    const Value& v = object.Attr(a.name);
    if (v.is_known() && !v.is_null()) continue;
    diags.AddError(absl::StrCat("Missing ", a.name),
                   absl::StrCat(a.name, " must be known and set to apply."),
                   {PathStep::Attr(a.name)});
    ok = false;
  }
  return ok;
}

void ApplyCreate(Resource& resource, const ApplyRequest& req, ApplyResponse& resp) {
  CreateRequest create{req.planned_state, req.config, req.planned_private};
  CreateResponse out;
  out.new_state = Value::Null(req.planned_state.type());
  out.private_data = req.planned_private;
  resource.Create(create, out);
  if (!out.diags.HasError() && out.new_state.is_null()) {
    out.diags.AddError("Missing state after create",
                       absl::StrCat(resource.TypeName(), " reported success but returned no "
                                    "state. This is a bug in the provider."));
  }
  resp.new_state = std::move(out.new_state);
  resp.private_data = std::move(out.private_data);
  resp.diags.Append(out.diags);
}

void ApplyUpdate(Resource& resource, const ApplyRequest& req, ApplyResponse& resp) {
  UpdateRequest update{req.prior_state, req.planned_state, req.config, req.planned_private};
  UpdateResponse out;
  out.new_state = req.planned_state;
  out.private_data = req.planned_private;
  resource.Update(update, out);
  if (!out.diags.HasError() && out.new_state.is_null()) {
    out.diags.AddError("Missing state after update",
                       absl::StrCat(resource.TypeName(), " reported success but returned no "
                                    "state. This is a bug in the provider."));
  }
  resp.new_state = std::move(out.new_state);
  resp.private_data = std::move(out.private_data);
  resp.diags.Append(out.diags);
}

void ApplyDelete(Resource& resource, const ApplyRequest& req, ApplyResponse& resp) {
  DeleteRequest del{req.prior_state, req.planned_private};
  DeleteResponse out;
  resource.Delete(del, out);
  resp.new_state = out.diags.HasError() ? req.prior_state : Value::Null(req.prior_state.type());
  resp.diags.Append(out.diags);
}

}  // namespace

void Resource::ValidateConfig(const Value&, Diagnostics&) const {}

absl::StatusOr<Value> Resource::UpgradeState(int64_t, absl::string_view json) const {
  return UpgradeJsonState(std::string(json), ImpliedType(GetSchema().block));
}

void Resource::ModifyPlan(const PlanRequest&, PlanResponse&) {}

void Resource::Create(const CreateRequest&, CreateResponse& resp) {
  resp.diags.AddError("Create not supported",
                      absl::StrCat(TypeName(), " cannot be created by this provider."));
}

void Resource::Update(const UpdateRequest&, UpdateResponse&) {}

void Resource::Delete(const DeleteRequest&, DeleteResponse&) {}

void Resource::Import(const ImportRequest&, ImportResponse& resp) {
  resp.diags.AddError("Import not supported",
                      std::string(TypeName()) + " does not support import.");
}

Value Resource::GenerateConfig(const Value& state, Diagnostics&) const {
  if (state.is_null() || !state.is_known()) return state;
  Value config = state;
  for (const Attribute& a : GetSchema().block.attributes) {
    if (a.computed && !a.optional) config = config.WithAttr(a.name, Value::Null(a.type));
  }
  return config;
}

void ListResource::ValidateConfig(const Value&, Diagnostics&) const {}

void PlanChange(Resource& resource, const PlanRequest& req, PlanResponse& resp) {
  PlanFromSchema(resource.GetSchema(), req, resp);
  resource.ModifyPlan(req, resp);
}

void ApplyChange(Resource& resource, const ApplyRequest& req, ApplyResponse& resp) {
  const bool create = req.prior_state.is_null();
  const bool destroy = req.planned_state.is_null();
  if (create && destroy) {
    resp.diags.AddError("Unexpected resource change",
                        absl::StrCat("Terraform asked to apply ", resource.TypeName(),
                                     " with neither a prior nor a planned state."));
    return;
  }
  const Value& target = destroy ? req.prior_state : req.planned_state;
  if (!RequiredAttributesSet(resource.GetSchema(), target, resp.diags)) return;
  if (create) {
    ApplyCreate(resource, req, resp);
  } else if (destroy) {
    ApplyDelete(resource, req, resp);
  } else {
    ApplyUpdate(resource, req, resp);
  }
}

void DataSource::ValidateConfig(const Value&, Diagnostics&) const {}

void Provider::ValidateConfig(const Value&, Diagnostics&) const {}

}  // namespace vpcep::core
