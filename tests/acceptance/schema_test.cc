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

class SchemaTest : public TerraformTest {};

TEST_F(SchemaTest, EveryAttributeAndBlockIsDescribedAndSecretsAreSensitive) {
  WriteMain("");
  CliResult init = Run({"init", "-input=false", "-no-color"});
  ASSERT_EQ(init.code, 0) << init.out << init.err;
  CliResult r = Run({"providers", "schema", "-json"});
  ASSERT_EQ(r.code, 0) << r.err;
  nlohmann::json schemas = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(schemas.is_object()) << r.out;
  const nlohmann::json& all = schemas["provider_schemas"];
  ASSERT_TRUE(all.is_object() && all.size() == 1) << r.out;
  const nlohmann::json& schema = all.begin().value();

  Findings f;
  CheckBlock(schema["provider"]["block"], "provider", f);
  ASSERT_TRUE(schema["resource_schemas"].is_object() && !schema["resource_schemas"].empty());
  ASSERT_TRUE(schema["data_source_schemas"].is_object() && !schema["data_source_schemas"].empty());
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

}  // namespace
}  // namespace vpcep::testing
