#include "resources/ids.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/str_cat.h"

namespace vpcep::resources {
namespace {

constexpr size_t kMaxIdLength = 64;

bool ValidIdChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

}  // namespace

bool ValidId(const std::string& id) {
  return !id.empty() && id.size() <= kMaxIdLength && std::all_of(id.begin(), id.end(), ValidIdChar);
}

std::string InvalidIdText(const std::string& id) {
  return absl::StrCat("\"", id, "\" is not a valid id: use 1 to ", kMaxIdLength,
                      " letters, digits, '-' or '_'.");
}

void ValidateId(const core::Field<std::string>& id, const char* attr, core::Diagnostics& diags) {
  if (!id.has_value() || ValidId(id.value())) return;
  diags.AddError(absl::StrCat("Invalid ", attr), InvalidIdText(id.value()),
                 {core::PathStep::Attr(attr)});
}

}  // namespace vpcep::resources
