// Self-signed certificates for go-plugin's AutoMTLS.
//
// Each provider start makes a fresh ECDSA key and a certificate shaped like
// go-plugin's own (CN/SAN localhost, CA, the four key usages, serverAuth and
// clientAuth), so that Terraform's Go TLS stack accepts it as its own root.
// The key never leaves memory.
#ifndef VPCEP_PROVIDER_PLUGIN_CERTIFICATE_H_
#define VPCEP_PROVIDER_PLUGIN_CERTIFICATE_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace vpcep::plugin {

struct Certificate {
  std::string key_pem;   // PKCS#8 private key
  std::string cert_pem;  // X.509 certificate
  std::string cert_der;  // same certificate, DER bytes
};

// curve: an OpenSSL group name such as "P-256" or "P-521".
absl::StatusOr<Certificate> GenerateSelfSigned(absl::string_view curve = "P-256");

// Standard base64 alphabet with the trailing '=' padding removed, as go-plugin
// clients decode the handshake's certificate field.
std::string Base64NoPadding(absl::string_view bytes);

// Inverse of Base64NoPadding (accepts padded input too).
absl::StatusOr<std::string> Base64Decode(absl::string_view text);

// Converts a DER certificate to PEM.
absl::StatusOr<std::string> DerToPem(absl::string_view der);

}  // namespace vpcep::plugin

#endif  // VPCEP_PROVIDER_PLUGIN_CERTIFICATE_H_
