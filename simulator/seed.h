// Loading a seed document into a State:
//   {"services": [{<service fields>, "connections": [{<connection fields>}]}]}
// with the same fields as the admin API (README.md). Loading stops at the
// first invalid entry; entries before it stay loaded.

#ifndef VPCEP_SIMULATOR_SEED_H_
#define VPCEP_SIMULATOR_SEED_H_

#include <string>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"
#include "simulator/state.h"

namespace vpcep::sim {

absl::Status LoadSeed(const nlohmann::json& seed, State& state);
absl::Status LoadSeedFile(const std::string& path, State& state);

}  // namespace vpcep::sim

#endif  // VPCEP_SIMULATOR_SEED_H_
