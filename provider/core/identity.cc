#include "provider/core/identity.h"

#include <map>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "provider/core/json_codec.h"

namespace vpcep::core {

Type IdentityType(const IdentitySchema& schema) {
  std::map<std::string, Type> attrs;
  for (const IdentityAttribute& a : schema.attributes) attrs.emplace(a.name, a.type);
  return Type::Object(std::move(attrs));
}

Value IdentityFromState(const IdentitySchema& schema, const Value& state) {
  const Type type = IdentityType(schema);
  if (state.is_null()) return Value::Null(type);
  if (!state.is_known()) return Value::Unknown(type);
  std::map<std::string, Value> attrs;
  for (const IdentityAttribute& a : schema.attributes) attrs.emplace(a.name, state.Attr(a.name));
  return Value::ObjectOf(type, std::move(attrs));
}

absl::StatusOr<Value> UpgradeIdentityJson(const IdentitySchema& schema, int64_t version,
                                          absl::string_view json) {
  if (version != schema.version) {
    return absl::InvalidArgumentError(absl::StrCat("identity schema version ", version,
                                                   " is unknown to this provider (it "
                                                   "writes version ",
                                                   schema.version, "); upgrade the provider"));
  }
  return DecodeJson(std::string_view(json.data(), json.size()), IdentityType(schema));
}

}  // namespace vpcep::core
