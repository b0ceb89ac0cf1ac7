// FaultyServer: an HTTP or HTTPS front for a real server (the simulator) that
// misbehaves on purpose, for tests of what the provider does when the network
// or the API gateway does something rude. Each request is matched against
// the rules in order; the first match decides what happens, otherwise the
// request is forwarded and its answer relayed.
#ifndef VPCEP_TESTS_SUPPORT_FAULTY_SERVER_H_
#define VPCEP_TESTS_SUPPORT_FAULTY_SERVER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"

namespace vpcep::testing {

struct FaultyRequest {
  std::string method;
  std::string target;  // path and query
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

enum class Misbehaviour {
  kForward,           // relay to the upstream and back (the default)
  kForwardThenReset,  // the upstream acts on it; the client gets a TCP reset
  kReset,             // a TCP reset without forwarding
  kRespond,           // answer with the rule's canned response
  kStall,             // read the request, never answer (until the server stops)
  kTruncate,          // the rule's response, cut after half its body, then closed
  kTrickle,           // the rule's response, one byte per second
  kHuge,              // a 200 whose body is `huge_bytes` long, sent as fast as read
};

struct FaultyRule {
  std::function<bool(const FaultyRequest&)> match;
  Misbehaviour action = Misbehaviour::kForward;
  int times = -1;  // how many matches it applies to; -1 = all
  int status = 502;  // kRespond
  std::string content_type = "text/html";
  std::string body;
  int64_t huge_bytes = int64_t{50} << 20;  // kHuge
  bool announce_length = true;  // kHuge: a Content-Length, or a body ended by closing
};

class FaultyServer {
 public:
  struct Options {
    std::string upstream;  // http://host:port
    bool tls = false;
    std::string cert_pem, key_pem;  // for tls
    bool stall_handshake = false;   // accept TCP, never complete the TLS handshake
  };
  static absl::StatusOr<std::unique_ptr<FaultyServer>> Start(Options options);
  ~FaultyServer();

  void AddRule(FaultyRule rule);
  // e.g. https://localhost:43210 (localhost, so a certificate for it verifies)
  std::string url() const;
  int port() const { return port_; }
  // How many requests each action was applied to.
  int Count(Misbehaviour action) const;
  // Body bytes written by kHuge and kTrickle responses (what the client read).
  int64_t BodyBytesSent() const { return body_bytes_sent_; }

 private:
  explicit FaultyServer(Options options) : options_(std::move(options)) {}
  void AcceptLoop();
  void Serve(int fd);

  Options options_;
  void* ssl_ctx_ = nullptr;  // SSL_CTX*
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> body_bytes_sent_{0};
  std::thread acceptor_;
  mutable std::mutex mu_;
  std::vector<FaultyRule> rules_;      // guarded by mu_
  std::map<Misbehaviour, int> counts_;  // guarded by mu_
  std::vector<std::thread> workers_;    // guarded by mu_
  std::vector<int> open_fds_;           // guarded by mu_
};

}  // namespace vpcep::testing

#endif  // VPCEP_TESTS_SUPPORT_FAULTY_SERVER_H_
