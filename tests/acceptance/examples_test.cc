// Every directory under examples/ holding .tf files is formatted
// (`terraform fmt -check`) and valid as a module (`init -backend=false`,
// `validate`), with the provider installed from the build. Each directory is
// copied first, so nothing is written into the source tree.
#include <algorithm>
#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tests/acceptance/terraform_fixture.h"

namespace vpcep::testing {
namespace {

const fs::path kExamples = fs::path(VPCEP_SOURCE_DIR) / "examples";

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool HasTfFiles(const fs::path& dir) {
  for (const auto& f : fs::directory_iterator(dir)) {
    if (f.is_regular_file() && f.path().extension() == ".tf") return true;
  }
  return false;
}

// Left over from running terraform in the source tree (.terraform/, the lock
// file, state): not part of an example.
bool LocalLeftover(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.empty() || name[0] == '.' || name.find(".tfstate") != std::string::npos;
}

// The directories under examples/ that hold .tf files.
std::vector<fs::path> ExampleModules() {
  std::vector<fs::path> out;
  if (HasTfFiles(kExamples)) out.push_back(kExamples);
  for (auto it = fs::recursive_directory_iterator(kExamples);
       it != fs::recursive_directory_iterator(); ++it) {
    if (!it->is_directory()) continue;
    if (LocalLeftover(it->path())) {
      it.disable_recursion_pending();
    } else if (HasTfFiles(it->path())) {
      out.push_back(it->path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The `source` this module's .tf files give the `vpcep` provider, in full
// (host/namespace/type), or "" when they do not declare it.
std::string DeclaredSource(const fs::path& dir) {
  static const std::regex kVpcep(R"re(\bvpcep\s*=\s*\{[^}]*\bsource\s*=\s*"([^"]+)")re");
  for (const auto& f : fs::directory_iterator(dir)) {
    if (f.path().extension() != ".tf") continue;
    std::string text = ReadFile(f.path());
    std::smatch m;
    if (!std::regex_search(text, m, kVpcep)) continue;
    std::vector<std::string> parts = absl::StrSplit(absl::AsciiStrToLower(m[1].str()), '/');
    if (parts.size() == 1) parts.insert(parts.begin(), "hashicorp");
    if (parts.size() == 2) parts.insert(parts.begin(), "registry.terraform.io");
    return absl::StrJoin(parts, "/");
  }
  return "";
}

class ExamplesTest : public TerraformTest {
 protected:
  // Installs the provider under each of `sources` in the filesystem mirror
  // and lets the CLI take those from the mirror only.
  void MirrorSources(const std::set<std::string>& sources) {
    std::string include;
    for (const std::string& source : sources) {
      fs::path plugin_dir = fs::path(dir_) / "mirror" / source / VPCEP_VERSION / "linux_amd64";
      fs::create_directories(plugin_dir);
      std::string type = source.substr(source.rfind('/') + 1);
      fs::path binary = plugin_dir / absl::StrCat("terraform-provider-", type, "_v", VPCEP_VERSION);
      if (!fs::exists(binary)) fs::copy_file(VPCEP_PROVIDER_BINARY, binary);
      absl::StrAppend(&include, include.empty() ? "" : ", ", "\"", source, "\"");
    }
    std::ofstream(fs::path(dir_) / "cli.tfrc")
        << "provider_installation {\n"
        << "  filesystem_mirror {\n    path    = \"" << dir_ << "/mirror\"\n"
        << "    include = [" << include << "]\n  }\n"
        << "  direct {\n    exclude = [" << include << "]\n  }\n}\n";
  }

  // Makes the working directory a copy of `example`'s files (nested example
  // directories are checked on their own).
  void CopyToWork(const fs::path& example) {
    fs::path work = fs::path(dir_) / "work";
    fs::remove_all(work);
    fs::create_directories(work);
    for (const auto& f : fs::directory_iterator(example)) {
      if (f.is_regular_file() && !LocalLeftover(f.path())) {
        fs::copy_file(f.path(), work / f.path().filename());
      }
    }
  }
};

TEST_F(ExamplesTest, EveryExampleIsFormattedAndValid) {
  std::vector<fs::path> modules = ExampleModules();
  ASSERT_FALSE(modules.empty()) << "no .tf files under " << kExamples;
  // A snippet (no terraform block, e.g. examples/resources/*) is meant to sit
  // next to examples/provider/provider.tf, so it gets that file's source.
  const std::string provider_source = DeclaredSource(kExamples / "provider");
  ASSERT_FALSE(provider_source.empty())
      << "examples/provider/*.tf must declare the vpcep provider's source";
  std::set<std::string> sources = {provider_source};
  for (const fs::path& m : modules) {
    std::string s = DeclaredSource(m);
    if (!s.empty()) sources.insert(s);
  }
  MirrorSources(sources);

  for (const fs::path& m : modules) {
    const std::string name = fs::relative(m, VPCEP_SOURCE_DIR).string();
    SCOPED_TRACE(name);
    CopyToWork(m);
    CliResult fmt = Run({"fmt", "-check", "-diff", "-no-color"});
    EXPECT_EQ(fmt.code, 0) << name << " is not formatted:\n" << fmt.out << fmt.err;

    if (DeclaredSource(m).empty()) {
      std::ofstream(fs::path(dir_) / "work/vpcep_provider_for_test.tf")
          << "terraform {\n  required_providers {\n    vpcep = { source = \"" << provider_source
          << "\" }\n  }\n}\n";
    }
    CliResult init = Run({"init", "-backend=false", "-input=false", "-no-color"});
    ASSERT_EQ(init.code, 0) << name << ": init failed:\n" << init.out << init.err;
    CliResult validate = Run({"validate", "-json", "-no-color"});
    nlohmann::json v = nlohmann::json::parse(validate.out, nullptr, false);
    ASSERT_TRUE(v.is_object()) << name << ": " << validate.out << validate.err;
    EXPECT_EQ(validate.code, 0) << name;
    EXPECT_TRUE(v.value("valid", false)) << name << ": " << v.dump(2);
    EXPECT_EQ(v.value("warning_count", -1), 0) << name << ": " << v.dump(2);
    if (fmt.code == 0 && validate.code == 0 && v.value("valid", false) &&
        v.value("warning_count", -1) == 0) {
      std::printf("%s: formatted, valid\n", name.c_str());
    }
  }
  std::printf("%zu example modules, provider sources: %s\n", modules.size(),
              absl::StrJoin(sources, ", ").c_str());
}

}  // namespace
}  // namespace vpcep::testing
