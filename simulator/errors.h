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

namespace vpcep::sim {

// Error codes used by the simulator. The numbers follow the public VPCEP
// error code table; "SIM." codes are simulator-only (admin API).
namespace codes {
inline constexpr char kSystemError[] = "EndPoint.0001";       // 500
inline constexpr char kInvalidParameter[] = "EndPoint.0002";  // 400
inline constexpr char kNotFound[] = "EndPoint.0005";          // 404
inline constexpr char kInvalidLimit[] = "EndPoint.0006";      // 400
inline constexpr char kInvalidOffset[] = "EndPoint.0010";     // 400
inline constexpr char kInvalidProjectId[] = "EndPoint.0014";  // 400
inline constexpr char kInvalidSortKey[] = "EndPoint.0017";    // 400
inline constexpr char kInvalidSortDir[] = "EndPoint.0018";    // 400
inline constexpr char kInvalidStatus[] = "EndPoint.0019";     // 400
inline constexpr char kInvalidMarkerId[] = "EndPoint.0021";   // 400
inline constexpr char kServiceNotFound[] = "EndPoint.2003";   // 400 (sic)
inline constexpr char kServiceUnavailable[] = "EndPoint.2004";
inline constexpr char kNotServiceEndpoint[] = "EndPoint.2013";
inline constexpr char kAlreadyConnected[] = "EndPoint.2014";
inline constexpr char kEndpointDeleting[] = "EndPoint.2018";
inline constexpr char kInvalidAction[] = "EndPoint.2027";
inline constexpr char kOneEndpointOnly[] = "EndPoint.2031";
inline constexpr char kEndpointFailed[] = "EndPoint.2047";
inline constexpr char kGatewayNoApi[] = "APIGW.0101";  // 404
inline constexpr char kGatewayAuth[] = "APIGW.0301";   // 401
inline constexpr char kSimConflict[] = "SIM.0409";     // 409, admin API
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
