// Keeps docs/ in step with the schema: every attribute documented, nothing
// documented that does not exist, every attribute described, the API's words
// and limits as in provider/cloud/api_vocabulary.h (in the schema's own words
// where they are built from it), and the examples shown in the docs are the
// files under examples/.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/types/span.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/words.h"
#include "provider/cloud/api_vocabulary.h"
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

// The text documenting attribute `name` (the first "- `name` (Type) text"
// line), or "".
std::string AttributeText(const std::string& doc, const std::string& name) {
  const std::string start = "- `" + name + "` (";
  for (absl::string_view line : absl::StrSplit(doc, '\n')) {
    if (!absl::StartsWith(line, start)) continue;
    size_t type_end = line.find(") ", start.size());
    return type_end == absl::string_view::npos ? "" : std::string(line.substr(type_end + 2));
  }
  return "";
}

using testing::AsSet;
using testing::Backticked;

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

TEST_F(DocsTest, PolicyPageMatchesSchema) {
  ASSERT_EQ(schemas_.resources.count("vpcep_connection_policy"), 1u);
  const core::Schema& schema = *schemas_.resources.at("vpcep_connection_policy");
  ExpectInSync(schema, "docs/resources/connection_policy.md");
  ExpectExampleShown("examples/resources/vpcep_connection_policy/resource.tf",
                     "docs/resources/connection_policy.md");
  std::string doc = ReadFile("docs/resources/connection_policy.md");
  for (const core::Attribute& a : schema.block.attributes) {
    EXPECT_EQ(AttributeText(doc, a.name), a.description) << "`" << a.name << "`";
  }
}

TEST_F(DocsTest, ServiceConnectionsPageMatchesSchema) {
  ASSERT_EQ(schemas_.data_sources.count("vpcep_service_connections"), 1u);
  ExpectInSync(*schemas_.data_sources.at("vpcep_service_connections"),
               "docs/data-sources/service_connections.md");
  ExpectExampleShown("examples/data-sources/vpcep_service_connections/data-source.tf",
                     "docs/data-sources/service_connections.md");
}

TEST_F(DocsTest, ListResourcePageMatchesSchema) {
  ASSERT_EQ(schemas_.list_resources.count("vpcep_connection_approval"), 1u);
  ExpectInSync(*schemas_.list_resources.at("vpcep_connection_approval"),
               "docs/list-resources/connection_approval.md");
  ExpectExampleShown("examples/list-resources/vpcep_connection_approval/list-resource.tfquery.hcl",
                     "docs/list-resources/connection_approval.md");
}

const core::Attribute* FindAttribute(const core::Schema& schema, const std::string& name) {
  for (const core::Attribute& a : schema.block.attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

// The words of the API named in the pages are the vocabulary's, and the
// attributes that name them are documented in the schema's own words.
TEST_F(DocsTest, PagesNameTheApisStatusesSortKeysAndLimits) {
  const core::Schema& approval_schema = *schemas_.resources.at("vpcep_connection_approval");
  const core::Schema& data_schema = *schemas_.data_sources.at("vpcep_service_connections");
  std::string approval = ReadFile("docs/resources/connection_approval.md");
  std::string data = ReadFile("docs/data-sources/service_connections.md");
  for (auto [schema, doc, name] :
       std::initializer_list<std::tuple<const core::Schema*, const std::string*, const char*>>{
           {&approval_schema, &approval, "description"},
           {&data_schema, &data, "status"},
           {&data_schema, &data, "sort_key"},
           {&data_schema, &data, "sort_dir"}}) {
    const core::Attribute* a = FindAttribute(*schema, name);
    ASSERT_NE(a, nullptr) << name;
    EXPECT_EQ(AttributeText(*doc, name), a->description) << "`" << name << "`";
  }

  EXPECT_THAT(AttributeText(approval, "description"),
              ::testing::HasSubstr(absl::StrCat("up to ", api::kMaxDescriptionLength,
                                                " characters, no `<` or `>`")));
  EXPECT_THAT(AttributeText(approval, "status"),
              ::testing::HasSubstr(absl::StrCat("`", api::kAccepted, "`")));
  EXPECT_THAT(Backticked(AttributeText(data, "status")),
              ::testing::UnorderedElementsAreArray(AsSet(api::kListStatusFilters)));
  EXPECT_THAT(Backticked(AttributeText(data, "sort_key")),
              ::testing::UnorderedElementsAreArray(AsSet(api::kSortKeys)));
  EXPECT_THAT(Backticked(AttributeText(data, "sort_dir")),
              ::testing::UnorderedElementsAreArray(AsSet(api::kSortDirs)));
  EXPECT_THAT(AttributeText(data, "sort_key"),
              ::testing::HasSubstr(absl::StrCat("`", api::kSortKeys[0], "` (default)")));
  EXPECT_THAT(AttributeText(data, "sort_dir"),
              ::testing::HasSubstr(absl::StrCat("`", api::kSortDirs[0], "` (default)")));
}

}  // namespace
}  // namespace vpcep
