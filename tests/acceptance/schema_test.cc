// Schema hygiene as users meet it (`terraform providers schema -json`, what
// editors and doc generators read): every block and attribute of the
// provider, its resources and data sources is described, and every attribute
// that holds a secret is sensitive.
#include <regex>

#include "absl/strings/str_join.h"
#include "tests/acceptance/terraform_fixture.h"

namespace vpcep::testing {
namespace {

bool Described(const nlohmann::json& node) {
  return node.is_object() && node.contains("description") && node["description"].is_string() &&
         !node["description"].get<std::string>().empty();
}

// Names that mean a secret, wherever they appear.
bool SecretName(const std::string& name) {
  static const std::regex kSecret("secret|token|password|passphrase|private_key|credential");
  return std::regex_search(name, kSecret);
}

struct Findings {
  std::vector<std::string> undescribed;
  std::vector<std::string> secret_not_sensitive;
  std::map<std::string, bool> sensitive;  // attribute path -> marked sensitive
  int attributes = 0;
  int blocks = 0;
};

void CheckAttributes(const nlohmann::json& attributes, const std::string& path, Findings& f);

// `block`: a schema block as `providers schema -json` prints it.
void CheckBlock(const nlohmann::json& block, const std::string& path, Findings& f) {
  ++f.blocks;
  if (!Described(block)) f.undescribed.push_back(path + " (block)");
  if (block.contains("attributes")) CheckAttributes(block["attributes"], path, f);
  if (block.contains("block_types")) {
    for (const auto& [name, nested] : block["block_types"].items()) {
      CheckBlock(nested["block"], path + "." + name, f);
    }
  }
}

void CheckAttributes(const nlohmann::json& attributes, const std::string& path, Findings& f) {
  for (const auto& [name, attr] : attributes.items()) {
    const std::string at = path + "." + name;
    ++f.attributes;
    if (!Described(attr)) f.undescribed.push_back(at);
    const bool sensitive = attr.value("sensitive", false);
    f.sensitive[at] = sensitive;
    if (SecretName(name) && !sensitive) f.secret_not_sensitive.push_back(at);
    // Protocol 6 nested attributes.
    if (attr.contains("nested_type")) CheckAttributes(attr["nested_type"]["attributes"], at, f);
  }
}

class SchemaTest : public TerraformTest {
 protected:
  // The provider's schema as `terraform providers schema -json` prints it.
  void LoadSchema() {
    WriteMain("");
    CliResult init = Run({"init", "-input=false", "-no-color"});
    ASSERT_EQ(init.code, 0) << init.out << init.err;
    CliResult r = Run({"providers", "schema", "-json"});
    ASSERT_EQ(r.code, 0) << r.err;
    nlohmann::json schemas = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_TRUE(schemas.is_object()) << r.out;
    const nlohmann::json& all = schemas["provider_schemas"];
    ASSERT_TRUE(all.is_object() && all.size() == 1) << r.out;
    schema_ = all.begin().value();
    ASSERT_TRUE(schema_["resource_schemas"].is_object() && !schema_["resource_schemas"].empty());
    ASSERT_TRUE(schema_["data_source_schemas"].is_object() &&
                !schema_["data_source_schemas"].empty());
  }
  nlohmann::json schema_;
};

TEST_F(SchemaTest, EveryAttributeAndBlockIsDescribedAndSecretsAreSensitive) {
  ASSERT_NO_FATAL_FAILURE(LoadSchema());
  const nlohmann::json& schema = schema_;
  Findings f;
  CheckBlock(schema["provider"]["block"], "provider", f);
  for (const char* kind :
       {"resource_schemas", "data_source_schemas", "ephemeral_resource_schemas"}) {
    if (!schema.contains(kind)) continue;
    for (const auto& [name, s] : schema[kind].items()) CheckBlock(s["block"], name, f);
  }
  EXPECT_TRUE(f.undescribed.empty())
      << "without a description:\n  " << absl::StrJoin(f.undescribed, "\n  ");
  EXPECT_TRUE(f.secret_not_sensitive.empty())
      << "secrets not marked sensitive:\n  " << absl::StrJoin(f.secret_not_sensitive, "\n  ");
  // The provider's secrets, by name, so that a rename cannot slip past the
  // name rule above.
  for (const char* secret :
       {"provider.secret_key", "provider.security_token", "provider.auth_token"}) {
    ASSERT_TRUE(f.sensitive.count(secret)) << secret << " is not in the schema";
    EXPECT_TRUE(f.sensitive[secret]) << secret << " is not sensitive";
  }
  std::printf("%d blocks and %d attributes checked; sensitive:", f.blocks, f.attributes);
  for (const auto& [path, sensitive] : f.sensitive) {
    if (sensitive) std::printf(" %s", path.c_str());
  }
  std::printf("\n");
}

// The Schema lists of a docs/ page: "- `name` (Type[, Sensitive]) Text", by name
// (a name may appear more than once, e.g. in a nested schema).
struct DocEntry {
  std::string kind;
  std::string text;
};
std::multimap<std::string, DocEntry> DocEntries(const fs::path& page) {
  static const std::regex kLine(R"re(^- `(\w+)` \(([^)]*)\) (.*)$)re");
  std::multimap<std::string, DocEntry> out;
  std::ifstream in(page);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, kLine)) out.insert({m[1].str(), {m[2].str(), m[3].str()}});
  }
  return out;
}

// The description up to the end of its first sentence or clause, which the
// page must repeat (the page may say more after it).
std::string Lead(const std::string& description) {
  size_t end = std::min(description.find(". "), description.find(": "));
  return description.substr(0, end);
}

void CheckDocumented(const nlohmann::json& block, const std::string& path,
                     const std::multimap<std::string, DocEntry>& page,
                     std::vector<std::string>& problems) {
  if (block.contains("attributes")) {
    for (const auto& [name, attr] : block["attributes"].items()) {
      const std::string at = path + "." + name;
      auto [begin, end] = page.equal_range(name);
      if (begin == end) {
        problems.push_back(at + ": not on its docs page");
        continue;
      }
      const std::string lead = Lead(attr.value("description", ""));
      bool matches = false;
      for (auto it = begin; it != end; ++it) {
        bool says_sensitive = it->second.kind.find("Sensitive") != std::string::npos;
        if (says_sensitive != attr.value("sensitive", false)) {
          problems.push_back(at + ": the docs page and the schema disagree on Sensitive");
        }
        if (it->second.text.rfind(lead, 0) == 0) matches = true;
      }
      if (!matches) problems.push_back(at + ": the docs page does not begin with \"" + lead + "\"");
    }
  }
  if (block.contains("block_types")) {
    for (const auto& [name, nested] : block["block_types"].items()) {
      if (page.find(name) == page.end()) {
        problems.push_back(path + "." + name + ": not on its docs page");
      }
      CheckDocumented(nested["block"], path + "." + name, page, problems);
    }
  }
}

// docs/ repeats the schema's descriptions: every attribute is on its page,
// beginning with the schema's first sentence, and Sensitive where the schema
// says so.
TEST_F(SchemaTest, DocsPagesAgreeWithTheSchema) {
  ASSERT_NO_FATAL_FAILURE(LoadSchema());
  const fs::path docs = fs::path(VPCEP_SOURCE_DIR) / "docs";
  std::vector<std::string> problems;
  CheckDocumented(schema_["provider"]["block"], "provider", DocEntries(docs / "index.md"),
                  problems);
  const std::map<std::string, std::string> folders = {{"resource_schemas", "resources"},
                                                      {"data_source_schemas", "data-sources"}};
  for (const auto& [kind, folder] : folders) {
    for (const auto& [name, s] : schema_[kind].items()) {
      // Registry layout: the page is named without the provider prefix.
      fs::path page = docs / folder / (name.substr(name.find('_') + 1) + ".md");
      if (!fs::exists(page)) {
        problems.push_back(name + ": no page " + page.string());
        continue;
      }
      CheckDocumented(s["block"], name, DocEntries(page), problems);
    }
  }
  EXPECT_TRUE(problems.empty()) << absl::StrJoin(problems, "\n");
}

}  // namespace
}  // namespace vpcep::testing
