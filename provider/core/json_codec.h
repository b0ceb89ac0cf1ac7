// cty's JSON encoding of values: DynamicValue.json, and the raw state that
// Terraform passes to UpgradeResourceState.
//
// JSON has no way to say "unknown", so only known values round-trip.
// Decoding follows go-cty: an attribute missing from an object is null, an
// attribute the type does not have is an error; numbers may also be given as
// decimal strings, strings as numbers or bools, bools as "true"/"false".
// Number text is kept exactly (0.1 stays one tenth). Nesting is limited
// (Type::kMaxDepth levels of values) to survive hostile input.
#ifndef VPCEP_PROVIDER_CORE_JSON_CODEC_H_
#define VPCEP_PROVIDER_CORE_JSON_CODEC_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "provider/core/type.h"
#include "provider/core/value.h"

namespace vpcep::core {

// Errors are InvalidArgument and name the path (".tags[\"a\"]: string required").
absl::StatusOr<Value> DecodeJson(std::string_view json, const Type& type);

// Encodes `value` as `type`: objects/maps as JSON objects (attributes sorted),
// lists/sets/tuples as arrays, Dynamic positions as {"value":...,"type":...}.
// Unknown values cannot be expressed in JSON; passing one is a programming
// error and it is written as null. Non-conforming parts are written as null
// too. TryEncodeJson reports either problem instead.
std::string EncodeJson(const Value& value, const Type& type);
absl::StatusOr<std::string> TryEncodeJson(const Value& value, const Type& type);

// State upgrade: parses a stored state object (JSON text) and projects it onto
// the object type `type`: attributes missing from the JSON become null, keys
// the type does not have are dropped (at every level of nested objects), the
// values must otherwise match their types. The result is wholly known.
absl::StatusOr<Value> UpgradeJsonState(std::string_view json, const Type& type);

}  // namespace vpcep::core

#endif  // VPCEP_PROVIDER_CORE_JSON_CODEC_H_
