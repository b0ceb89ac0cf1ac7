// Diagnostics: problems reported to Terraform, each optionally pinned to an
// attribute path so Terraform can point at the offending configuration line.
// Resources never throw across an RPC; they append diagnostics instead.
#ifndef VPCEP_PROVIDER_CORE_DIAGNOSTICS_H_
#define VPCEP_PROVIDER_CORE_DIAGNOSTICS_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"

namespace vpcep::core {

// One step of an attribute path: an attribute name, or a map key / list index.
struct PathStep {
  enum class Kind { kAttribute, kKeyString, kKeyInt };
  Kind kind = Kind::kAttribute;
  std::string name;   // attribute name or string key
  int64_t index = 0;  // list/tuple index

  static PathStep Attr(absl::string_view name) { return {Kind::kAttribute, std::string(name), 0}; }
  static PathStep Key(absl::string_view key) { return {Kind::kKeyString, std::string(key), 0}; }
  static PathStep Index(int64_t i) { return {Kind::kKeyInt, "", i}; }
  bool operator==(const PathStep& o) const {
    return kind == o.kind && name == o.name && index == o.index;
  }
};

using AttributePath = std::vector<PathStep>;

// Renders a path like `timeouts.create` or `endpoints["x"]` for messages.
std::string PathString(const AttributePath& path);

struct Diagnostic {
  enum class Severity { kError = 1, kWarning = 2 };
  Severity severity = Severity::kError;
  std::string summary;
  std::string detail;
  AttributePath path;  // empty = not tied to an attribute
};

// An ordered list of diagnostics. Not thread-safe; one per RPC.
class Diagnostics {
 public:
  void AddError(std::string summary, std::string detail, AttributePath path = {});
  void AddWarning(std::string summary, std::string detail, AttributePath path = {});
  // Adds an error built from a Status: summary given, detail = status message.
  void AddStatus(std::string summary, const absl::Status& status, AttributePath path = {});
  void Append(const Diagnostics& other);

  bool HasError() const;
  bool empty() const { return items_.empty(); }
  const std::vector<Diagnostic>& items() const { return items_; }

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace vpcep::core

#endif  // VPCEP_PROVIDER_CORE_DIAGNOSTICS_H_
