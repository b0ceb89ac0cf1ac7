// Source of random identifiers: endpoint/service UUIDs and request ids.
//
// Thread-safe. Seeded from std::random_device unless a seed is given, in
// which case the sequence of ids is reproducible (for deterministic tests and
// the planned fault-injection mode).

#ifndef VPCEP_SIMULATOR_IDS_H_
#define VPCEP_SIMULATOR_IDS_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>


namespace vpcep::sim {

class IdSource {
 public:
  explicit IdSource(std::optional<uint64_t> seed = std::nullopt);

  IdSource(const IdSource&) = delete;
  IdSource& operator=(const IdSource&) = delete;

  // Random (version 4) UUID, lower case: "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
  std::string NewUuid();
  // 32 lower-case hex characters.
  std::string NewRequestId();

 private:
  std::mutex mu_;  // guards engine_
  std::mt19937_64 engine_;
};

}  // namespace vpcep::sim

#endif  // VPCEP_SIMULATOR_IDS_H_
