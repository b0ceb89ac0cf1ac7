// libFuzzer target: the msgpack value decoder against the approval's type,
// plus a round trip of whatever decodes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "provider/core/msgpack_codec.h"
#include "tests/fuzz/fuzz_types.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  for (const vpcep::core::Type& type : vpcep::fuzz::Types()) {
    absl::StatusOr<vpcep::core::Value> v = vpcep::core::DecodeMsgpack(bytes, type);
    if (v.ok()) {
      std::string again = vpcep::core::EncodeMsgpack(*v, type);
      absl::StatusOr<vpcep::core::Value> back = vpcep::core::DecodeMsgpack(again, type);
      if (!back.ok() || !back->Equals(*v)) __builtin_trap();  // round trip must hold
    }
  }
  return 0;
}
