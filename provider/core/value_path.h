// Internal to the codecs: the path of the value being decoded, for error
// messages like `.timeouts.create: string required` (Terraform's notation).
#ifndef VPCEP_PROVIDER_CORE_VALUE_PATH_H_
#define VPCEP_PROVIDER_CORE_VALUE_PATH_H_

#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "provider/core/value.h"

namespace vpcep::core::internal {

// Debian's Abseil has its own string_view class; convert explicitly.
inline absl::string_view Abseil(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// `s` as a JSON string literal (invalid UTF-8 replaced), for keys in messages.
inline std::string Quote(std::string_view s) {
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The list, set or tuple of `type` holding decoded `elements`.
inline Value SequenceOf(const Type& type, std::vector<Value> elements) {
  switch (type.kind()) {
    case Type::Kind::kList:
      return Value::List(type.element(), std::move(elements));
    case Type::Kind::kSet:
      return Value::Set(type.element(), std::move(elements));
    default:
      return Value::TupleOf(type, std::move(elements));
  }
}

class ValuePath {
 public:
  void PushAttr(std::string_view name) { steps_.push_back({Step::kAttr, name, 0}); }
  void PushIndex(size_t index) { steps_.push_back({Step::kIndex, {}, index}); }
  void PushKey(std::string_view key) { steps_.push_back({Step::kKey, key, 0}); }
  void Pop() { steps_.pop_back(); }

  std::string ToString() const {
    std::string out;
    for (const Step& s : steps_) {
      switch (s.kind) {
        case Step::kAttr:
          absl::StrAppend(&out, ".", Abseil(s.name));
          break;
        case Step::kIndex:
          absl::StrAppend(&out, "[", s.index, "]");
          break;
        case Step::kKey:
          absl::StrAppend(&out, "[", Quote(s.name), "]");
          break;
      }
    }
    return out;
  }

  absl::Status Error(absl::string_view message) const {
    std::string where = ToString();
    if (where.empty()) return absl::InvalidArgumentError(message);
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", message));
  }

 private:
  struct Step {
    enum Kind { kAttr, kIndex, kKey } kind;
    std::string_view name;  // points into the type or a key alive during the step
    size_t index;
  };
  std::vector<Step> steps_;
};

}  // namespace vpcep::core::internal

#endif  // VPCEP_PROVIDER_CORE_VALUE_PATH_H_
