#include "simulator/ids.h"

#include "absl/strings/str_format.h"

namespace vpcep::sim {
namespace {

uint64_t RandomSeed() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

}  // namespace

IdSource::IdSource(std::optional<uint64_t> seed) : engine_(seed.value_or(RandomSeed())) {}

std::string IdSource::NewUuid() {
  uint64_t high;
  uint64_t low;
  {
    std::lock_guard<std::mutex> lock(mu_);
    high = engine_();
    low = engine_();
  }
  high = (high & ~uint64_t{0xF000}) | uint64_t{0x4000};          // version 4
  low = (low & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);  // RFC 4122 variant
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", high >> 32, (high >> 16) & 0xFFFF,
                         high & 0xFFFF, low >> 48, low & 0xFFFFFFFFFFFFULL);
}

std::string IdSource::NewRequestId() {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t high = engine_();
  uint64_t low = engine_();
  return absl::StrFormat("%016x%016x", high, low);
}

}  // namespace vpcep::sim
