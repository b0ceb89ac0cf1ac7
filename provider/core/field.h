// Field<T>: one attribute of a resource's typed model (see STYLE.md: a
// resource works on a struct, not on string look-ups). Like a Value it is
// null, unknown (a plan's value that Terraform decides only at apply), or
// known, so a model read from a plan and written back keeps every unknown.
//
// The conversions below read one attribute value into a Field and write one
// back; a model's FromValue / ToValue are made of them.
#ifndef VPCEP_PROVIDER_CORE_FIELD_H_
#define VPCEP_PROVIDER_CORE_FIELD_H_

#include <cstdint>
#include <string>
#include <utility>

#include "provider/core/value.h"

namespace vpcep::core {

template <typename T>
class Field {
 public:
  Field() = default;                                                   // null
  Field(T value) : state_(State::kKnown), value_(std::move(value)) {}  // NOLINT: implicit
  static Field Null() { return Field(); }
  static Field Unknown() {
    Field f;
    f.state_ = State::kUnknown;
    return f;
  }

  bool is_null() const { return state_ == State::kNull; }
  bool is_unknown() const { return state_ == State::kUnknown; }
  // Known and not null: value() may be read.
  bool has_value() const { return state_ == State::kKnown; }
  // Precondition: has_value(); otherwise a default-constructed T.
  const T& value() const { return value_; }
  T value_or(T fallback) const { return has_value() ? value_ : std::move(fallback); }

  // Same state, and the same value when known (unknown equals unknown, as
  // Value::Equals has it).
  friend bool operator==(const Field& a, const Field& b) {
    return a.state_ == b.state_ && (a.state_ != State::kKnown || a.value_ == b.value_);
  }
  friend bool operator!=(const Field& a, const Field& b) { return !(a == b); }

 private:
  enum class State { kNull, kUnknown, kKnown };
  State state_ = State::kNull;
  T value_{};
};

// Reads a Field from `v` with `convert` (called only for a known, non-null v).
template <typename T, typename Convert>
Field<T> FieldFrom(const Value& v, Convert convert) {
  if (!v.is_known()) return Field<T>::Unknown();
  if (v.is_null()) return Field<T>::Null();
  return Field<T>(convert(v));
}

// Writes `f` as a Value of `type` with `convert` (called only for a value).
template <typename T, typename Convert>
Value ValueFrom(const Field<T>& f, const Type& type, Convert convert) {
  if (f.is_unknown()) return Value::Unknown(type);
  if (f.is_null()) return Value::Null(type);
  return convert(f.value());
}

Field<std::string> StringField(const Value& v);
Field<bool> BoolField(const Value& v);
// A number that is not an int64 reads as null: the models hold ids and
// counts only.
Field<int64_t> IntField(const Value& v);
// The nearest double: for settings whose range a validation checks.
Field<double> NumberField(const Value& v);

Value ToValue(const Field<std::string>& f);
Value ToValue(const Field<bool>& f);
Value ToValue(const Field<int64_t>& f);  // a Number

}  // namespace vpcep::core

#endif  // VPCEP_PROVIDER_CORE_FIELD_H_
