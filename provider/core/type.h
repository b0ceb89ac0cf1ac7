// cty-style types: the type system Terraform uses for schema attributes and
// for the values exchanged over the plugin protocol.
//
// A Type is immutable and cheap to copy: primitive kinds are stored inline and
// compound kinds share one heap node between copies. Equality is structural.
#ifndef VPCEP_PROVIDER_CORE_TYPE_H_
#define VPCEP_PROVIDER_CORE_TYPE_H_

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace vpcep::core {

class Type {
 public:
  enum class Kind { kString, kNumber, kBool, kDynamic, kList, kSet, kMap, kObject, kTuple };

  // Nesting deeper than this is rejected by FromJson (and by the value
  // decoders), so hostile input cannot exhaust the stack.
  static constexpr int kMaxDepth = 64;

  Type();  // Dynamic ("any type", decided at runtime)

  static Type String();
  static Type Number();
  static Type Bool();
  static Type Dynamic();
  static Type List(Type element);
  static Type Set(Type element);
  static Type Map(Type element);
  static Type Object(std::map<std::string, Type> attributes);
  static Type Tuple(std::vector<Type> elements);

  Kind kind() const { return kind_; }
  bool is_primitive() const;   // string, number, bool
  bool is_collection() const;  // list, set, map
  bool is_dynamic() const { return kind_ == Kind::kDynamic; }

  // Only meaningful for the kinds named; any other kind gets Dynamic / empty.
  const Type& element() const;                            // list/set/map
  const std::map<std::string, Type>& attributes() const;  // object
  const std::vector<Type>& tuple_elements() const;        // tuple

  // Compact cty type JSON, the format of Schema.Attribute.type:
  // "string", ["list","string"], ["object",{"a":"bool"}], ["tuple",["number"]].
  std::string ToJson() const;
  // Parses the format ToJson writes. Errors are InvalidArgument.
  static absl::StatusOr<Type> FromJson(std::string_view json);

  // Human wording for error messages: "string", "list of string", "object".
  std::string FriendlyName() const;

  bool operator==(const Type& o) const;
  bool operator!=(const Type& o) const { return !(*this == o); }

 private:
  struct Rep;
  Type(Kind kind, std::shared_ptr<const Rep> rep) : kind_(kind), rep_(std::move(rep)) {}

  Kind kind_;
  std::shared_ptr<const Rep> rep_;  // null for primitive and dynamic kinds
};

// GoogleTest / logging support: prints ToJson().
std::ostream& operator<<(std::ostream& os, const Type& type);

}  // namespace vpcep::core

#endif  // VPCEP_PROVIDER_CORE_TYPE_H_
