#include "provider/core/type.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace vpcep::core {

// Heap node shared by copies of a compound type. Only the member matching the
// kind is populated.
struct Type::Rep {
  Type element;
  std::map<std::string, Type> attributes;
  std::vector<Type> tuple_elements;
};

namespace {

// Function-local statics returned by reference from accessors on the wrong
// kind. Heap-allocated and never freed so that no destructor runs at exit.
const Type& DynamicType() {
  static const Type* const kType = new Type();
  return *kType;
}
const std::map<std::string, Type>& EmptyAttributes() {
  static const auto* const kEmpty = new std::map<std::string, Type>();
  return *kEmpty;
}
const std::vector<Type>& EmptyTypes() {
  static const auto* const kEmpty = new std::vector<Type>();
  return *kEmpty;
}

// JSON string literal for `s`. Invalid UTF-8 is replaced rather than thrown
// on, because attribute names come from code and must never abort encoding.
std::string Quote(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void AppendJson(const Type& t, std::string& out) {
  switch (t.kind()) {
    case Type::Kind::kString:
      out += "\"string\"";
      return;
    case Type::Kind::kNumber:
      out += "\"number\"";
      return;
    case Type::Kind::kBool:
      out += "\"bool\"";
      return;
    case Type::Kind::kDynamic:
      out += "\"dynamic\"";
      return;
    case Type::Kind::kList:
    case Type::Kind::kSet:
    case Type::Kind::kMap:
      out += t.kind() == Type::Kind::kList  ? "[\"list\","
             : t.kind() == Type::Kind::kSet ? "[\"set\","
                                            : "[\"map\",";
      AppendJson(t.element(), out);
      out += ']';
      return;
    case Type::Kind::kObject: {
      out += "[\"object\",{";
      bool first = true;
      for (const auto& [name, attr] : t.attributes()) {
        if (!first) out += ',';
        first = false;
        out += Quote(name);
        out += ':';
        AppendJson(attr, out);
      }
      out += "}]";
      return;
    }
    case Type::Kind::kTuple: {
      out += "[\"tuple\",[";
      bool first = true;
      for (const Type& e : t.tuple_elements()) {
        if (!first) out += ',';
        first = false;
        AppendJson(e, out);
      }
      out += "]]";
      return;
    }
  }
}

absl::Status TypeError(std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid type JSON: ", absl::string_view(what.data(), what.size())));
}

absl::StatusOr<Type> FromNode(const nlohmann::json& j, int depth) {
  if (depth > Type::kMaxDepth) return TypeError("nesting too deep");
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == "string") return Type::String();
    if (s == "number") return Type::Number();
    if (s == "bool") return Type::Bool();
    if (s == "dynamic") return Type::Dynamic();
    return TypeError(absl::StrCat("unknown primitive type \"", s, "\""));
  }
  if (!j.is_array() || j.size() != 2 || !j[0].is_string()) {
    return TypeError("expected a type name or a two-element [kind, argument] array");
  }
  const auto& kind = j[0].get_ref<const std::string&>();
  const nlohmann::json& arg = j[1];
  if (kind == "list" || kind == "set" || kind == "map") {
    absl::StatusOr<Type> element = FromNode(arg, depth + 1);
    if (!element.ok()) return element.status();
    if (kind == "list") return Type::List(*std::move(element));
    if (kind == "set") return Type::Set(*std::move(element));
    return Type::Map(*std::move(element));
  }
  if (kind == "object") {
    if (!arg.is_object()) return TypeError("object type needs a JSON object of attributes");
    std::map<std::string, Type> attrs;
    for (const auto& [name, attr_json] : arg.items()) {
      absl::StatusOr<Type> attr = FromNode(attr_json, depth + 1);
      if (!attr.ok()) return attr.status();
      attrs.emplace(name, *std::move(attr));
    }
    return Type::Object(std::move(attrs));
  }
  if (kind == "tuple") {
    if (!arg.is_array()) return TypeError("tuple type needs a JSON array of element types");
    std::vector<Type> elements;
    elements.reserve(arg.size());
    for (const auto& e : arg) {
      absl::StatusOr<Type> element = FromNode(e, depth + 1);
      if (!element.ok()) return element.status();
      elements.push_back(*std::move(element));
    }
    return Type::Tuple(std::move(elements));
  }
  return TypeError(absl::StrCat("unknown type kind \"", kind, "\""));
}

bool SameTypes(const std::vector<Type>& a, const std::vector<Type>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

bool SameType(const Type& a, const Type& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Type::Kind::kList:
    case Type::Kind::kSet:
    case Type::Kind::kMap:
      return a.element() == b.element();
    case Type::Kind::kObject: {
      const auto& x = a.attributes();
      const auto& y = b.attributes();
      if (x.size() != y.size()) return false;
      for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
        if (i->first != j->first || i->second != j->second) return false;
      }
      return true;
    }
    case Type::Kind::kTuple:
      return SameTypes(a.tuple_elements(), b.tuple_elements());
    default:
      return true;
  }
}

}  // namespace

Type::Type() : kind_(Kind::kDynamic) {}

Type Type::String() { return Type(Kind::kString, nullptr); }
Type Type::Number() { return Type(Kind::kNumber, nullptr); }
Type Type::Bool() { return Type(Kind::kBool, nullptr); }
Type Type::Dynamic() { return Type(); }

Type Type::List(Type element) {
  auto rep = std::make_shared<Rep>();
  rep->element = std::move(element);
  return Type(Kind::kList, std::move(rep));
}
Type Type::Set(Type element) {
  auto rep = std::make_shared<Rep>();
  rep->element = std::move(element);
  return Type(Kind::kSet, std::move(rep));
}
Type Type::Map(Type element) {
  auto rep = std::make_shared<Rep>();
  rep->element = std::move(element);
  return Type(Kind::kMap, std::move(rep));
}
Type Type::Object(std::map<std::string, Type> attributes) {
  auto rep = std::make_shared<Rep>();
  rep->attributes = std::move(attributes);
  return Type(Kind::kObject, std::move(rep));
}
Type Type::Tuple(std::vector<Type> elements) {
  auto rep = std::make_shared<Rep>();
  rep->tuple_elements = std::move(elements);
  return Type(Kind::kTuple, std::move(rep));
}

bool Type::is_primitive() const {
  return kind_ == Kind::kString || kind_ == Kind::kNumber || kind_ == Kind::kBool;
}

bool Type::is_collection() const {
  return kind_ == Kind::kList || kind_ == Kind::kSet || kind_ == Kind::kMap;
}

const Type& Type::element() const {
  if (!is_collection() || rep_ == nullptr) return DynamicType();
  return rep_->element;
}

const std::map<std::string, Type>& Type::attributes() const {
  if (kind_ != Kind::kObject || rep_ == nullptr) return EmptyAttributes();
  return rep_->attributes;
}

const std::vector<Type>& Type::tuple_elements() const {
  if (kind_ != Kind::kTuple || rep_ == nullptr) return EmptyTypes();
  return rep_->tuple_elements;
}

std::string Type::ToJson() const {
  std::string out;
  AppendJson(*this, out);
  return out;
}

absl::StatusOr<Type> Type::FromJson(std::string_view json) {
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& e) {
    return TypeError(e.what());
  }
  return FromNode(parsed, 0);
}

std::string Type::FriendlyName() const {
  switch (kind_) {
    case Kind::kString:
      return "string";
    case Kind::kNumber:
      return "number";
    case Kind::kBool:
      return "bool";
    case Kind::kDynamic:
      return "dynamic";
    case Kind::kList:
      return "list of " + element().FriendlyName();
    case Kind::kSet:
      return "set of " + element().FriendlyName();
    case Kind::kMap:
      return "map of " + element().FriendlyName();
    case Kind::kObject:
      return "object";
    case Kind::kTuple:
      return "tuple";
  }
  return "unknown";
}

bool Type::operator==(const Type& o) const {
  if (kind_ != o.kind_) return false;
  if (rep_ == o.rep_) return true;  // same node (or both primitive)
  return SameType(*this, o);
}

std::ostream& operator<<(std::ostream& os, const Type& type) { return os << type.ToJson(); }

}  // namespace vpcep::core
