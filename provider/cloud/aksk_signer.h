// AK/SK request signing for Huawei Cloud API gateways (SDK-HMAC-SHA256).
//
// The scheme, in short: build a canonical text of the request (method, path,
// sorted query, a chosen set of headers, SHA-256 of the body), hash it, and
// sign "SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hash>" with HMAC-SHA256 keyed by the
// secret key. The result travels in
//   Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b>, Signature=<hex>
//
// Every step is a pure function below so it can be checked on its own against
// the vectors the official SDK produced (tests/data/signing-vectors.json).
// AkSkAuth plugs the scheme into the Authenticator interface.
//
// Secrets: nothing here logs. Callers must not log the SK, nor the signature /
// Authorization value (a signature is a replayable credential for 15 minutes).
#ifndef VPCEP_PROVIDER_CLOUD_AKSK_SIGNER_H_
#define VPCEP_PROVIDER_CLOUD_AKSK_SIGNER_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "provider/cloud/auth.h"
#include "provider/cloud/http.h"

namespace vpcep::cloud {

inline constexpr absl::string_view kSdkSigningAlgorithm = "SDK-HMAC-SHA256";
inline constexpr absl::string_view kSdkDateHeader = "X-Sdk-Date";
inline constexpr absl::string_view kSdkContentSha256Header = "X-Sdk-Content-Sha256";

using StringPairs = std::vector<std::pair<std::string, std::string>>;

struct SigningInput {
  std::string method;  // upper-case, as sent: GET, POST, ...
  // Path as it appears on the wire (percent-escapes allowed, e.g. "/v1/a%20b").
  // Each segment is decoded and re-encoded canonically, so an already-encoded
  // path and a plain one with only unreserved characters give the same result.
  std::string path;
  StringPairs query;    // decoded (key, value) pairs, any order, repeats allowed
  StringPairs headers;  // (name, value) as sent; must include host and X-Sdk-Date
  std::string body;     // exact bytes sent
  // Lower-case names of the headers to sign; any order. Must contain
  // "x-sdk-date"; each must be present exactly once in `headers`.
  std::vector<std::string> signed_headers;
};

struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // lower-case hex
  std::string authorization;  // full Authorization header value
};

// --- Building blocks (each one step of the algorithm) -----------------------

// Percent-encodes every byte except A-Z a-z 0-9 - . _ ~ as %XX (upper-case
// hex). Space becomes %20, never '+'.
std::string SigningEscape(absl::string_view text);

// Decodes %XX escapes. With `plus_is_space`, '+' decodes to a space (query
// strings, form encoding). Fails on a malformed escape.
absl::StatusOr<std::string> PercentDecode(absl::string_view text, bool plus_is_space);

// Splits a raw (encoded) query string "a=1&b=x%20y" into decoded pairs, in
// order. A key without '=' gets an empty value; empty pieces ("&&") are skipped.
// '+' is read as a space, as HTTP servers do.
absl::StatusOr<StringPairs> ParseQueryString(absl::string_view raw_query);

// "/v1/x" -> "/v1/x/": each segment decoded then SigningEscape'd, joined with
// '/', with a trailing '/' added when missing. An empty path gives "/".
absl::StatusOr<std::string> CanonicalUri(absl::string_view path);

// Sorted "k=v" pairs joined with '&' (empty for no query). Sorting is by the
// decoded key, then the decoded value, in byte order, as the official SDKs do;
// both are SigningEscape'd on output and an empty value keeps its '='.
std::string CanonicalQuery(const StringPairs& decoded_query);

struct CanonicalHeaderBlock {
  std::string canonical_headers;  // "name:value\n" per header, sorted by name
  std::string signed_headers;     // "name1;name2"
};

// Picks the headers named in `signed_headers` (lower-case; sorted and
// de-duplicated here) out of `headers` (names matched case-insensitively) and
// formats them with trimmed values. Fails when a signed header is missing,
// appears twice, or has a CR/LF in its value.
absl::StatusOr<CanonicalHeaderBlock> CanonicalHeaders(
    const StringPairs& headers, const std::vector<std::string>& signed_headers);

// Lower-case hex SHA-256 of `data`.
std::string HexSha256(absl::string_view data);
// Lower-case hex HMAC-SHA256 of `data` keyed with `key`.
std::string HexHmacSha256(absl::string_view key, absl::string_view data);

// Hex SHA-256 of the body, or the value of an X-Sdk-Content-Sha256 header
// (e.g. "UNSIGNED-PAYLOAD") when `headers` has one.
std::string PayloadHash(const StringPairs& headers, absl::string_view body);

// METHOD \n URI \n QUERY \n HEADERS(ending in \n) \n SIGNED \n PAYLOAD-HASH
std::string CanonicalRequest(absl::string_view method, absl::string_view canonical_uri,
                             absl::string_view canonical_query, const CanonicalHeaderBlock& headers,
                             absl::string_view payload_hash);

// "SDK-HMAC-SHA256\n" + sdk_date + "\n" + hex SHA-256 of the canonical request.
std::string StringToSign(absl::string_view sdk_date, absl::string_view canonical_request);

// Hex HMAC-SHA256 of the string to sign, keyed by the SK.
std::string Signature(absl::string_view sk, absl::string_view string_to_sign);

// "SDK-HMAC-SHA256 Access=<ak>, SignedHeaders=<signed>, Signature=<sig>"
std::string AuthorizationValue(absl::string_view ak, absl::string_view signed_headers,
                               absl::string_view signature);

// UTC "YYYYMMDDTHHMMSSZ".
std::string FormatSdkDate(absl::Time t);

// Runs all the steps. The X-Sdk-Date value comes from input.headers.
absl::StatusOr<SigningResult> Sign(const SigningInput& input, absl::string_view ak,
                                   absl::string_view sk);

// --- URL helper --------------------------------------------------------------

struct UrlParts {
  std::string scheme;     // "https"
  std::string authority;  // "host" or "host:port", verbatim from the URL
  std::string path;       // raw (still encoded); may be empty
  std::string raw_query;  // after '?', before '#'; raw (still encoded)
};

// Splits an absolute URL "scheme://authority[/path][?query][#fragment]".
// Rejects URLs without a scheme or host and URLs carrying user info.
absl::StatusOr<UrlParts> SplitUrl(absl::string_view url);

// --- Authenticator -----------------------------------------------------------

struct AkSkCredentials {
  std::string ak;
  std::string sk;
  std::string security_token;  // temporary credentials only; empty otherwise
  std::string project_id;      // sent as X-Project-Id when set
};

// Signs each request with AK/SK. Authenticate sets Host (the URL's authority),
// X-Sdk-Date (from the clock), X-Project-Id and X-Security-Token when
// configured, replacing any earlier copies of those headers and of
// Authorization, then signs host, x-sdk-date and whichever of content-type,
// x-project-id, x-security-token and x-sdk-content-sha256 the request carries,
// and appends Authorization. Immutable after construction, so thread-safe
// provided the clock is.
class AkSkAuth : public Authenticator {
 public:
  using Clock = std::function<absl::Time()>;

  // A null clock means absl::Now.
  explicit AkSkAuth(AkSkCredentials credentials, Clock clock = &absl::Now);
  AkSkAuth(std::string ak, std::string sk, std::string security_token = "",
           std::string project_id = "", Clock clock = &absl::Now);

  absl::Status Authenticate(HttpRequest& request) const override;

  // The AK is not secret; handy for diagnostics.
  const std::string& access_key() const { return credentials_.ak; }

 private:
  AkSkCredentials credentials_;
  Clock clock_;
};

}  // namespace vpcep::cloud

#endif  // VPCEP_PROVIDER_CLOUD_AKSK_SIGNER_H_
