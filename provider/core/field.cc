#include "provider/core/field.h"

namespace vpcep::core {

Field<std::string> StringField(const Value& v) {
  return FieldFrom<std::string>(v, [](const Value& s) { return s.AsString(); });
}

Field<bool> BoolField(const Value& v) {
  return FieldFrom<bool>(v, [](const Value& b) { return b.AsBool(); });
}

Field<int64_t> IntField(const Value& v) {
  if (v.is_known() && !v.is_null() && !v.AsInt().ok()) return Field<int64_t>::Null();
  return FieldFrom<int64_t>(v, [](const Value& n) { return *n.AsInt(); });
}

Field<double> NumberField(const Value& v) {
  return FieldFrom<double>(v, [](const Value& n) { return n.AsDouble(); });
}

Value ToValue(const Field<std::string>& f) {
  return ValueFrom(f, Type::String(), [](const std::string& s) { return Value::String(s); });
}

Value ToValue(const Field<bool>& f) {
  return ValueFrom(f, Type::Bool(), [](bool b) { return Value::Bool(b); });
}

Value ToValue(const Field<int64_t>& f) {
  return ValueFrom(f, Type::Number(), [](int64_t n) { return Value::Int(n); });
}

}  // namespace vpcep::core
