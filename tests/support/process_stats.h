// What a child process holds, read from /proc: for tests and benchmarks
// that check a long-running provider process gives back what it takes.
#ifndef VPCEP_TESTS_SUPPORT_PROCESS_STATS_H_
#define VPCEP_TESTS_SUPPORT_PROCESS_STATS_H_

#include <sys/types.h>

#include <string>

namespace vpcep::testing {

// Open descriptors: TCP sockets to the API (the HTTP connection pool, whose
// idle size varies with how many calls overlapped, up to its cap) and all
// the others (which must not vary between rounds of the same work).
struct OpenDescriptors {
  int to_api = 0;
  int others = 0;
};
OpenDescriptors CountDescriptors(pid_t pid, int api_port);

// The port of a URL such as http://127.0.0.1:43210 (0 when it has none).
int PortOf(const std::string& url);

}  // namespace vpcep::testing

#endif  // VPCEP_TESTS_SUPPORT_PROCESS_STATS_H_
