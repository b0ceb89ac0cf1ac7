// Test helper: runs a child process with a chosen environment, reads its
// stdout line by line with a timeout, collects stderr in the background.
#ifndef VPCEP_TESTS_SUPPORT_SUBPROCESS_H_
#define VPCEP_TESTS_SUPPORT_SUBPROCESS_H_

#include <sys/types.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace vpcep::testing {

struct SubprocessOptions {
  std::vector<std::string> argv;                 // argv[0] = program path
  std::map<std::string, std::string> env;        // the complete environment
  std::string working_dir;                       // empty = inherit
};

class Subprocess {
 public:
  static absl::StatusOr<std::unique_ptr<Subprocess>> Start(const SubprocessOptions& options);
  ~Subprocess();  // kills the child if still running

  pid_t pid() const { return pid_; }
  // Next stdout line without the newline; error on EOF or timeout.
  absl::StatusOr<std::string> ReadLine(absl::Duration timeout);
  // Everything left on stdout until EOF (bounded by timeout).
  std::string ReadRest(absl::Duration timeout);
  // Exit code (or 128+signal); nullopt if still running after `timeout`.
  std::optional<int> Wait(absl::Duration timeout);
  void Signal(int sig);
  std::string Stderr() const;

 private:
  Subprocess() = default;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string stdout_buffer_;
  std::optional<int> exit_code_;
  std::thread stderr_reader_;
  mutable std::mutex mu_;  // guards stderr_ and stderr_closed_ (set by stderr_reader_)
  mutable std::condition_variable stderr_cv_;
  std::string stderr_;
  bool stderr_closed_ = false;
};

// The current process environment as a map (to copy and adjust).
std::map<std::string, std::string> CurrentEnvironment();

// Absolute path of an executable found on PATH, or "" when there is none.
std::string FindOnPath(const std::string& name);

}  // namespace vpcep::testing

#endif  // VPCEP_TESTS_SUPPORT_SUBPROCESS_H_
