// Acceptance: the release's network-mirror directory served over HTTPS on
// loopback (a throwaway CA, trusted through SSL_CERT_FILE) installs the
// provider with the real `terraform` (or `tofu`); `providers lock` records
// its hash, a clean init verifies against the lock file, and a tampered zip
// is refused. Skipped, with a message, when the CLI, openssl or zip is missing.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/release/release_fixture.h"

namespace vpcep::testing {
namespace {

// A static file server over HTTPS on 127.0.0.1 that counts requests by method and path.
class MirrorServer {
 public:
  MirrorServer(const fs::path& root, const fs::path& cert, const fs::path& key)
      : server_(cert.c_str(), key.c_str()) {
    server_.set_mount_point("/", root.string());
    server_.set_logger([this](const httplib::Request& req, const httplib::Response&) {
      std::lock_guard<std::mutex> lock(mu_);
      ++hits_[req.method + " " + req.path];
    });
  }
  ~MirrorServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  bool Start() {
    if (!server_.is_valid()) return false;
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) return false;
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() is a no-op until the loop runs; the destructor relies on it.
    while (!server_.is_running()) std::this_thread::yield();
    return true;
  }
  std::string url() const { return absl::StrCat("https://127.0.0.1:", port_, "/"); }
  int Hits(const std::string& method_and_path) {
    std::lock_guard<std::mutex> lock(mu_);
    return hits_[method_and_path];
  }
  std::string Requests() {
    std::lock_guard<std::mutex> lock(mu_);
    std::string out;
    for (const auto& [request, n] : hits_) absl::StrAppend(&out, request, " x", n, "\n");
    return out;
  }

 private:
  httplib::SSLServer server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::map<std::string, int> hits_;
};

// Terraform wraps diagnostics; words compared across line ends.
std::string OneLine(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

class NetworkMirrorTest : public ReleaseFixture {
 protected:
  void SetUp() override {
    ReleaseFixture::SetUp();
    cli_ = FindOnPath("terraform");
    if (cli_.empty()) cli_ = FindOnPath("tofu");
    if (cli_.empty()) GTEST_SKIP() << "neither terraform nor tofu is on PATH: network mirror test skipped";
    VPCEP_REQUIRE_TOOLS("openssl", "zip", "sha256sum");

    Ran rel = Release(dir_ / "release");
    ASSERT_EQ(rel.code, 0) << rel.err;
    ASSERT_NO_FATAL_FAILURE(MakeCertificates());
    server_ = std::make_unique<MirrorServer>(dir_ / "release/mirror", dir_ / "server.pem",
                                             dir_ / "server.key");
    ASSERT_TRUE(server_->Start()) << "the HTTPS mirror did not start";
    std::ofstream(dir_ / "cli.tfrc")
        << "provider_installation {\n"
        << "  network_mirror {\n    url     = \"" << server_->url() << "\"\n"
        << "    include = [\"terraform.local/*/*\"]\n  }\n"
        << "  direct {\n    exclude = [\"terraform.local/*/*\"]\n  }\n}\n";
    env_["TF_CLI_CONFIG_FILE"] = (dir_ / "cli.tfrc").string();
    env_["SSL_CERT_FILE"] = (dir_ / "ca.pem").string();  // the only trusted root
    env_["CHECKPOINT_DISABLE"] = "1";
    env_["TF_IN_AUTOMATION"] = "1";
    env_.erase("TF_PLUGIN_CACHE_DIR");
    env_.erase("TF_LOG");
  }

  // A CA, and a certificate it signs for 127.0.0.1 and localhost.
  void MakeCertificates() {
    WriteBytes(dir_ / "server.ext",
               "subjectAltName = IP:127.0.0.1, DNS:localhost\n"
               "extendedKeyUsage = serverAuth\n"
               "keyUsage = critical, digitalSignature\n");
    std::vector<std::vector<std::string>> steps = {
        {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj",
         "/CN=vpcep test mirror CA", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign"},
        {"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"},
        {"openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
         "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.pem"},
    };
    for (const auto& step : steps) {
      Ran r = Run(step);
      ASSERT_EQ(r.code, 0) << step[1] << ": " << r.err;
    }
  }

  // A working directory with a configuration that needs only the provider.
  fs::path Workdir(const std::string& name) {
    fs::path work = dir_ / name;
    fs::create_directories(work);
    WriteBytes(work / "main.tf",
               absl::StrCat("terraform {\n  required_providers {\n    vpcep = {\n",
                            "      source  = \"terraform.local/vpcep/vpcep\"\n",
                            "      version = \"", VPCEP_VERSION, "\"\n    }\n  }\n}\n"));
    return work;
  }
  Ran Cli(const fs::path& work, std::vector<std::string> args) {
    args.insert(args.begin(), cli_);
    args.push_back("-no-color");
    return RunIn(work, args);
  }
  // `terraform providers lock` from the mirror in a new directory; the lock file.
  std::string LockFromMirror(const std::string& name) {
    fs::path work = Workdir(name);
    Ran lock = Cli(work, {"providers", "lock", "-net-mirror=" + server_->url(),
                          "-platform=linux_amd64"});
    EXPECT_EQ(lock.code, 0) << lock.out << lock.err;
    return ReadBytes(work / ".terraform.lock.hcl");
  }
  static fs::path Installed(const fs::path& work) {
    return work / ".terraform/providers/terraform.local/vpcep/vpcep" / VPCEP_VERSION /
           "linux_amd64" / BinaryName();
  }
  fs::path MirrorZip() { return dir_ / "release/mirror/terraform.local/vpcep/vpcep" / ZipName(); }
  std::string ZipPath() { return absl::StrCat("/terraform.local/vpcep/vpcep/", ZipName()); }

  std::string cli_;
  std::unique_ptr<MirrorServer> server_;
};

TEST_F(NetworkMirrorTest, InitInstallsFromTheMirrorAndTheLockFileHoldsItsHash) {
  fs::path work = Workdir("install");
  Ran init = Cli(work, {"init", "-input=false"});
  ASSERT_EQ(init.code, 0) << init.out << init.err;
  EXPECT_EQ(server_->Hits("GET " + ZipPath()), 1) << server_->Requests();  // from the mirror
  fs::path installed = Installed(work);
  ASSERT_TRUE(fs::exists(installed));
  EXPECT_TRUE(ReadBytes(installed) == ReadBytes(VPCEP_PROVIDER_BINARY));
  std::string lock = ReadBytes(work / ".terraform.lock.hcl");
  EXPECT_TRUE(absl::StrContains(lock, H1OfSingleFilePackage(installed))) << lock;
  // The installed binary serves Terraform.
  Ran validate = Cli(work, {"validate"});
  EXPECT_EQ(validate.code, 0) << validate.out << validate.err;
}

TEST_F(NetworkMirrorTest, ProvidersLockRecordsTheHashAndACleanInitVerifiesAgainstIt) {
  std::string lock_file = LockFromMirror("locked");
  ASSERT_FALSE(lock_file.empty());
  EXPECT_EQ(server_->Hits("GET " + ZipPath()), 1) << server_->Requests();
  fs::path unpacked = dir_ / "unpacked" / BinaryName();
  fs::create_directories(unpacked.parent_path());
  fs::copy_file(VPCEP_PROVIDER_BINARY, unpacked);
  EXPECT_TRUE(absl::StrContains(lock_file, H1OfSingleFilePackage(unpacked))) << lock_file;
  EXPECT_TRUE(absl::StrContains(lock_file, absl::StrCat("version     = \"", VPCEP_VERSION)))
      << lock_file;

  // A clean directory with that lock file: init verifies and changes nothing.
  fs::path clean = Workdir("clean");
  WriteBytes(clean / ".terraform.lock.hcl", lock_file);
  Ran init = Cli(clean, {"init", "-input=false"});
  ASSERT_EQ(init.code, 0) << init.out << init.err;
  EXPECT_EQ(ReadBytes(clean / ".terraform.lock.hcl"), lock_file);
  EXPECT_EQ(server_->Hits("GET " + ZipPath()), 2) << server_->Requests();
  EXPECT_TRUE(fs::exists(Installed(clean)));
}

TEST_F(NetworkMirrorTest, ATamperedZipIsRefused) {
  std::string lock_file = LockFromMirror("locked");
  ASSERT_FALSE(lock_file.empty());

  // Another binary, packed by the same script, under the same name.
  fs::path other = dir_ / "other" / "terraform-provider-vpcep";
  fs::create_directories(other.parent_path());
  WriteBytes(other, ReadBytes(VPCEP_PROVIDER_BINARY) + "tampered");
  ASSERT_EQ(Release(dir_ / "other-release", {}, {}, other.string()).code, 0);
  std::string tampered = ReadBytes(dir_ / "other-release" / ZipName());
  ASSERT_FALSE(tampered == ReadBytes(MirrorZip()));

  // Only the zip replaced: it does not match the mirror's own zh: hash.
  WriteBytes(MirrorZip(), tampered);
  Ran swapped = Cli(Workdir("swapped"), {"init", "-input=false"});
  EXPECT_NE(swapped.code, 0) << swapped.out;
  EXPECT_TRUE(absl::StrContains(OneLine(swapped.err), "doesn't match the expected checksum"))
      << swapped.err;

  // The mirror's index replaced too, so the mirror agrees with itself: the
  // lock file still refuses it...
  fs::copy_file(dir_ / "other-release/mirror/terraform.local/vpcep/vpcep" /
                    absl::StrCat(VPCEP_VERSION, ".json"),
                dir_ / "release/mirror/terraform.local/vpcep/vpcep" /
                    absl::StrCat(VPCEP_VERSION, ".json"),
                fs::copy_options::overwrite_existing);
  fs::path clean = Workdir("clean");
  WriteBytes(clean / ".terraform.lock.hcl", lock_file);
  Ran refused = Cli(clean, {"init", "-input=false"});
  EXPECT_NE(refused.code, 0) << refused.out;
  EXPECT_TRUE(absl::StrContains(OneLine(refused.err), "recorded in the dependency lock file"))
      << refused.err;
  EXPECT_FALSE(fs::exists(Installed(clean)));
  // ...while without it the same mirror installs: the lock file made the difference.
  Ran unlocked = Cli(Workdir("unlocked"), {"init", "-input=false"});
  EXPECT_EQ(unlocked.code, 0) << unlocked.out << unlocked.err;
}

}  // namespace
}  // namespace vpcep::testing
