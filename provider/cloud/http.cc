#include "provider/cloud/http.h"

#include <openssl/x509.h>

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "httplib.h"

namespace vpcep::cloud {
namespace {

struct Url {
  std::string scheme;  // http | https
  std::string host;    // without brackets
  int port = 0;
  std::string target;  // path and query
  std::string origin;  // scheme://host:port, the connection pool key
};

absl::StatusOr<Url> ParseUrl(const std::string& url) {
  Url u;
  absl::string_view rest = url;
  size_t sep = rest.find("://");
  if (sep == absl::string_view::npos) return absl::InvalidArgumentError("URL has no scheme");
  u.scheme = absl::AsciiStrToLower(rest.substr(0, sep));
  if (u.scheme != "http" && u.scheme != "https") {
    return absl::InvalidArgumentError(absl::StrCat("unsupported URL scheme \"", u.scheme, "\""));
  }
  rest.remove_prefix(sep + 3);
  size_t path = rest.find_first_of("/?");
  absl::string_view authority = rest.substr(0, path);
  u.target = path == absl::string_view::npos ? "/" : std::string(rest.substr(path));
  if (u.target[0] == '?') u.target = "/" + u.target;
  if (absl::StrContains(authority, '@')) {
    return absl::InvalidArgumentError("URLs with user information are not supported");
  }
  absl::string_view port;
  if (absl::StartsWith(authority, "[")) {  // [IPv6]:port
    size_t close = authority.find(']');
    if (close == absl::string_view::npos) return absl::InvalidArgumentError("bad IPv6 host");
    u.host = std::string(authority.substr(1, close - 1));
    absl::string_view after = authority.substr(close + 1);
    if (!after.empty() && !absl::ConsumePrefix(&after, ":")) {
      return absl::InvalidArgumentError("bad host");
    }
    port = after;
  } else {
    size_t colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != absl::string_view::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty()) return absl::InvalidArgumentError("URL has no host");
  if (port.empty()) {
    u.port = u.scheme == "https" ? 443 : 80;
  } else if (!absl::SimpleAtoi(port, &u.port) || u.port <= 0 || u.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("bad port \"", port, "\""));
  }
  std::string host = absl::StrContains(u.host, ':') ? absl::StrCat("[", u.host, "]") : u.host;
  u.origin = absl::StrCat(u.scheme, "://", host, ":", u.port);
  return u;
}

std::string Env(const char* upper, const char* lower) {
  for (const char* name : {upper, lower}) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') return v;
  }
  return "";
}

void SetTimeout(absl::Duration d, void (httplib::Client::*set)(time_t, time_t),
                httplib::Client& client) {
  if (d <= absl::ZeroDuration()) d = absl::Seconds(60);
  int64_t us = absl::ToInt64Microseconds(d);
  (client.*set)(static_cast<time_t>(us / 1000000), static_cast<time_t>(us % 1000000));
}

}  // namespace

std::string HttpResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

HttpOptions HttpOptions::FromEnvironment() {
  HttpOptions o;
  o.https_proxy = Env("HTTPS_PROXY", "https_proxy");
  o.http_proxy = Env("HTTP_PROXY", "http_proxy");
  o.no_proxy = Env("NO_PROXY", "no_proxy");
  return o;
}

bool NoProxyMatches(const std::string& no_proxy, const std::string& host) {
  std::string h = absl::AsciiStrToLower(host);
  for (absl::string_view entry : absl::StrSplit(no_proxy, ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    if (entry == "*") return true;
    if (!absl::StartsWith(entry, "[")) {  // drop a :port, but keep IPv6 literals whole
      if (size_t colon = entry.rfind(':');
          colon != absl::string_view::npos && entry.find(':') == colon) {
        entry = entry.substr(0, colon);
      }
    } else {
      entry = absl::StripPrefix(entry.substr(0, entry.find(']')), "[");
    }
    absl::ConsumePrefix(&entry, ".");
    std::string e = absl::AsciiStrToLower(entry);
    if (e.empty()) continue;
    if (h == e || absl::EndsWith(h, absl::StrCat(".", e))) return true;
  }
  return false;
}

struct HttplibTransport::Connection {
  std::string origin;
  std::unique_ptr<httplib::Client> client;
};

HttplibTransport::HttplibTransport(HttpOptions options) : options_(std::move(options)) {}

HttplibTransport::~HttplibTransport() = default;

int HttplibTransport::connections_opened() const {
  std::lock_guard<std::mutex> lock(mu_);
  return opened_;
}

absl::StatusOr<std::unique_ptr<HttplibTransport::Connection>> HttplibTransport::Acquire(
    const std::string& origin, const std::string& scheme, const std::string& host) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = idle_.find(origin);
    if (it != idle_.end()) {
      std::unique_ptr<Connection> c = std::move(it->second);
      idle_.erase(it);
      return c;
    }
  }
  // Settings that do not change between requests are made once per client.
  auto c = std::make_unique<Connection>();
  c->origin = origin;
  c->client = std::make_unique<httplib::Client>(origin);
  httplib::Client& client = *c->client;
  if (!client.is_valid()) return absl::InvalidArgumentError("cannot create an HTTP client for it");
  client.set_keep_alive(true);
  // Headers and body go out in separate writes; with Nagle on, the body
  // would wait for the server's delayed ACK.
  client.set_tcp_nodelay(true);
  client.set_follow_location(false);
  client.set_decompress(true);
  SetTimeout(options_.connect_timeout, &httplib::Client::set_connection_timeout, client);
  if (scheme == "https") client.enable_server_certificate_verification(!options_.insecure);
  const std::string& proxy = scheme == "https" ? options_.https_proxy : options_.http_proxy;
  if (!proxy.empty() && !NoProxyMatches(options_.no_proxy, host)) {
    std::string with_scheme = absl::StrContains(proxy, "://") ? proxy : "http://" + proxy;
    absl::StatusOr<Url> p = ParseUrl(with_scheme);
    if (!p.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("proxy \"", proxy, "\" is not a URL like http://host:port: ",
                       p.status().message()));
    }
    client.set_proxy(p->host, p->port);
  }
  std::lock_guard<std::mutex> lock(mu_);
  ++opened_;
  return c;
}

void HttplibTransport::Release(std::unique_ptr<Connection> connection) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.emplace(connection->origin, std::move(connection));
}

absl::StatusOr<HttpResponse> HttplibTransport::Send(const HttpRequest& request) {
  absl::StatusOr<Url> url = ParseUrl(request.url);
  if (!url.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(request.method, " ", request.url, ": ", url.status().message()));
  }
  absl::StatusOr<std::unique_ptr<Connection>> acquired =
      Acquire(url->origin, url->scheme, url->host);
  if (!acquired.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(request.method, " ", request.url, ": ", acquired.status().message()));
  }
  std::unique_ptr<Connection> connection = *std::move(acquired);
  httplib::Client& client = *connection->client;
  // httplib bounds each read and write rather than the whole exchange; the
  // client's retries are bounded by the operation deadline on top.
  SetTimeout(request.timeout, &httplib::Client::set_read_timeout, client);
  SetTimeout(request.timeout, &httplib::Client::set_write_timeout, client);

  httplib::Request req;
  req.method = request.method;
  req.path = url->target;
  for (const auto& [name, value] : request.headers) req.headers.emplace(name, value);
  req.body = request.body;
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  bool sent;
  {
    // A stop closes the socket, which ends a blocked read at once.
    core::StopSignal::Registration on_stop(request.stop, [&client] { client.stop(); });
    if (request.stop != nullptr && request.stop->stopped()) {
      return absl::CancelledError("request interrupted by a stop request");
    }
    sent = client.send(req, res, error);
  }
  if (!sent || error != httplib::Error::Success) {
    if (request.stop != nullptr && request.stop->stopped()) {
      return absl::CancelledError("request interrupted by a stop request");
    }
    std::string detail = httplib::to_string(error);
    if (error == httplib::Error::SSLServerVerification) {
      long verify = client.get_openssl_verify_result();
      detail = absl::StrCat("TLS certificate of ", url->host, " not trusted",
                            verify != X509_V_OK
                                ? absl::StrCat(" (", X509_verify_cert_error_string(verify), ")")
                                : std::string(" (host name mismatch)"));
    }
    // The connection is in an unknown state: do not pool it.
    return absl::UnavailableError(absl::StrCat(request.method, " ", request.url, ": ", detail));
  }
  HttpResponse response;
  response.status = res.status;
  for (const auto& [name, value] : res.headers) {
    response.headers[absl::AsciiStrToLower(name)] = value;
  }
  response.body = std::move(res.body);
  Release(std::move(connection));
  return response;
}

}  // namespace vpcep::cloud
