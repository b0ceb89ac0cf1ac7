#include "provider/cloud/aksk_signer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <climits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace vpcep::cloud {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kHexLower[] = "0123456789abcdef";

bool IsUnreserved(unsigned char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string ToLowerHex(const unsigned char* data, size_t size) {
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out += kHexLower[data[i] >> 4];
    out += kHexLower[data[i] & 15];
  }
  return out;
}

bool HasLineBreak(absl::string_view s) {
  return s.find_first_of("\r\n") != absl::string_view::npos;
}

// A header name usable in the canonical form: non-empty, no separators that
// would make the canonical text ambiguous.
bool IsValidHeaderName(absl::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (c <= ' ' || c >= 0x7f || c == ':' || c == ';' || c == ',') return false;
  }
  return true;
}

// Index of the only header called `lower_name`, -1 when absent, -2 when repeated.
int FindUnique(const StringPairs& headers, absl::string_view lower_name) {
  int found = -1;
  for (size_t i = 0; i < headers.size(); ++i) {
    if (absl::EqualsIgnoreCase(headers[i].first, lower_name)) {
      if (found >= 0) return -2;
      found = static_cast<int>(i);
    }
  }
  return found;
}

bool HasHeader(const StringPairs& headers, absl::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return absl::EqualsIgnoreCase(h.first, name); });
}

void RemoveHeader(StringPairs& headers, absl::string_view name) {
  headers.erase(
      std::remove_if(headers.begin(), headers.end(),
                     [&](const auto& h) { return absl::EqualsIgnoreCase(h.first, name); }),
      headers.end());
}

}  // namespace

std::string SigningEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (IsUnreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHexUpper[c >> 4];
      out += kHexUpper[c & 15];
    }
  }
  return out;
}

absl::StatusOr<std::string> PercentDecode(absl::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      int hi = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("malformed percent-escape at offset ", i, " in \"", text, "\""));
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

absl::StatusOr<StringPairs> ParseQueryString(absl::string_view raw_query) {
  StringPairs pairs;
  for (absl::string_view piece : absl::StrSplit(raw_query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(piece, absl::MaxSplits('=', 1));
    absl::StatusOr<std::string> key = PercentDecode(kv.first, /*plus_is_space=*/true);
    if (!key.ok()) return key.status();
    absl::StatusOr<std::string> value = PercentDecode(kv.second, /*plus_is_space=*/true);
    if (!value.ok()) return value.status();
    pairs.emplace_back(*std::move(key), *std::move(value));
  }
  return pairs;
}

absl::StatusOr<std::string> CanonicalUri(absl::string_view path) {
  std::vector<std::string> segments;
  for (absl::string_view segment : absl::StrSplit(path, '/')) {
    absl::StatusOr<std::string> decoded = PercentDecode(segment, /*plus_is_space=*/false);
    if (!decoded.ok()) return decoded.status();
    segments.push_back(SigningEscape(*decoded));
  }
  std::string uri = absl::StrJoin(segments, "/");
  if (uri.empty() || uri.back() != '/') uri += '/';
  return uri;
}

std::string CanonicalQuery(const StringPairs& decoded_query) {
  StringPairs sorted = decoded_query;
  // std::string compares as unsigned bytes: byte order on key, then value.
  std::sort(sorted.begin(), sorted.end());
  std::string out;
  for (const auto& [key, value] : sorted) {
    if (!out.empty()) out += '&';
    absl::StrAppend(&out, SigningEscape(key), "=", SigningEscape(value));
  }
  return out;
}

absl::StatusOr<CanonicalHeaderBlock> CanonicalHeaders(
    const StringPairs& headers, const std::vector<std::string>& signed_headers) {
  std::vector<std::string> names;
  names.reserve(signed_headers.size());
  for (const std::string& name : signed_headers) {
    if (!IsValidHeaderName(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid header name to sign: \"", name, "\""));
    }
    names.push_back(absl::AsciiStrToLower(name));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  if (names.empty()) return absl::InvalidArgumentError("no headers to sign");

  CanonicalHeaderBlock block;
  for (const std::string& name : names) {
    int index = FindUnique(headers, name);
    if (index == -1) {
      return absl::InvalidArgumentError(absl::StrCat("header to sign is missing: ", name));
    }
    if (index == -2) {
      return absl::InvalidArgumentError(absl::StrCat("header to sign appears twice: ", name));
    }
    absl::string_view value = headers[static_cast<size_t>(index)].second;
    if (HasLineBreak(value)) {
      return absl::InvalidArgumentError(absl::StrCat("line break in the value of header ", name));
    }
    absl::StrAppend(&block.canonical_headers, name, ":", absl::StripAsciiWhitespace(value), "\n");
  }
  block.signed_headers = absl::StrJoin(names, ";");
  return block;
}

std::string HexSha256(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1) return "";
  return ToLowerHex(digest, size);
}

std::string HexHmacSha256(absl::string_view key, absl::string_view data) {
  if (key.size() > static_cast<size_t>(INT_MAX)) return "";
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // OpenSSL wants a non-null key pointer even for an empty key.
  static const unsigned char kEmpty = 0;
  const void* key_bytes = key.empty() ? static_cast<const void*>(&kEmpty) : key.data();
  if (HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
           &size) == nullptr) {
    return "";
  }
  return ToLowerHex(mac, size);
}

std::string PayloadHash(const StringPairs& headers, absl::string_view body) {
  for (const auto& [name, value] : headers) {
    if (absl::EqualsIgnoreCase(name, kSdkContentSha256Header)) {
      return std::string(absl::StripAsciiWhitespace(value));
    }
  }
  return HexSha256(body);
}

std::string CanonicalRequest(absl::string_view method, absl::string_view canonical_uri,
                             absl::string_view canonical_query, const CanonicalHeaderBlock& headers,
                             absl::string_view payload_hash) {
  // canonical_headers already ends in '\n', so a blank line precedes the
  // signed-headers line.
  return absl::StrCat(method, "\n", canonical_uri, "\n", canonical_query, "\n",
                      headers.canonical_headers, "\n", headers.signed_headers, "\n", payload_hash);
}

std::string StringToSign(absl::string_view sdk_date, absl::string_view canonical_request) {
  return absl::StrCat(kSdkSigningAlgorithm, "\n", sdk_date, "\n", HexSha256(canonical_request));
}

std::string Signature(absl::string_view sk, absl::string_view string_to_sign) {
  return HexHmacSha256(sk, string_to_sign);
}

std::string AuthorizationValue(absl::string_view ak, absl::string_view signed_headers,
                               absl::string_view signature) {
  return absl::StrCat(kSdkSigningAlgorithm, " Access=", ak, ", SignedHeaders=", signed_headers,
                      ", Signature=", signature);
}

std::string FormatSdkDate(absl::Time t) {
  return absl::FormatTime("%Y%m%dT%H%M%SZ", t, absl::UTCTimeZone());
}

namespace {

// Sign() without the body copy: AkSkAuth passes the request body by view.
absl::StatusOr<SigningResult> SignImpl(absl::string_view method, absl::string_view path,
                                       const StringPairs& query, const StringPairs& headers,
                                       absl::string_view body,
                                       const std::vector<std::string>& signed_headers,
                                       absl::string_view ak, absl::string_view sk) {
  if (ak.empty() || sk.empty()) return absl::InvalidArgumentError("AK and SK must not be empty");
  for (unsigned char c : ak) {
    if (c <= ' ' || c >= 0x7f || c == ',') {
      return absl::InvalidArgumentError("the AK contains a character not allowed in a header");
    }
  }
  if (method.empty() || HasLineBreak(method))
    return absl::InvalidArgumentError("invalid HTTP method");
  bool signs_date =
      std::any_of(signed_headers.begin(), signed_headers.end(),
                  [](const std::string& h) { return absl::EqualsIgnoreCase(h, kSdkDateHeader); });
  if (!signs_date) return absl::InvalidArgumentError("x-sdk-date must be a signed header");

  absl::StatusOr<CanonicalHeaderBlock> block = CanonicalHeaders(headers, signed_headers);
  if (!block.ok()) return block.status();
  // CanonicalHeaders has checked that the date header is there exactly once.
  int date_index = FindUnique(headers, kSdkDateHeader);
  absl::string_view sdk_date =
      absl::StripAsciiWhitespace(headers[static_cast<size_t>(date_index)].second);

  absl::StatusOr<std::string> uri = CanonicalUri(path);
  if (!uri.ok()) return uri.status();
  std::string payload_hash = PayloadHash(headers, body);
  if (payload_hash.empty()) return absl::InternalError("SHA-256 failed (OpenSSL)");

  SigningResult result;
  result.canonical_request =
      CanonicalRequest(method, *uri, CanonicalQuery(query), *block, payload_hash);
  result.string_to_sign = StringToSign(sdk_date, result.canonical_request);
  // An empty hash (OpenSSL failure) would leave the string ending in '\n'.
  if (absl::EndsWith(result.string_to_sign, "\n")) {
    return absl::InternalError("SHA-256 failed (OpenSSL)");
  }
  result.signature = Signature(sk, result.string_to_sign);
  if (result.signature.empty()) return absl::InternalError("HMAC-SHA256 failed (OpenSSL)");
  result.authorization = AuthorizationValue(ak, block->signed_headers, result.signature);
  return result;
}

}  // namespace

absl::StatusOr<SigningResult> Sign(const SigningInput& input, absl::string_view ak,
                                   absl::string_view sk) {
  return SignImpl(input.method, input.path, input.query, input.headers, input.body,
                  input.signed_headers, ak, sk);
}

absl::StatusOr<UrlParts> SplitUrl(absl::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos || scheme_end == 0) {
    return absl::InvalidArgumentError(absl::StrCat("not an absolute URL: \"", url, "\""));
  }
  UrlParts parts;
  parts.scheme = std::string(url.substr(0, scheme_end));
  absl::string_view rest = url.substr(scheme_end + 3);

  size_t authority_end = rest.find_first_of("/?#");
  absl::string_view authority = rest.substr(0, authority_end);
  if (authority.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("URL without a host: \"", url, "\""));
  }
  if (absl::StrContains(authority, '@')) {
    return absl::InvalidArgumentError("URLs with user info are not supported");
  }
  parts.authority = std::string(authority);
  rest =
      authority_end == absl::string_view::npos ? absl::string_view() : rest.substr(authority_end);

  rest = rest.substr(0, rest.find('#'));  // the fragment is never sent
  size_t query_start = rest.find('?');
  parts.path = std::string(rest.substr(0, query_start));
  if (query_start != absl::string_view::npos) {
    parts.raw_query = std::string(rest.substr(query_start + 1));
  }
  return parts;
}

AkSkAuth::AkSkAuth(AkSkCredentials credentials, Clock clock)
    : credentials_(std::move(credentials)), clock_(std::move(clock)) {
  if (!clock_) clock_ = &absl::Now;
}

AkSkAuth::AkSkAuth(std::string ak, std::string sk, std::string security_token,
                   std::string project_id, Clock clock)
    : AkSkAuth(AkSkCredentials{std::move(ak), std::move(sk), std::move(security_token),
                               std::move(project_id)},
               std::move(clock)) {}

absl::Status AkSkAuth::Authenticate(HttpRequest& request) const {
  absl::StatusOr<UrlParts> url = SplitUrl(request.url);
  if (!url.ok()) return url.status();
  absl::StatusOr<StringPairs> query = ParseQueryString(url->raw_query);
  if (!query.ok()) return query.status();

  // Work on a copy so a failure leaves the request untouched.
  StringPairs headers = request.headers;
  RemoveHeader(headers, "Host");
  RemoveHeader(headers, kSdkDateHeader);
  RemoveHeader(headers, "Authorization");
  headers.emplace_back("Host", url->authority);
  headers.emplace_back(std::string(kSdkDateHeader), FormatSdkDate(clock_()));
  if (!credentials_.project_id.empty()) {
    RemoveHeader(headers, "X-Project-Id");
    headers.emplace_back("X-Project-Id", credentials_.project_id);
  }
  if (!credentials_.security_token.empty()) {
    RemoveHeader(headers, "X-Security-Token");
    headers.emplace_back("X-Security-Token", credentials_.security_token);
  }

  std::vector<std::string> signed_headers = {"host", "x-sdk-date"};
  // Headers the official SDK signs when present. X-Sdk-Content-Sha256 is
  // signed too because it replaces the body hash.
  for (absl::string_view optional :
       {"content-type", "x-project-id", "x-security-token", "x-sdk-content-sha256"}) {
    if (HasHeader(headers, optional)) signed_headers.emplace_back(optional);
  }

  absl::StatusOr<SigningResult> result =
      SignImpl(request.method, url->path, *query, headers, request.body, signed_headers,
               credentials_.ak, credentials_.sk);
  if (!result.ok()) {
    return absl::Status(result.status().code(),
                        absl::StrCat("AK/SK signing failed: ", result.status().message()));
  }
  headers.emplace_back("Authorization", std::move(result->authorization));
  request.headers = std::move(headers);
  return absl::OkStatus();
}

}  // namespace vpcep::cloud
