#include "simulator/state.h"

#include <algorithm>
#include <random>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "simulator/errors.h"

namespace vpcep::sim {
namespace {

// Number of UTF-8 code points (continuation bytes are not counted).
size_t CountCodePoints(absl::string_view text) {
  size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

// The error entry of a connection failed without one given.
ConnectionError SimulatedFailure() {
  return {std::string(codes::kSystemError), "The connection failed (simulated)."};
}

absl::Status ServiceNotFound(absl::string_view service_id) {
  return MakeError(400, codes::kServiceNotFound,
                   absl::StrCat("The endpoint service ", service_id, " does not exist."));
}

absl::Status NotServiceEndpoint(absl::string_view endpoint_id) {
  return MakeError(
      400, codes::kNotServiceEndpoint,
      absl::StrCat("The endpoint ", endpoint_id, " does not belong to the endpoint service."));
}

void SetStatusLocked(Connection& connection, ConnectionStatus status, absl::Time when) {
  connection.status = status;
  connection.updated_at = when;
  if (status != ConnectionStatus::kFailed) connection.errors.clear();
}

// Orders connections for the list API; ties (equal times) fall back to
// insertion order so paging is stable.
bool ListOrder(const ListQuery& query, const Connection& a, const Connection& b) {
  const absl::Time ta = query.sort_key == SortKey::kCreatedAt ? a.created_at : a.updated_at;
  const absl::Time tb = query.sort_key == SortKey::kCreatedAt ? b.created_at : b.updated_at;
  if (query.sort_dir == SortDir::kAsc) {
    return ta != tb ? ta < tb : a.sequence < b.sequence;
  }
  return ta != tb ? ta > tb : a.sequence > b.sequence;
}

// Why a connection in its current status takes no action; OK when it does.
absl::Status ActionRefused(const Connection& connection, absl::string_view endpoint_id) {
  switch (connection.status) {
    case ConnectionStatus::kFailed:
      return MakeError(
          400, codes::kEndpointFailed,
          absl::StrCat("The endpoint ", endpoint_id, " has failed and cannot be modified."));
    case ConnectionStatus::kDeleting:
      return MakeError(400, codes::kEndpointDeleting,
                       absl::StrCat("The endpoint ", endpoint_id, " is being deleted."));
    default:
      return absl::OkStatus();
  }
}

// A reject turns the connection `rejected` at `due`.
void ScheduleReject(Connection& connection, absl::Time due) {
  if (connection.status == ConnectionStatus::kRejected) {
    connection.pending_status.reset();  // already there: nothing to do
  } else if (connection.pending_status != ConnectionStatus::kRejected) {
    connection.pending_status = ConnectionStatus::kRejected;
    connection.pending_due = due;
  }
}

}  // namespace

absl::Status ValidateDescription(absl::string_view description) {
  if (description.find_first_of(api::kDescriptionForbiddenChars) != absl::string_view::npos) {
    return InvalidField("description", "must not contain '<' or '>'");
  }
  if (CountCodePoints(description) > api::kMaxDescriptionLength) {
    return InvalidField("description", absl::StrCat("must be at most ",
                                                    api::kMaxDescriptionLength, " characters"));
  }
  return absl::OkStatus();
}

State::State(Options options, std::shared_ptr<IdSource> ids)
    : project_id_(std::move(options.project_id)),
      clock_(options.clock ? std::move(options.clock) : std::function<absl::Time()>(absl::Now)),
      ids_(ids ? std::move(ids) : std::make_shared<IdSource>()),
      transition_delay_(options.transition_delay) {}

absl::Duration State::transition_delay() const {
  std::lock_guard<std::mutex> lock(mu_);
  return transition_delay_;
}

void State::SetTransitionDelay(absl::Duration delay) {
  std::lock_guard<std::mutex> lock(mu_);
  transition_delay_ = delay;
}

absl::Time State::Now() const { return clock_(); }

absl::StatusOr<State::ServiceRecord*> State::FindLocked(absl::string_view service_id) {
  auto it = services_.find(service_id);
  if (it == services_.end()) return ServiceNotFound(service_id);
  AdvanceLocked(it->second, Now());
  return &it->second;
}

void State::AdvanceLocked(ServiceRecord& record, absl::Time now) {
  for (auto& [id, connection] : record.connections) {
    if (connection.pending_status.has_value() && connection.pending_due <= now) {
      if (*connection.pending_status == ConnectionStatus::kFailed) {
        connection.errors = connection.fail_on_receive.value_or(std::vector<ConnectionError>{});
        if (connection.errors.empty()) {
          connection.errors.push_back(SimulatedFailure());
        }
        connection.fail_on_receive.reset();
      }
      SetStatusLocked(connection, *connection.pending_status, connection.pending_due);
      connection.pending_status.reset();
    }
  }
}

bool State::EndpointExistsLocked(absl::string_view endpoint_id) const {
  for (const auto& [id, record] : services_) {
    if (record.connections.contains(endpoint_id)) return true;
  }
  return false;
}

absl::StatusOr<Service> State::GetService(absl::string_view service_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto record = FindLocked(service_id);
  if (!record.ok()) return record.status();
  return (*record)->service;
}

absl::StatusOr<ListResult> State::ListConnections(absl::string_view service_id,
                                                  const ListQuery& query) {
  std::lock_guard<std::mutex> lock(mu_);
  auto record = FindLocked(service_id);
  if (!record.ok()) return record.status();

  std::optional<int64_t> marker_id;
  if (query.marker_id.has_value()) {
    int64_t value;
    // Not a marker id: matches nothing.
    marker_id = absl::SimpleAtoi(*query.marker_id, &value) && value >= 0 ? value : -1;
  }
  std::vector<const Connection*> matches;
  for (const auto& [id, connection] : (*record)->connections) {
    if (query.id.has_value() && !query.ignore_id && connection.id != *query.id) continue;
    if (marker_id.has_value() && connection.marker_id != *marker_id) continue;
    if (query.status.has_value() && connection.status != *query.status) continue;
    matches.push_back(&connection);
  }
  if (query.unstable_ties) {
    // The sort key as the answer shows it (whole seconds); among equal ones
    // a fresh random order, as an API sorting on that key alone may give.
    std::mt19937_64 rng(query.shuffle_seed);
    std::shuffle(matches.begin(), matches.end(), rng);
    auto shown = [&query](const Connection* c) {
      return absl::ToUnixSeconds(query.sort_key == SortKey::kCreatedAt ? c->created_at
                                                                       : c->updated_at);
    };
    std::stable_sort(matches.begin(), matches.end(), [&](const Connection* a, const Connection* b) {
      return query.sort_dir == SortDir::kAsc ? shown(a) < shown(b) : shown(b) < shown(a);
    });
  } else {
    std::sort(matches.begin(), matches.end(), [&query](const Connection* a, const Connection* b) {
      return ListOrder(query, *a, *b);
    });
  }

  ListResult result;
  result.total_count = static_cast<int64_t>(matches.size());
  const size_t begin = static_cast<size_t>(std::min<int64_t>(query.offset, result.total_count));
  const size_t end = std::min(matches.size(), begin + static_cast<size_t>(query.limit));
  for (size_t i = begin; i < end; ++i) result.connections.push_back(*matches[i]);
  return result;
}

absl::StatusOr<Connection> State::ApplyAction(absl::string_view service_id,
                                              absl::string_view endpoint_id, Action action) {
  std::lock_guard<std::mutex> lock(mu_);
  auto record = FindLocked(service_id);
  if (!record.ok()) return record.status();
  if ((*record)->service.status != "available") {
    return MakeError(400, codes::kServiceUnavailable,
                     absl::StrCat("The endpoint service ", service_id, " is unavailable (status ",
                                  (*record)->service.status, ")."));
  }
  auto it = (*record)->connections.find(endpoint_id);
  if (it == (*record)->connections.end()) return NotServiceEndpoint(endpoint_id);
  Connection& connection = it->second;
  connection.touched = true;
  const absl::Time now = Now();
  const absl::Time due = now + transition_delay_;

  if (absl::Status refused = ActionRefused(connection, endpoint_id); !refused.ok()) {
    return refused;
  }
  if (action == Action::kReceive) {
    const ConnectionStatus target = connection.fail_on_receive.has_value()
                                        ? ConnectionStatus::kFailed
                                        : ConnectionStatus::kAccepted;
    switch (connection.status) {
      case ConnectionStatus::kAccepted:
        // Even with a reject still pending: the visible status decides.
        return MakeError(400, codes::kAlreadyConnected,
                         absl::StrCat("The endpoint ", endpoint_id, " is already connected."));
      case ConnectionStatus::kCreating:
        // Already on its way; a pending reject is replaced by the accept.
        if (connection.pending_status != target) {
          connection.pending_status = target;
          connection.pending_due = due;
        }
        break;
      default:  // pendingAcceptance, rejected
        SetStatusLocked(connection, ConnectionStatus::kCreating, now);
        connection.pending_status = target;
        connection.pending_due = due;
        break;
    }
  } else {
    ScheduleReject(connection, due);
  }
  return connection;
}

absl::StatusOr<std::vector<Connection>> State::UpdateDescriptions(
    absl::string_view service_id, const std::vector<DescriptionUpdate>& updates) {
  std::lock_guard<std::mutex> lock(mu_);
  auto record = FindLocked(service_id);
  if (!record.ok()) return record.status();
  for (const DescriptionUpdate& update : updates) {
    if (!(*record)->connections.contains(update.id)) return NotServiceEndpoint(update.id);
    absl::Status valid = ValidateDescription(update.description);
    if (!valid.ok()) return valid;
  }
  const absl::Time now = Now();
  std::vector<Connection> result;
  for (const DescriptionUpdate& update : updates) {
    Connection& connection = (*record)->connections.at(update.id);
    connection.description = update.description;
    connection.updated_at = now;
    connection.touched = true;
    result.push_back(connection);
  }
  return result;
}

absl::StatusOr<Service> State::AddService(const ServiceSpec& spec) {
  std::lock_guard<std::mutex> lock(mu_);
  Service service;
  service.id = spec.id.empty() ? ids_->NewUuid() : spec.id;
  if (services_.contains(service.id)) {
    return MakeError(409, codes::kSimConflict,
                     absl::StrCat("The endpoint service ", service.id, " already exists."));
  }
  service.service_name = spec.service_name.empty()
                             ? absl::StrCat("sim.", service.id.substr(0, 8), ".vpcep")
                             : spec.service_name;
  service.status = spec.status;
  service.approval_enabled = spec.approval_enabled;
  service.service_type = spec.service_type;
  service.server_type = spec.server_type;
  service.vpc_id = spec.vpc_id.empty() ? ids_->NewUuid() : spec.vpc_id;
  service.project_id = project_id_;
  service.created_at = service.updated_at = Now();
  services_[service.id].service = service;
  return service;
}

absl::Status State::RemoveService(absl::string_view service_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (services_.erase(service_id) == 0) return ServiceNotFound(service_id);
  return absl::OkStatus();
}

std::vector<Service> State::ListServices() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Service> result;
  for (const auto& [id, record] : services_) result.push_back(record.service);
  std::sort(result.begin(), result.end(), [](const Service& a, const Service& b) {
    return a.created_at != b.created_at ? a.created_at < b.created_at : a.id < b.id;
  });
  return result;
}

absl::StatusOr<Connection> State::AddConnection(absl::string_view service_id,
                                                const ConnectionSpec& spec) {
  std::lock_guard<std::mutex> lock(mu_);
  auto record = FindLocked(service_id);
  if (!record.ok()) return record.status();
  if (spec.domain_id.empty()) return InvalidField("domain_id", "is required");
  absl::Status valid = ValidateDescription(spec.description);
  if (!valid.ok()) return valid;

  Connection connection;
  connection.id = spec.id.empty() ? ids_->NewUuid() : spec.id;
  if (EndpointExistsLocked(connection.id)) {
    return MakeError(
        409, codes::kSimConflict,
        absl::StrCat("The endpoint ", connection.id, " is already connected to a service."));
  }
  connection.marker_id = spec.marker_id.has_value() ? *spec.marker_id : next_marker_id_++;
  connection.domain_id = spec.domain_id;
  connection.status = spec.status.value_or((*record)->service.approval_enabled
                                               ? ConnectionStatus::kPendingAcceptance
                                               : ConnectionStatus::kAccepted);
  connection.created_at = spec.created_at.value_or(Now());
  connection.updated_at = spec.updated_at.value_or(connection.created_at);
  connection.description = spec.description;
  if (connection.status == ConnectionStatus::kFailed) {
    connection.errors = spec.errors;
    if (connection.errors.empty()) {
      connection.errors.push_back(SimulatedFailure());
    }
  }
  connection.sequence = next_sequence_++;
  (*record)->connections[connection.id] = connection;
  return connection;
}

absl::StatusOr<Connection*> State::FindConnectionLocked(absl::string_view service_id,
                                                        absl::string_view endpoint_id) {
  auto record = FindLocked(service_id);
  if (!record.ok()) return record.status();
  auto it = (*record)->connections.find(endpoint_id);
  if (it == (*record)->connections.end()) return NotServiceEndpoint(endpoint_id);
  return &it->second;
}

absl::StatusOr<Connection> State::SetConnectionStatus(absl::string_view service_id,
                                                      absl::string_view endpoint_id,
                                                      ConnectionStatus status,
                                                      std::vector<ConnectionError> errors) {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = FindConnectionLocked(service_id, endpoint_id);
  if (!found.ok()) return found.status();
  Connection& connection = **found;
  connection.pending_status.reset();
  SetStatusLocked(connection, status, Now());
  if (status == ConnectionStatus::kFailed) {
    connection.errors = std::move(errors);
    if (connection.errors.empty()) {
      connection.errors.push_back(SimulatedFailure());
    }
  }
  return connection;
}

absl::Status State::RemoveConnection(absl::string_view service_id, absl::string_view endpoint_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto record = FindLocked(service_id);
  if (!record.ok()) return record.status();
  if ((*record)->connections.erase(endpoint_id) == 0) return NotServiceEndpoint(endpoint_id);
  return absl::OkStatus();
}

Connection& State::AddGeneratedLocked(ServiceRecord& record, std::string domain_id,
                                      std::optional<ConnectionStatus> status) {
  std::string id = ids_->NewUuid();
  while (EndpointExistsLocked(id)) id = ids_->NewUuid();
  Connection& connection = record.connections[id];
  connection.id = std::move(id);
  connection.marker_id = next_marker_id_++;
  connection.domain_id = std::move(domain_id);
  connection.status =
      status.value_or(record.service.approval_enabled ? ConnectionStatus::kPendingAcceptance
                                                      : ConnectionStatus::kAccepted);
  connection.created_at = connection.updated_at = Now();
  if (connection.status == ConnectionStatus::kFailed) {
    connection.errors.push_back(SimulatedFailure());
  }
  connection.sequence = next_sequence_++;
  return connection;
}

absl::StatusOr<int64_t> State::GenerateConnections(absl::string_view service_id, int64_t count,
                                                   std::optional<ConnectionStatus> status) {
  std::lock_guard<std::mutex> lock(mu_);
  auto record = FindLocked(service_id);
  if (!record.ok()) return record.status();
  (*record)->connections.reserve((*record)->connections.size() + static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    AddGeneratedLocked(**record, ids_->NewRequestId(), status);
  }
  return static_cast<int64_t>((*record)->connections.size());
}

ChurnResult State::Churn(absl::string_view service_id, const ChurnStep& step) {
  std::lock_guard<std::mutex> lock(mu_);
  ChurnResult result;
  auto record = FindLocked(service_id);
  if (!record.ok()) return result;
  if (step.remove) {
    std::vector<const Connection*> candidates;
    for (const auto& [id, connection] : (*record)->connections) {
      if (!connection.touched &&
          (connection.churned || connection.status == ConnectionStatus::kPendingAcceptance)) {
        candidates.push_back(&connection);
      }
    }
    if (!candidates.empty()) {
      std::sort(candidates.begin(), candidates.end(),
                [](const Connection* a, const Connection* b) { return a->sequence < b->sequence; });
      const std::string victim = candidates[step.pick % candidates.size()]->id;
      (*record)->connections.erase(victim);
      result.removed = true;
    }
  }
  if (step.create) {
    AddGeneratedLocked(**record, step.domain_id, std::nullopt).churned = true;
    result.created = true;
  }
  return result;
}

absl::StatusOr<Connection> State::SetFailOnReceive(absl::string_view service_id,
                                                   absl::string_view endpoint_id,
                                                   std::vector<ConnectionError> errors) {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = FindConnectionLocked(service_id, endpoint_id);
  if (!found.ok()) return found.status();
  (*found)->fail_on_receive = std::move(errors);
  return **found;
}

absl::StatusOr<Connection> State::GetConnection(absl::string_view service_id,
                                                absl::string_view endpoint_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = FindConnectionLocked(service_id, endpoint_id);
  if (!found.ok()) return found.status();
  return **found;
}

absl::StatusOr<std::vector<Connection>> State::AllConnections(absl::string_view service_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto record = FindLocked(service_id);
  if (!record.ok()) return record.status();
  std::vector<Connection> result;
  for (const auto& [id, connection] : (*record)->connections) result.push_back(connection);
  std::sort(result.begin(), result.end(),
            [](const Connection& a, const Connection& b) { return a.sequence < b.sequence; });
  return result;
}

}  // namespace vpcep::sim
