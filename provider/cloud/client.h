// Typed VPCEP API client: list connections (all pages), accept/reject one
// endpoint, service details. Retries transient failures with capped backoff
// that StopProvider interrupts. Thread-safe; one client serves every RPC of a
// provider process.
#ifndef VPCEP_PROVIDER_CLOUD_CLIENT_H_
#define VPCEP_PROVIDER_CLOUD_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "provider/cloud/auth.h"
#include "provider/cloud/http.h"
#include "provider/cloud/list_coalescer.h"
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
};

// Parses one connection object of the API's JSON.
absl::StatusOr<Connection> ParseConnection(absl::string_view json_text);

class VpcepClient {
 public:
  VpcepClient(ClientOptions options, std::shared_ptr<HttpTransport> transport,
              std::shared_ptr<Authenticator> auth, const core::StopSignal* stop);
  VpcepClient(const VpcepClient&) = delete;
  VpcepClient& operator=(const VpcepClient&) = delete;

  // Every connection of the service, from a listing that started after this
  // call, or with a positive max_age at most that long before it and after
  // this client's last change to the service; concurrent callers share
  // listings (see ListCoalescer).
  ListCoalescer::Listing ListAllShared(
      const std::string& service_id, absl::Duration max_age = absl::ZeroDuration()) const;
  int64_t shared_list_fetches() const { return coalescer_.fetches(); }

  // Every connection of the service matching `filter`, across all pages.
  // `deadline` bounds the retries: no backoff sleeps past it.
  absl::StatusOr<std::vector<Connection>> ListConnections(
      absl::string_view service_id, const ListFilter& filter,
      absl::Time deadline = absl::InfiniteFuture()) const;
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

  absl::StatusOr<Service> GetService(absl::string_view service_id) const;

  // Sets the description of one connection (PUT .../connections/description).
  absl::StatusOr<std::vector<Connection>> UpdateDescription(absl::string_view service_id,
                                                            absl::string_view endpoint_id,
                                                            absl::string_view description) const;

  const ClientOptions& options() const { return options_; }

 private:
  // Sends with retries; returns the 2xx response or an ApiErrorStatus.
  // `landed` as for Act: a lost answer that it confirms ends the call with an
  // empty 200 response instead of a resend.
  absl::StatusOr<HttpResponse> Call(absl::string_view operation, HttpRequest request,
                                    bool retry_safe,
                                    absl::Time deadline = absl::InfiniteFuture(),
                                    const LandedCheck& landed = nullptr) const;
  std::string ServiceUrl(absl::string_view service_id) const;

  ClientOptions options_;
  std::shared_ptr<HttpTransport> transport_;
  std::shared_ptr<Authenticator> auth_;
  const core::StopSignal* stop_;
  mutable ListCoalescer coalescer_;
};

// Whether a failed call may be retried: network errors, 5xx, 429 and the
// API's throttling / temporarily-unavailable codes. Never 401/403.
bool IsRetryable(const absl::Status& status);

}  // namespace vpcep::cloud

#endif  // VPCEP_PROVIDER_CLOUD_CLIENT_H_
