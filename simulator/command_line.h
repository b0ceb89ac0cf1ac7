// Command line of the vpcep-sim binary. Pure functions; thread-safe.

#ifndef VPCEP_SIMULATOR_COMMAND_LINE_H_
#define VPCEP_SIMULATOR_COMMAND_LINE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "simulator/simulator.h"

namespace vpcep::sim {

struct CommandLine {
  Simulator::Options options;
  bool help = false;
};

// Parses the arguments after the program name. Flags take their value as
// "--flag value" or "--flag=value".
absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args);

// The --help text.
std::string Usage();

}  // namespace vpcep::sim

#endif  // VPCEP_SIMULATOR_COMMAND_LINE_H_
