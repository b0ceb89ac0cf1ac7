// ApiServer: the HTTP face of the simulator (cpp-httplib).
//
// Every request, whatever its method or path, enters through Handle(), which
// assigns a request id (X-Request-Id header on every response), matches the
// route (unknown: 404 APIGW.0101), calls Dispatch() and logs one line to
// stderr. Dispatch() counts API requests, authenticates them (401
// APIGW.0301), checks the project id in the path (400 EndPoint.0014) and
// calls the route's handler. Between the count and authentication come the
// rate limit (429 APIGW.0308) and fault injection (error rates, latency,
// dropped connections): the FaultInjector (faults.h) decides per request.
// Before routing, Handle() refuses a foreign Host when listening on loopback
// only (403 SIM.0403); /admin calls are authenticated when remote access is
// allowed, and admin POSTs must be JSON (415 SIM.0415), so that a web page
// cannot send them as a form or as text/plain.
//
// Thread-safety: httplib calls Handle() from a pool of worker threads; the
// server's only mutable state of its own is the serving flag under mu_ (and
// an atomic count of list calls, the seed of --unstable-order); the rest is
// guarded by State, Stats and IdSource. Bind() and Serve() are called once
// each, Stop() from any thread (Serve() then returns).

#ifndef VPCEP_SIMULATOR_API_SERVER_H_
#define VPCEP_SIMULATOR_API_SERVER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "simulator/authenticator.h"
#include "simulator/faults.h"
#include "simulator/ids.h"
#include "simulator/state.h"
#include "simulator/stats.h"

namespace vpcep::sim {

class ApiServer {
 public:
  struct Options {
    std::shared_ptr<const Authenticator> authenticator;  // null: allow all
    // Fault injection for API calls (never /admin). Null: a fresh injector
    // with no faults (the admin API can still configure it).
    std::shared_ptr<FaultInjector> faults;
    bool log_requests = false;
    int threads = 16;
    // How long an idle keep-alive connection is held. Stop() may wait this
    // long for clients that keep connections open.
    absl::Duration keep_alive_timeout = absl::Seconds(1);
    // Listening on loopback only: a request naming another Host (a web page
    // reaching the port by DNS rebinding) is refused, 403 SIM.0403.
    bool loopback_hosts_only = true;
    // Remote access allowed: /admin calls need what API calls need (the
    // authenticator must then be set), 401 APIGW.0301 otherwise.
    bool authenticate_admin = false;
  };

  // `state`, `stats` and `ids` must outlive the server.
  ApiServer(Options options, State* state, Stats* stats, IdSource* ids);
  ~ApiServer();

  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds the listening socket; returns the port (useful with port 0).
  absl::StatusOr<int> Bind(const std::string& host, int port);
  // Accepts connections until Stop(). Requires a successful Bind().
  void Serve();
  void Stop();

 private:
  // A handler's successful answer.
  struct Reply {
    int status = 200;
    nlohmann::json body;
  };
  struct Call {
    const httplib::Request& request;
    std::vector<std::string> params;  // the route's {placeholders}, in order
    FaultConfig config;               // snapshot taken when the request arrived
  };
  using HandlerFn = absl::StatusOr<Reply> (ApiServer::*)(const Call&);
  struct Route {
    const char* method;
    std::vector<std::string> pattern;  // path segments; "{}" matches any one
    bool api;                          // authenticated /v1 route
    ApiOperation operation;            // for Stats (api routes only)
    HandlerFn handler;
  };

  void Handle(const httplib::Request& request, httplib::Response& response);
  const Route* Match(const httplib::Request& request, std::vector<std::string>* params) const;
  // Sets *drop when the connection is to be closed without a response.
  absl::StatusOr<Reply> Dispatch(const Route& route, const Call& call, bool* drop);
  absl::StatusOr<Reply> DispatchApi(const Route& route, const Call& call);
  // The admin checks: credentials when remote access is allowed, JSON POSTs.
  absl::Status CheckAdmin(const httplib::Request& request) const;
  static std::vector<Route> BuildRoutes();

  // VPCEP API. params[0] is the project id, params[1] the service id.
  absl::StatusOr<Reply> HandleListConnections(const Call& call);
  absl::StatusOr<Reply> HandleAction(const Call& call);
  absl::StatusOr<Reply> HandleGetService(const Call& call);
  absl::StatusOr<Reply> HandleUpdateDescriptions(const Call& call);

  // Admin API.
  absl::StatusOr<Reply> HandleHealth(const Call& call);
  absl::StatusOr<Reply> HandleGetStats(const Call& call);
  absl::StatusOr<Reply> HandleResetStats(const Call& call);
  absl::StatusOr<Reply> HandleAdminListServices(const Call& call);
  absl::StatusOr<Reply> HandleAdminAddService(const Call& call);
  absl::StatusOr<Reply> HandleAdminRemoveService(const Call& call);
  absl::StatusOr<Reply> HandleAdminListConnections(const Call& call);
  absl::StatusOr<Reply> HandleAdminAddConnection(const Call& call);
  absl::StatusOr<Reply> HandleAdminSetStatus(const Call& call);
  absl::StatusOr<Reply> HandleAdminRemoveConnection(const Call& call);
  absl::StatusOr<Reply> HandleAdminGenerate(const Call& call);
  absl::StatusOr<Reply> HandleAdminFailOnReceive(const Call& call);
  absl::StatusOr<Reply> HandleGetFaults(const Call& call);
  absl::StatusOr<Reply> HandleSetFaults(const Call& call);

  std::mutex mu_;  // guards stop_requested_ and serving_
  bool stop_requested_ = false;
  bool serving_ = false;
  std::condition_variable serving_changed_;  // notified when serving_ becomes false

  const Options options_;
  const std::shared_ptr<FaultInjector> faults_;
  State* const state_;
  Stats* const stats_;
  IdSource* const ids_;
  const std::vector<Route> routes_;
  httplib::Server server_;
  std::atomic<uint64_t> shuffles_{0};
};

// True for "localhost", 127.0.0.0/8 and ::1 (with or without brackets).
bool IsLoopbackHost(absl::string_view host);

}  // namespace vpcep::sim

#endif  // VPCEP_SIMULATOR_API_SERVER_H_
