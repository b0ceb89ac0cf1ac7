#include "provider/core/diagnostics.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace vpcep::core {

std::string PathString(const AttributePath& path) {
  std::string out;
  for (const PathStep& step : path) {
    switch (step.kind) {
      case PathStep::Kind::kAttribute:
        if (!out.empty()) out += '.';
        out += step.name;
        break;
      case PathStep::Kind::kKeyString:
        absl::StrAppend(&out, "[\"", step.name, "\"]");
        break;
      case PathStep::Kind::kKeyInt:
        absl::StrAppend(&out, "[", step.index, "]");
        break;
    }
  }
  return out;
}

void Diagnostics::AddError(std::string summary, std::string detail, AttributePath path) {
  items_.push_back(
      {Diagnostic::Severity::kError, std::move(summary), std::move(detail), std::move(path)});
}

void Diagnostics::AddWarning(std::string summary, std::string detail, AttributePath path) {
  items_.push_back(
      {Diagnostic::Severity::kWarning, std::move(summary), std::move(detail), std::move(path)});
}

void Diagnostics::AddStatus(std::string summary, const absl::Status& status, AttributePath path) {
  AddError(std::move(summary), std::string(status.message()), std::move(path));
}

void Diagnostics::Append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool Diagnostics::HasError() const {
  for (const Diagnostic& d : items_) {
    if (d.severity == Diagnostic::Severity::kError) return true;
  }
  return false;
}

}  // namespace vpcep::core
