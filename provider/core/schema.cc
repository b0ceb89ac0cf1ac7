#include "provider/core/schema.h"

#include <map>
#include <utility>

namespace vpcep::core {

const Attribute* Block::FindAttribute(absl::string_view name) const {
  for (const Attribute& a : attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const NestedBlock* Block::FindBlock(absl::string_view name) const {
  for (const NestedBlock& b : blocks) {
    if (b.type_name == name) return &b;
  }
  return nullptr;
}

Type ImpliedType(const Block& block) {
  std::map<std::string, Type> attrs;
  for (const Attribute& a : block.attributes) attrs.emplace(a.name, a.type);
  for (const NestedBlock& b : block.blocks) {
    Type inner = ImpliedType(b.block);
    switch (b.nesting) {
      case NestedBlock::Nesting::kSingle:
      case NestedBlock::Nesting::kGroup:
        attrs.emplace(b.type_name, inner);
        break;
      case NestedBlock::Nesting::kList:
        attrs.emplace(b.type_name, Type::List(inner));
        break;
      case NestedBlock::Nesting::kSet:
        attrs.emplace(b.type_name, Type::Set(inner));
        break;
      case NestedBlock::Nesting::kMap:
        attrs.emplace(b.type_name, Type::Map(inner));
        break;
    }
  }
  return Type::Object(std::move(attrs));
}

Attribute RequiredAttribute(std::string name, Type type, std::string description) {
  Attribute a{std::move(name), std::move(type), std::move(description)};
  a.required = true;
  return a;
}

Attribute OptionalAttribute(std::string name, Type type, std::string description) {
  Attribute a{std::move(name), std::move(type), std::move(description)};
  a.optional = true;
  return a;
}

Attribute ComputedAttribute(std::string name, Type type, std::string description) {
  Attribute a{std::move(name), std::move(type), std::move(description)};
  a.computed = true;
  return a;
}

Attribute OptionalComputedAttribute(std::string name, Type type, std::string description) {
  Attribute a{std::move(name), std::move(type), std::move(description)};
  a.optional = true;
  a.computed = true;
  return a;
}

}  // namespace vpcep::core
