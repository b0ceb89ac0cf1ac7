// Authentication of API requests (and of /admin ones when remote access is
// allowed).
//
// ApiServer asks its Authenticator about every request that matched an API
// route, before any handler runs. A non-OK result is sent back as is (use
// MakeError(401, codes::kGatewayAuth, ...) for the gateway's 401 body).
//
// AK/SK signature verification (shared/reference/signing.md) is another
// implementation, AkSkAuthenticator (aksk_authenticator.h), selected by
// Simulator::Options::aksk_keys. Implementations must be thread-safe: they are
// called from the server's worker threads concurrently.

#ifndef VPCEP_SIMULATOR_AUTHENTICATOR_H_
#define VPCEP_SIMULATOR_AUTHENTICATOR_H_

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "httplib.h"

namespace vpcep::sim {

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual absl::Status Authenticate(const httplib::Request& request) const = 0;
};

// Accepts every request.
class AllowAllAuthenticator : public Authenticator {
 public:
  absl::Status Authenticate(const httplib::Request& request) const override;
};

// Requires header `X-Auth-Token` equal to the configured token.
class TokenAuthenticator : public Authenticator {
 public:
  explicit TokenAuthenticator(std::string token) : token_(std::move(token)) {}
  absl::Status Authenticate(const httplib::Request& request) const override;

 private:
  const std::string token_;
};

}  // namespace vpcep::sim

#endif  // VPCEP_SIMULATOR_AUTHENTICATOR_H_
