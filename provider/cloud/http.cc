#include "provider/cloud/http.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace vpcep::cloud {

// One request in flight. The worker thread owns it between AddIncoming and
// Finish; `cancelled`, `done` and `result` are guarded by the transport's mu_.
struct CurlTransfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  HttpResponse response;
  size_t max_body = 0;
  bool too_large = false;
  char error[CURL_ERROR_SIZE] = {};
  bool cancelled = false;
  bool done = false;
  CURLcode result = CURLE_OK;

  CurlTransfer() = default;
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;
  ~CurlTransfer() {
    curl_slist_free_all(headers);
    if (easy != nullptr) curl_easy_cleanup(easy);
  }
};

namespace {

// Terraform's default parallelism is 10; a few more for listings and reads.
constexpr long kMaxIdleConnections = 16;
constexpr int kPollMs = 10000;  // the worker wakes on work, stops and curl's own timers too

CURLcode GlobalInit() {
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);  // once, thread-safe
  return rc;
}

CURLM* Multi(void* multi) { return static_cast<CURLM*>(multi); }

const char* CodeName(CURLcode rc) {
  switch (rc) {
#define VPCEP_CURL_CODE(name) \
  case name:                  \
    return #name;
    VPCEP_CURL_CODE(CURLE_OK)
    VPCEP_CURL_CODE(CURLE_UNSUPPORTED_PROTOCOL)
    VPCEP_CURL_CODE(CURLE_FAILED_INIT)
    VPCEP_CURL_CODE(CURLE_URL_MALFORMAT)
    VPCEP_CURL_CODE(CURLE_NOT_BUILT_IN)
    VPCEP_CURL_CODE(CURLE_COULDNT_RESOLVE_PROXY)
    VPCEP_CURL_CODE(CURLE_COULDNT_RESOLVE_HOST)
    VPCEP_CURL_CODE(CURLE_COULDNT_CONNECT)
    VPCEP_CURL_CODE(CURLE_WEIRD_SERVER_REPLY)
    VPCEP_CURL_CODE(CURLE_HTTP2)
    VPCEP_CURL_CODE(CURLE_PARTIAL_FILE)
    VPCEP_CURL_CODE(CURLE_HTTP_RETURNED_ERROR)
    VPCEP_CURL_CODE(CURLE_WRITE_ERROR)
    VPCEP_CURL_CODE(CURLE_READ_ERROR)
    VPCEP_CURL_CODE(CURLE_OUT_OF_MEMORY)
    VPCEP_CURL_CODE(CURLE_OPERATION_TIMEDOUT)
    VPCEP_CURL_CODE(CURLE_SSL_CONNECT_ERROR)
    VPCEP_CURL_CODE(CURLE_ABORTED_BY_CALLBACK)
    VPCEP_CURL_CODE(CURLE_BAD_FUNCTION_ARGUMENT)
    VPCEP_CURL_CODE(CURLE_TOO_MANY_REDIRECTS)
    VPCEP_CURL_CODE(CURLE_UNKNOWN_OPTION)
    VPCEP_CURL_CODE(CURLE_GOT_NOTHING)
    VPCEP_CURL_CODE(CURLE_SSL_ENGINE_NOTFOUND)
    VPCEP_CURL_CODE(CURLE_SEND_ERROR)
    VPCEP_CURL_CODE(CURLE_RECV_ERROR)
    VPCEP_CURL_CODE(CURLE_SSL_CERTPROBLEM)
    VPCEP_CURL_CODE(CURLE_SSL_CIPHER)
    VPCEP_CURL_CODE(CURLE_PEER_FAILED_VERIFICATION)
    VPCEP_CURL_CODE(CURLE_BAD_CONTENT_ENCODING)
    VPCEP_CURL_CODE(CURLE_FILESIZE_EXCEEDED)
    VPCEP_CURL_CODE(CURLE_SEND_FAIL_REWIND)
    VPCEP_CURL_CODE(CURLE_SSL_CACERT_BADFILE)
    VPCEP_CURL_CODE(CURLE_SSL_SHUTDOWN_FAILED)
    VPCEP_CURL_CODE(CURLE_AGAIN)
    VPCEP_CURL_CODE(CURLE_SSL_CRL_BADFILE)
    VPCEP_CURL_CODE(CURLE_SSL_ISSUER_ERROR)
    VPCEP_CURL_CODE(CURLE_HTTP2_STREAM)
    VPCEP_CURL_CODE(CURLE_RECURSIVE_API_CALL)
    VPCEP_CURL_CODE(CURLE_PROXY)
    VPCEP_CURL_CODE(CURLE_SSL_CLIENTCERT)
    VPCEP_CURL_CODE(CURLE_UNRECOVERABLE_POLL)
#undef VPCEP_CURL_CODE
    default:
      return "CURLE";
  }
}

// Proxy variables whose user-info must never show up in a message.
constexpr const char* kProxyVariables[] = {"https_proxy", "HTTPS_PROXY", "http_proxy",
                                           "all_proxy",   "ALL_PROXY"};

// `text` without "user:password@" in any URL it holds, nor the credentials of
// a proxy variable anywhere (libcurl quotes a bad proxy setting verbatim).
std::string Redacted(std::string text) {
  for (size_t at = text.find("://"); at != std::string::npos; at = text.find("://", at + 3)) {
    size_t start = at + 3;
    size_t end = std::min(text.find_first_of("/?# \t\r\n'\"", start), text.size());
    size_t sign = text.rfind('@', end == 0 ? 0 : end - 1);
    if (sign != std::string::npos && sign >= start && sign < end) {
      text.erase(start, sign + 1 - start);
    }
  }
  for (const char* name : kProxyVariables) {
    const char* value = std::getenv(name);
    if (value == nullptr) continue;
    absl::string_view v = value;
    size_t scheme = v.find("://");
    size_t begin = scheme == absl::string_view::npos ? 0 : scheme + 3;
    size_t sign = v.rfind('@');
    if (sign == absl::string_view::npos || sign <= begin) continue;
    absl::string_view secret = v.substr(begin, sign - begin);
    if (absl::StrContains(secret, ':')) absl::StrReplaceAll({{secret, "***"}}, &text);
  }
  return text;
}

std::string UrlPart(CURLU* url, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, 0) != CURLUE_OK || value == nullptr) return "";
  std::string out = value;
  curl_free(value);
  return out;
}

// The host of an absolute http(s) URL without user information.
absl::StatusOr<std::string> HostOf(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), curl_url_cleanup);
  if (!u) return absl::ResourceExhaustedError("out of memory");
  if (CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0); rc != CURLUE_OK) {
    return absl::InvalidArgumentError(curl_url_strerror(rc));
  }
  std::string scheme = absl::AsciiStrToLower(UrlPart(u.get(), CURLUPART_SCHEME));
  if (scheme != "http" && scheme != "https") {
    return absl::InvalidArgumentError(absl::StrCat("unsupported URL scheme \"", scheme, "\""));
  }
  if (!UrlPart(u.get(), CURLUPART_USER).empty()) {
    return absl::InvalidArgumentError("URLs with user information are not supported");
  }
  std::string host = UrlPart(u.get(), CURLUPART_HOST);
  if (host.empty()) return absl::InvalidArgumentError("URL has no host");
  return host;
}

// Whether `host` (as HostOf returns it) names this machine: an address in
// 127.0.0.0/8, ::1, or localhost and its subdomains, which libcurl resolves
// to the loopback address itself.
bool IsLoopback(absl::string_view host) {
  std::string h = absl::AsciiStrToLower(absl::StripSuffix(absl::StripPrefix(host, "["), "]"));
  if (h == "localhost" || absl::EndsWith(h, ".localhost") || h == "::1") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, h.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<CurlTransfer*>(user);
  size_t n = size * count;
  if (t->response.body.size() + n > t->max_body) {
    t->too_large = true;
    return 0;  // anything but n aborts the transfer
  }
  t->response.body.append(data, n);
  return n;
}

size_t WriteHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<CurlTransfer*>(user);
  absl::string_view line(data, size * count);
  if (absl::StartsWith(line, "HTTP/")) {
    t->response.headers.clear();  // a new response, e.g. after "100 Continue"
  } else if (size_t colon = line.find(':'); colon != absl::string_view::npos) {
    std::string name = absl::AsciiStrToLower(line.substr(0, colon));
    t->response.headers[name] = std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  }
  return size * count;
}

long Millis(absl::Duration d) {
  if (d <= absl::ZeroDuration()) d = absl::Seconds(60);
  return static_cast<long>(std::max<int64_t>(1, absl::ToInt64Milliseconds(d)));
}

// Applies options in order; the first failure is kept.
class Options {
 public:
  explicit Options(CURL* easy) : easy_(easy) {}
  template <typename T>
  void Set(CURLoption option, T value) {
    if (rc_ == CURLE_OK) rc_ = curl_easy_setopt(easy_, option, value);
  }
  CURLcode result() const { return rc_; }

 private:
  CURL* easy_;
  CURLcode rc_ = CURLE_OK;
};

void SetTls(Options& o, const HttpOptions& options) {
  if (options.insecure) {
    o.Set(CURLOPT_SSL_VERIFYPEER, 0L);
    o.Set(CURLOPT_SSL_VERIFYHOST, 0L);
    return;
  }
  if (options.ca_file.empty() && options.ca_dir.empty()) return;  // the system store
  // Either variable replaces the system store, for the API and an HTTPS proxy.
  const char* file = options.ca_file.empty() ? nullptr : options.ca_file.c_str();
  const char* dir = options.ca_dir.empty() ? nullptr : options.ca_dir.c_str();
  o.Set(CURLOPT_CAINFO, file);
  o.Set(CURLOPT_CAPATH, dir);
  o.Set(CURLOPT_PROXY_CAINFO, file);
  o.Set(CURLOPT_PROXY_CAPATH, dir);
}

CURLcode SetUp(CurlTransfer& t, const HttpRequest& request, const HttpOptions& options,
               bool loopback) {
  Options o(t.easy);
  o.Set(CURLOPT_URL, request.url.c_str());
  // A proxy would carry the token in clear to another host, for a server
  // that is on this one: plain-http loopback endpoints go direct ("" turns
  // off the proxy variables too).
  if (loopback && absl::StartsWithIgnoreCase(request.url, "http://")) o.Set(CURLOPT_PROXY, "");
  o.Set(CURLOPT_PROTOCOLS_STR, "http,https");
  o.Set(CURLOPT_FOLLOWLOCATION, 0L);
  o.Set(CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts: other threads run
  // Headers and body may go out in separate writes; with Nagle on, the body
  // would wait for the server's delayed ACK.
  o.Set(CURLOPT_TCP_NODELAY, 1L);
  // One request per connection at a time, as before; HTTP/2 multiplexing is
  // untried against the real API gateway.
  o.Set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  o.Set(CURLOPT_TIMEOUT_MS, Millis(request.timeout));
  o.Set(CURLOPT_CONNECTTIMEOUT_MS, Millis(options.connect_timeout));
  o.Set(CURLOPT_ERRORBUFFER, t.error);
  o.Set(CURLOPT_WRITEFUNCTION, WriteBody);
  o.Set(CURLOPT_WRITEDATA, &t);
  o.Set(CURLOPT_HEADERFUNCTION, WriteHeader);
  o.Set(CURLOPT_HEADERDATA, &t);
  o.Set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);  // a proxy's CONNECT answer is not the response
  o.Set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(t.max_body));  // a too-long Content-Length
  if (!options.user_agent.empty()) o.Set(CURLOPT_USERAGENT, options.user_agent.c_str());
  SetTls(o, options);
  for (const auto& [name, value] : request.headers) {
    t.headers = curl_slist_append(t.headers, absl::StrCat(name, ": ", value).c_str());
  }
  t.headers = curl_slist_append(t.headers, "Expect:");  // no 100-continue round trip
  o.Set(CURLOPT_HTTPHEADER, t.headers);
  if (request.method == "GET") {
    o.Set(CURLOPT_HTTPGET, 1L);
  } else {
    o.Set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
    // libcurl sends a request again by itself when a reused connection turns
    // out dead before any answer, even after the server acted on it. An
    // action (POST) goes out once per decision of the provider, so it takes
    // a connection of its own; a lost answer is checked, never resent blind.
    if (request.method == "POST") o.Set(CURLOPT_FRESH_CONNECT, 1L);
    o.Set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    o.Set(CURLOPT_POSTFIELDS, request.body.data());
  }
  return o.result();
}

std::string Describe(CURLcode rc, const char* error_buffer) {
  std::string text = absl::StrCat(curl_easy_strerror(rc), " (", CodeName(rc), " ",
                                  static_cast<int>(rc), ")");
  absl::string_view detail = absl::StripAsciiWhitespace(error_buffer);
  if (!detail.empty() && detail != curl_easy_strerror(rc)) absl::StrAppend(&text, ": ", detail);
  return text;
}

absl::Status TransferError(const CurlTransfer& t, const std::string& where,
                           const std::string& host) {
  CURLcode rc = t.result;
  if (t.cancelled) {
    return absl::CancelledError(absl::StrCat(where, ": request interrupted by a stop request"));
  }
  if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    return absl::ResourceExhaustedError(
        absl::StrCat(where, ": response body exceeds ", t.max_body >> 20, " MiB"));
  }
  std::string message = absl::StrCat(where, ": ", Describe(rc, t.error));
  switch (rc) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return absl::InvalidArgumentError(Redacted(message));
    case CURLE_OPERATION_TIMEDOUT:
      return absl::DeadlineExceededError(Redacted(message));
    case CURLE_PEER_FAILED_VERIFICATION:
      return absl::UnavailableError(Redacted(absl::StrCat(
          where, ": TLS certificate of ", host, " not trusted: ", Describe(rc, t.error))));
    default:
      return absl::UnavailableError(Redacted(message));
  }
}

}  // namespace

std::string HttpResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

HttpOptions HttpOptions::FromEnvironment() {
  HttpOptions o;
  if (const char* file = std::getenv("SSL_CERT_FILE"); file != nullptr) o.ca_file = file;
  if (const char* dir = std::getenv("SSL_CERT_DIR"); dir != nullptr) o.ca_dir = dir;
  return o;
}

CurlTransport::CurlTransport(HttpOptions options) : options_(std::move(options)) {
  if (GlobalInit() != CURLE_OK) return;
  multi_ = curl_multi_init();
  if (multi_ == nullptr) return;
  curl_multi_setopt(Multi(multi_), CURLMOPT_MAXCONNECTS, kMaxIdleConnections);
  worker_ = std::thread([this] { Run(); });
}

CurlTransport::~CurlTransport() {
  if (multi_ == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
  }
  Wake();
  worker_.join();
  curl_multi_cleanup(Multi(multi_));
}

int CurlTransport::connections_opened() const {
  std::lock_guard<std::mutex> lock(mu_);
  return opened_;
}

void CurlTransport::Wake() { curl_multi_wakeup(Multi(multi_)); }

void CurlTransport::Cancel(CurlTransfer* transfer) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (transfer->done) return;
    transfer->cancelled = true;
  }
  Wake();
}

void CurlTransport::Finish(CurlTransfer* transfer, int result) {
  std::lock_guard<std::mutex> lock(mu_);
  transfer->result = static_cast<CURLcode>(result);
  transfer->done = true;
  done_.notify_all();
}

void CurlTransport::AddIncoming(std::vector<CurlTransfer*>& active) {
  std::vector<CurlTransfer*> incoming;
  {
    std::lock_guard<std::mutex> lock(mu_);
    incoming.swap(incoming_);
  }
  for (CurlTransfer* t : incoming) {
    if (CURLMcode mc = curl_multi_add_handle(Multi(multi_), t->easy); mc != CURLM_OK) {
      std::snprintf(t->error, sizeof(t->error), "curl_multi_add_handle: %s",
                    curl_multi_strerror(mc));
      Finish(t, CURLE_FAILED_INIT);
      continue;
    }
    active.push_back(t);
  }
}

void CurlTransport::DropCancelled(std::vector<CurlTransfer*>& active) {
  std::vector<CurlTransfer*> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (CurlTransfer* t : active) {
      if (t->cancelled) dropped.push_back(t);
    }
  }
  for (CurlTransfer* t : dropped) {
    // Removing an unfinished transfer closes its connection.
    curl_multi_remove_handle(Multi(multi_), t->easy);
    active.erase(std::find(active.begin(), active.end(), t));
    Finish(t, CURLE_ABORTED_BY_CALLBACK);
  }
}

void CurlTransport::FinishCompleted(std::vector<CurlTransfer*>& active) {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(Multi(multi_), &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    CURLcode result = msg->data.result;  // msg is invalid once the handle is removed
    curl_multi_remove_handle(Multi(multi_), easy);
    auto it = std::find_if(active.begin(), active.end(),
                           [easy](const CurlTransfer* t) { return t->easy == easy; });
    if (it == active.end()) continue;
    CurlTransfer* t = *it;
    active.erase(it);
    Finish(t, result);
  }
}

void CurlTransport::Run() {
  std::vector<CurlTransfer*> active;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      // Only the destructor sets it, when no Send can be running.
      if (shutting_down_) return;
    }
    AddIncoming(active);
    DropCancelled(active);
    int running = 0;
    curl_multi_perform(Multi(multi_), &running);
    FinishCompleted(active);
    curl_multi_poll(Multi(multi_), nullptr, 0, kPollMs, nullptr);
  }
}

absl::StatusOr<HttpResponse> CurlTransport::Send(const HttpRequest& request) {
  std::string where = Redacted(absl::StrCat(request.method, " ", request.url));
  absl::StatusOr<std::string> host = HostOf(request.url);
  if (!host.ok()) {
    return absl::Status(host.status().code(), absl::StrCat(where, ": ", host.status().message()));
  }
  if (request.stop != nullptr && request.stop->stopped()) {
    return absl::CancelledError(absl::StrCat(where, ": request interrupted by a stop request"));
  }
  if (multi_ == nullptr) return absl::InternalError(absl::StrCat(where, ": libcurl did not start"));
  CurlTransfer t;
  t.max_body = options_.max_body_bytes;
  t.easy = curl_easy_init();
  if (t.easy == nullptr) return absl::InternalError(absl::StrCat(where, ": curl_easy_init failed"));
  if (CURLcode rc = SetUp(t, request, options_, IsLoopback(*host)); rc != CURLE_OK) {
    return absl::InternalError(absl::StrCat(where, ": ", Describe(rc, t.error)));
  }
  {
    // The registration outlives the wait: removing it waits for a running
    // callback, after which `t` may go.
    core::StopSignal::Registration on_stop(request.stop, [this, &t] { Cancel(&t); });
    {
      std::lock_guard<std::mutex> lock(mu_);
      incoming_.push_back(&t);
    }
    Wake();
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, [&t] { return t.done; });
  }
  long connects = 0;
  curl_easy_getinfo(t.easy, CURLINFO_NUM_CONNECTS, &connects);
  {
    std::lock_guard<std::mutex> lock(mu_);
    opened_ += static_cast<int>(connects);
  }
  if (t.result != CURLE_OK) return TransferError(t, where, *host);
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  t.response.status = static_cast<int>(status);
  return std::move(t.response);
}

}  // namespace vpcep::cloud
