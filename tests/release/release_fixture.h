// Helpers of the release tests: a temporary directory, programs found on
// PATH run to completion, scripts/release on the built provider, hashes.
#ifndef VPCEP_TESTS_RELEASE_RELEASE_FIXTURE_H_
#define VPCEP_TESTS_RELEASE_RELEASE_FIXTURE_H_

#include <openssl/evp.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/support/subprocess.h"

namespace vpcep::testing {

namespace fs = std::filesystem;

struct Ran {
  int code = -1;  // -1: did not start or did not end in time
  std::string out;
  std::string err;
};

inline std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void WriteBytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

inline std::string Sha256(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), len);
}

inline std::string Hex(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) absl::StrAppendFormat(&out, "%02x", c);
  return out;
}

// Terraform's "h1:" hash of an unpacked provider holding one file: the
// SHA-256 of the line "<hex sha256>  <name>\n", in base64.
inline std::string H1OfSingleFilePackage(const fs::path& file) {
  std::string summary =
      absl::StrCat(Hex(Sha256(ReadBytes(file))), "  ", file.filename().string(), "\n");
  std::string digest = Sha256(summary);
  std::string b64(4 * ((digest.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                          reinterpret_cast<const unsigned char*>(digest.data()),
                          static_cast<int>(digest.size()));
  b64.resize(n);
  return "h1:" + b64;
}

class ReleaseFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vpcep-release-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    env_ = CurrentEnvironment();
    env_.erase("VPCEP_GPG_KEY");
    env_.erase("SOURCE_DATE_EPOCH");
  }
  void TearDown() override {
    if (!dir_.empty() && !HasFailure()) fs::remove_all(dir_);
  }

  // Runs a program (found on PATH unless the path has a slash) to its end.
  Ran RunIn(const fs::path& cwd, std::vector<std::string> argv,
            const std::map<std::string, std::string>& extra_env = {}) {
    Ran r;
    if (argv[0].find('/') == std::string::npos) argv[0] = FindOnPath(argv[0]);
    SubprocessOptions sp;
    sp.argv = std::move(argv);
    sp.env = env_;
    for (const auto& [k, v] : extra_env) sp.env[k] = v;
    sp.working_dir = cwd.string();
    auto p = Subprocess::Start(sp);
    if (!p.ok()) return r;
    r.out = (*p)->ReadRest(absl::Minutes(5));
    r.code = (*p)->Wait(absl::Minutes(5)).value_or(-1);
    r.err = (*p)->Stderr();
    return r;
  }
  Ran Run(std::vector<std::string> argv, const std::map<std::string, std::string>& extra_env = {}) {
    return RunIn(dir_, std::move(argv), extra_env);
  }

  // scripts/release for the built provider into `out`; `more` adds options.
  Ran Release(const fs::path& out, const std::map<std::string, std::string>& extra_env = {},
              const std::vector<std::string>& more = {},
              const std::string& binary = VPCEP_PROVIDER_BINARY) {
    std::vector<std::string> argv = {std::string(VPCEP_SOURCE_DIR) + "/scripts/release",
                                     "--binary", binary, "--version", VPCEP_VERSION,
                                     "--out", out.string()};
    argv.insert(argv.end(), more.begin(), more.end());
    return Run(argv, extra_env);
  }

  static std::string ZipName() {
    return absl::StrCat("terraform-provider-vpcep_", VPCEP_VERSION, "_linux_amd64.zip");
  }
  static std::string BinaryName() { return absl::StrCat("terraform-provider-vpcep_v", VPCEP_VERSION); }

  fs::path dir_;
  std::map<std::string, std::string> env_;  // the programs' environment
};

// The tools a test needs, or a skip naming the first one missing.
#define VPCEP_REQUIRE_TOOLS(...)                                                      \
  for (const char* tool : {__VA_ARGS__}) {                                           \
    if (FindOnPath(tool).empty()) {                                                   \
      GTEST_SKIP() << tool << " is not on PATH: " << tool << " is needed by this test"; \
    }                                                                                 \
  }

}  // namespace vpcep::testing

#endif  // VPCEP_TESTS_RELEASE_RELEASE_FIXTURE_H_
