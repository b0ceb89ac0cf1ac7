// Test helper: an npm package installed for tests that run Node.js against
// our code (the official Huawei Cloud SDK's signer, for instance).
//
// The package is installed with `npm install` at most once per build tree:
// into VPCEP_NPM_CACHE_DIR (env) or else <build dir>/npm-packages/<package>,
// under an exclusive lock file, so parallel ctest processes wait for one
// install and then share it. Within a process the outcome is remembered.
//
// VPCEP_NPM_TESTS (env):
//   unset  run when node and npm are on PATH; skip when they are missing or
//          the registry cannot be reached (the outcome carries npm's output);
//   0      skip;
//   1      required: a missing node/npm or an unreachable registry fails.
// Any other npm failure (unknown version, disk full, ...) always fails.
#ifndef VPCEP_TESTS_SUPPORT_NPM_PACKAGE_H_
#define VPCEP_TESTS_SUPPORT_NPM_PACKAGE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace vpcep::testing {

// The SDK release the signing tests compare with.
inline constexpr char kHuaweiCloudSdkCore[] = "@huaweicloud/huaweicloud-sdk-core@3.1.211";

struct NpmPackage {
  enum class Outcome { kReady, kSkip, kFail };
  Outcome outcome = Outcome::kFail;
  std::string dir;      // kReady: holds node_modules/
  std::string message;  // kSkip / kFail: why, with npm's output when it ran
};

// Installs `spec` ("name@version") or finds it installed. Thread-safe.
const NpmPackage& InstallNpmPackage(const std::string& spec);

// Runs `node <script> <args...>` with `package`'s node_modules on NODE_PATH,
// in `working_dir`, stdin from /dev/null. Returns stdout; an error (with
// stderr) when node exits non-zero or runs longer than `timeout`.
absl::StatusOr<std::string> RunNode(const NpmPackage& package, const std::string& working_dir,
                                    const std::string& script,
                                    const std::vector<std::string>& args,
                                    absl::Duration timeout = absl::Seconds(60));

// A new empty directory under the system temp dir (removed by the caller).
absl::StatusOr<std::string> MakeTempDir(const std::string& prefix);

}  // namespace vpcep::testing

#endif  // VPCEP_TESTS_SUPPORT_NPM_PACKAGE_H_
