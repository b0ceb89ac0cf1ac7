#include "resources/connection_policy/model.h"

#include "resources/timeouts.h"

namespace vpcep::resources {
namespace {

using core::Field;
using core::Type;
using core::Value;

Field<OwnerMap> OwnerMapField(const Value& v) {
  if (!v.is_wholly_known()) return Field<OwnerMap>::Unknown();
  return core::FieldFrom<OwnerMap>(v, [](const Value& map) {
    OwnerMap out;
    for (const auto& [key, element] : map.MapElements()) {
      out[key] = core::StringField(element).value_or("");
    }
    return out;
  });
}

Value OwnerMapValue(const Field<OwnerMap>& f) {
  return core::ValueFrom(f, Type::Map(Type::String()), [](const OwnerMap& m) {
    std::map<std::string, Value> elements;
    for (const auto& [endpoint, owner] : m) elements[endpoint] = Value::String(owner);
    return Value::Map(Type::String(), std::move(elements));
  });
}

Field<std::set<std::string>> StringSetField(const Value& v) {
  if (!v.is_wholly_known()) return Field<std::set<std::string>>::Unknown();
  return core::FieldFrom<std::set<std::string>>(v, [](const Value& set) {
    std::set<std::string> out;
    for (const Value& element : set.Elements()) {
      if (!element.is_null()) out.insert(core::StringField(element).value());
    }
    return out;
  });
}

Value StringSetValue(const Field<std::set<std::string>>& f) {
  return core::ValueFrom(f, Type::Set(Type::String()), [](const std::set<std::string>& s) {
    std::vector<Value> elements;
    for (const std::string& e : s) elements.push_back(Value::String(e));
    return Value::Set(Type::String(), std::move(elements));
  });
}

Field<ApprovalTimeouts> TimeoutsField(const Value& v) {
  return core::FieldFrom<ApprovalTimeouts>(v, [](const Value& block) {
    return ApprovalTimeouts{core::StringField(block.Attr("create")),
                            core::StringField(block.Attr("delete"))};
  });
}

Value TimeoutsValue(const Field<ApprovalTimeouts>& f, const Type& type) {
  auto it = type.attributes().find("timeouts");
  const Type block = it == type.attributes().end() ? Type::Dynamic() : it->second;
  return core::ValueFrom(f, block, [&block](const ApprovalTimeouts& t) {
    return Value::ObjectOf(block,
                           {{"create", core::ToValue(t.create)}, {"delete", core::ToValue(t.del)}});
  });
}

}  // namespace

PolicyModel PolicyModel::FromValue(const Value& v) {
  PolicyModel m;
  m.service_id = core::StringField(v.Attr("service_id"));
  m.domain_ids = StringSetField(v.Attr("domain_ids"));
  m.reject_pending = core::BoolField(v.Attr("reject_pending"));
  m.revoke_accepted = core::BoolField(v.Attr("revoke_accepted"));
  m.reject_on_delete = core::BoolField(v.Attr("reject_on_delete"));
  m.timeouts = TimeoutsField(v.Attr("timeouts"));
  m.id = core::StringField(v.Attr("id"));
  m.accepted = OwnerMapField(v.Attr("accepted"));
  m.rejected = OwnerMapField(v.Attr("rejected"));
  return m;
}

Value PolicyModel::ToValue(const Type& type) const {
  return Value::ObjectOf(type, {{"service_id", core::ToValue(service_id)},
                                {"domain_ids", StringSetValue(domain_ids)},
                                {"reject_pending", core::ToValue(reject_pending)},
                                {"revoke_accepted", core::ToValue(revoke_accepted)},
                                {"reject_on_delete", core::ToValue(reject_on_delete)},
                                {"timeouts", TimeoutsValue(timeouts, type)},
                                {"id", core::ToValue(id)},
                                {"accepted", OwnerMapValue(accepted)},
                                {"rejected", OwnerMapValue(rejected)}});
}

PolicyRule PolicyModel::Rule() const {
  return PolicyRule{domain_ids.value(), reject_pending.value_or(false),
                    revoke_accepted.value_or(false)};
}

absl::StatusOr<absl::Duration> PolicyModel::CreateTimeout() const {
  return ParseTimeout(timeouts.has_value() ? timeouts.value().create : Field<std::string>());
}

absl::StatusOr<absl::Duration> PolicyModel::DeleteTimeout() const {
  return ParseTimeout(timeouts.has_value() ? timeouts.value().del : Field<std::string>());
}

}  // namespace vpcep::resources
