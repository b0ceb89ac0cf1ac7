// Resource identity (Terraform 1.12+): a small versioned object naming one
// remote object, stored beside the state and accepted by import blocks. Here
// every identity attribute is also a state attribute of the same name, so
// core derives the identity from the state; a resource only declares which
// attributes form it.
#ifndef VPCEP_PROVIDER_CORE_IDENTITY_H_
#define VPCEP_PROVIDER_CORE_IDENTITY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "provider/core/type.h"
#include "provider/core/value.h"

namespace vpcep::core {

struct IdentityAttribute {
  std::string name;
  Type type;
  std::string description;
  bool required_for_import = false;
  bool optional_for_import = false;
};

struct IdentitySchema {
  int64_t version = 0;
  std::vector<IdentityAttribute> attributes;
};

// The object type of identities of `schema`.
Type IdentityType(const IdentitySchema& schema);

// The identity of the object `state` (of a resource type whose state has
// every identity attribute): null for a null state; an attribute still
// unknown in a planned state stays unknown.
Value IdentityFromState(const IdentitySchema& schema, const Value& state);

// A stored identity written with identity schema `version`: decoded when the
// version is the current one (the only one there has been), an error
// otherwise.
absl::StatusOr<Value> UpgradeIdentityJson(const IdentitySchema& schema, int64_t version,
                                          absl::string_view json);

}  // namespace vpcep::core

#endif  // VPCEP_PROVIDER_CORE_IDENTITY_H_
