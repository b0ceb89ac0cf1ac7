// HTTP transport used by the VPCEP client. The interface keeps the client
// testable with a scripted transport; HttplibTransport is the real one.
#ifndef VPCEP_PROVIDER_CLOUD_HTTP_H_
#define VPCEP_PROVIDER_CLOUD_HTTP_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "provider/core/stop.h"

namespace vpcep::cloud {

struct HttpRequest {
  std::string method;  // GET, POST, PUT
  std::string url;     // absolute, query string included
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  absl::Duration timeout = absl::Seconds(60);
  const core::StopSignal* stop = nullptr;  // aborts the transfer when raised
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string Header(const std::string& lower_name) const;
};

// Thread-safe: Send may be called from many threads at once.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // A non-OK status means no HTTP response was received (network error,
  // timeout, cancellation); HTTP error codes come back as responses.
  virtual absl::StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

struct HttpOptions {
  bool insecure = false;  // skip TLS verification (private clouds with self-signed certs)
  absl::Duration connect_timeout = absl::Seconds(10);
  // Proxy settings in the usual environment-variable form; empty = none.
  std::string https_proxy;  // e.g. http://proxy.example:3128
  std::string http_proxy;
  std::string no_proxy;     // comma-separated hosts or domain suffixes, or "*"
  // Reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case) into the above.
  static HttpOptions FromEnvironment();
};

// Transport on cpp-httplib with OpenSSL: verifies certificates against the
// system's CA store and the host name, keeps connections alive per origin.
class HttplibTransport : public HttpTransport {
 public:
  explicit HttplibTransport(HttpOptions options);
  ~HttplibTransport() override;
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override;

  // Connections opened so far (for tests: reuse keeps this low).
  int connections_opened() const;

 private:
  struct Connection;
  // An idle connection to `origin`, or a new client set up for it.
  absl::StatusOr<std::unique_ptr<Connection>> Acquire(const std::string& origin,
                                                      const std::string& scheme,
                                                      const std::string& host);
  void Release(std::unique_ptr<Connection> connection);

  HttpOptions options_;
  mutable std::mutex mu_;
  std::multimap<std::string, std::unique_ptr<Connection>> idle_;  // by origin; guarded by mu_
  int opened_ = 0;                                                // guarded by mu_
};

// Whether `host` is excluded from proxying by a NO_PROXY value.
bool NoProxyMatches(const std::string& no_proxy, const std::string& host);

}  // namespace vpcep::cloud

#endif  // VPCEP_PROVIDER_CLOUD_HTTP_H_
