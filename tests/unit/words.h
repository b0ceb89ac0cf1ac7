// Word sets for tests that compare prose (docs, the API contract) with the
// API vocabulary.
#ifndef VPCEP_TESTS_UNIT_WORDS_H_
#define VPCEP_TESTS_UNIT_WORDS_H_

#include <regex>
#include <set>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace vpcep::testing {

// The words between backticks in `text`.
inline std::set<std::string> Backticked(const std::string& text) {
  std::set<std::string> words;
  std::regex word("`([^`]+)`");
  for (std::sregex_iterator it(text.begin(), text.end(), word), end; it != end; ++it) {
    words.insert((*it)[1]);
  }
  return words;
}

inline std::set<std::string> AsSet(absl::Span<const absl::string_view> words) {
  return std::set<std::string>(words.begin(), words.end());
}

}  // namespace vpcep::testing

#endif  // VPCEP_TESTS_UNIT_WORDS_H_
