// State: the simulated VPCEP world (services and their connections) and the
// rules of the API calls that read and change it.
//
// Status changes requested through the API are asynchronous, as in the real
// service, but no background thread runs them: each connection remembers a
// pending target status and the time it is due, and every call that reads or
// changes a service first applies the transitions whose time has passed
// (stamping `updated_at` with the due time, not the read time).
//
//   receive: pendingAcceptance | rejected -> creating at once, then accepted
//            after the transition delay.
//   reject:  the visible status stays unchanged until the delay has passed,
//            then becomes rejected.
//
// Thread-safety: all methods may be called concurrently; one mutex guards the
// whole world. Returned values are snapshots.

#ifndef VPCEP_SIMULATOR_STATE_H_
#define VPCEP_SIMULATOR_STATE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "simulator/ids.h"
#include "simulator/model.h"

namespace vpcep::sim {

// What is needed to create a service (admin API, seed file, C++ tests).
struct ServiceSpec {
  std::string id;            // empty: a new UUID
  std::string service_name;  // empty: derived from the id
  bool approval_enabled = true;
  std::string status = "available";
  std::string service_type = "interface";
  std::string server_type = "VM";
  std::string vpc_id;  // empty: a new UUID
};

// What is needed to create a connection.
struct ConnectionSpec {
  std::string id;                          // empty: a new UUID
  std::string domain_id;                   // required
  std::optional<int64_t> marker_id;        // default: a fresh id above 2^32
  std::optional<ConnectionStatus> status;  // default: pendingAcceptance when
                                           // the service requires approval,
                                           // else accepted
  std::string description;
  std::vector<ConnectionError> errors;   // used when status is failed
  std::optional<absl::Time> created_at;  // default: now
  std::optional<absl::Time> updated_at;  // default: created_at
};

// One churn step on a service (faults.h decides it).
struct ChurnStep {
  bool create = false;
  bool remove = false;
  uint64_t pick = 0;      // picks the connection to delete among the candidates
  std::string domain_id;  // of the created connection
};
struct ChurnResult {
  bool created = false;
  bool removed = false;
};

struct DescriptionUpdate {
  std::string id;
  std::string description;
};

class State {
 public:
  struct Options {
    std::string project_id = kDefaultProjectId;
    absl::Duration transition_delay = absl::Seconds(1);
    std::function<absl::Time()> clock;  // null: absl::Now
  };

  explicit State(Options options, std::shared_ptr<IdSource> ids = nullptr);

  State(const State&) = delete;
  State& operator=(const State&) = delete;

  const std::string& project_id() const { return project_id_; }
  absl::Duration transition_delay() const;
  // Applies to actions requested from now on.
  void SetTransitionDelay(absl::Duration delay);

  // ---- The public API. Errors carry the VPCEP error codes (errors.h).

  absl::StatusOr<Service> GetService(absl::string_view service_id);
  absl::StatusOr<ListResult> ListConnections(absl::string_view service_id, const ListQuery& query);
  // Returns the connection as it is right after the action (see top comment).
  absl::StatusOr<Connection> ApplyAction(absl::string_view service_id,
                                         absl::string_view endpoint_id, Action action);
  // All-or-nothing: nothing changes unless every update is valid.
  absl::StatusOr<std::vector<Connection>> UpdateDescriptions(
      absl::string_view service_id, const std::vector<DescriptionUpdate>& updates);

  // ---- Seeding and out-of-band changes (admin API, tests).

  absl::StatusOr<Service> AddService(const ServiceSpec& spec);
  absl::Status RemoveService(absl::string_view service_id);
  std::vector<Service> ListServices();
  absl::StatusOr<Connection> AddConnection(absl::string_view service_id,
                                           const ConnectionSpec& spec);
  // Sets the status at once and cancels any pending transition. `errors` is
  // kept only for `failed` (a default entry is made when empty).
  absl::StatusOr<Connection> SetConnectionStatus(absl::string_view service_id,
                                                 absl::string_view endpoint_id,
                                                 ConnectionStatus status,
                                                 std::vector<ConnectionError> errors = {});
  // Makes the connection's next receive end in `failed` with `errors` (a
  // default entry when empty) after the transition delay, instead of
  // `accepted`. Returns the connection.
  absl::StatusOr<Connection> SetFailOnReceive(absl::string_view service_id,
                                              absl::string_view endpoint_id,
                                              std::vector<ConnectionError> errors = {});
  absl::Status RemoveConnection(absl::string_view service_id, absl::string_view endpoint_id);
  // Adds `count` connections with new ids, random 32-hex-digit domain ids and
  // `status` (default as in AddConnection) in one step. Returns the service's
  // connection count afterwards.
  absl::StatusOr<int64_t> GenerateConnections(absl::string_view service_id, int64_t count,
                                              std::optional<ConnectionStatus> status);
  // Churn before a list page: creates a connection (status as in
  // AddConnection, marked churned) and/or deletes one picked among the
  // connections the client never acted on (no action, no description) that
  // churn created or that are pendingAcceptance. Unknown service: no-op.
  ChurnResult Churn(absl::string_view service_id, const ChurnStep& step);
  absl::StatusOr<Connection> GetConnection(absl::string_view service_id,
                                           absl::string_view endpoint_id);
  // Every connection of the service, oldest first.
  absl::StatusOr<std::vector<Connection>> AllConnections(absl::string_view service_id);

 private:
  struct ServiceRecord {
    Service service;
    absl::flat_hash_map<std::string, Connection> connections;
  };

  // The functions below are called with mu_ held.
  absl::Time Now() const;
  // Finds a service and applies its due transitions.
  absl::StatusOr<ServiceRecord*> FindLocked(absl::string_view service_id);
  // The connection of `endpoint_id` to `service_id`, or the API's error.
  absl::StatusOr<Connection*> FindConnectionLocked(absl::string_view service_id,
                                                   absl::string_view endpoint_id);
  void AdvanceLocked(ServiceRecord& record, absl::Time now);
  bool EndpointExistsLocked(absl::string_view endpoint_id) const;
  // Adds a connection with a new id to `record` (no validation).
  Connection& AddGeneratedLocked(ServiceRecord& record, std::string domain_id,
                                 std::optional<ConnectionStatus> status);

  const std::string project_id_;
  const std::function<absl::Time()> clock_;
  const std::shared_ptr<IdSource> ids_;

  // Guards every member below: transition delay, services and counters.
  mutable std::mutex mu_;
  absl::Duration transition_delay_;
  absl::flat_hash_map<std::string, ServiceRecord> services_;
  uint64_t next_sequence_ = 1;
  int64_t next_marker_id_ = (int64_t{1} << 32) + 1;
};

// Checks a connection description against the API's limits (length in
// characters, forbidden characters).
absl::Status ValidateDescription(absl::string_view description);

}  // namespace vpcep::sim

#endif  // VPCEP_SIMULATOR_STATE_H_
