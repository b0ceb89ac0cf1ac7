// Tests of the vpcep-sim executable: spawned as a child process.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "simulator/model.h"

extern char** environ;

namespace {

// A child process with its stdout on a pipe and its stderr in a file.
class Child {
 public:
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (stdout_fd_ >= 0) close(stdout_fd_);
  }

  // Stderr goes to `stderr_path` (default: one file all these tests share).
  bool Start(const std::vector<std::string>& args, std::string stderr_path = "") {
    int fds[2];
    if (pipe(fds) != 0) return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addclose(&actions, fds[1]);
    if (stderr_path.empty()) stderr_path = ::testing::TempDir() + "/vpcep_sim_binary_test.stderr";
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> argv_strings = {VPCEP_SIM_BINARY};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& arg : argv_strings) argv.push_back(arg.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, VPCEP_SIM_BINARY, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    stdout_fd_ = fds[0];
    if (rc != 0) pid_ = -1;
    return rc == 0;
  }

  // Reads stdout up to the first newline; nullopt on EOF or timeout.
  std::optional<std::string> ReadLine(absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    std::string line;
    while (absl::Now() < deadline) {
      pollfd pfd = {stdout_fd_, POLLIN, 0};
      const int ready = poll(&pfd, 1, 50);
      if (ready <= 0) continue;
      char c;
      const ssize_t n = read(stdout_fd_, &c, 1);
      if (n <= 0) return std::nullopt;
      if (c == '\n') return line;
      line.push_back(c);
    }
    return std::nullopt;
  }

  // Everything left on stdout until EOF (bounded by `timeout`).
  std::string ReadAll(absl::Duration timeout) {
    std::string out;
    while (std::optional<std::string> line = ReadLine(timeout)) out += *line + "\n";
    return out;
  }

  void Signal(int sig) { kill(pid_, sig); }

  // The exit code, or nullopt if the child did not exit normally in time.
  std::optional<int> Wait(absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      int status = 0;
      const pid_t done = waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        pid_ = -1;
        if (WIFEXITED(status)) return WEXITSTATUS(status);
        return std::nullopt;
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    return std::nullopt;
  }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
};

TEST(BinaryTest, PrintsBaseUrlFirstAndStopsCleanlyOnSigterm) {
  Child child;
  ASSERT_TRUE(child.Start({"--listen", "127.0.0.1:0", "--transition-delay", "10ms"}));
  std::optional<std::string> url = child.ReadLine(absl::Seconds(20));
  ASSERT_TRUE(url.has_value());
  EXPECT_TRUE(std::regex_match(*url, std::regex(R"(http://127\.0\.0\.1:[0-9]{1,5})"))) << *url;

  httplib::Client client(*url);
  auto health = client.Get("/admin/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);

  child.Signal(SIGTERM);
  EXPECT_EQ(child.Wait(absl::Seconds(20)), 0);
}

TEST(BinaryTest, StopsCleanlyOnSigint) {
  Child child;
  ASSERT_TRUE(child.Start({}));
  ASSERT_TRUE(child.ReadLine(absl::Seconds(20)).has_value());
  child.Signal(SIGINT);
  EXPECT_EQ(child.Wait(absl::Seconds(20)), 0);
}

TEST(BinaryTest, LoadsSeedFileAndChecksToken) {
  const std::string seed = ::testing::TempDir() + "/vpcep_sim_binary_seed.json";
  {
    std::ofstream out(seed);
    out << R"({"services": [{"id": "svc", "connections": [{"id": "ep", "domain_id": "d"}]}]})";
  }
  Child child;
  ASSERT_TRUE(child.Start({"--seed", seed, "--token", "tok", "--project-id", "proj"}));
  std::optional<std::string> url = child.ReadLine(absl::Seconds(20));
  ASSERT_TRUE(url.has_value());

  httplib::Client client(*url);
  const std::string path = "/v1/proj/vpc-endpoint-services/svc/connections";
  auto denied = client.Get(path);
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 401);
  auto listed = client.Get(path, {{"X-Auth-Token", "tok"}});
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200) << listed->body;
  nlohmann::json body = nlohmann::json::parse(listed->body);
  EXPECT_EQ(body["total_count"], 1);
  EXPECT_EQ(body["connections"][0]["id"], "ep");

  child.Signal(SIGTERM);
  EXPECT_EQ(child.Wait(absl::Seconds(20)), 0);
}

TEST(BinaryTest, FaultAndAkSkFlags) {
  Child child;
  ASSERT_TRUE(child.Start({"--fault-429", "1", "--fault-operations", "list", "--fault-seed", "3",
                           "--ak", "AK1", "--sk", "SK1", "--token", "tok", "--quiet"}));
  std::optional<std::string> url = child.ReadLine(absl::Seconds(20));
  ASSERT_TRUE(url.has_value());
  httplib::Client client(*url);
  const std::string base =
      absl::StrCat("/v1/", vpcep::sim::kDefaultProjectId, "/vpc-endpoint-services/svc");
  auto throttled = client.Get(base + "/connections", {{"X-Auth-Token", "tok"}});
  ASSERT_TRUE(throttled);
  EXPECT_EQ(throttled->status, 429);
  EXPECT_NE(throttled->body.find("APIGW.0308"), std::string::npos) << throttled->body;
  // Not a list call: no fault; the token is accepted next to AK/SK.
  auto service = client.Get(base, {{"X-Auth-Token", "tok"}});
  ASSERT_TRUE(service);
  EXPECT_EQ(service->status, 400);  // EndPoint.2003: no such service
  auto bad_signature = client.Get(
      base, {{"X-Sdk-Date", "20260101T000000Z"},
             {"Authorization",
              "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=00"}});
  ASSERT_TRUE(bad_signature);
  EXPECT_EQ(bad_signature->status, 401);
  auto faults = client.Get("/admin/faults");
  ASSERT_TRUE(faults);
  EXPECT_EQ(nlohmann::json::parse(faults->body)["rates"]["429"], 1.0);
  child.Signal(SIGTERM);
  EXPECT_EQ(child.Wait(absl::Seconds(20)), 0);
}

TEST(BinaryTest, HelpPrintsUsageAndExitsZero) {
  Child child;
  ASSERT_TRUE(child.Start({"--help"}));
  const std::string out = child.ReadAll(absl::Seconds(20));
  EXPECT_NE(out.find("Usage: vpcep-sim"), std::string::npos) << out;
  EXPECT_EQ(child.Wait(absl::Seconds(20)), 0);
}

TEST(BinaryTest, RefusesNonLoopbackHost) {
  Child child;
  ASSERT_TRUE(child.Start({"--listen", "0.0.0.0:0"}));
  EXPECT_EQ(child.ReadAll(absl::Seconds(20)), "");
  EXPECT_EQ(child.Wait(absl::Seconds(20)), 1);
}

// --allow-remote --token: the start-up line says what /admin needs, and
// /admin does need it; without credentials remote access is refused.
TEST(BinaryTest, AllowRemoteAdminNeedsTheToken) {
  {
    Child open;
    ASSERT_TRUE(open.Start({"--listen", "127.0.0.1:0", "--allow-remote"}));
    EXPECT_EQ(open.ReadAll(absl::Seconds(20)), "");
    EXPECT_EQ(open.Wait(absl::Seconds(20)), 1);
  }
  Child child;
  const std::string log_path = ::testing::TempDir() + "/vpcep_sim_binary_test_remote.stderr";
  ASSERT_TRUE(
      child.Start({"--listen", "127.0.0.1:0", "--allow-remote", "--token", "tok"}, log_path));
  std::optional<std::string> url = child.ReadLine(absl::Seconds(20));
  ASSERT_TRUE(url.has_value());
  httplib::Client client(*url);
  auto denied = client.Post("/admin/faults", R"({"rates": {"500": 1}})", "application/json");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 401) << denied->body;
  auto faults = client.Get("/admin/faults", {{"X-Auth-Token", "tok"}});
  ASSERT_TRUE(faults);
  ASSERT_EQ(faults->status, 200) << faults->body;
  EXPECT_EQ(nlohmann::json::parse(faults->body)["rates"]["500"], 0.0);
  child.Signal(SIGTERM);
  EXPECT_EQ(child.Wait(absl::Seconds(20)), 0);
  std::ifstream log_file(log_path);
  const std::string log((std::istreambuf_iterator<char>(log_file)),
                        std::istreambuf_iterator<char>());
  EXPECT_NE(log.find("X-Auth-Token required, /admin: the same credentials"), std::string::npos)
      << log;
}

TEST(BinaryTest, BadArgumentsExitTwo) {
  Child child;
  ASSERT_TRUE(child.Start({"--no-such-flag"}));
  EXPECT_EQ(child.Wait(absl::Seconds(20)), 2);
}

}  // namespace
