// cty-style values: every Value has a Type and is null, unknown (decided only
// at apply time), or known. Values are immutable and cheap to copy (one shared
// node per value).
//
// Numbers are decimal, like cty's arbitrary-precision numbers: a value is an
// exact int64 when it fits, otherwise its canonical decimal text is kept
// (e.g. "0.1" stays exactly one tenth, "18446744073709551615" stays exact),
// so a number received from Terraform is sent back unchanged.
//
// Sets are kept in a canonical order and without duplicates, so equal sets
// compare equal element by element. Elements containing unknowns are never
// merged: two unknowns may turn out to be different values.
#ifndef VPCEP_PROVIDER_CORE_VALUE_H_
#define VPCEP_PROVIDER_CORE_VALUE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "provider/core/type.h"

namespace vpcep::core {

class Value {
 public:
  Value();  // null of Dynamic

  static Value Null(Type type);
  static Value Unknown(Type type);
  static Value String(std::string s);
  static Value Int(int64_t n);
  // The number the shortest decimal form of `n` denotes, so Number(0.1) is
  // exactly 0.1. NaN is not a number in cty and yields a null number;
  // infinities are kept.
  static Value Number(double n);
  // Exact decimal (sign, digits, optional fraction and exponent). Text that is
  // not a number yields a null number; use ParseNumber to see the error.
  static Value NumberFromString(std::string_view decimal);
  static absl::StatusOr<Value> ParseNumber(std::string_view decimal);
  // The exact binary value of `n` (0.1 becomes 0.1000000000000000055511...).
  // For wire decoders: a float on the wire stands for exactly that value.
  static Value ExactNumber(double n);
  static Value Bool(bool b);
  // Null or unknown elements of Dynamic type (e.g. Value()) take the declared
  // element type; other elements are stored as given.
  static Value List(Type element, std::vector<Value> elements);
  static Value Set(Type element, std::vector<Value> elements);  // removes duplicates
  static Value Map(Type element, std::map<std::string, Value> elements);
  static Value Tuple(std::vector<Value> elements);               // type from the elements
  static Value Object(std::map<std::string, Value> attributes);  // type from the attributes
  // An object of exactly `type`: attributes missing from `attributes` become
  // null, extra keys are ignored, null/unknown Dynamic values take the
  // attribute's type. A non-object `type` yields Null(type).
  static Value ObjectOf(const Type& type, std::map<std::string, Value> attributes);
  // A tuple of exactly `type` (which may have Dynamic elements, unlike the
  // type Tuple derives): missing elements become null, extra ones are
  // dropped. A non-tuple `type` yields Null(type).
  static Value TupleOf(const Type& type, std::vector<Value> elements);

  const Type& type() const;
  bool is_null() const;
  bool is_known() const;         // false only for unknown; null is known
  bool is_wholly_known() const;  // known, and no unknown anywhere inside

  // Accessors. Precondition: known, non-null, of the matching kind. Violations
  // assert in debug builds and return an empty/zero result otherwise.
  const std::string& AsString() const;
  bool AsBool() const;
  absl::StatusOr<int64_t> AsInt() const;  // error unless an integer in int64 range
  double AsDouble() const;                // nearest double
  std::string NumberText() const;         // canonical decimal: "42", "-1.5", "+Inf"
  // True (and *out set) if this is a non-integer-kind number a double holds
  // exactly, e.g. 1.5 or 2^70 or an infinity; false for 0.1 or for int64s.
  // Encoders use it to pick int / float64 / decimal text like go-cty.
  bool ExactDouble(double* out) const;
  const std::vector<Value>& Elements() const;               // list, set, tuple
  const std::map<std::string, Value>& MapElements() const;  // map
  const std::map<std::string, Value>& Attributes() const;   // object
  // Object attribute; a null Dynamic value if absent or not an object.
  const Value& Attr(std::string_view name) const;
  // Copy of this object with attribute `name` set to `v` (added if absent).
  // A null/unknown Dynamic `v` takes the attribute's declared type; a known
  // `v` of another type changes the attribute's type in the object's type,
  // unless that is Dynamic (which holds values of any type).
  Value WithAttr(std::string_view name, Value v) const;

  // Structural equality including the type. Unknown equals unknown of the
  // same type; numbers compare by value; sets ignore element order.
  bool Equals(const Value& o) const;
  // For test failure output and logs; never pass secrets through it.
  std::string DebugString() const;

  // Strict weak order consistent with Equals (types first, then contents;
  // null < known < unknown). Used to order set elements.
  static int Compare(const Value& a, const Value& b);

 private:
  struct Rep;
  explicit Value(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}

  std::shared_ptr<const Rep> rep_;  // null pointer = null of Dynamic
};

bool operator==(const Value& a, const Value& b);
inline bool operator!=(const Value& a, const Value& b) { return !(a == b); }

// GoogleTest prints values with this (DebugString).
void PrintTo(const Value& value, std::ostream* os);
std::ostream& operator<<(std::ostream& os, const Value& value);

}  // namespace vpcep::core

#endif  // VPCEP_PROVIDER_CORE_VALUE_H_
