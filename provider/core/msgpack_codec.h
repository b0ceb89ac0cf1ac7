// Terraform's DynamicValue.msgpack encoding of cty values
// (docs/plugin-protocol/object-wire-format.md), type-directed like go-cty.
//
// Decoding is strict the way Terraform's own decoder is: an object must carry
// exactly the attributes of its type, every error names the path
// (".timeouts.create: string required"), any msgpack extension is an unknown
// value, and nesting beyond Type::kMaxDepth is refused. Decoded values have
// exactly the requested type; positions of Dynamic type hold values of the
// concrete type sent on the wire.
//
// Encoding writes what go-cty writes: null as nil, unknown as fixext1 type 0
// (d4 00 00), object attributes sorted by name, numbers as int when they are
// int64s, float64 when a double holds them exactly, decimal text otherwise,
// and Dynamic positions as [bin(type JSON), value].
#ifndef VPCEP_PROVIDER_CORE_MSGPACK_CODEC_H_
#define VPCEP_PROVIDER_CORE_MSGPACK_CODEC_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "provider/core/type.h"
#include "provider/core/value.h"

namespace vpcep::core {

// Errors are InvalidArgument with the path in the message.
absl::StatusOr<Value> DecodeMsgpack(std::string_view bytes, const Type& type);

// Encodes `value` as `type` (the schema type, which drives the layout).
// A value that does not conform (e.g. a number where the type says string, an
// object attribute missing from the type) is a programming error: the
// offending part is written as nil so the output is still well-formed.
// TryEncodeMsgpack reports such errors instead.
std::string EncodeMsgpack(const Value& value, const Type& type);
absl::StatusOr<std::string> TryEncodeMsgpack(const Value& value, const Type& type);

}  // namespace vpcep::core

#endif  // VPCEP_PROVIDER_CORE_MSGPACK_CODEC_H_
