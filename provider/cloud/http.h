// HTTP transport used by the VPCEP client. The interface keeps the client
// testable with a scripted transport; CurlTransport is the real one.
#ifndef VPCEP_PROVIDER_CLOUD_HTTP_H_
#define VPCEP_PROVIDER_CLOUD_HTTP_H_

#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "provider/core/stop.h"

namespace vpcep::cloud {

struct CurlTransfer;  // one request in flight (http.cc)

struct HttpRequest {
  std::string method;  // GET, POST, PUT
  std::string url;     // absolute, query string included
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  absl::Duration timeout = absl::Seconds(60);  // bounds the whole request
  const core::StopSignal* stop = nullptr;      // aborts the transfer when raised
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
  // A non-OK status means no complete HTTP response was received: network
  // error or refused TLS (kUnavailable), timeout (kDeadlineExceeded), stop
  // (kCancelled), bad URL (kInvalidArgument), body over the cap
  // (kResourceExhausted). HTTP error codes come back as responses.
  virtual absl::StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

struct HttpOptions {
  bool insecure = false;  // skip TLS verification (private clouds with self-signed certs)
  absl::Duration connect_timeout = absl::Seconds(10);
  std::string user_agent;        // empty: no User-Agent header
  std::string ca_file;           // PEM bundle used instead of the system's (SSL_CERT_FILE)
  std::string ca_dir;            // hashed certificate directory (SSL_CERT_DIR)
  size_t max_body_bytes = 16 << 20;  // larger responses fail while arriving
  // CA settings from SSL_CERT_FILE / SSL_CERT_DIR, which libcurl does not
  // read itself. Proxies need nothing here: libcurl reads https_proxy,
  // http_proxy and no_proxy on every request (a plain-http loopback URL
  // never goes through one).
  static HttpOptions FromEnvironment();
};

// Transport on libcurl (OpenSSL): verifies certificates and the host name,
// follows no redirects, asks for no compression. One worker thread drives a
// curl multi handle for all requests, so connections, DNS answers, TLS
// sessions and the loaded CA store are shared by every caller; a stop wakes
// the worker, which drops the transfer at once (also mid-connect or
// mid-handshake). A POST always opens a connection of its own: libcurl
// would otherwise send it again by itself when a reused connection dies
// before the answer.
class CurlTransport : public HttpTransport {
 public:
  explicit CurlTransport(HttpOptions options);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override;

  // Connections opened so far (for tests: reuse keeps this low).
  int connections_opened() const;

 private:
  void Run();  // the worker thread
  void AddIncoming(std::vector<CurlTransfer*>& active);
  void DropCancelled(std::vector<CurlTransfer*>& active);
  void FinishCompleted(std::vector<CurlTransfer*>& active);
  void Finish(CurlTransfer* transfer, int result);
  void Cancel(CurlTransfer* transfer);
  void Wake();

  const HttpOptions options_;
  void* multi_ = nullptr;  // CURLM*, used by the worker thread only
  mutable std::mutex mu_;
  std::condition_variable done_;
  std::vector<CurlTransfer*> incoming_;  // guarded by mu_
  bool shutting_down_ = false;       // guarded by mu_
  int opened_ = 0;                   // guarded by mu_
  std::thread worker_;
};

}  // namespace vpcep::cloud

#endif  // VPCEP_PROVIDER_CLOUD_HTTP_H_
