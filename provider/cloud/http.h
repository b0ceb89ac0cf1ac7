// HTTP transport used by the VPCEP client. The interface keeps the client
// testable with a scripted transport; CurlTransport is the real one.
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

struct CurlOptions {
  bool insecure = false;  // skip TLS verification (private clouds with self-signed certs)
  absl::Duration connect_timeout = absl::Seconds(10);
};

// libcurl transport. Keeps a pool of easy handles so connections are reused.
class CurlTransport : public HttpTransport {
 public:
  explicit CurlTransport(CurlOptions options);
  ~CurlTransport() override;
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override;

 private:
  void* Acquire();
  void Release(void* handle);

  CurlOptions options_;
  std::mutex mu_;  // guards idle_
  std::vector<void*> idle_;
};

}  // namespace vpcep::cloud

#endif  // VPCEP_PROVIDER_CLOUD_HTTP_H_
