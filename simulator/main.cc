// vpcep-sim: serves the simulated VPCEP API until SIGINT or SIGTERM.
// Exit codes: 0 clean stop (or --help), 1 could not start, 2 bad arguments.

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "simulator/command_line.h"
#include "simulator/simulator.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<vpcep::sim::CommandLine> command_line = vpcep::sim::ParseCommandLine(args);
  if (!command_line.ok()) {
    std::fprintf(stderr, "vpcep-sim: %s\nTry 'vpcep-sim --help'.\n",
                 std::string(command_line.status().message()).c_str());
    return 2;
  }
  if (command_line->help) {
    std::cout << vpcep::sim::Usage() << std::flush;
    return 0;
  }

  // Block the stop signals before any thread starts so that every thread
  // inherits the mask and only sigwait() below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const vpcep::sim::Simulator::Options& options = command_line->options;
  auto sim = vpcep::sim::Simulator::Start(options);
  if (!sim.ok()) {
    std::fprintf(stderr, "vpcep-sim: cannot start: %s\n",
                 std::string(sim.status().message()).c_str());
    return 1;
  }
  std::cout << (*sim)->base_url() << std::endl;  // first line of stdout, flushed
  std::fprintf(stderr,
               "vpcep-sim: serving %s/v1/%s (auth: %s, /admin: %s, transition delay: %s, "
               "seed: %s)\n",
               (*sim)->base_url().c_str(), options.project_id.c_str(),
               !options.aksk_keys.empty()
                   ? (options.token.empty() ? "AK/SK" : "AK/SK or X-Auth-Token")
                   : (options.token.empty() ? "none" : "X-Auth-Token required"),
               options.allow_remote ? "the same credentials" : "open to loopback callers",
               absl::FormatDuration(options.transition_delay).c_str(),
               options.seed_file.empty() ? "none" : options.seed_file.c_str());

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::fprintf(stderr, "vpcep-sim: received signal %d, stopping\n", signal_number);
  (*sim)->Stop();
  return 0;
}
