#include "tests/support/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

extern char** environ;

namespace vpcep::testing {

std::map<std::string, std::string> CurrentEnvironment() {
  std::map<std::string, std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq != std::string::npos) out[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return out;
}

std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  for (absl::string_view dir : absl::StrSplit(path, ':')) {
    std::string candidate = absl::StrCat(dir, "/", name);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

absl::StatusOr<std::unique_ptr<Subprocess>> Subprocess::Start(const SubprocessOptions& options) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    return absl::InternalError("pipe failed");
  }
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : options.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, argv;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = options.argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    if (!options.working_dir.empty() && chdir(options.working_dir.c_str()) != 0) _exit(126);
    // Children start with default signal handling and an empty mask.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  auto p = std::unique_ptr<Subprocess>(new Subprocess());
  p->pid_ = pid;
  p->stdout_fd_ = out_pipe[0];
  int err_fd = err_pipe[0];
  Subprocess* self = p.get();
  p->stderr_reader_ = std::thread([self, err_fd] {
    char buf[4096];
    while (true) {
      ssize_t n = read(err_fd, buf, sizeof(buf));
      if (n <= 0) break;
      std::lock_guard<std::mutex> lock(self->mu_);
      self->stderr_.append(buf, static_cast<size_t>(n));
    }
    close(err_fd);
    std::lock_guard<std::mutex> lock(self->mu_);
    self->stderr_closed_ = true;
    self->stderr_cv_.notify_all();
  });
  return p;
}

Subprocess::~Subprocess() {
  if (!exit_code_.has_value() && pid_ > 0) {
    kill(pid_, SIGKILL);
    Wait(absl::Seconds(10));
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (stderr_reader_.joinable()) stderr_reader_.join();
}

absl::StatusOr<std::string> Subprocess::ReadLine(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    size_t nl = stdout_buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = stdout_buffer_.substr(0, nl);
      stdout_buffer_.erase(0, nl + 1);
      return line;
    }
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(
          absl::StrCat("no line on stdout within ", absl::FormatDuration(timeout)));
    }
    pollfd pfd{stdout_fd_, POLLIN, 0};
    int rc = poll(&pfd, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) continue;
    char buf[4096];
    ssize_t n = read(stdout_fd_, buf, sizeof(buf));
    if (n <= 0) {
      // The child is exiting: collect all of stderr before quoting it.
      Wait(absl::Seconds(10));
      if (stderr_reader_.joinable()) stderr_reader_.join();
      return absl::UnavailableError(absl::StrCat("stdout closed; stderr: ", Stderr()));
    }
    stdout_buffer_.append(buf, static_cast<size_t>(n));
  }
}

std::string Subprocess::ReadRest(absl::Duration timeout) {
  std::string out;
  while (true) {
    absl::StatusOr<std::string> line = ReadLine(timeout);
    if (!line.ok()) break;
    out += *line + "\n";
  }
  out += stdout_buffer_;
  stdout_buffer_.clear();
  return out;
}

std::optional<int> Subprocess::Wait(absl::Duration timeout) {
  if (exit_code_.has_value()) return exit_code_;
  absl::Time deadline = absl::Now() + timeout;
  absl::Duration step = absl::Milliseconds(1);
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_;
    }
    if (absl::Now() >= deadline) return std::nullopt;
    // Polling a child's exit has no portable event to await without SIGCHLD
    // handling; short growing steps keep it cheap.
    absl::SleepFor(step);
    step = std::min(step * 2, absl::Milliseconds(20));
  }
}

void Subprocess::Signal(int sig) {
  if (pid_ > 0 && !exit_code_.has_value()) kill(pid_, sig);
}

std::string Subprocess::Stderr() const {
  std::unique_lock<std::mutex> lock(mu_);
  // Once the child has exited, what it wrote last may still be in the pipe:
  // wait for the reader to reach the end (bounded: a grandchild that
  // inherited the pipe may hold it open).
  if (exit_code_.has_value()) {
    stderr_cv_.wait_for(lock, std::chrono::seconds(5), [this] { return stderr_closed_; });
  }
  return stderr_;
}

}  // namespace vpcep::testing
