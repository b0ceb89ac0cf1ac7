// Value types of the simulated VPCEP world: services, their connections and
// the vocabulary (statuses, sort orders) of the list API.
//
// These are plain copyable snapshots; the live data is owned by State
// (state.h). Functions here are pure and thread-safe.

#ifndef VPCEP_SIMULATOR_MODEL_H_
#define VPCEP_SIMULATOR_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "provider/cloud/api_vocabulary.h"

namespace vpcep::sim {

inline constexpr char kDefaultProjectId[] = "0123456789abcdef0123456789abcdef";

enum class ConnectionStatus {
  kPendingAcceptance,
  kCreating,
  kAccepted,
  kRejected,
  kFailed,
  kDeleting,
};

// "pendingAcceptance", "creating", ... as on the wire.
absl::string_view StatusName(ConnectionStatus status);
// Inverse of StatusName(); nullopt for anything else (case-sensitive).
std::optional<ConnectionStatus> ParseStatus(absl::string_view name);

enum class Action { kReceive, kReject };
absl::string_view ActionName(Action action);
std::optional<Action> ParseAction(absl::string_view name);

// One entry of a connection's `error` array (shown only when failed).
struct ConnectionError {
  std::string error_code;
  std::string error_message;
};

struct Connection {
  std::string id;  // the endpoint id
  int64_t marker_id = 0;
  std::string domain_id;
  ConnectionStatus status = ConnectionStatus::kPendingAcceptance;
  absl::Time created_at;
  absl::Time updated_at;
  std::string description;
  std::vector<ConnectionError> errors;

  // Lazy transition not yet visible: at `pending_due` the status becomes
  // `pending_status`. Not part of the API representation.
  std::optional<ConnectionStatus> pending_status;
  absl::Time pending_due;
  // Set by the admin "fail-on-receive" call: the next receive leads to
  // `failed` (with these errors; a default entry when empty) instead of
  // `accepted`. Not part of the API representation.
  std::optional<std::vector<ConnectionError>> fail_on_receive;

  // Insertion order; breaks ties when sorting by time.
  uint64_t sequence = 0;
  // Churn bookkeeping (not part of the API representation): `churned` when
  // churn created the connection, `touched` once the client sent an action
  // or a description for it. Churn deletes only untouched connections that
  // are churned or pendingAcceptance.
  bool churned = false;
  bool touched = false;
};

struct Service {
  std::string id;
  std::string service_name;
  std::string status = "available";  // creating | available | failed | deleting
  bool approval_enabled = true;
  std::string service_type = "interface";
  std::string server_type = "VM";
  std::string vpc_id;
  std::string project_id;
  absl::Time created_at;
  absl::Time updated_at;
};

enum class SortKey { kCreatedAt, kUpdatedAt };
enum class SortDir { kDesc, kAsc };

// A validated query of the list-connections API.
struct ListQuery {
  std::optional<std::string> id;
  // Compared as a number; a value that is not an integer >= 0 matches
  // nothing (the API documents marker_id as a string).
  std::optional<std::string> marker_id;
  std::optional<ConnectionStatus> status;
  SortKey sort_key = SortKey::kCreatedAt;
  SortDir sort_dir = SortDir::kDesc;
  int limit = api::kDefaultPageSize;
  int64_t offset = 0;
  // Misbehaviours of APIs met in the field (FaultConfig): the id filter
  // ignored; connections whose times show the same second ordered anew on
  // every call (seeded by `shuffle_seed`).
  bool ignore_id = false;
  bool unstable_ties = false;
  uint64_t shuffle_seed = 0;
};

struct ListResult {
  std::vector<Connection> connections;  // the requested page
  int64_t total_count = 0;              // all matches, ignoring limit/offset
};

// kSeconds: UTC "YYYY-MM-DDTHH:MM:SSZ"; kFractional: UTC with milliseconds
// and no zone, "2018-01-30T07:42:01.174" (as in some documented examples).
enum class TimeFormat { kSeconds, kFractional };
std::string FormatApiTime(absl::Time t, TimeFormat format = TimeFormat::kSeconds);
// Accepts "YYYY-MM-DDTHH:MM:SSZ", with optional fractional seconds, with or
// without the trailing "Z" (always UTC).
absl::StatusOr<absl::Time> ParseApiTime(absl::string_view text);

}  // namespace vpcep::sim

#endif  // VPCEP_SIMULATOR_MODEL_H_
