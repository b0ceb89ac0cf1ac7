// Typed VPCEP API client: list connections (all pages), accept/reject one
// endpoint, service details. Retries transient failures with capped backoff
// that StopProvider interrupts. Thread-safe; one client serves every RPC of a
// provider process.
#ifndef VPCEP_PROVIDER_CLOUD_CLIENT_H_
#define VPCEP_PROVIDER_CLOUD_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "provider/cloud/api_error.h"
#include "provider/cloud/api_vocabulary.h"
#include "provider/cloud/auth.h"
#include "provider/cloud/http.h"
#include "provider/cloud/list_coalescer.h"
#include "provider/cloud/throttle.h"
#include "provider/core/stop.h"

namespace vpcep::cloud {

struct ConnectionError {
  std::string code;
  std::string message;
};

struct Connection {
  std::string id;  // endpoint id
  int64_t marker_id = 0;
  std::string domain_id;
  std::string status;
  std::string created_at;
  std::string updated_at;
  std::string description;
  std::vector<ConnectionError> errors;  // set when status is "failed"
  // X-Request-Id of the response this connection was read from ("" if none),
  // so diagnostics can name the call that reported it.
  std::string request_id;
};

struct Service {
  std::string id;
  std::string name;
  std::string status;
  bool approval_enabled = true;
};

struct ListFilter {
  std::string endpoint_id;
  std::string marker_id;
  std::string status;
  std::string sort_key;  // create_at | update_at
  std::string sort_dir;  // asc | desc
};

struct ClientOptions {
  std::string endpoint;    // e.g. https://vpcep.ap-southeast-1.myhuaweicloud.com
  std::string project_id;
  int max_retries = 5;
  absl::Duration request_timeout = absl::Seconds(60);
  absl::Duration initial_backoff = absl::Milliseconds(500);
  absl::Duration max_backoff = absl::Seconds(10);
  // A whole listing stops with an error past this many pages (a server that
  // keeps answering full pages would otherwise be walked forever).
  int max_pages = 100;
};

// How one API call may be retried.
struct CallOptions {
  // No request, retry or backoff runs past it; each request's timeout is
  // shortened to fit.
  absl::Time deadline = absl::InfiniteFuture();
  // Retry transient failures (when the call is safe to repeat). Polls do not:
  // a failed poll is just a missed poll, the next one comes soon anyway.
  bool retry = true;
};

// One page of a list call.
struct Page {
  std::vector<Connection> connections;
  int64_t total_count = -1;  // -1 when the API did not report a usable number
};

inline constexpr int kMaxPageSize = api::kMaxPageSize;

// Parses one connection object of the API's JSON.
absl::StatusOr<Connection> ParseConnection(absl::string_view json_text);

class ServiceWatcher;

class VpcepClient {
 public:
  VpcepClient(ClientOptions options, std::shared_ptr<HttpTransport> transport,
              std::shared_ptr<Authenticator> auth, const core::StopSignal* stop);
  ~VpcepClient();
  VpcepClient(const VpcepClient&) = delete;
  VpcepClient& operator=(const VpcepClient&) = delete;

  // Lookups and waits for single connections, sized to the service (see
  // watcher.h). What resources use.
  ServiceWatcher& watcher() const { return *watcher_; }

  // One page of the list call.
  absl::StatusOr<Page> ListPage(absl::string_view service_id, const ListFilter& filter,
                                int64_t offset, int limit, const CallOptions& call = {}) const;

  // Every connection of the service matching `filter`, across all pages.
  // Pages are walked in ascending creation order (connections created
  // meanwhile land behind the walk) and de-duplicated by id, up to the API's
  // total_count (not to the first short page). A walk that lists fewer
  // connections than total_count is repeated, keeping what earlier walks saw;
  // when that does not reach it, or the API ignored a filter, the result is
  // an error, never a short list. The result is ordered as the filter asks,
  // equal keys by id. `deadline` bounds the whole listing.
  absl::StatusOr<std::vector<Connection>> ListConnections(
      absl::string_view service_id, const ListFilter& filter,
      absl::Time deadline = absl::InfiniteFuture()) const;

  // The connection of one endpoint, asked by id: an exact answer (nullopt
  // when the service has no connection of that endpoint). An answer that
  // ignored the id filter, or counts matches it does not show, proves no
  // absence: FailedPrecondition.
  absl::StatusOr<std::optional<Connection>> GetConnection(absl::string_view service_id,
                                                          absl::string_view endpoint_id,
                                                          const CallOptions& call = {}) const;

  // Answers whether an action whose answer was lost (no response, or a 5xx
  // that may have been sent after the action took effect) landed after all.
  using LandedCheck = std::function<bool()>;

  // action: "receive" or "reject"; one endpoint per call, as the API requires.
  // `landed`, when set, is asked after such a failure before the action is
  // sent again: when it answers true the action is not repeated and Act
  // returns an empty list (callers confirm outcomes with the list call).
  absl::StatusOr<std::vector<Connection>> Act(absl::string_view service_id,
                                              absl::string_view action,
                                              absl::string_view endpoint_id,
                                              absl::Time deadline = absl::InfiniteFuture(),
                                              const LandedCheck& landed = nullptr) const;

  absl::StatusOr<Service> GetService(absl::string_view service_id,
                                     absl::Time deadline = absl::InfiniteFuture()) const;

  // Sets the description of one connection (PUT .../connections/description).
  absl::StatusOr<std::vector<Connection>> UpdateDescription(
      absl::string_view service_id, absl::string_view endpoint_id,
      absl::string_view description, absl::Time deadline = absl::InfiniteFuture()) const;

  const ClientOptions& options() const { return options_; }
  const core::StopSignal* stop() const { return stop_; }
  const RateGate& rate_gate() const { return gate_; }

 private:
  // Sends with retries; returns the 2xx response or an ApiErrorStatus.
  // `landed` as for Act: a lost answer that it confirms ends the call with an
  // empty 200 response instead of a resend.
  absl::StatusOr<HttpResponse> Call(absl::string_view operation, HttpRequest request,
                                    bool retry_safe, const CallOptions& call = {},
                                    const LandedCheck& landed = nullptr) const;
  // One request through the rate gate; the failure as an ApiErrorStatus.
  absl::StatusOr<HttpResponse> SendOnce(absl::string_view operation, const HttpRequest& request,
                                        absl::Time deadline) const;
  std::string ServiceUrl(absl::string_view service_id) const;

  ClientOptions options_;
  std::shared_ptr<HttpTransport> transport_;
  std::shared_ptr<Authenticator> auth_;
  const core::StopSignal* stop_;
  mutable RateGate gate_;
  std::unique_ptr<ServiceWatcher> watcher_;
};

// Retries with capped, jittered exponential backoff: Next() sleeps before the
// next attempt, or says there is none (attempts used up, no time left before
// the deadline, or a stop request).
class Backoff {
 public:
  Backoff(const ClientOptions& options, absl::Time deadline, const core::StopSignal* stop);
  // `failure`: why the last attempt failed. On false, `*final` is the status to
  // return (the failure, noting why there is no further attempt).
  bool Next(absl::string_view operation, const absl::Status& failure, absl::Status* final);

 private:
  const ClientOptions& options_;
  absl::Time deadline_;
  const core::StopSignal* stop_;
  absl::Duration delay_;
  int retries_ = 0;
};

}  // namespace vpcep::cloud

#endif  // VPCEP_PROVIDER_CLOUD_CLIENT_H_
