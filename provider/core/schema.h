// Schema model: what GetProviderSchema reports and what decoding uses to find
// the type of every value. Attributes carry the description shown in docs and
// `terraform providers schema -json`.
#ifndef VPCEP_PROVIDER_CORE_SCHEMA_H_
#define VPCEP_PROVIDER_CORE_SCHEMA_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "provider/core/type.h"

namespace vpcep::core {

struct Attribute {
  std::string name;
  Type type;
  std::string description;
  bool required = false;
  bool optional = false;
  bool computed = false;
  bool sensitive = false;
  bool force_new = false;  // a change plans a replacement
};

struct NestedBlock;

struct Block {
  std::vector<Attribute> attributes;
  std::vector<NestedBlock> blocks;
  std::string description;

  const Attribute* FindAttribute(absl::string_view name) const;
  const NestedBlock* FindBlock(absl::string_view name) const;
};

struct NestedBlock {
  enum class Nesting { kSingle = 1, kList = 2, kSet = 3, kMap = 4, kGroup = 5 };
  std::string type_name;
  Block block;
  Nesting nesting = Nesting::kSingle;
  int64_t min_items = 0;
  int64_t max_items = 0;
};

struct Schema {
  int64_t version = 0;
  Block block;
};

// The object type of values conforming to `block`.
Type ImpliedType(const Block& block);

// Convenience constructors keep schema definitions short and readable.
Attribute RequiredAttribute(std::string name, Type type, std::string description);
Attribute OptionalAttribute(std::string name, Type type, std::string description);
Attribute ComputedAttribute(std::string name, Type type, std::string description);
Attribute OptionalComputedAttribute(std::string name, Type type, std::string description);

}  // namespace vpcep::core

#endif  // VPCEP_PROVIDER_CORE_SCHEMA_H_
