// go-plugin handshake pieces, kept free of I/O so they are unit-testable:
// the magic cookie check, protocol version negotiation and the handshake line.
#ifndef VPCEP_PROVIDER_PLUGIN_HANDSHAKE_H_
#define VPCEP_PROVIDER_PLUGIN_HANDSHAKE_H_

#include <set>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace vpcep::plugin {

inline constexpr absl::string_view kMagicCookieKey = "TF_PLUGIN_MAGIC_COOKIE";
inline constexpr absl::string_view kMagicCookieValue =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

// Error (with a message for a human who ran the binary by hand) unless `cookie`
// is Terraform's magic cookie.
absl::Status CheckMagicCookie(const char* cookie);

// Picks the highest version offered in `offered` (comma-separated, any order,
// as in PLUGIN_PROTOCOL_VERSIONS) that is in `supported`.
absl::StatusOr<int> NegotiateVersion(absl::string_view offered, const std::set<int>& supported);

// `1|<version>|<network>|<address>|grpc|<cert>`; `cert_der` empty = plaintext.
std::string HandshakeLine(int version, absl::string_view network, absl::string_view address,
                          absl::string_view cert_der);

}  // namespace vpcep::plugin

#endif  // VPCEP_PROVIDER_PLUGIN_HANDSHAKE_H_
