#include "tests/support/npm_package.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <utility>

#include "absl/base/attributes.h"
#include "absl/base/const_init.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/support/subprocess.h"

#ifndef VPCEP_NPM_CACHE_DIR
#error "VPCEP_NPM_CACHE_DIR must name the default install directory"
#endif

namespace vpcep::testing {
namespace {

namespace fs = std::filesystem;
using Outcome = NpmPackage::Outcome;

// npm gets this long per install; a recorded registry failure is reused by
// the other test processes for this long instead of each waiting again.
constexpr absl::Duration kInstallTimeout = absl::Seconds(100);
constexpr absl::Duration kRememberFailure = absl::Minutes(10);

enum class Mode { kAuto, kOff, kRequired };

Mode ModeFromEnvironment() {
  const char* value = std::getenv("VPCEP_NPM_TESTS");
  if (value == nullptr) return Mode::kAuto;
  const std::string text = value;
  if (text == "0") return Mode::kOff;
  if (text == "1") return Mode::kRequired;
  return Mode::kAuto;
}

// node/npm or the registry is not there: a skip, unless the tests are required.
NpmPackage Unavailable(Mode mode, const std::string& why) {
  if (mode == Mode::kRequired) {
    return {Outcome::kFail, "", absl::StrCat(why, "\n(VPCEP_NPM_TESTS=1 requires these tests)")};
  }
  return {Outcome::kSkip, "",
          absl::StrCat(why, "\n(VPCEP_NPM_TESTS=1 turns this into a failure, =0 skips quietly)")};
}

std::string ReadWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool WriteWholeFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out.flush());
}

// npm's error codes for a registry it could not reach.
bool RegistryUnreachable(const std::string& npm_output) {
  for (const char* sign : {"ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT",
                           "ENETUNREACH", "EHOSTUNREACH", "ESOCKETTIMEDOUT",
                           "ERR_SOCKET_TIMEOUT", "npm error network", "npm ERR! network"}) {
    if (absl::StrContains(npm_output, sign)) return true;
  }
  return false;
}

// "@scope/name@1.2.3" -> "_scope_name_1.2.3": one directory per package.
std::string DirectoryName(const std::string& spec) {
  std::string out = spec;
  for (char& c : out) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
  }
  return out;
}

// An exclusive flock(2) held for the object's lifetime.
class FileLock {
 public:
  explicit FileLock(const fs::path& path) {
    fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) return;
    int rc;
    do {
      rc = flock(fd_, LOCK_EX);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~FileLock() {
    if (fd_ >= 0) close(fd_);  // releases the lock
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// Where packages go: VPCEP_NPM_CACHE_DIR from the environment, else the build
// tree's; a private temp dir (removed at exit) when neither can be created.
fs::path InstallRoot() {
  struct TempRoot {
    fs::path path;
    ~TempRoot() {
      std::error_code ec;
      if (!path.empty()) fs::remove_all(path, ec);
    }
  };
  static TempRoot temp_root;

  const char* from_env = std::getenv("VPCEP_NPM_CACHE_DIR");
  fs::path root = (from_env != nullptr && *from_env != '\0') ? from_env : VPCEP_NPM_CACHE_DIR;
  std::error_code ec;
  fs::create_directories(root, ec);
  if (!ec && access(root.c_str(), W_OK) == 0) return root;
  if (temp_root.path.empty()) {
    absl::StatusOr<std::string> temp = MakeTempDir("vpcep-npm-packages-");
    if (!temp.ok()) return root;  // the install below reports the failure
    temp_root.path = *temp;
  }
  return temp_root.path;
}

NpmPackage Install(const std::string& spec) {
  const Mode mode = ModeFromEnvironment();
  if (mode == Mode::kOff) {
    return {Outcome::kSkip, "", absl::StrCat("VPCEP_NPM_TESTS=0: not installing ", spec)};
  }
  const std::string npm = FindOnPath("npm");
  if (FindOnPath("node").empty() || npm.empty()) {
    return Unavailable(mode, absl::StrCat("node or npm is not on PATH; the tests need ", spec));
  }

  const fs::path root = InstallRoot();
  const std::string name = DirectoryName(spec);
  const fs::path dir = root / name;
  const fs::path marker = dir / ".vpcep-installed";
  const fs::path failure = root / (name + ".failed");

  FileLock lock(root / (name + ".lock"));
  if (!lock.held()) {
    return {Outcome::kFail, "", absl::StrCat("cannot lock ", (root / name).string(), ".lock")};
  }
  if (ReadWholeFile(marker) == spec) return {Outcome::kReady, dir.string(), ""};

  // Another process found the registry unreachable moments ago.
  std::error_code ec;
  const auto failed_at = fs::last_write_time(failure, ec);
  if (!ec && fs::file_time_type::clock::now() - failed_at <
                 absl::ToChronoSeconds(kRememberFailure)) {
    return Unavailable(mode, absl::StrCat("another test process could not install ", spec,
                                          " minutes ago (delete ", failure.string(),
                                          " to retry at once):\n", ReadWholeFile(failure)));
  }

  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  // A package.json of its own keeps npm from installing into a parent project.
  if (ec || !WriteWholeFile(dir / "package.json",
                            R"({"name": "vpcep-test-npm-packages", "private": true})"
                            "\n")) {
    return {Outcome::kFail, "", absl::StrCat("cannot create ", dir.string())};
  }

  SubprocessOptions options;
  options.argv = {npm,
                  "install",
                  "--no-audit",
                  "--no-fund",
                  "--ignore-scripts",
                  "--loglevel=error",
                  "--fetch-retries=1",
                  "--fetch-retry-mintimeout=2000",
                  "--fetch-retry-maxtimeout=5000",
                  "--fetch-timeout=30000",
                  spec};
  options.env = CurrentEnvironment();
  // npm's cache next to the packages: nothing depends on $HOME being writable.
  options.env["npm_config_cache"] = (root / "npm-cache").string();
  options.env["npm_config_update_notifier"] = "false";
  options.working_dir = dir.string();
  const absl::Time started = absl::Now();
  absl::StatusOr<std::unique_ptr<Subprocess>> child = Subprocess::Start(options);
  if (!child.ok()) return {Outcome::kFail, "", absl::StrCat("cannot run npm: ", child.status().ToString())};
  std::string output = (*child)->ReadRest(kInstallTimeout);
  std::optional<int> rc = (*child)->Wait(kInstallTimeout - (absl::Now() - started));
  if (!rc.has_value()) {
    (*child)->Signal(SIGKILL);
    (*child)->Wait(absl::Seconds(10));
  }
  output += (*child)->Stderr();
  const std::string command = absl::StrCat("npm install ", spec, " in ", dir.string());

  if (rc == 0) {
    fs::remove(failure, ec);
    if (!WriteWholeFile(marker, spec)) {
      return {Outcome::kFail, "", absl::StrCat("cannot write ", marker.string())};
    }
    return {Outcome::kReady, dir.string(), ""};
  }
  fs::remove_all(dir, ec);
  if (!rc.has_value() || RegistryUnreachable(output)) {
    const std::string why =
        absl::StrCat(command, (rc.has_value() ? " failed" : " timed out"),
                     ": the npm registry looks unreachable. npm's output:\n", output);
    WriteWholeFile(failure, why);
    return Unavailable(mode, why);
  }
  return {Outcome::kFail, "",
          absl::StrCat(command, " failed (exit ", *rc, "). npm's output:\n", output)};
}

}  // namespace

const NpmPackage& InstallNpmPackage(const std::string& spec) {
  static std::mutex mu;  // guards installed
  static auto* installed = new std::map<std::string, NpmPackage>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = installed->find(spec);
  if (it == installed->end()) it = installed->emplace(spec, Install(spec)).first;
  return it->second;
}

absl::StatusOr<std::string> RunNode(const NpmPackage& package, const std::string& working_dir,
                                    const std::string& script,
                                    const std::vector<std::string>& args,
                                    absl::Duration timeout) {
  if (package.outcome != Outcome::kReady) {
    return absl::FailedPreconditionError(absl::StrCat("npm package not ready: ", package.message));
  }
  const std::string node = FindOnPath("node");
  if (node.empty()) return absl::FailedPreconditionError("node is not on PATH");
  SubprocessOptions options;
  options.argv = {node, script};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.env = CurrentEnvironment();
  options.env["NODE_PATH"] = (fs::path(package.dir) / "node_modules").string();
  options.working_dir = working_dir;
  const absl::Time started = absl::Now();
  absl::StatusOr<std::unique_ptr<Subprocess>> child = Subprocess::Start(options);
  if (!child.ok()) return child.status();
  std::string output = (*child)->ReadRest(timeout);
  std::optional<int> rc = (*child)->Wait(timeout - (absl::Now() - started));
  if (!rc.has_value()) {
    (*child)->Signal(SIGKILL);
    (*child)->Wait(absl::Seconds(10));
    return absl::DeadlineExceededError(absl::StrCat("node ", script, " ran longer than ",
                                                    absl::FormatDuration(timeout), "; stderr:\n",
                                                    (*child)->Stderr()));
  }
  if (*rc != 0) {
    return absl::InternalError(
        absl::StrCat("node ", script, " exited ", *rc, "; stderr:\n", (*child)->Stderr()));
  }
  return output;
}

absl::StatusOr<std::string> MakeTempDir(const std::string& prefix) {
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string path = (base / (prefix + "XXXXXX")).string();
  if (mkdtemp(path.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp ", path, ": ", std::strerror(errno)));
  }
  return path;
}

}  // namespace vpcep::testing
