// Keeps docs/ in step with the schema: every attribute documented, nothing
// documented that does not exist, every attribute described, and the examples
// shown in the docs are the files under examples/.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "provider/core/dispatcher.h"
#include "resources/vpcep_provider.h"

namespace vpcep {
namespace {

std::string ReadFile(const std::string& relative) {
  std::ifstream in(std::string(VPCEP_SOURCE_DIR) + "/" + relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::set<std::string> DocumentedNames(const std::string& doc) {
  std::set<std::string> names;
  std::regex item(R"(^- `([a-z0-9_]+)` \()");
  for (absl::string_view line : absl::StrSplit(doc, '\n')) {
    std::smatch m;
    std::string l(line);
    if (std::regex_search(l, m, item)) names.insert(m[1]);
  }
  return names;
}

// Names at the top level, in nested blocks, and in the objects of list attributes.
void SchemaNames(const core::Block& block, std::set<std::string>& names,
                 std::vector<std::string>& undescribed) {
  for (const core::Attribute& a : block.attributes) {
    names.insert(a.name);
    if (a.description.empty()) undescribed.push_back(a.name);
    if (a.type.kind() == core::Type::Kind::kList &&
        a.type.element().kind() == core::Type::Kind::kObject) {
      for (const auto& [name, t] : a.type.element().attributes()) names.insert(name);
    }
  }
  for (const core::NestedBlock& b : block.blocks) {
    names.insert(b.type_name);
    if (b.block.description.empty()) undescribed.push_back(b.type_name);
    SchemaNames(b.block, names, undescribed);
  }
}

void ExpectInSync(const core::Schema& schema, const std::string& doc_path) {
  std::string doc = ReadFile(doc_path);
  ASSERT_FALSE(doc.empty()) << doc_path << " is missing";
  std::set<std::string> schema_names;
  std::vector<std::string> undescribed;
  SchemaNames(schema.block, schema_names, undescribed);
  std::set<std::string> documented = DocumentedNames(doc);
  for (const std::string& n : schema_names) {
    EXPECT_EQ(documented.count(n), 1u) << "`" << n << "` is not documented in " << doc_path;
  }
  for (const std::string& n : documented) {
    EXPECT_EQ(schema_names.count(n), 1u) << doc_path << " documents `" << n
                                         << "`, which the schema does not have";
  }
  EXPECT_TRUE(undescribed.empty()) << "attributes without description: " << undescribed.size();
  EXPECT_FALSE(schema.block.description.empty());
}

// Every non-comment line of the example file appears in the doc.
void ExpectExampleShown(const std::string& example, const std::string& doc_path) {
  std::string doc = ReadFile(doc_path);
  std::string text = ReadFile(example);
  ASSERT_FALSE(text.empty()) << example << " is missing";
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || absl::StartsWith(trimmed, "#")) continue;
    EXPECT_TRUE(absl::StrContains(doc, line)) << doc_path << " lacks example line: " << line;
  }
}

class DocsTest : public ::testing::Test {
 protected:
  resources::VpcepProvider provider_;
  core::Dispatcher dispatcher_{provider_};
  core::ProviderSchemas schemas_ = dispatcher_.GetSchemas();
};

TEST_F(DocsTest, ProviderPageMatchesSchema) {
  ExpectInSync(*schemas_.provider, "docs/index.md");
  ExpectExampleShown("examples/provider/provider.tf", "docs/index.md");
}

TEST_F(DocsTest, ApprovalPageMatchesSchema) {
  ASSERT_EQ(schemas_.resources.count("vpcep_connection_approval"), 1u);
  ExpectInSync(*schemas_.resources.at("vpcep_connection_approval"),
               "docs/resources/connection_approval.md");
  ExpectExampleShown("examples/resources/vpcep_connection_approval/resource.tf",
                     "docs/resources/connection_approval.md");
  ExpectExampleShown("examples/resources/vpcep_connection_approval/import.sh",
                     "docs/resources/connection_approval.md");
}

TEST_F(DocsTest, ServiceConnectionsPageMatchesSchema) {
  ASSERT_EQ(schemas_.data_sources.count("vpcep_service_connections"), 1u);
  ExpectInSync(*schemas_.data_sources.at("vpcep_service_connections"),
               "docs/data-sources/service_connections.md");
  ExpectExampleShown("examples/data-sources/vpcep_service_connections/data-source.tf",
                     "docs/data-sources/service_connections.md");
}

}  // namespace
}  // namespace vpcep
