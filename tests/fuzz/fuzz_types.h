// Types the fuzzers decode against: the approval's state type and a few
// shapes that exercise every kind (collections, tuples, dynamic).
#ifndef VPCEP_TESTS_FUZZ_FUZZ_TYPES_H_
#define VPCEP_TESTS_FUZZ_FUZZ_TYPES_H_

#include <vector>

#include "provider/core/type.h"

namespace vpcep::fuzz {

inline const std::vector<core::Type>& Types() {
  using core::Type;
  static const std::vector<Type> types = {
      Type::Object({{"service_id", Type::String()},
                    {"endpoint_id", Type::String()},
                    {"marker_id", Type::Number()},
                    {"reject_on_delete", Type::Bool()},
                    {"timeouts", Type::Object({{"create", Type::String()}})}}),
      Type::List(Type::Map(Type::Number())),
      Type::Set(Type::Object({{"a", Type::Dynamic()}})),
      Type::Tuple({Type::String(), Type::Bool(), Type::List(Type::String())}),
      Type::Dynamic(),
  };
  return types;
}

}  // namespace vpcep::fuzz

#endif  // VPCEP_TESTS_FUZZ_FUZZ_TYPES_H_
