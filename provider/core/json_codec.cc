#include "provider/core/json_codec.h"

#include <map>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"
#include "provider/core/value_path.h"

namespace vpcep::core {
namespace {

using internal::Abseil;
using internal::Quote;
using Path = internal::ValuePath;

using Json = nlohmann::json;

// Containers nested deeper than this are refused while parsing. Twice the
// value limit, because every Dynamic value adds a {"value","type"} wrapper.
constexpr size_t kMaxJsonDepth = 2 * Type::kMaxDepth;

// ---------------------------------------------------------------------------
// Parsing into a small document tree. nlohmann's own DOM would turn every
// fractional number into a double; the SAX interface hands over the original
// number text, which is what keeps decimals like 0.1 exact.

struct Node {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool b = false;
  std::string text;  // string value, or the number as written
  std::vector<Node> items;
  std::vector<std::pair<std::string, Node>> members;  // in document order
};

class TreeBuilder {
 public:
  bool null() { return Add(Node{}); }
  bool boolean(bool b) {
    Node n;
    n.kind = Node::Kind::kBool;
    n.b = b;
    return Add(std::move(n));
  }
  bool number_integer(Json::number_integer_t v) { return Number(std::to_string(v)); }
  bool number_unsigned(Json::number_unsigned_t v) { return Number(std::to_string(v)); }
  bool number_float(Json::number_float_t, const Json::string_t& text) { return Number(text); }
  bool string(Json::string_t& s) {
    Node n;
    n.kind = Node::Kind::kString;
    n.text = std::move(s);
    return Add(std::move(n));
  }
  bool binary(Json::binary_t&) { return Fail("binary data is not JSON"); }
  bool start_object(std::size_t) { return Open(Node::Kind::kObject); }
  bool key(Json::string_t& k) {
    keys_.push_back(std::move(k));
    return true;
  }
  bool end_object() { return Close(); }
  bool start_array(std::size_t) { return Open(Node::Kind::kArray); }
  bool end_array() { return Close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    return Fail(e.what());
  }

  absl::StatusOr<Node> Finish(bool parsed_ok) {
    if (!error_.empty()) return absl::InvalidArgumentError(absl::StrCat("invalid JSON: ", error_));
    if (!parsed_ok || !done_ || !open_.empty()) {
      return absl::InvalidArgumentError("invalid JSON: incomplete document");
    }
    return std::move(root_);
  }

 private:
  bool Number(const std::string& text) {
    Node n;
    n.kind = Node::Kind::kNumber;
    n.text = text;
    return Add(std::move(n));
  }

  bool Open(Node::Kind kind) {
    if (open_.size() >= kMaxJsonDepth) {
      return Fail(absl::StrCat("nesting deeper than ", kMaxJsonDepth, " levels"));
    }
    Node n;
    n.kind = kind;
    open_.push_back(std::move(n));
    return true;
  }

  bool Close() {
    Node n = std::move(open_.back());
    open_.pop_back();
    return Add(std::move(n));
  }

  // Attaches a finished node to the innermost open container, or makes it
  // the document root.
  bool Add(Node n) {
    if (open_.empty()) {
      root_ = std::move(n);
      done_ = true;
      return true;
    }
    Node& parent = open_.back();
    if (parent.kind == Node::Kind::kArray) {
      parent.items.push_back(std::move(n));
    } else {
      parent.members.emplace_back(std::move(keys_.back()), std::move(n));
      keys_.pop_back();
    }
    return true;
  }

  bool Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  std::vector<Node> open_;         // containers being filled, innermost last
  std::vector<std::string> keys_;  // pending object keys, innermost last
  Node root_;
  bool done_ = false;
  std::string error_;
};

absl::StatusOr<Node> ParseJson(std::string_view json) {
  TreeBuilder builder;
  bool ok = false;
  try {
    ok = Json::sax_parse(json.begin(), json.end(), &builder);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("invalid JSON: ", e.what()));
  }
  return builder.Finish(ok);
}

// The type tree of a dynamic value's "type" member, back as nlohmann JSON so
// Type::FromJson can read it. Type JSON holds only strings, arrays, objects.
Json ToNlohmann(const Node& n) {
  switch (n.kind) {
    case Node::Kind::kNull:
      return nullptr;
    case Node::Kind::kBool:
      return n.b;
    case Node::Kind::kNumber:
      return n.text;  // not valid in a type; FromJson rejects it
    case Node::Kind::kString:
      return n.text;
    case Node::Kind::kArray: {
      Json a = Json::array();
      for (const Node& i : n.items) a.push_back(ToNlohmann(i));
      return a;
    }
    case Node::Kind::kObject: {
      Json o = Json::object();
      for (const auto& [k, v] : n.members) o[k] = ToNlohmann(v);
      return o;
    }
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// Type-directed decoding of the document tree.

class Decoder {
 public:
  // `drop_extra_attributes`: state upgrade mode, unknown object keys vanish.
  explicit Decoder(bool drop_extra_attributes) : drop_extra_(drop_extra_attributes) {}

  absl::StatusOr<Value> Decode(const Node& n, const Type& type, int depth) {
    if (depth > Type::kMaxDepth) {
      return path_.Error(absl::StrCat("nesting deeper than ", Type::kMaxDepth, " levels"));
    }
    if (n.kind == Node::Kind::kNull) return Value::Null(type);
    switch (type.kind()) {
      case Type::Kind::kDynamic:
        return DecodeDynamic(n, depth);
      case Type::Kind::kString:
        switch (n.kind) {
          case Node::Kind::kString:
          case Node::Kind::kNumber:  // go-cty keeps the number as written
            return Value::String(n.text);
          case Node::Kind::kBool:
            return Value::String(n.b ? "true" : "false");
          default:
            return Required(type);
        }
      case Type::Kind::kNumber: {
        if (n.kind != Node::Kind::kNumber && n.kind != Node::Kind::kString) return Required(type);
        absl::StatusOr<Value> number = Value::ParseNumber(n.text);
        if (!number.ok()) return Required(type);
        return number;
      }
      case Type::Kind::kBool:
        if (n.kind == Node::Kind::kBool) return Value::Bool(n.b);
        if (n.kind == Node::Kind::kString) {
          // The string forms cty's string-to-bool conversion accepts.
          if (n.text == "true" || n.text == "1") return Value::Bool(true);
          if (n.text == "false" || n.text == "0") return Value::Bool(false);
        }
        return Required(type);
      case Type::Kind::kList:
      case Type::Kind::kSet:
      case Type::Kind::kTuple:
        return DecodeSequence(n, type, depth);
      case Type::Kind::kMap:
        return DecodeMap(n, type, depth);
      case Type::Kind::kObject:
        return DecodeObject(n, type, depth);
    }
    return path_.Error("unsupported type");
  }

 private:
  absl::Status Required(const Type& type) const {
    return path_.Error(absl::StrCat(type.FriendlyName(), " required"));
  }

  absl::StatusOr<Value> DecodeSequence(const Node& n, const Type& type, int depth) {
    if (n.kind != Node::Kind::kArray) return Required(type);
    const bool is_tuple = type.kind() == Type::Kind::kTuple;
    if (is_tuple && n.items.size() != type.tuple_elements().size()) {
      return path_.Error(absl::StrFormat("a tuple of %d elements is required (%d given)",
                                         type.tuple_elements().size(), n.items.size()));
    }
    std::vector<Value> elements;
    elements.reserve(n.items.size());
    for (size_t i = 0; i < n.items.size(); ++i) {
      path_.PushIndex(i);
      absl::StatusOr<Value> e =
          Decode(n.items[i], is_tuple ? type.tuple_elements()[i] : type.element(), depth + 1);
      path_.Pop();
      if (!e.ok()) return e.status();
      elements.push_back(*std::move(e));
    }
    return internal::SequenceOf(type, std::move(elements));
  }

  absl::StatusOr<Value> DecodeMap(const Node& n, const Type& type, int depth) {
    if (n.kind != Node::Kind::kObject) return Required(type);
    std::map<std::string, Value> elements;
    for (const auto& [key, item] : n.members) {
      path_.PushKey(key);
      absl::StatusOr<Value> e = Decode(item, type.element(), depth + 1);
      path_.Pop();
      if (!e.ok()) return e.status();
      elements.insert_or_assign(key, *std::move(e));  // a repeated key: the last wins
    }
    return Value::Map(type.element(), std::move(elements));
  }

  absl::StatusOr<Value> DecodeObject(const Node& n, const Type& type, int depth) {
    if (n.kind != Node::Kind::kObject) return Required(type);
    const auto& attr_types = type.attributes();
    std::map<std::string, Value> attrs;
    for (const auto& [key, item] : n.members) {
      auto attr_type = attr_types.find(key);
      if (attr_type == attr_types.end()) {
        if (drop_extra_) continue;
        return path_.Error(absl::StrCat("unsupported attribute ", Quote(key)));
      }
      path_.PushAttr(key);
      absl::StatusOr<Value> v = Decode(item, attr_type->second, depth + 1);
      path_.Pop();
      if (!v.ok()) return v.status();
      attrs.insert_or_assign(key, *std::move(v));
    }
    return Value::ObjectOf(type, std::move(attrs));  // missing attributes: null
  }

  absl::StatusOr<Value> DecodeDynamic(const Node& n, int depth) {
    if (n.kind != Node::Kind::kObject) {
      return path_.Error("a dynamic value must be a JSON object {\"value\":...,\"type\":...}");
    }
    const Node* type_node = nullptr;
    const Node* value_node = nullptr;
    for (const auto& [key, item] : n.members) {
      if (key == "type") {
        type_node = &item;
      } else if (key == "value") {
        value_node = &item;
      } else {
        return path_.Error(absl::StrCat("invalid key ", Quote(key), " in a dynamic value"));
      }
    }
    if (type_node == nullptr) return path_.Error("missing \"type\" in a dynamic value");
    if (value_node == nullptr) return path_.Error("missing \"value\" in a dynamic value");
    absl::StatusOr<Type> type = Type::FromJson(ToNlohmann(*type_node).dump());
    if (!type.ok()) return path_.Error(type.status().message());
    if (type->is_dynamic()) return path_.Error("a dynamic value must have a concrete type");
    return Decode(*value_node, *type, depth + 1);
  }

  bool drop_extra_;
  Path path_;
};

// ---------------------------------------------------------------------------
// Encoding.

class Encoder {
 public:
  void Encode(const Value& value, const Type& type) {
    if (type.is_dynamic()) {
      EncodeDynamic(value);
      return;
    }
    if (!value.is_known()) {
      Fail("value is not known (JSON cannot express unknown)");
      out_ += "null";
      return;
    }
    if (value.is_null()) {
      out_ += "null";
      return;
    }
    if (value.type().kind() != type.kind()) {
      Fail(absl::StrCat(type.FriendlyName(), " required, got ", value.type().FriendlyName()));
      out_ += "null";
      return;
    }
    switch (type.kind()) {
      case Type::Kind::kString:
        out_ += Quote(value.AsString());
        return;
      case Type::Kind::kNumber:
        EncodeNumber(value);
        return;
      case Type::Kind::kBool:
        out_ += value.AsBool() ? "true" : "false";
        return;
      case Type::Kind::kList:
      case Type::Kind::kSet:
      case Type::Kind::kTuple:
        EncodeSequence(value, type);
        return;
      case Type::Kind::kMap:
        EncodeMap(value, type);
        return;
      case Type::Kind::kObject:
        EncodeObject(value, type);
        return;
      case Type::Kind::kDynamic:
        break;
    }
  }

  std::string& text() { return out_; }
  const absl::Status& status() const { return status_; }

 private:
  // A value of Dynamic type goes out with its type, as {"value":..,"type":..}.
  void EncodeDynamic(const Value& value) {
    if (value.type().is_dynamic()) {
      // Only null and unknown values have Dynamic type themselves.
      if (!value.is_known()) Fail("value is not known (JSON cannot express unknown)");
      out_ += "null";
      return;
    }
    out_ += "{\"value\":";
    Encode(value, value.type());
    absl::StrAppend(&out_, ",\"type\":", value.type().ToJson(), "}");
  }

  void EncodeNumber(const Value& value) {
    std::string text = value.NumberText();
    if (text == "+Inf" || text == "-Inf") {
      Fail("infinity cannot be expressed in JSON");
      text = "null";
    }
    out_ += text;
  }

  // A list, set or tuple as a JSON array.
  void EncodeSequence(const Value& value, const Type& type) {
    const auto& elements = value.Elements();
    const bool is_tuple = type.kind() == Type::Kind::kTuple;
    if (is_tuple && elements.size() != type.tuple_elements().size()) {
      Fail(absl::StrFormat("a tuple of %d elements is required (%d given)",
                           type.tuple_elements().size(), elements.size()));
      out_ += "null";
      return;
    }
    out_ += '[';
    for (size_t i = 0; i < elements.size(); ++i) {
      if (i > 0) out_ += ',';
      path_.PushIndex(i);
      Encode(elements[i], is_tuple ? type.tuple_elements()[i] : type.element());
      path_.Pop();
    }
    out_ += ']';
  }

  void EncodeMap(const Value& value, const Type& type) {
    out_ += '{';
    bool first = true;
    for (const auto& [key, element] : value.MapElements()) {
      if (!first) out_ += ',';
      first = false;
      absl::StrAppend(&out_, Quote(key), ":");
      path_.PushKey(key);
      Encode(element, type.element());
      path_.Pop();
    }
    out_ += '}';
  }

  // Every attribute of the type, in its order; an attribute the type lacks
  // is an error.
  void EncodeObject(const Value& value, const Type& type) {
    const auto& attr_types = type.attributes();
    for (const auto& [name, v] : value.Attributes()) {
      if (attr_types.count(name) == 0) {
        Fail(absl::StrCat("unsupported attribute ", Quote(name)));
      }
    }
    out_ += '{';
    bool first = true;
    for (const auto& [name, attr_type] : attr_types) {
      if (!first) out_ += ',';
      first = false;
      absl::StrAppend(&out_, Quote(name), ":");
      path_.PushAttr(name);
      Encode(value.Attr(name), attr_type);
      path_.Pop();
    }
    out_ += '}';
  }

  void Fail(absl::string_view message) {
    if (status_.ok()) status_ = path_.Error(message);
  }

  std::string out_;
  Path path_;
  absl::Status status_;
};

}  // namespace

absl::StatusOr<Value> DecodeJson(std::string_view json, const Type& type) {
  absl::StatusOr<Node> root = ParseJson(json);
  if (!root.ok()) return root.status();
  return Decoder(/*drop_extra_attributes=*/false).Decode(*root, type, 0);
}

std::string EncodeJson(const Value& value, const Type& type) {
  Encoder encoder;
  encoder.Encode(value, type);
  return std::move(encoder.text());
}

absl::StatusOr<std::string> TryEncodeJson(const Value& value, const Type& type) {
  Encoder encoder;
  encoder.Encode(value, type);
  if (!encoder.status().ok()) return encoder.status();
  return std::move(encoder.text());
}

absl::StatusOr<Value> UpgradeJsonState(std::string_view json, const Type& type) {
  if (type.kind() != Type::Kind::kObject) {
    return absl::InvalidArgumentError(
        absl::StrCat("state upgrade needs an object type, not ", type.FriendlyName()));
  }
  absl::StatusOr<Node> root = ParseJson(json);
  if (!root.ok()) return root.status();
  return Decoder(/*drop_extra_attributes=*/true).Decode(*root, type, 0);
}

}  // namespace vpcep::core
