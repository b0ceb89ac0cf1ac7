// AK/SK (SDK-HMAC-SHA256) verification of API requests, with an optional
// fallback (the token check) for requests that carry no AK/SK signature.
//
// The signature is recomputed from the received request with the provider's
// signing functions (provider/cloud/aksk_signer.h): method, the path as sent,
// the decoded query, the headers named in SignedHeaders, the body hash (or
// X-Sdk-Content-Sha256). Failures are 401 APIGW.0301:
//   - unknown AK, malformed Authorization, bad signature:
//     "Incorrect IAM authentication information: verify aksk signature fail"
//   - X-Sdk-Date missing, malformed, or more than 15 minutes from the clock:
//     "Incorrect IAM authentication information: X-Sdk-Date ..." (see .cc)
// A request without "Authorization: SDK-HMAC-SHA256 ..." goes to `fallback`
// when set (token auth), else it is refused (401, "Authorization not found").
//
// Thread-safety: immutable after construction.

#ifndef VPCEP_SIMULATOR_AKSK_AUTHENTICATOR_H_
#define VPCEP_SIMULATOR_AKSK_AUTHENTICATOR_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "httplib.h"
#include "simulator/authenticator.h"

namespace vpcep::sim {

class AkSkAuthenticator : public Authenticator {
 public:
  // `keys`: AK -> SK. `clock` null: absl::Now.
  AkSkAuthenticator(std::map<std::string, std::string> keys,
                    std::shared_ptr<const Authenticator> fallback = nullptr,
                    std::function<absl::Time()> clock = nullptr,
                    absl::Duration max_skew = absl::Minutes(15));

  absl::Status Authenticate(const httplib::Request& request) const override;

 private:
  const std::map<std::string, std::string> keys_;
  const std::shared_ptr<const Authenticator> fallback_;
  const std::function<absl::Time()> clock_;
  const absl::Duration max_skew_;
};

}  // namespace vpcep::sim

#endif  // VPCEP_SIMULATOR_AKSK_AUTHENTICATOR_H_
