// scripts/release on the built provider: a signed SHA256SUMS that gpg and
// sha256sum verify, a zip that is byte-identical when built again, the
// Registry manifest and the network-mirror indexes. Skipped, with a message,
// when zip (or gpg for signing) is not installed.
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/release/release_fixture.h"

namespace vpcep::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class ReleaseTest : public ReleaseFixture {
 protected:
  void SetUp() override {
    ReleaseFixture::SetUp();
    VPCEP_REQUIRE_TOOLS("zip", "sha256sum");
  }

  // A GNUPGHOME for gpg (its agent is stopped at the end of the test).
  fs::path GnupgHome(const std::string& name) {
    fs::path home = dir_ / name;
    fs::create_directories(home);
    fs::permissions(home, fs::perms::owner_all, fs::perm_options::replace);
    gnupg_homes_.push_back(home);
    return home;
  }

  // A throwaway signing key in `home` (default: a new GNUPGHOME that the
  // programs then use); returns its fingerprint. RSA is the kind registries
  // accept; ed25519 is quicker to make.
  std::string MakeKey(const std::string& uid = "vpcep release test <release-test@example.invalid>",
                      const std::string& algo = "rsa2048", fs::path home = {}) {
    if (home.empty()) {
      home = GnupgHome("gnupg");
      env_["GNUPGHOME"] = home.string();
    }
    Ran gen = Run({"gpg", "--homedir", home.string(), "--batch", "--passphrase", "",
                   "--quick-gen-key", uid, algo, "sign", "1d"});
    EXPECT_EQ(gen.code, 0) << gen.err;
    std::vector<std::string> keys = Fingerprints(
        Run({"gpg", "--homedir", home.string(), "--batch", "--with-colons", "--list-secret-keys"})
            .out);
    if (!keys.empty()) return keys.back();
    ADD_FAILURE() << "no key listed in " << home;
    return "";
  }
  void TearDown() override {
    for (const fs::path& home : gnupg_homes_) {
      Run({"gpgconf", "--homedir", home.string(), "--kill", "gpg-agent"});
    }
    ReleaseFixture::TearDown();
  }

  // The primary-key fingerprints in gpg's --with-colons output, in order.
  static std::vector<std::string> Fingerprints(const std::string& colons) {
    std::vector<std::string> out;
    bool primary = false;
    for (absl::string_view line : absl::StrSplit(colons, '\n')) {
      std::vector<std::string> f = absl::StrSplit(line, ':');
      if (f[0] == "pub" || f[0] == "sec") primary = true;
      if (f[0] == "sub" || f[0] == "ssb") primary = false;
      if (f.size() > 9 && f[0] == "fpr" && primary) out.push_back(f[9]);
    }
    return out;
  }

  // Every entry under `dir`, with the bytes of each file.
  static std::map<std::string, std::string> Tree(const fs::path& dir) {
    std::map<std::string, std::string> tree;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      tree[fs::relative(entry.path(), dir).string()] =
          entry.is_regular_file() ? ReadBytes(entry.path()) : "<dir>";
    }
    return tree;
  }

  // A stand-in binary for tests about the script's options, cheap to zip.
  std::string SmallBinary() {
    fs::path path = dir_ / "small-binary";
    WriteBytes(path, "#!/bin/sh\nexit 0\n");
    return path.string();
  }

  std::vector<fs::path> gnupg_homes_;
};

// Names in a SHA256SUMS file, in order.
std::vector<std::string> SummedNames(const std::string& sums) {
  std::vector<std::string> names;
  for (absl::string_view line : absl::StrSplit(sums, '\n', absl::SkipEmpty())) {
    std::vector<std::string> f = absl::StrSplit(line, "  ");
    names.push_back(f.size() == 2 ? f[1] : std::string(line));
  }
  return names;
}

TEST_F(ReleaseTest, SignedSumsVerifyWithGpgAndSha256sum) {
  VPCEP_REQUIRE_TOOLS("gpg", "gpg-agent", "gpgconf");
  std::string key = MakeKey();
  ASSERT_FALSE(key.empty());
  fs::path out = dir_ / "release";
  Ran rel = Release(out, {{"VPCEP_GPG_KEY", key}});
  ASSERT_EQ(rel.code, 0) << rel.out << rel.err;

  std::string sums_name = absl::StrCat("terraform-provider-vpcep_", VPCEP_VERSION, "_SHA256SUMS");
  // The Registry sums the zip and the manifest.
  EXPECT_THAT(SummedNames(ReadBytes(out / "SHA256SUMS")),
              ElementsAre(ZipName(),
                          absl::StrCat("terraform-provider-vpcep_", VPCEP_VERSION, "_manifest.json")));
  EXPECT_EQ(ReadBytes(out / "SHA256SUMS"), ReadBytes(out / sums_name));
  for (const std::string& sums : {std::string("SHA256SUMS"), sums_name}) {
    Ran verify = RunIn(out, {"gpg", "--batch", "--verify", sums + ".sig", sums});
    EXPECT_EQ(verify.code, 0) << sums << ": " << verify.err;
    EXPECT_TRUE(absl::StrContains(verify.err, "Good signature")) << verify.err;
    Ran check = RunIn(out, {"sha256sum", "--check", "--strict", sums});
    EXPECT_EQ(check.code, 0) << check.out << check.err;
  }
  // The exported public key is the one that signed.
  Ran show = Run({"gpg", "--batch", "--with-colons", "--show-keys", (out / "signing-key.asc").string()});
  EXPECT_TRUE(absl::StrContains(show.out, key)) << show.out << show.err;

  // Both checks can fail: a changed zip, a changed sums file.
  std::string zip = ReadBytes(out / ZipName());
  WriteBytes(out / ZipName(), zip + "x");
  EXPECT_NE(RunIn(out, {"sha256sum", "--check", "--strict", "SHA256SUMS"}).code, 0);
  WriteBytes(out / "SHA256SUMS", ReadBytes(out / "SHA256SUMS") + "\n");
  EXPECT_NE(RunIn(out, {"gpg", "--batch", "--verify", "SHA256SUMS.sig", "SHA256SUMS"}).code, 0);
}

TEST_F(ReleaseTest, ZipIsByteIdenticalWhenBuiltAgain) {
  fs::path first = dir_ / "first";
  Ran a = Release(first);
  ASSERT_EQ(a.code, 0) << a.err;
  // The second build starts from a copy with another time and mode, under
  // another time zone and umask: none of that may reach the zip.
  fs::path copy = dir_ / "copy-of-the-binary";
  fs::copy_file(VPCEP_PROVIDER_BINARY, copy);
  fs::permissions(copy, fs::perms::owner_all, fs::perm_options::replace);
  fs::last_write_time(copy, fs::file_time_type::clock::now() - std::chrono::hours(1000));
  fs::path second = dir_ / "second";
  Ran b = Run({"sh", "-c", "umask 077 && exec \"$0\" \"$@\"",
               std::string(VPCEP_SOURCE_DIR) + "/scripts/release", "--binary", copy.string(),
               "--version", VPCEP_VERSION, "--out", second.string()},
              {{"TZ", "Pacific/Auckland"}});
  ASSERT_EQ(b.code, 0) << b.err;
  std::string zip = ReadBytes(first / ZipName());
  ASSERT_FALSE(zip.empty());
  EXPECT_TRUE(zip == ReadBytes(second / ZipName())) << "the two zips differ";
  EXPECT_EQ(ReadBytes(first / "SHA256SUMS"), ReadBytes(second / "SHA256SUMS"));

  // Another source date gives another zip: the time in it is the fixed one.
  fs::path third = dir_ / "third";
  Ran c = Release(third, {{"SOURCE_DATE_EPOCH", "1700000000"}});
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_FALSE(zip == ReadBytes(third / ZipName()));
}

uint16_t U16(const std::string& b, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(b[at]) |
                               static_cast<unsigned char>(b[at + 1]) << 8);
}
uint32_t U32(const std::string& b, size_t at) {
  return U16(b, at) | static_cast<uint32_t>(U16(b, at + 2)) << 16;
}

// Without a key: the zip, the manifest and the mirror indexes, unsigned.
TEST_F(ReleaseTest, UnsignedReleaseHoldsZipManifestAndMirrorIndexes) {
  fs::path out = dir_ / "release";
  Ran rel = Release(out);
  ASSERT_EQ(rel.code, 0) << rel.err;
  EXPECT_TRUE(absl::StrContains(rel.err, "unsigned")) << rel.err;
  EXPECT_FALSE(fs::exists(out / "SHA256SUMS.sig"));

  std::string zip = ReadBytes(out / ZipName());
  ASSERT_GT(zip.size(), 22u);
  // End of central directory (no comment): one entry, the binary.
  size_t eocd = zip.size() - 22;
  ASSERT_EQ(U32(zip, eocd), 0x06054b50u);
  EXPECT_EQ(U16(zip, eocd + 10), 1);
  size_t cd = U32(zip, eocd + 16);
  ASSERT_EQ(U32(zip, cd), 0x02014b50u);
  EXPECT_EQ(zip.substr(cd + 46, U16(zip, cd + 28)), BinaryName());
  EXPECT_EQ(U16(zip, cd + 30), 0) << "extra fields (owner ids, times) would vary between builders";
  EXPECT_EQ(U32(zip, cd + 38) >> 16, 0100755u) << "Unix mode of the binary";

  auto manifest = nlohmann::json::parse(
      ReadBytes(out / absl::StrCat("terraform-provider-vpcep_", VPCEP_VERSION, "_manifest.json")),
      nullptr, false);
  EXPECT_EQ(manifest.value("version", 0), 1);
  EXPECT_EQ(manifest["metadata"]["protocol_versions"], nlohmann::json({"5.0", "6.0"}));

  fs::path type_dir = out / "mirror/terraform.local/vpcep/vpcep";
  auto index = nlohmann::json::parse(ReadBytes(type_dir / "index.json"), nullptr, false);
  EXPECT_EQ(index, nlohmann::json({{"versions", {{VPCEP_VERSION, nlohmann::json::object()}}}}));
  auto version = nlohmann::json::parse(
      ReadBytes(type_dir / absl::StrCat(VPCEP_VERSION, ".json")), nullptr, false);
  EXPECT_EQ(version, nlohmann::json::parse(absl::StrCat(
                         R"({"archives": {"linux_amd64": {"url": ")", ZipName(),
                         R"(", "hashes": ["zh:)", Hex(Sha256(zip)), R"("]}}})")));
  // The URL is relative to <version>.json: the zip lies beside it.
  EXPECT_TRUE(ReadBytes(type_dir / ZipName()) == zip);
}

TEST_F(ReleaseTest, AVersionAddedToAnExistingMirrorKeepsTheOthers) {
  VPCEP_REQUIRE_TOOLS("jq");
  std::string small = SmallBinary();
  fs::path mirror = dir_ / "mirror";
  auto release = [&](const std::string& version) {
    return Run({std::string(VPCEP_SOURCE_DIR) + "/scripts/release", "--binary",
                small, "--version", version, "--out",
                (dir_ / ("release-" + version)).string(), "--mirror", mirror.string(),
                "--host", "registry.example.com", "--namespace", "acme"});
  };
  ASSERT_EQ(release("0.0.9").code, 0);
  Ran second = release("0.1.0-rc.1");
  ASSERT_EQ(second.code, 0) << second.err;
  fs::path type_dir = mirror / "registry.example.com/acme/vpcep";
  auto index = nlohmann::json::parse(ReadBytes(type_dir / "index.json"), nullptr, false);
  EXPECT_EQ(index["versions"],
            nlohmann::json({{"0.0.9", nlohmann::json::object()},
                            {"0.1.0-rc.1", nlohmann::json::object()}}));
  EXPECT_TRUE(fs::exists(type_dir / "0.0.9.json"));
  EXPECT_TRUE(fs::exists(type_dir / "terraform-provider-vpcep_0.0.9_linux_amd64.zip"));
  EXPECT_TRUE(fs::exists(type_dir / "0.1.0-rc.1.json"));
}

TEST_F(ReleaseTest, BadInputIsRefusedNamingTheSetting) {
  struct Case {
    std::vector<std::string> argv;
    std::map<std::string, std::string> env;
    std::string names;
  };
  std::string small = SmallBinary();
  std::string script = std::string(VPCEP_SOURCE_DIR) + "/scripts/release";
  std::string out = (dir_ / "out").string();
  std::vector<Case> cases = {
      {{script, "--binary", small, "--version", "v1", "--out", out}, {}, "--version"},
      {{script, "--binary", "/nonexistent", "--version", "1.0.0", "--out", out}, {}, "--binary"},
      {{script, "--binary", small, "--version", "1.0.0"}, {}, "--out"},
      {{script, "--binary", small, "--version", "1.0.0", "--out", out,
        "--platform", "linux"}, {}, "--platform"},
      {{script, "--binary", small, "--version", "1.0.0", "--out", out},
       {{"SOURCE_DATE_EPOCH", "yesterday"}}, "SOURCE_DATE_EPOCH"},
      {{script, "--binary", small, "--version", "1.0.0", "--out", out, "--colour"},
       {}, "--colour"},
  };
  if (!FindOnPath("gpg").empty()) {
    env_["GNUPGHOME"] = GnupgHome("empty-gnupg").string();
    cases.push_back({{script, "--binary", small, "--version", "1.0.0", "--out", out},
                     {{"VPCEP_GPG_KEY", "no-such-key@example.invalid"}}, "VPCEP_GPG_KEY"});
  }
  for (const Case& c : cases) {
    Ran r = Run(c.argv, c.env);
    EXPECT_NE(r.code, 0) << c.names;
    EXPECT_TRUE(absl::StrContains(r.err, c.names)) << "expected " << c.names << " in: " << r.err;
  }
  // A folder that holds no earlier release is never emptied.
  fs::create_directories(dir_ / "precious");
  WriteBytes(dir_ / "precious/notes.txt", "keep");
  Ran r = Release(dir_ / "precious", {}, {}, small);
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(absl::StrContains(r.err, "--out")) << r.err;
  EXPECT_EQ(ReadBytes(dir_ / "precious/notes.txt"), "keep");
}

// --out names what is replaced: only an empty directory or one the script
// made (its marker file) is, never a file or a folder that merely holds a
// SHA256SUMS; the new release is moved in whole.
TEST_F(ReleaseTest, OutIsReplacedOnlyWhenTheScriptMadeIt) {
  std::string small = SmallBinary();
  WriteBytes(dir_ / "thesis.odt", "four years of work");
  fs::create_directories(dir_ / "photos");
  WriteBytes(dir_ / "photos/SHA256SUMS", "abc  cat.jpg\n");
  WriteBytes(dir_ / "photos/cat.jpg", "a cat");
  fs::create_directories(dir_ / "elsewhere");
  fs::create_symlink(dir_ / "elsewhere", dir_ / "link");
  for (const char* name : {"thesis.odt", "photos", "link"}) {
    Ran r = Release(dir_ / name, {}, {}, small);
    EXPECT_NE(r.code, 0) << name;
    EXPECT_TRUE(absl::StrContains(r.err, "--out")) << name << ": " << r.err;
  }
  EXPECT_EQ(ReadBytes(dir_ / "thesis.odt"), "four years of work");
  EXPECT_EQ(ReadBytes(dir_ / "photos/cat.jpg"), "a cat");
  EXPECT_EQ(ReadBytes(dir_ / "photos/SHA256SUMS"), "abc  cat.jpg\n");
  EXPECT_TRUE(fs::is_symlink(dir_ / "link"));

  // An empty directory is taken; the script's own release is replaced whole
  // (a file left there by hand goes with it).
  fs::path out = dir_ / "release";
  fs::create_directories(out);
  Ran first = Release(out, {}, {}, small);
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_TRUE(fs::exists(out / ".vpcep-release"));
  WriteBytes(out / "stale.txt", "from an earlier run");
  Ran second = Release(out, {}, {}, small);
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_FALSE(fs::exists(out / "stale.txt"));
  EXPECT_TRUE(fs::exists(out / "SHA256SUMS"));
  // The new directory it was built in is gone (moved into place).
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    if (absl::StartsWith(entry.path().filename().string(), ".")) {
      left.push_back(entry.path().filename().string());
    }
  }
  EXPECT_THAT(left, IsEmpty());
}

// A run that fails (here: a signing key that does not exist) leaves the
// previous release as it was, and no half-made one beside it.
TEST_F(ReleaseTest, AFailedRunLeavesThePreviousReleaseInPlace) {
  std::string small = SmallBinary();
  fs::path out = dir_ / "release";
  Ran first = Release(out, {}, {}, small);
  ASSERT_EQ(first.code, 0) << first.err;
  // Something only the previous release holds, which a new one would not.
  WriteBytes(out / "published-notes.txt", "shipped");
  const std::map<std::string, std::string> before = Tree(out);
  ASSERT_TRUE(before.count("SHA256SUMS"));
  env_["GNUPGHOME"] = GnupgHome("empty-gnupg").string();
  Ran failed = Release(out, {{"VPCEP_GPG_KEY", "no-such-key@example.invalid"}}, {}, small);
  EXPECT_NE(failed.code, 0);
  EXPECT_TRUE(absl::StrContains(failed.err, "VPCEP_GPG_KEY")) << failed.err;
  EXPECT_EQ(Tree(out), before);
  std::vector<std::string> entries;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    entries.push_back(entry.path().filename().string());
  }
  std::sort(entries.begin(), entries.end());
  EXPECT_THAT(entries, ElementsAre("empty-gnupg", "release", "small-binary"));
}

// VPCEP_GPG_KEY is a pattern and may match several keys; signing-key.asc
// holds exactly the one that signed, and that key alone verifies the
// signature.
TEST_F(ReleaseTest, SigningKeyFileHoldsOnlyTheKeyThatSigned) {
  VPCEP_REQUIRE_TOOLS("gpg", "gpg-agent", "gpgconf");
  const std::string key = MakeKey();
  ASSERT_FALSE(key.empty());
  // Mallory's public key, with the same e-mail address, in the same keyring.
  fs::path mallory_home = GnupgHome("mallory-gnupg");
  const std::string mallory =
      MakeKey("Mallory <release-test@example.invalid>", "ed25519", mallory_home);
  ASSERT_FALSE(mallory.empty());
  Ran exported =
      Run({"gpg", "--homedir", mallory_home.string(), "--batch", "--armor", "--export", mallory});
  ASSERT_EQ(exported.code, 0) << exported.err;
  WriteBytes(dir_ / "mallory.asc", exported.out);
  ASSERT_EQ(Run({"gpg", "--batch", "--import", (dir_ / "mallory.asc").string()}).code, 0);
  ASSERT_THAT(Fingerprints(Run({"gpg", "--batch", "--with-colons", "--list-keys",
                                "release-test@example.invalid"})
                               .out),
              ::testing::UnorderedElementsAre(key, mallory));

  fs::path out = dir_ / "release";
  Ran rel = Release(out, {{"VPCEP_GPG_KEY", "release-test@example.invalid"}}, {}, SmallBinary());
  ASSERT_EQ(rel.code, 0) << rel.out << rel.err;
  Ran show =
      Run({"gpg", "--batch", "--with-colons", "--show-keys", (out / "signing-key.asc").string()});
  EXPECT_THAT(Fingerprints(show.out), ElementsAre(key)) << show.out;

  // In a keyring holding only signing-key.asc, the signature verifies.
  fs::path fresh = GnupgHome("fresh-gnupg");
  Ran import = Run({"gpg", "--homedir", fresh.string(), "--batch", "--import",
                    (out / "signing-key.asc").string()});
  ASSERT_EQ(import.code, 0) << import.err;
  Ran verify = RunIn(out, {"gpg", "--homedir", fresh.string(), "--batch", "--status-fd", "1",
                           "--verify", "SHA256SUMS.sig", "SHA256SUMS"});
  EXPECT_EQ(verify.code, 0) << verify.out << verify.err;
  EXPECT_TRUE(absl::StrContains(verify.out, "VALIDSIG")) << verify.out;
  EXPECT_TRUE(absl::StrContains(verify.out, key)) << verify.out;
}

}  // namespace
}  // namespace vpcep::testing
