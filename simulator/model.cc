#include "simulator/model.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "provider/cloud/api_vocabulary.h"

namespace vpcep::sim {
namespace {

struct StatusEntry {
  ConnectionStatus status;
  absl::string_view name;
};

constexpr StatusEntry kStatuses[] = {
    {ConnectionStatus::kPendingAcceptance, api::kPendingAcceptance},
    {ConnectionStatus::kCreating, api::kCreating},
    {ConnectionStatus::kAccepted, api::kAccepted},
    {ConnectionStatus::kRejected, api::kRejected},
    {ConnectionStatus::kFailed, api::kFailed},
    {ConnectionStatus::kDeleting, api::kDeleting},
};

}  // namespace

absl::string_view StatusName(ConnectionStatus status) {
  for (const StatusEntry& entry : kStatuses) {
    if (entry.status == status) return entry.name;
  }
  return "unknown";
}

std::optional<ConnectionStatus> ParseStatus(absl::string_view name) {
  for (const StatusEntry& entry : kStatuses) {
    if (entry.name == name) return entry.status;
  }
  return std::nullopt;
}

absl::string_view ActionName(Action action) {
  return action == Action::kReceive ? api::kReceive : api::kReject;
}

std::optional<Action> ParseAction(absl::string_view name) {
  if (name == api::kReceive) return Action::kReceive;
  if (name == api::kReject) return Action::kReject;
  return std::nullopt;
}

std::string FormatApiTime(absl::Time t, TimeFormat format) {
  if (format == TimeFormat::kFractional) {
    return absl::FormatTime("%Y-%m-%dT%H:%M:%E3S", t, absl::UTCTimeZone());
  }
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ParseApiTime(absl::string_view text) {
  static constexpr const char* kFormats[] = {"%Y-%m-%dT%H:%M:%E*SZ", "%Y-%m-%dT%H:%M:%E*S"};
  for (const char* format : kFormats) {
    absl::Time t;
    if (absl::ParseTime(format, text, absl::UTCTimeZone(), &t, nullptr)) return t;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("not a UTC time like 2024-01-02T03:04:05Z: '", text, "'"));
}

}  // namespace vpcep::sim
