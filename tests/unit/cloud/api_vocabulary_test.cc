// Ties provider/cloud/api_vocabulary.h to the contract, vpcep-api.md: every
// status, action, sort key, limit and error code in the header is written
// there, and every status, action and sort key there is in the header.
#include "provider/cloud/api_vocabulary.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/types/span.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/words.h"

namespace vpcep::api {
namespace {

using ::testing::UnorderedElementsAreArray;

const std::string kContractPath = std::string(VPCEP_SHARED_DIR) + "/reference/vpcep-api.md";

using testing::AsSet;
using testing::Backticked;

// Every code of the error table, expanded from its shorthand
// ("EndPoint.0002, .0006", "EndPoint.0017–.0021", "EndPoint.2018 / .2019").
std::set<std::string> ErrorTableCodes(const std::string& contract) {
  std::set<std::string> codes;
  size_t table = contract.find("| HTTP | code |");
  if (table == std::string::npos) return codes;
  std::regex code(R"(([A-Za-z]*)\.(\d{4})(?:\s*(?:–|-)\s*\.(\d{4}))?)");
  for (absl::string_view line : absl::StrSplit(contract.substr(table), '\n')) {
    if (!absl::StartsWith(line, "|")) break;
    std::vector<std::string> cells = absl::StrSplit(line, '|');
    if (cells.size() < 3) continue;
    std::string cell = cells[2];
    std::string prefix;
    for (std::sregex_iterator it(cell.begin(), cell.end(), code), end; it != end; ++it) {
      if ((*it)[1].length() > 0) prefix = (*it)[1];
      int first = 0, last = 0;
      if (!absl::SimpleAtoi((*it)[2].str(), &first)) continue;
      last = (*it)[3].matched && absl::SimpleAtoi((*it)[3].str(), &last) ? last : first;
      for (int n = first; n <= last; ++n) {
        char digits[8];
        std::snprintf(digits, sizeof digits, "%04d", n);
        codes.insert(absl::StrCat(prefix, ".", digits));
      }
    }
  }
  return codes;
}

class VocabularyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ifstream in(kContractPath);
    if (!in) GTEST_SKIP() << kContractPath << " is not there";
    std::stringstream ss;
    ss << in.rdbuf();
    contract_ = ss.str();
    // Sentences wrap across lines; one space between words makes them searchable.
    flat_ = std::regex_replace(contract_, std::regex(R"(\s+)"), " ");
  }

  // The first match of `pattern` in the flattened contract, group `group`.
  std::string Find(const std::string& pattern, int group = 1) {
    std::smatch m;
    if (!std::regex_search(flat_, m, std::regex(pattern))) {
      ADD_FAILURE() << "vpcep-api.md has nothing matching " << pattern;
      return "";
    }
    return m[group];
  }

  std::string contract_;
  std::string flat_;
};

TEST_F(VocabularyTest, ConnectionStatusesAreTheContractsOwn) {
  std::string row = Find(R"(\| `status` \| string \| ([^|]*)\|)");
  EXPECT_THAT(Backticked(row), UnorderedElementsAreArray(AsSet(kConnectionStatuses)));
}

TEST_F(VocabularyTest, StatusFiltersAreTheListCallsOwn) {
  std::string status = Find(R"(`status` \(the seed's list: (.*?)\), `sort_key`)");
  EXPECT_THAT(Backticked(status), UnorderedElementsAreArray(AsSet(kListStatusFilters)));
  for (absl::string_view s : kListStatusFilters) {
    EXPECT_EQ(AsSet(kConnectionStatuses).count(std::string(s)), 1u) << s;
  }
}

TEST_F(VocabularyTest, ServiceStatusesAreTheContractsOwn) {
  std::string statuses = Find(R"(Service details.*?`status` \(([^)]*)\))");
  EXPECT_THAT(Backticked(statuses), UnorderedElementsAreArray(AsSet(kServiceStatuses)));
}

TEST_F(VocabularyTest, ActionsAreTheContractsOwn) {
  std::string actions = Find(R"("action": ((?:"\w+"(?: \| )?)+))");
  std::set<std::string> words;
  for (absl::string_view w : absl::StrSplit(actions, " | ")) {
    words.insert(std::string(absl::StripSuffix(absl::StripPrefix(w, "\""), "\"")));
  }
  EXPECT_THAT(words, UnorderedElementsAreArray(AsSet(kActions)));
}

TEST_F(VocabularyTest, SortKeysAndDirectionsWithTheirDefaults) {
  EXPECT_EQ(Find(R"(`sort_key` \(`(\w+)` default \| `(\w+)`\))", 1), kSortKeys[0]);
  EXPECT_EQ(Find(R"(`sort_key` \(`(\w+)` default \| `(\w+)`\))", 2), kSortKeys[1]);
  EXPECT_EQ(Find(R"(`sort_dir` \(`(\w+)` default \| `(\w+)`\))", 1), kSortDirs[0]);
  EXPECT_EQ(Find(R"(`sort_dir` \(`(\w+)` default \| `(\w+)`\))", 2), kSortDirs[1]);
  EXPECT_EQ(std::size(kSortKeys), 2u);
  EXPECT_EQ(std::size(kSortDirs), 2u);
}

TEST_F(VocabularyTest, PageSizeAndOffsetLimits) {
  const std::string limit = R"(`limit` \((\d+)\.\.(\d+), default (\d+)\))";
  EXPECT_EQ(Find(limit, 1), std::to_string(kMinPageSize));
  EXPECT_EQ(Find(limit, 2), std::to_string(kMaxPageSize));
  EXPECT_EQ(Find(limit, 3), std::to_string(kDefaultPageSize));
  EXPECT_EQ(Find(R"(`offset` \(>= (\d+)\))"), std::to_string(kMinOffset));
}

TEST_F(VocabularyTest, DescriptionLimits) {
  // Both places that give the limit (the description call and the
  // connection object) give the header's.
  std::regex up_to(R"(up to (\d+) characters)");
  int places = 0;
  for (std::sregex_iterator it(flat_.begin(), flat_.end(), up_to), end; it != end; ++it) {
    EXPECT_EQ((*it)[1].str(), std::to_string(kMaxDescriptionLength));
    ++places;
  }
  EXPECT_EQ(places, 2);
  std::string forbidden = Find(R"((`.` and `.`) not allowed in descriptions)");
  std::string chars;
  for (const std::string& w : Backticked(forbidden)) chars += w;
  std::string ours(kDescriptionForbiddenChars);
  std::sort(ours.begin(), ours.end());
  EXPECT_EQ(chars, ours);
}

TEST_F(VocabularyTest, EveryErrorCodeIsInTheErrorTable) {
  std::set<std::string> table = ErrorTableCodes(contract_);
  ASSERT_GT(table.size(), 20u) << "the error table was not found or not parsed";
  // The parser's own check: shorthand and ranges expand.
  EXPECT_EQ(table.count("EndPoint.0019"), 1u);
  EXPECT_EQ(table.count("EndPoint.2007"), 1u);
  // Spelled as the table spells it (bodies may differ in case).
  for (absl::string_view code : codes::kAll) {
    EXPECT_EQ(table.count(std::string(code)), 1u) << code << " is not in the error table";
  }
}

TEST_F(VocabularyTest, NoNameIsListedTwice) {
  EXPECT_EQ(AsSet(kConnectionStatuses).size(), std::size(kConnectionStatuses));
  EXPECT_EQ(AsSet(codes::kAll).size(), std::size(codes::kAll));
}

}  // namespace
}  // namespace vpcep::api
