#include "simulator/api_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "provider/cloud/api_vocabulary.h"
#include "simulator/errors.h"
#include "simulator/json_codec.h"

namespace vpcep::sim {
namespace {

using nlohmann::json;

constexpr size_t kMaxBodyBytes = 4 << 20;
// Requests served on one keep-alive connection before it is closed.
constexpr size_t kKeepAliveMaxRequests = 1000;

// "a, b or c", for messages naming the valid values.
std::string OneOf(absl::Span<const absl::string_view> words) {
  return absl::StrCat(absl::StrJoin(words.first(words.size() - 1), ", "), " or ", words.back());
}

std::vector<std::string> SplitPath(absl::string_view path) {
  return absl::StrSplit(path, '/', absl::SkipEmpty());
}

// A query parameter; an empty value counts as absent.
std::optional<std::string> QueryParam(const httplib::Request& request, const char* name) {
  if (!request.has_param(name)) return std::nullopt;
  std::string value = request.get_param_value(name);
  if (value.empty()) return std::nullopt;
  return value;
}

absl::StatusOr<json> ParseJsonObject(const httplib::Request& request) {
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return InvalidField("body", "is not valid JSON");
  if (!body.is_object()) return InvalidField("body", "must be a JSON object");
  return body;
}

// Like ParseJsonObject(), but an empty body is an empty object.
absl::StatusOr<json> ParseOptionalJsonObject(const httplib::Request& request) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
  return ParseJsonObject(request);
}

absl::StatusOr<ListQuery> ParseListQuery(const httplib::Request& request) {
  ListQuery query;
  query.id = QueryParam(request, "id");
  // marker_id is a string in the API: any value is accepted (one that is not
  // a marker id matches nothing).
  query.marker_id = QueryParam(request, "marker_id");
  if (auto status = QueryParam(request, "status")) {
    std::optional<ConnectionStatus> parsed = ParseStatus(*status);
    if (!parsed.has_value()) {
      return MakeError(400, codes::kInvalidStatus,
                       absl::StrCat("Invalid status '", *status, "'; use ",
                                    OneOf(api::kConnectionStatuses), "."));
    }
    query.status = parsed;
  }
  if (auto sort_key = QueryParam(request, "sort_key")) {
    if (*sort_key == api::kSortByCreation) {
      query.sort_key = SortKey::kCreatedAt;
    } else if (*sort_key == api::kSortByUpdate) {
      query.sort_key = SortKey::kUpdatedAt;
    } else {
      return MakeError(
          400, codes::kInvalidSortKey,
          absl::StrCat("Invalid sort_key '", *sort_key, "'; use ", OneOf(api::kSortKeys), "."));
    }
  }
  if (auto sort_dir = QueryParam(request, "sort_dir")) {
    if (*sort_dir == api::kDescending) {
      query.sort_dir = SortDir::kDesc;
    } else if (*sort_dir == api::kAscending) {
      query.sort_dir = SortDir::kAsc;
    } else {
      return MakeError(400, codes::kInvalidSortDir,
                       absl::StrCat("Invalid sort_dir '", *sort_dir, "'; use ",
                                    OneOf(api::kSortDirs), "."));
    }
  }
  if (auto limit = QueryParam(request, "limit")) {
    if (!absl::SimpleAtoi(*limit, &query.limit) || query.limit < api::kMinPageSize ||
        query.limit > api::kMaxPageSize) {
      return MakeError(400, codes::kInvalidLimit,
                       absl::StrCat("Invalid limit '", *limit, "'; use ", api::kMinPageSize,
                                    " to ", api::kMaxPageSize, "."));
    }
  }
  if (auto offset = QueryParam(request, "offset")) {
    if (!absl::SimpleAtoi(*offset, &query.offset) || query.offset < api::kMinOffset) {
      return MakeError(400, codes::kInvalidOffset,
                       absl::StrCat("Invalid offset '", *offset, "'; use an integer >= 0."));
    }
  }
  return query;
}

json ConnectionsJson(const std::vector<Connection>& connections,
                     TimeFormat time_format = TimeFormat::kSeconds) {
  json array = json::array();
  for (const Connection& connection : connections) {
    array.push_back(ConnectionToJson(connection, time_format));
  }
  return array;
}

void Log(const httplib::Request& request, int status, absl::string_view request_id,
         absl::Duration elapsed) {
  std::string line = absl::StrFormat(
      "%s vpcep-sim %s %s %d request_id=%s %.1fms\n",
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()), request.method,
      request.path, status, request_id, absl::ToDoubleMilliseconds(elapsed));
  std::fwrite(line.data(), 1, line.size(), stderr);
}

int SockPort(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
  }
  if (addr.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  }
  return -1;
}

// Closes the client connection of `request` without a response. httplib
// 0.11 does not expose the socket, so find it: the descriptor whose local
// port is the request's local port and whose peer port is the client's port
// (in-process clients have these the other way round). The descriptor is
// replaced by /dev/null with dup2(), which closes the TCP connection (the
// client sees EOF) while httplib's later writes, reads and close() apply to
// /dev/null harmlessly (send() on it fails with ENOTSOCK, no SIGPIPE).
bool DropConnection(const httplib::Request& request) {
  const int max_fd = static_cast<int>(std::min<long>(sysconf(_SC_OPEN_MAX), 65536));
  for (int fd = 3; fd < max_fd; ++fd) {
    sockaddr_storage local{};
    sockaddr_storage peer{};
    socklen_t local_len = sizeof(local);
    socklen_t peer_len = sizeof(peer);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) continue;
    if (SockPort(local) != request.local_port) continue;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) continue;
    if (SockPort(peer) != request.remote_port) continue;
    const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0) return false;
    const bool replaced = ::dup2(null_fd, fd) >= 0;
    ::close(null_fd);
    return replaced;
  }
  return false;
}

// The optional "error" array of an admin request body.
absl::StatusOr<std::vector<ConnectionError>> OptionalErrors(const json& body) {
  auto it = body.find("error");
  if (it == body.end() || it->is_null()) return std::vector<ConnectionError>{};
  return ConnectionErrorsFromJson(*it, "error");
}

// The name in a Host header: "127.0.0.1:8080" -> "127.0.0.1", "[::1]:80" ->
// "[::1]", "localhost." -> "localhost".
absl::string_view HostName(absl::string_view host) {
  if (absl::StartsWith(host, "[")) {
    const size_t close = host.find(']');
    return close == absl::string_view::npos ? host : host.substr(0, close + 1);
  }
  host = host.substr(0, host.rfind(':'));
  if (absl::EndsWith(host, ".")) host.remove_suffix(1);
  return host;
}

std::string StripBrackets(absl::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::string(host);
}

}  // namespace

bool IsLoopbackHost(absl::string_view host_in) {
  const std::string host = StripBrackets(host_in);
  if (absl::EqualsIgnoreCase(host, "localhost")) return true;
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

ApiServer::ApiServer(Options options, State* state, Stats* stats, IdSource* ids)
    : options_(std::move(options)),
      faults_(options_.faults != nullptr ? options_.faults : std::make_shared<FaultInjector>()),
      state_(state),
      stats_(stats),
      ids_(ids),
      routes_(BuildRoutes()) {
  const int threads = options_.threads > 0 ? options_.threads : 1;
  server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_.set_keep_alive_timeout(
      std::max<time_t>(1, absl::ToInt64Seconds(options_.keep_alive_timeout)));
  server_.set_keep_alive_max_count(kKeepAliveMaxRequests);
  server_.set_payload_max_length(kMaxBodyBytes);
  // httplib writes a response's headers and body with separate sends; with
  // Nagle on, the body waits for the client's delayed ACK (~40 ms per call),
  // which no real API gateway adds.
  server_.set_tcp_nodelay(true);
  auto handler = [this](const httplib::Request& request, httplib::Response& response) {
    Handle(request, response);
  };
  // One catch-all route per method: httplib reads the body before calling a
  // route handler (a pre-routing handler would see no body); our own table
  // then does the routing.
  server_.Get(".*", handler);
  server_.Post(".*", handler);
  server_.Put(".*", handler);
  server_.Patch(".*", handler);
  server_.Delete(".*", handler);
  server_.Options(".*", handler);
}

ApiServer::~ApiServer() { Stop(); }

absl::StatusOr<int> ApiServer::Bind(const std::string& host, int port) {
  // httplib listens with a backlog of 5, so a burst of new connections (e.g.
  // terraform -parallelism=10) would see dropped SYNs and 1 s retransmission
  // stalls. Remember the socket httplib creates and widen the backlog.
  int socket_fd = -1;
  server_.set_socket_options([&socket_fd](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));  // accepted sockets inherit it
    socket_fd = sock;
  });
  int bound = 0;
  if (port == 0) {
    bound = server_.bind_to_any_port(host);
  } else if (server_.bind_to_port(host, port)) {
    bound = port;
  }
  if (bound <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", host, ":", port));
  }
  if (socket_fd >= 0) ::listen(socket_fd, SOMAXCONN);
  return bound;
}

void ApiServer::Serve() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_requested_) return;
    serving_ = true;
  }
  server_.listen_after_bind();
  {
    std::lock_guard<std::mutex> lock(mu_);
    serving_ = false;
  }
  serving_changed_.notify_all();
}

void ApiServer::Stop() {
  std::unique_lock<std::mutex> lock(mu_);
  stop_requested_ = true;
  // httplib's stop() does nothing until its accept loop has started, so wait
  // for that (or for Serve() to have returned) first. httplib does not signal
  // the start of its loop, hence the 1 ms re-checks.
  while (serving_ && !server_.is_running()) {
    serving_changed_.wait_for(lock, std::chrono::milliseconds(1));
  }
  if (serving_) server_.stop();
}

std::vector<ApiServer::Route> ApiServer::BuildRoutes() {
  const std::string kService = "/v1/{}/vpc-endpoint-services/{}";
  auto route = [](const char* method, const std::string& path, bool api, ApiOperation operation,
                  HandlerFn handler) {
    std::vector<std::string> pattern = SplitPath(path);
    return Route{method, std::move(pattern), api, operation, handler};
  };
  constexpr ApiOperation kNone = ApiOperation::kService;  // unused for admin routes
  return {
      route("GET", kService + "/connections", true, ApiOperation::kList,
            &ApiServer::HandleListConnections),
      route("POST", kService + "/connections/action", true, ApiOperation::kAction,
            &ApiServer::HandleAction),
      route("PUT", kService + "/connections/description", true, ApiOperation::kDescription,
            &ApiServer::HandleUpdateDescriptions),
      route("GET", kService, true, ApiOperation::kService, &ApiServer::HandleGetService),
      route("GET", "/admin/health", false, kNone, &ApiServer::HandleHealth),
      route("GET", "/admin/stats", false, kNone, &ApiServer::HandleGetStats),
      route("POST", "/admin/stats/reset", false, kNone, &ApiServer::HandleResetStats),
      route("GET", "/admin/services", false, kNone, &ApiServer::HandleAdminListServices),
      route("POST", "/admin/services", false, kNone, &ApiServer::HandleAdminAddService),
      route("DELETE", "/admin/services/{}", false, kNone, &ApiServer::HandleAdminRemoveService),
      route("GET", "/admin/services/{}/connections", false, kNone,
            &ApiServer::HandleAdminListConnections),
      route("POST", "/admin/services/{}/connections", false, kNone,
            &ApiServer::HandleAdminAddConnection),
      route("POST", "/admin/services/{}/connections/{}/status", false, kNone,
            &ApiServer::HandleAdminSetStatus),
      route("DELETE", "/admin/services/{}/connections/{}", false, kNone,
            &ApiServer::HandleAdminRemoveConnection),
      route("POST", "/admin/services/{}/generate", false, kNone, &ApiServer::HandleAdminGenerate),
      route("POST", "/admin/services/{}/connections/{}/fail-on-receive", false, kNone,
            &ApiServer::HandleAdminFailOnReceive),
      route("GET", "/admin/faults", false, kNone, &ApiServer::HandleGetFaults),
      route("POST", "/admin/faults", false, kNone, &ApiServer::HandleSetFaults),
  };
}

const ApiServer::Route* ApiServer::Match(const httplib::Request& request,
                                         std::vector<std::string>* params) const {
  const std::vector<std::string> segments = SplitPath(request.path);
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  for (const Route& route : routes_) {
    if (method != route.method || segments.size() != route.pattern.size()) continue;
    std::vector<std::string> captured;
    bool matched = true;
    for (size_t i = 0; i < segments.size() && matched; ++i) {
      if (route.pattern[i] == "{}") {
        captured.push_back(segments[i]);
      } else {
        matched = segments[i] == route.pattern[i];
      }
    }
    if (matched) {
      *params = std::move(captured);
      return &route;
    }
  }
  return nullptr;
}

void ApiServer::Handle(const httplib::Request& request, httplib::Response& response) {
  const absl::Time start = absl::Now();
  const std::string request_id = ids_->NewRequestId();
  response.set_header("X-Request-Id", request_id);

  absl::StatusOr<Reply> reply;
  std::vector<std::string> params;
  const Route* route = Match(request, &params);
  const FaultConfig config = faults_->config();
  // A browser always sends Host; one page that rebinds its own name to
  // 127.0.0.1 sends that name, which a loopback-only simulator refuses.
  const std::string host = request.get_header_value("Host");
  if (options_.loopback_hosts_only && request.has_header("Host") &&
      !IsLoopbackHost(HostName(host))) {
    route = nullptr;
    reply = MakeError(
        403, codes::kSimForeignHost,
        absl::StrCat("Host '", host,
                     "' is not a loopback address: this simulator listens on loopback only and "
                     "answers requests for localhost, 127.0.0.0/8 or [::1] (a guard against DNS "
                     "rebinding); start it with --allow-remote to accept other names"));
  } else if (route == nullptr) {
    reply =
        MakeError(404, codes::kGatewayNoApi,
                  absl::StrCat("The API does not exist or has not been published: ", request.method,
                               " ", request.path));
  } else {
    bool drop = false;
    reply = Dispatch(*route, Call{request, std::move(params), config}, &drop);
    if (drop && DropConnection(request)) {
      if (options_.log_requests) Log(request, 0, request_id, absl::Now() - start);
      response.status = 500;  // never sent: the connection is gone
      return;
    }
  }

  if (reply.ok()) {
    response.status = reply->status;
    response.set_content(DumpJson(reply->body), "application/json");
  } else {
    ApiError error = ToApiError(reply.status());
    if (route != nullptr && route->api) {
      error.code = SpellCode(error.code, config.error_code_spelling);
    }
    response.status = error.http_status;
    response.set_content(DumpJson(ErrorBody(error, request_id)), "application/json");
  }
  if (options_.log_requests) Log(request, response.status, request_id, absl::Now() - start);
}

absl::Status ApiServer::CheckAdmin(const httplib::Request& request) const {
  if (options_.authenticate_admin) {
    if (options_.authenticator == nullptr) {
      return MakeError(401, codes::kGatewayAuth,
                       "The admin API is closed: remote access is allowed and no credentials "
                       "are configured");
    }
    absl::Status auth = options_.authenticator->Authenticate(request);
    if (!auth.ok()) return auth;
  }
  // A web page can POST a form or text/plain anywhere without asking; a JSON
  // POST from another origin needs a CORS preflight, which is never granted.
  if (request.method == "POST") {
    const std::string type = request.get_header_value("Content-Type");
    const absl::string_view media =
        absl::StripAsciiWhitespace(absl::string_view(type).substr(0, type.find(';')));
    if (!absl::EqualsIgnoreCase(media, "application/json")) {
      return MakeError(
          415, codes::kSimNotJson,
          absl::StrCat("Admin POSTs need header 'Content-Type: application/json' (",
                       type.empty() ? "none was sent" : absl::StrCat("got '", type, "'"),
                       "), even with an empty body; curl: -H 'Content-Type: application/json'"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ApiServer::Reply> ApiServer::Dispatch(const Route& route, const Call& call,
                                                     bool* drop) {
  if (!route.api) {
    if (absl::Status admin = CheckAdmin(call.request); !admin.ok()) return admin;
    return DispatchApi(route, call);
  }
  stats_->CountRequest(route.operation);

  // The rate limit, then fault injection, after counting and before
  // authentication.
  if (!faults_->Admit(call.params[0])) {
    stats_->CountThrottled();
    return RateLimitError(call.config.rate_limit);
  }
  const FaultDecision fault = faults_->Decide(route.operation);
  if (fault.latency > absl::ZeroDuration()) {
    stats_->CountFault("latency");
    absl::SleepFor(fault.latency);
  }
  switch (fault.kind) {
    case FaultDecision::Kind::kNone:
      return DispatchApi(route, call);
    case FaultDecision::Kind::kDrop:
      stats_->CountFault(fault.stats_key);
      *drop = true;
      return FaultError(500);  // sent only if the socket could not be found
    case FaultDecision::Kind::kError:
      break;
  }
  stats_->CountFault(fault.stats_key);
  if (fault.after_effect) {
    // A lost response: the call takes effect, the client sees the error.
    // Authentication failures are never hidden behind the fault.
    absl::StatusOr<Reply> real = DispatchApi(route, call);
    if (!real.ok() && ToApiError(real.status()).http_status == 401) return real;
    stats_->CountFault("after_effect");
  }
  return FaultError(fault.http_status);
}

absl::StatusOr<ApiServer::Reply> ApiServer::DispatchApi(const Route& route, const Call& call) {
  if (route.api) {
    if (options_.authenticator != nullptr) {
      absl::Status auth = options_.authenticator->Authenticate(call.request);
      if (!auth.ok()) {
        if (auth.code() == absl::StatusCode::kUnauthenticated) stats_->CountUnauthorized();
        return auth;
      }
    }
    if (call.params[0] != state_->project_id()) {
      return MakeError(400, codes::kInvalidProjectId,
                       absl::StrCat("Invalid project ID '", call.params[0], "'."));
    }
  }
  try {
    return (this->*route.handler)(call);
  } catch (const std::exception& e) {
    // nlohmann::json may throw on unexpected shapes; never let it escape.
    return MakeError(500, codes::kSystemError, absl::StrCat("System error: ", e.what()));
  }
}

// ---- VPCEP API

absl::StatusOr<ApiServer::Reply> ApiServer::HandleListConnections(const Call& call) {
  absl::StatusOr<ListQuery> query = ParseListQuery(call.request);
  if (!query.ok()) return query.status();
  const ChurnDecision churn = faults_->DecideChurn();
  if (churn.create || churn.remove) {
    const ChurnResult churned = state_->Churn(
        call.params[1], ChurnStep{churn.create, churn.remove, churn.pick, churn.domain_id});
    stats_->CountChurn(churned.created, churned.removed);
  }
  if (call.config.page_cap > 0) query->limit = std::min(query->limit, call.config.page_cap);
  query->ignore_id = call.config.ignore_id_filter;
  query->unstable_ties = call.config.unstable_order;
  query->shuffle_seed = shuffles_.fetch_add(1);
  absl::StatusOr<ListResult> result = state_->ListConnections(call.params[1], *query);
  if (!result.ok()) return result.status();
  if (call.config.strict_offset && query->offset > 0 && query->offset >= result->total_count) {
    return MakeError(400, codes::kInvalidOffset,
                     absl::StrCat("Invalid offset ", query->offset, "; it must be less than ",
                                  result->total_count, "."));
  }
  const int64_t items = static_cast<int64_t>(result->connections.size());
  stats_->CountListed(items);
  if (call.config.list_item_cost > absl::ZeroDuration() && items > 0) {
    absl::SleepFor(call.config.list_item_cost * items);
  }
  return Reply{200,
               {{"connections", ConnectionsJson(result->connections, call.config.time_format)},
                {"total_count", result->total_count}}};
}

absl::StatusOr<ApiServer::Reply> ApiServer::HandleAction(const Call& call) {
  absl::StatusOr<json> body = ParseJsonObject(call.request);
  if (!body.ok()) return body.status();

  auto action_it = body->find("action");
  if (action_it == body->end() || action_it->is_null()) {
    return InvalidField("action", "is required");
  }
  if (!action_it->is_string()) return InvalidField("action", "must be a string");
  auto endpoints_it = body->find("endpoints");
  if (endpoints_it == body->end() || endpoints_it->is_null()) {
    return InvalidField("endpoints", "is required");
  }
  if (!endpoints_it->is_array()) return InvalidField("endpoints", "must be an array");
  for (const json& item : *endpoints_it) {
    if (!item.is_string() || item.get<std::string>().empty()) {
      return InvalidField("endpoints", "must contain endpoint id strings");
    }
  }
  const std::string action_name = action_it->get<std::string>();
  std::optional<Action> action = ParseAction(action_name);
  if (!action.has_value()) {
    return MakeError(400, codes::kInvalidAction,
                     absl::StrCat("Invalid action '", action_name, "'; use receive or reject."));
  }
  if (endpoints_it->size() != 1) {
    return MakeError(400, codes::kOneEndpointOnly,
                     absl::StrCat("Exactly one endpoint per request is supported, got ",
                                  endpoints_it->size(), "."));
  }

  absl::StatusOr<Connection> connection =
      state_->ApplyAction(call.params[1], (*endpoints_it)[0].get<std::string>(), *action);
  if (!connection.ok()) {
    if (ToApiError(connection.status()).code == codes::kAlreadyConnected) {
      stats_->CountReceiveOnAccepted();
    }
    return connection.status();
  }
  stats_->CountAction(*action);
  return Reply{
      200,
      {{"connections", json::array({ConnectionToJson(*connection, call.config.time_format)})}}};
}

absl::StatusOr<ApiServer::Reply> ApiServer::HandleGetService(const Call& call) {
  absl::StatusOr<Service> service = state_->GetService(call.params[1]);
  if (!service.ok()) return service.status();
  return Reply{200, ServiceToJson(*service, call.config.time_format)};
}

absl::StatusOr<ApiServer::Reply> ApiServer::HandleUpdateDescriptions(const Call& call) {
  absl::StatusOr<json> body = ParseJsonObject(call.request);
  if (!body.ok()) return body.status();
  auto list = body->find("connections");
  if (list == body->end() || list->is_null()) return InvalidField("connections", "is required");
  if (!list->is_array() || list->empty()) {
    return InvalidField("connections", "must be a non-empty array");
  }
  std::vector<DescriptionUpdate> updates;
  for (size_t i = 0; i < list->size(); ++i) {
    const json& item = (*list)[i];
    const std::string where = absl::StrCat("connections[", i, "]");
    if (!item.is_object()) return InvalidField(where, "must be an object");
    auto id = item.find("id");
    if (id == item.end() || !id->is_string() || id->get<std::string>().empty()) {
      return InvalidField(where + ".id", "is required (a string)");
    }
    auto description = item.find("description");
    if (description == item.end() || !description->is_string()) {
      return InvalidField(where + ".description", "is required (a string)");
    }
    updates.push_back({id->get<std::string>(), description->get<std::string>()});
  }
  absl::StatusOr<std::vector<Connection>> updated =
      state_->UpdateDescriptions(call.params[1], updates);
  if (!updated.ok()) return updated.status();
  return Reply{200, {{"connections", ConnectionsJson(*updated, call.config.time_format)}}};
}

// ---- Admin API

absl::StatusOr<ApiServer::Reply> ApiServer::HandleGetFaults(const Call&) {
  return Reply{200, FaultConfigToJson(faults_->config())};
}

absl::StatusOr<ApiServer::Reply> ApiServer::HandleSetFaults(const Call& call) {
  absl::StatusOr<json> body = ParseOptionalJsonObject(call.request);
  if (!body.ok()) return body.status();
  absl::StatusOr<FaultUpdate> update = FaultUpdateFromJson(*body);
  if (!update.ok()) return update.status();
  faults_->Set(update->config, update->seed, update->churn_seed);
  return Reply{200, FaultConfigToJson(faults_->config())};
}

absl::StatusOr<ApiServer::Reply> ApiServer::HandleAdminFailOnReceive(const Call& call) {
  absl::StatusOr<json> body = ParseOptionalJsonObject(call.request);
  if (!body.ok()) return body.status();
  absl::StatusOr<std::vector<ConnectionError>> errors = OptionalErrors(*body);
  if (!errors.ok()) return errors.status();
  absl::StatusOr<Connection> connection =
      state_->SetFailOnReceive(call.params[0], call.params[1], *std::move(errors));
  if (!connection.ok()) return connection.status();
  return Reply{200, ConnectionToJson(*connection)};
}

absl::StatusOr<ApiServer::Reply> ApiServer::HandleHealth(const Call&) {
  return Reply{200, {{"status", "ok"}}};
}

absl::StatusOr<ApiServer::Reply> ApiServer::HandleGetStats(const Call&) {
  return Reply{200, StatsToJson(stats_->Snapshot())};
}

absl::StatusOr<ApiServer::Reply> ApiServer::HandleResetStats(const Call&) {
  stats_->Reset();
  return Reply{200, StatsToJson(stats_->Snapshot())};
}

absl::StatusOr<ApiServer::Reply> ApiServer::HandleAdminListServices(const Call&) {
  json services = json::array();
  for (const Service& service : state_->ListServices()) services.push_back(ServiceToJson(service));
  return Reply{200, {{"services", std::move(services)}}};
}

absl::StatusOr<ApiServer::Reply> ApiServer::HandleAdminAddService(const Call& call) {
  absl::StatusOr<json> body = ParseOptionalJsonObject(call.request);
  if (!body.ok()) return body.status();
  absl::StatusOr<ServiceSpec> spec = ServiceSpecFromJson(*body);
  if (!spec.ok()) return spec.status();
  absl::StatusOr<Service> service = state_->AddService(*spec);
  if (!service.ok()) return service.status();
  return Reply{201, ServiceToJson(*service)};
}

absl::StatusOr<ApiServer::Reply> ApiServer::HandleAdminRemoveService(const Call& call) {
  absl::Status removed = state_->RemoveService(call.params[0]);
  if (!removed.ok()) return removed;
  return Reply{200, json::object()};
}

absl::StatusOr<ApiServer::Reply> ApiServer::HandleAdminListConnections(const Call& call) {
  absl::StatusOr<std::vector<Connection>> connections = state_->AllConnections(call.params[0]);
  if (!connections.ok()) return connections.status();
  return Reply{
      200, {{"connections", ConnectionsJson(*connections)}, {"total_count", connections->size()}}};
}

absl::StatusOr<ApiServer::Reply> ApiServer::HandleAdminAddConnection(const Call& call) {
  absl::StatusOr<json> body = ParseJsonObject(call.request);
  if (!body.ok()) return body.status();
  absl::StatusOr<ConnectionSpec> spec = ConnectionSpecFromJson(*body);
  if (!spec.ok()) return spec.status();
  absl::StatusOr<Connection> connection = state_->AddConnection(call.params[0], *spec);
  if (!connection.ok()) return connection.status();
  return Reply{201, ConnectionToJson(*connection)};
}

absl::StatusOr<ApiServer::Reply> ApiServer::HandleAdminSetStatus(const Call& call) {
  absl::StatusOr<json> body = ParseJsonObject(call.request);
  if (!body.ok()) return body.status();
  auto status_it = body->find("status");
  if (status_it == body->end() || !status_it->is_string()) {
    return InvalidField("status", "is required (a string)");
  }
  std::optional<ConnectionStatus> status = ParseStatus(status_it->get<std::string>());
  if (!status.has_value()) {
    return InvalidField("status",
                        absl::StrCat("unknown status '", status_it->get<std::string>(), "'"));
  }
  absl::StatusOr<std::vector<ConnectionError>> errors = OptionalErrors(*body);
  if (!errors.ok()) return errors.status();
  absl::StatusOr<Connection> connection =
      state_->SetConnectionStatus(call.params[0], call.params[1], *status, *std::move(errors));
  if (!connection.ok()) return connection.status();
  return Reply{200, ConnectionToJson(*connection)};
}

absl::StatusOr<ApiServer::Reply> ApiServer::HandleAdminGenerate(const Call& call) {
  constexpr int64_t kMaxGenerate = 1000000;
  absl::StatusOr<json> body = ParseJsonObject(call.request);
  if (!body.ok()) return body.status();
  auto count_it = body->find("count");
  if (count_it == body->end() || !count_it->is_number_integer() || count_it->get<int64_t>() < 1 ||
      count_it->get<int64_t>() > kMaxGenerate) {
    return InvalidField("count", absl::StrCat("is required (an integer in 1..", kMaxGenerate, ")"));
  }
  std::optional<ConnectionStatus> status;
  if (auto it = body->find("status"); it != body->end() && !it->is_null()) {
    status = ParseStatus(it->is_string() ? it->get<std::string>() : "");
    if (!status.has_value()) return InvalidField("status", "must be a connection status");
  }
  const int64_t count = count_it->get<int64_t>();
  absl::StatusOr<int64_t> total = state_->GenerateConnections(call.params[0], count, status);
  if (!total.ok()) return total.status();
  return Reply{201, {{"created", count}, {"total_count", *total}}};
}

absl::StatusOr<ApiServer::Reply> ApiServer::HandleAdminRemoveConnection(const Call& call) {
  absl::Status removed = state_->RemoveConnection(call.params[0], call.params[1]);
  if (!removed.ok()) return removed;
  return Reply{200, json::object()};
}

}  // namespace vpcep::sim
