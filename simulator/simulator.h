// Simulator: a running vpcep-sim (state + HTTP server on its own thread).
//
// The vpcep-sim binary is a thin wrapper around this class; tests embed it
// directly:
//
//   Simulator::Options options;
//   options.transition_delay = absl::Milliseconds(50);
//   auto sim = Simulator::Start(options);            // port 0: any free port
//   ServiceSpec service;
//   service.id = "svc";
//   sim.value()->state().AddService(service);        // seed from C++
//   ... talk HTTP to sim.value()->base_url() ...
//
// Thread-safety: all methods may be called from any thread. Stop() is
// idempotent and also run by the destructor.

#ifndef VPCEP_SIMULATOR_SIMULATOR_H_
#define VPCEP_SIMULATOR_SIMULATOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "simulator/api_server.h"
#include "simulator/authenticator.h"
#include "simulator/faults.h"
#include "simulator/ids.h"
#include "simulator/model.h"
#include "simulator/state.h"
#include "simulator/stats.h"

namespace vpcep::sim {

class Simulator {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    int port = 0;               // 0: any free port
    // Refuse non-loopback hosts unless set. When set, /admin calls need the
    // credentials API calls need (so one of token, aksk_keys, authenticator
    // is required) and any Host header is accepted; when not, requests
    // naming a Host that is not loopback are refused (DNS rebinding).
    bool allow_remote = false;
    std::string project_id = kDefaultProjectId;
    // When non-empty, API calls need header `X-Auth-Token: <token>`.
    std::string token;
    // AK -> SK. When non-empty, API calls signed with SDK-HMAC-SHA256 by one
    // of these keys are accepted (401 APIGW.0301 otherwise); unsigned calls
    // then need the token when one is set, else they are refused.
    std::map<std::string, std::string> aksk_keys;
    // Replaces the token and AK/SK checks when set.
    std::shared_ptr<const Authenticator> authenticator;
    // Fault injection (faults.h); none by default. `fault_seed` makes the
    // fault sequence reproducible.
    FaultConfig faults;
    std::optional<uint64_t> fault_seed;
    // Seeds churn (FaultConfig::churn_create/churn_delete); default fault_seed.
    std::optional<uint64_t> churn_seed;
    absl::Duration transition_delay = absl::Seconds(1);
    std::string seed_file;  // empty: start with no services
    bool log_requests = false;
    int threads = 16;
    absl::Duration keep_alive_timeout = absl::Seconds(1);
    std::function<absl::Time()> clock;    // null: absl::Now (tests may fake time)
    std::optional<uint64_t> random_seed;  // reproducible ids when set
  };

  // Loads the seed file, binds and starts serving. Fails on a bad seed file,
  // a non-loopback host without allow_remote, allow_remote without
  // credentials, or a port that cannot be bound.
  static absl::StatusOr<std::unique_ptr<Simulator>> Start(Options options);

  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // "http://127.0.0.1:43123" (IPv6 hosts in brackets).
  const std::string& base_url() const { return base_url_; }
  int port() const { return port_; }
  const std::string& project_id() const { return state_->project_id(); }

  State& state() { return *state_; }
  Stats& stats() { return stats_; }
  FaultInjector& faults() { return *faults_; }

  // Stops accepting and waits for the server thread. Requests in flight
  // finish; idle keep-alive connections may delay this by up to
  // Options::keep_alive_timeout.
  void Stop();

 private:
  explicit Simulator(Options options);

  const Options options_;
  std::shared_ptr<IdSource> ids_;
  std::unique_ptr<State> state_;
  Stats stats_;
  std::shared_ptr<FaultInjector> faults_;
  std::unique_ptr<ApiServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::string base_url_;

  std::mutex stop_mu_;  // guards stopped_ and serialises Stop()
  bool stopped_ = false;
};

}  // namespace vpcep::sim

#endif  // VPCEP_SIMULATOR_SIMULATOR_H_
