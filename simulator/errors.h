// Error values of the simulator.
//
// Every failure inside the simulator is an absl::Status that also carries the
// HTTP status and the API error code ("EndPoint.2013", "APIGW.0301", ...) the
// HTTP layer must answer with. MakeError() builds such a status and
// ToApiError() reads it back; a status built elsewhere (no payload) maps to
// 500 EndPoint.0001. All functions are thread-safe (pure).

#ifndef VPCEP_SIMULATOR_ERRORS_H_
#define VPCEP_SIMULATOR_ERRORS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "provider/cloud/api_vocabulary.h"

namespace vpcep::sim {

// Error codes used by the simulator: the documented ones from the shared
// vocabulary, then the simulator's own choices for cases the contract's
// table leaves open ("SIM." codes: the admin API, and the Host check of a
// simulator listening on loopback only).
namespace codes {
using api::codes::kAlreadyConnected;
using api::codes::kEndpointDeleting;
using api::codes::kEndpointFailed;
using api::codes::kGatewayAuth;
using api::codes::kGatewayThrottled;
using api::codes::kInvalidAction;
using api::codes::kInvalidLimit;
using api::codes::kInvalidMarkerId;
using api::codes::kInvalidOffset;
using api::codes::kInvalidParameter;
using api::codes::kInvalidSortDir;
using api::codes::kInvalidSortKey;
using api::codes::kInvalidStatus;
using api::codes::kNotFound;
using api::codes::kNotServiceEndpoint;
using api::codes::kOneEndpointOnly;
using api::codes::kServiceNotFound;
using api::codes::kServiceUnavailable;
using api::codes::kSystemError;
using api::codes::kThrottled;
inline constexpr absl::string_view kInvalidProjectId = "EndPoint.0014";  // 400
inline constexpr absl::string_view kGatewayNoApi = "APIGW.0101";         // 404
inline constexpr absl::string_view kGatewayBadGateway = "APIGW.0202";    // 502
inline constexpr absl::string_view kGatewayUnavailable = "APIGW.0203";   // 503
inline constexpr absl::string_view kGatewayTimeout = "APIGW.0204";       // 504
inline constexpr absl::string_view kSimConflict = "SIM.0409";            // 409, admin API
inline constexpr absl::string_view kSimForeignHost = "SIM.0403";         // 403, any route
inline constexpr absl::string_view kSimNotJson = "SIM.0415";             // 415, admin API
}  // namespace codes

// What the HTTP layer sends back for a failed request.
struct ApiError {
  int http_status = 500;
  std::string code;
  std::string message;
};

// How "EndPoint.xxxx" codes are spelled in API error bodies: the error table
// says "EndPoint.", the official example "Endpoint.".
enum class CodeSpelling { kEndPoint, kEndpoint };

// `code` with its "EndPoint." prefix spelled as `spelling` (other codes as
// they are).
std::string SpellCode(absl::string_view code, CodeSpelling spelling);

// Returns a non-OK status carrying `http_status` and `code`.
absl::Status MakeError(int http_status, absl::string_view code, absl::string_view message);

// Shorthand for 400 EndPoint.0002 naming the offending field.
absl::Status InvalidField(absl::string_view field, absl::string_view why);

// Reads back what MakeError() stored. Requires !status.ok().
ApiError ToApiError(const absl::Status& status);

}  // namespace vpcep::sim

#endif  // VPCEP_SIMULATOR_ERRORS_H_
