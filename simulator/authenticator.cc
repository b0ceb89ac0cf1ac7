#include "simulator/authenticator.h"

#include "simulator/errors.h"

namespace vpcep::sim {
namespace {

// Compares without an early exit, so timing does not reveal a prefix match.
bool SameSecret(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

}  // namespace

absl::Status AllowAllAuthenticator::Authenticate(const httplib::Request&) const {
  return absl::OkStatus();
}

absl::Status TokenAuthenticator::Authenticate(const httplib::Request& request) const {
  if (!request.has_header("X-Auth-Token")) {
    return MakeError(401, codes::kGatewayAuth,
                     "Incorrect IAM authentication information: x-auth-token not found");
  }
  if (!SameSecret(request.get_header_value("X-Auth-Token"), token_)) {
    return MakeError(401, codes::kGatewayAuth,
                     "Incorrect IAM authentication information: verify token failed");
  }
  return absl::OkStatus();
}

}  // namespace vpcep::sim
