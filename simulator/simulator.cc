#include "simulator/simulator.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "simulator/aksk_authenticator.h"
#include "simulator/seed.h"

namespace vpcep::sim {
namespace {

std::string StripBrackets(absl::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::string(host);
}

}  // namespace

Simulator::Simulator(Options options) : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<Simulator>> Simulator::Start(Options options) {
  if (!options.allow_remote && !IsLoopbackHost(options.host)) {
    return absl::InvalidArgumentError(
        absl::StrCat("refusing to listen on non-loopback host '", options.host,
                     "' (pass --allow-remote / Options::allow_remote to allow it)"));
  }
  // Remote callers reach /admin too, which then takes the API's credentials.
  if (options.allow_remote && options.token.empty() && options.aksk_keys.empty() &&
      options.authenticator == nullptr) {
    return absl::InvalidArgumentError(
        "--allow-remote needs --token or --ak/--sk (Options::token, aksk_keys or authenticator): "
        "without credentials anyone who can reach the port could change the simulator through "
        "/admin");
  }
  if (options.transition_delay < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("transition delay must not be negative");
  }
  if (absl::Status faults = options.faults.Validate(); !faults.ok()) return faults;
  std::unique_ptr<Simulator> sim(new Simulator(std::move(options)));
  const Options& opts = sim->options_;

  sim->ids_ = std::make_shared<IdSource>(opts.random_seed);
  State::Options state_options;
  state_options.project_id = opts.project_id;
  state_options.transition_delay = opts.transition_delay;
  state_options.clock = opts.clock;
  sim->state_ = std::make_unique<State>(std::move(state_options), sim->ids_);
  if (!opts.seed_file.empty()) {
    absl::Status seeded = LoadSeedFile(opts.seed_file, *sim->state_);
    if (!seeded.ok()) return seeded;
  }

  ApiServer::Options server_options;
  server_options.authenticator = opts.authenticator;
  if (server_options.authenticator == nullptr) {
    std::shared_ptr<const Authenticator> token;
    if (!opts.token.empty()) token = std::make_shared<TokenAuthenticator>(opts.token);
    if (!opts.aksk_keys.empty()) {
      server_options.authenticator =
          std::make_shared<AkSkAuthenticator>(opts.aksk_keys, std::move(token));
    } else {
      server_options.authenticator = std::move(token);
    }
  }
  sim->faults_ =
      std::make_shared<FaultInjector>(opts.faults, opts.fault_seed, opts.churn_seed, opts.clock);
  server_options.faults = sim->faults_;
  server_options.log_requests = opts.log_requests;
  server_options.threads = opts.threads;
  server_options.keep_alive_timeout = opts.keep_alive_timeout;
  server_options.loopback_hosts_only = !opts.allow_remote;
  server_options.authenticate_admin = opts.allow_remote;
  sim->server_ = std::make_unique<ApiServer>(std::move(server_options), sim->state_.get(),
                                             &sim->stats_, sim->ids_.get());

  const std::string bind_host = StripBrackets(opts.host);
  absl::StatusOr<int> port = sim->server_->Bind(bind_host, opts.port);
  if (!port.ok()) return port.status();
  sim->port_ = *port;
  const bool ipv6 = bind_host.find(':') != std::string::npos;
  sim->base_url_ =
      absl::StrCat("http://", ipv6 ? "[" : "", bind_host, ipv6 ? "]" : "", ":", sim->port_);
  // The socket already listens, so clients may connect before the accept
  // loop below is running.
  ApiServer* server = sim->server_.get();
  sim->thread_ = std::thread([server] { server->Serve(); });
  return sim;
}

Simulator::~Simulator() { Stop(); }

void Simulator::Stop() {
  std::lock_guard<std::mutex> lock(stop_mu_);
  if (stopped_) return;
  stopped_ = true;
  if (server_ != nullptr) server_->Stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace vpcep::sim
