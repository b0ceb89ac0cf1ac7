#include "provider/plugin/server.h"

#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/ext/health_check_service_server_builder_option.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "nlohmann/json.hpp"
#include "proto/grpc_controller.grpc.pb.h"
#include "proto/grpc_stdio.grpc.pb.h"
#include "provider/core/dispatcher.h"
#include "provider/core/log.h"
#include "provider/plugin/certificate.h"
#include "provider/plugin/handshake.h"
#include "provider/protocol/provider_service.h"

namespace vpcep::plugin {
namespace {

constexpr int kMaxMessageBytes = 256 << 20;  // what Terraform's own client allows
constexpr size_t kMaxUnixPath = 100;          // sun_path is 108 bytes on Linux

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

// A one-way latch: the main thread waits on it; GRPCController.Shutdown and
// the signal watcher raise it, possibly both at once, so Raise is idempotent.
class ShutdownRequest {
 public:
  void Raise() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      raised_ = true;
    }
    raised_changed_.notify_all();
  }
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    raised_changed_.wait(lock, [this] { return raised_; });
  }

 private:
  std::mutex mu_;  // guards raised_
  std::condition_variable raised_changed_;  // notified when raised_ becomes true
  bool raised_ = false;
};

// Terraform calls Shutdown when done with the process; the reply goes out
// first, then the main thread stops the server (stopping it inside the
// handler would wait for this very call).
class Controller final : public ::plugin::GRPCController::Service {
 public:
  explicit Controller(ShutdownRequest& done) : done_(done) {}
  grpc::Status Shutdown(grpc::ServerContext*, const ::plugin::Empty*, ::plugin::Empty*) override {
    core::LogDebug("GRPCController.Shutdown received");
    done_.Raise();
    return grpc::Status::OK;
  }

 private:
  ShutdownRequest& done_;
};

// Logs go to stderr directly, so the stdio stream ends at once; a stream that
// stayed open would hold up shutdown.
class Stdio final : public ::plugin::GRPCStdio::Service {
  grpc::Status StreamStdio(grpc::ServerContext*, const google::protobuf::Empty*,
                           grpc::ServerWriter<::plugin::StdioData>*) override {
    return grpc::Status::OK;
  }
};

struct Listener {
  std::string network;  // "unix" or "tcp"
  std::string address;  // path or host:port
  std::string socket_dir;
};

std::string MakeSocketDir() {
  std::string base = Env("PLUGIN_UNIX_SOCKET_DIR");
  if (base.empty()) base = Env("TMPDIR");
  if (base.empty()) base = "/tmp";
  std::string templ = base + "/vpcep-plugin-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) return "";
  return buf.data();
}

// PLUGIN_UNIX_SOCKET_GROUP names the group allowed to connect: a group name,
// or a gid written in digits only. nullopt when unset. An unknown name is an
// error: falling back to some other group would hand the socket to it.
absl::StatusOr<std::optional<gid_t>> SocketGroup() {
  std::string group = Env("PLUGIN_UNIX_SOCKET_GROUP");
  if (group.empty()) return std::nullopt;
  if (struct group* g = getgrnam(group.c_str()); g != nullptr) return g->gr_gid;
  uint32_t gid = 0;
  bool digits = std::all_of(group.begin(), group.end(), absl::ascii_isdigit);
  if (digits && absl::SimpleAtoi(group, &gid)) return static_cast<gid_t>(gid);
  return absl::InvalidArgumentError(
      absl::StrCat("PLUGIN_UNIX_SOCKET_GROUP: there is no group \"", group, "\""));
}

// Gives `path` to the socket group with `mode`. The directory needs the group
// too (search permission), or the socket inside stays out of its reach.
absl::Status Grant(const std::string& path, std::optional<gid_t> gid, mode_t mode) {
  if (!gid.has_value()) return absl::OkStatus();
  if (chown(path.c_str(), static_cast<uid_t>(-1), *gid) != 0 || chmod(path.c_str(), mode) != 0) {
    return absl::ErrnoToStatus(
        errno, absl::StrCat("PLUGIN_UNIX_SOCKET_GROUP: cannot give ", path, " to group ", *gid));
  }
  return absl::OkStatus();
}

// Blocks SIGTERM (and SIGINT in debug mode) in every thread, so that one
// watcher thread can turn them into a shutdown.
sigset_t BlockShutdownSignals(bool debug) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  if (debug) sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// Prints why the provider cannot start; the exit code that says so.
int Fail(const absl::Status& why) {
  std::fprintf(stderr, "%s\n", std::string(why.message()).c_str());
  return 1;
}

// What Terraform's launch must have set (skipped in debug mode): the magic
// cookie, and a protocol version both sides speak, which this returns.
absl::StatusOr<int> CheckLaunch(const ServeOptions& options) {
  if (options.debug) return options.debug_protocol;
  if (absl::Status s = CheckMagicCookie(std::getenv(std::string(kMagicCookieKey).c_str()));
      !s.ok()) {
    return s;
  }
  return NegotiateVersion(Env("PLUGIN_PROTOCOL_VERSIONS"), {5, 6});
}

struct Credentials {
  std::shared_ptr<grpc::ServerCredentials> server;
  std::string cert_der;  // the certificate announced in the handshake; "" without TLS
};

// AutoMTLS: with Terraform's client certificate, a fresh self-signed server
// certificate, and only Terraform's certificate trusted. Plaintext without.
absl::StatusOr<Credentials> MakeCredentials(const ServeOptions& options) {
  std::string client_cert = options.debug ? "" : Env("PLUGIN_CLIENT_CERT");
  if (client_cert.empty()) return Credentials{grpc::InsecureServerCredentials(), ""};
  absl::StatusOr<Certificate> cert = GenerateSelfSigned("P-256");
  if (!cert.ok()) {
    return absl::Status(cert.status().code(), absl::StrCat("cannot create the TLS certificate: ",
                                                           cert.status().message()));
  }
  grpc::SslServerCredentialsOptions tls(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  tls.pem_root_certs = client_cert;
  tls.pem_key_cert_pairs.push_back({cert->key_pem, cert->cert_pem});
  return Credentials{grpc::SslServerCredentials(tls), cert->cert_der};
}

// Builds and starts a server for `uri` with every service; null on failure.
using ServerFactory = std::function<std::unique_ptr<grpc::Server>(const std::string& uri,
                                                                  int* port)>;

ServerFactory Factory(const std::shared_ptr<grpc::ServerCredentials>& creds,
                      std::vector<grpc::Service*> services) {
  return [creds, services](const std::string& uri, int* port) {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    builder.AddListeningPort(uri, creds, port);
    builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
    builder.SetMaxSendMessageSize(kMaxMessageBytes);
    for (grpc::Service* service : services) builder.RegisterService(service);
    return builder.BuildAndStart();
  };
}

// A unix socket in a fresh directory, given to the socket group if one is
// set; TCP on loopback when a unix socket is not possible. Fills `listener`.
absl::StatusOr<std::unique_ptr<grpc::Server>> Listen(const ServerFactory& build,
                                                     std::optional<gid_t> socket_group,
                                                     Listener& listener) {
  std::unique_ptr<grpc::Server> server;
  listener.socket_dir = MakeSocketDir();
  std::string socket_path = listener.socket_dir + "/plugin.sock";
  if (!listener.socket_dir.empty() && socket_path.size() <= kMaxUnixPath) {
    absl::Status granted = Grant(listener.socket_dir, socket_group, 0750);
    if (granted.ok()) server = build("unix:" + socket_path, nullptr);
    if (server) {
      listener.network = "unix";
      listener.address = socket_path;
      granted = Grant(socket_path, socket_group, 0660);
    }
    if (!granted.ok()) {
      if (server) server->Shutdown();
      unlink(socket_path.c_str());
      rmdir(listener.socket_dir.c_str());
      return granted;
    }
  }
  if (server) return server;
  int port = 0;
  server = build("127.0.0.1:0", &port);
  if (!server || port == 0) {
    return absl::UnavailableError("cannot listen on a unix socket or on 127.0.0.1");
  }
  listener.network = "tcp";
  listener.address = absl::StrCat("127.0.0.1:", port);
  return server;
}

// Tells Terraform where to connect: the handshake line, or in debug mode the
// TF_REATTACH_PROVIDERS value for a human to export.
void Announce(const ServeOptions& options, int version, const Listener& listener,
              const std::string& cert_der) {
  if (options.debug) {
    nlohmann::json reattach;
    reattach[options.provider_address] = {
        {"Protocol", "grpc"},
        {"ProtocolVersion", version},
        {"Pid", static_cast<int>(getpid())},
        {"Test", true},
        {"Addr", {{"Network", listener.network}, {"String", listener.address}}}};
    std::printf(
        "Provider serving in debug mode (plaintext, protocol %d).\n"
        "Run Terraform in another shell with:\n\n"
        "  export TF_REATTACH_PROVIDERS='%s'\n\n"
        "Stop with Ctrl-C.\n",
        version, reattach.dump().c_str());
  } else {
    std::printf("%s\n",
                HandshakeLine(version, listener.network, listener.address, cert_der).c_str());
  }
  std::fflush(stdout);  // Terraform waits for this line; stdout is a pipe
}

// Until GRPCController.Shutdown or one of `signals` (blocked in every thread,
// so only the watcher here receives them).
void WaitForShutdown(ShutdownRequest& shutdown, sigset_t signals) {
  std::thread signal_watcher([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    shutdown.Raise();
  });
  shutdown.Wait();
  // Wakes the watcher when the shutdown came from GRPCController instead.
  pthread_kill(signal_watcher.native_handle(), SIGTERM);
  signal_watcher.join();
}

void Stop(core::Provider& provider, std::unique_ptr<grpc::Server> server,
          const Listener& listener) {
  provider.stop().Stop();  // ends waits so that in-flight calls return
  core::LogDebug("stopping server");
  // go-plugin itself stops hard; in-flight calls were told to stop just above.
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(100));
  core::LogDebug("server stopped");
  server.reset();
  if (listener.network == "unix") unlink(listener.address.c_str());
  if (!listener.socket_dir.empty()) rmdir(listener.socket_dir.c_str());
  core::LogDebug("provider stopped");
}

}  // namespace

int Serve(core::Provider& provider, const ServeOptions& options) {
  // A write to a socket the peer has reset (a TLS close_notify after an API
  // server dropped the connection) must fail with EPIPE, not kill the process
  // in the middle of an apply. Set before any thread starts, so all inherit it.
  signal(SIGPIPE, SIG_IGN);
  core::SetLogLevel(core::LogLevelFromEnvironment());
  absl::StatusOr<int> version = CheckLaunch(options);
  if (!version.ok()) return Fail(version.status());
  // Ctrl-C reaches the whole process group; Terraform answers it with
  // StopProvider and waits, so dying here would lose in-flight applies.
  if (!options.debug) signal(SIGINT, SIG_IGN);
  sigset_t shutdown_signals = BlockShutdownSignals(options.debug);
  absl::StatusOr<std::optional<gid_t>> socket_group = SocketGroup();
  if (!socket_group.ok()) return Fail(socket_group.status());
  absl::StatusOr<Credentials> creds = MakeCredentials(options);
  if (!creds.ok()) return Fail(creds.status());

  core::Dispatcher dispatcher(provider);
  std::unique_ptr<grpc::Service> v5 = protocol::NewProviderServiceV5(dispatcher);
  std::unique_ptr<grpc::Service> v6 = protocol::NewProviderServiceV6(dispatcher);
  ShutdownRequest shutdown;
  Controller controller(shutdown);
  Stdio stdio;
  Listener listener;
  absl::StatusOr<std::unique_ptr<grpc::Server>> server = Listen(
      Factory(creds->server, {v5.get(), v6.get(), &controller, &stdio}), *socket_group, listener);
  if (!server.ok()) return Fail(server.status());
  (*server)->GetHealthCheckService()->SetServingStatus("plugin", true);
  Announce(options, *version, listener, creds->cert_der);
  core::LogInfo("provider started",
                {{"protocol", std::to_string(*version)}, {"address", listener.address}});

  WaitForShutdown(shutdown, shutdown_signals);
  Stop(provider, *std::move(server), listener);
  return 0;
}

}  // namespace vpcep::plugin
