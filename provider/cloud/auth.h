// Request authentication. TokenAuth sends an IAM token; AK/SK signing
// implements the same interface.
#ifndef VPCEP_PROVIDER_CLOUD_AUTH_H_
#define VPCEP_PROVIDER_CLOUD_AUTH_H_

#include <string>

#include "absl/status/status.h"
#include "provider/cloud/http.h"

namespace vpcep::cloud {

// Adds credentials to a fully built request (last step before sending, so a
// signature covers the final headers and body). Thread-safe.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual absl::Status Authenticate(HttpRequest& request) const = 0;
};

class TokenAuth : public Authenticator {
 public:
  explicit TokenAuth(std::string token) : token_(std::move(token)) {}
  absl::Status Authenticate(HttpRequest& request) const override {
    request.headers.emplace_back("X-Auth-Token", token_);
    return absl::OkStatus();
  }

 private:
  std::string token_;
};

}  // namespace vpcep::cloud

#endif  // VPCEP_PROVIDER_CLOUD_AUTH_H_
