// `terraform-provider-vpcep --version` (and -v) prints the CMake project
// version and exits 0 without serving, even in the environment Terraform
// starts plugins in (where the binary would otherwise serve).
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "provider/plugin/handshake.h"
#include "tests/support/subprocess.h"

namespace vpcep::testing {
namespace {

struct Output {
  int code = -1;
  std::string out, err;
};

Output RunProvider(const std::vector<std::string>& args) {
  SubprocessOptions sp;
  sp.argv = {VPCEP_PROVIDER_BINARY};
  sp.argv.insert(sp.argv.end(), args.begin(), args.end());
  sp.env = CurrentEnvironment();
  sp.env[std::string(plugin::kMagicCookieKey)] = std::string(plugin::kMagicCookieValue);
  sp.env["PLUGIN_PROTOCOL_VERSIONS"] = "5,6";
  Output o;
  auto p = Subprocess::Start(sp);
  if (!p.ok()) return o;
  // A serving provider would print its handshake line and keep running:
  // the bound on the read ends the test instead of hanging it.
  o.out = (*p)->ReadRest(absl::Seconds(30));
  o.code = (*p)->Wait(absl::Seconds(30)).value_or(-1);
  o.err = (*p)->Stderr();
  return o;
}

TEST(Version, PrintsTheProjectVersionAndExitsWithoutServing) {
  for (const char* flag : {"--version", "-v"}) {
    Output o = RunProvider({flag});
    EXPECT_EQ(o.code, 0) << flag << ": " << o.err;
    EXPECT_EQ(o.out, std::string(VPCEP_VERSION) + "\n") << flag;
    EXPECT_EQ(o.err, "") << flag;
  }
}

// The same environment without the flag serves: what the test above rules out.
TEST(Version, WithoutTheFlagTheSameEnvironmentServes) {
  SubprocessOptions sp;
  sp.argv = {VPCEP_PROVIDER_BINARY};
  sp.env = CurrentEnvironment();
  sp.env[std::string(plugin::kMagicCookieKey)] = std::string(plugin::kMagicCookieValue);
  sp.env["PLUGIN_PROTOCOL_VERSIONS"] = "5,6";
  auto p = Subprocess::Start(sp);
  ASSERT_TRUE(p.ok()) << p.status();
  absl::StatusOr<std::string> line = (*p)->ReadLine(absl::Seconds(30));
  ASSERT_TRUE(line.ok()) << line.status() << (*p)->Stderr();
  EXPECT_EQ(line->rfind("1|6|unix|", 0), 0u) << *line;
}

}  // namespace
}  // namespace vpcep::testing
