// libFuzzer target: the JSON value decoder and the state upgrade path.
#include <cstddef>
#include <cstdint>
#include <string>

#include "provider/core/json_codec.h"
#include "tests/fuzz/fuzz_types.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  for (const vpcep::core::Type& type : vpcep::fuzz::Types()) {
    (void)vpcep::core::DecodeJson(text, type);
    if (type.kind() == vpcep::core::Type::Kind::kObject) {
      (void)vpcep::core::UpgradeJsonState(text, type);
    }
  }
  return 0;
}
