#include "provider/cloud/client.h"

#include <algorithm>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "provider/cloud/api_error.h"
#include "provider/core/log.h"
#include "provider/core/utf8.h"

namespace vpcep::cloud {
namespace {

using nlohmann::json;

constexpr int kPageLimit = 1000;  // the API maximum: fewest calls per refresh

std::string UrlEncode(absl::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Never throws: text that is not UTF-8 goes out with U+FFFD instead of
// aborting the call (resources validate it first; this is the backstop).
std::string Dump(const json& body) {
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

absl::StatusOr<Connection> FromJson(const json& j) {
  if (!j.is_object()) return absl::InvalidArgumentError("connection is not a JSON object");
  Connection c;
  c.id = Str(j, "id");
  if (c.id.empty()) return absl::InvalidArgumentError("connection without \"id\"");
  if (auto it = j.find("marker_id"); it != j.end() && it->is_number_integer()) {
    c.marker_id = it->get<int64_t>();
  }
  c.domain_id = Str(j, "domain_id");
  c.status = Str(j, "status");
  c.created_at = Str(j, "created_at");
  c.updated_at = Str(j, "updated_at");
  c.description = Str(j, "description");
  if (auto it = j.find("error"); it != j.end() && it->is_array()) {
    for (const json& e : *it) {
      if (e.is_object()) c.errors.push_back({Str(e, "error_code"), Str(e, "error_message")});
    }
  }
  return c;
}

absl::StatusOr<std::vector<Connection>> ConnectionsFrom(const json& body,
                                                        const std::string& request_id) {
  std::vector<Connection> out;
  auto it = body.find("connections");
  if (it == body.end() || !it->is_array()) {
    return absl::InvalidArgumentError("response has no \"connections\" array");
  }
  for (const json& j : *it) {
    absl::StatusOr<Connection> c = FromJson(j);
    if (!c.ok()) return c.status();
    c->request_id = core::SanitizeUtf8(request_id);  // a header: any bytes
    out.push_back(*std::move(c));
  }
  return out;
}

}  // namespace

absl::StatusOr<Connection> ParseConnection(absl::string_view json_text) {
  json j = json::parse(json_text, nullptr, false);
  if (j.is_discarded()) return absl::InvalidArgumentError("invalid JSON");
  return FromJson(j);
}

// No answer at all, or a server error that may have come after the work was
// done: the call may have taken effect.
bool OutcomeUnknown(const absl::Status& status) {
  int http = ApiHttpStatus(status);
  return http == 0 || http >= 500;
}

bool IsRetryable(const absl::Status& status) {
  if (status.ok() || status.code() == absl::StatusCode::kCancelled) return false;
  int http = ApiHttpStatus(status);
  if (http == 0) return status.code() == absl::StatusCode::kUnavailable ||
                        status.code() == absl::StatusCode::kDeadlineExceeded;  // network
  if (http == 429 || http >= 500) return true;
  std::string code = ApiErrorCode(status);
  return code == "EndPoint.0022" || code == "EndPoint.2004" || code == "EndPoint.2018" ||
         code == "EndPoint.2019";
}

VpcepClient::VpcepClient(ClientOptions options, std::shared_ptr<HttpTransport> transport,
                         std::shared_ptr<Authenticator> auth, const core::StopSignal* stop)
    : options_(std::move(options)),
      transport_(std::move(transport)),
      auth_(std::move(auth)),
      stop_(stop),
      coalescer_([this](const std::string& service_id) {
        return ListConnections(service_id, ListFilter{});
      }) {
  while (!options_.endpoint.empty() && options_.endpoint.back() == '/') {
    options_.endpoint.pop_back();
  }
}

std::string VpcepClient::ServiceUrl(absl::string_view service_id) const {
  return absl::StrCat(options_.endpoint, "/v1/", UrlEncode(options_.project_id),
                      "/vpc-endpoint-services/", UrlEncode(service_id));
}

absl::StatusOr<HttpResponse> VpcepClient::Call(absl::string_view operation, HttpRequest request,
                                               bool retry_safe, absl::Time deadline,
                                               const LandedCheck& landed) const {
  request.timeout = options_.request_timeout;
  // Reads may be abandoned at once on a stop; a POST is left to finish (it is
  // bounded by the request timeout) so its outcome is known, not guessed.
  request.stop = request.method == "GET" ? stop_ : nullptr;
  request.headers.emplace_back("Content-Type", request.method == "GET"
                                                   ? "application/json"
                                                   : "application/json;charset=UTF-8");
  thread_local std::mt19937_64 rng{std::random_device{}()};
  absl::Duration backoff = options_.initial_backoff;
  for (int attempt = 0;; ++attempt) {
    HttpRequest signed_request = request;
    if (absl::Status s = auth_->Authenticate(signed_request); !s.ok()) return s;
    core::LogDebug("API request", {{"operation", std::string(operation)},
                                   {"method", request.method},
                                   {"url", request.url},
                                   {"attempt", std::to_string(attempt + 1)}});
    absl::StatusOr<HttpResponse> resp = transport_->Send(signed_request);
    absl::Status failure;
    if (!resp.ok()) {
      failure = absl::Status(resp.status().code(),
                             absl::StrCat(operation, " failed: ", resp.status().message()));
    } else if (resp->status >= 200 && resp->status < 300) {
      return resp;
    } else {
      failure = ApiErrorStatus(operation, ParseApiError(*resp));
    }
    if (!retry_safe || !IsRetryable(failure) || attempt >= options_.max_retries) return failure;
    // Sending again what already took effect is at best wasted and at worst
    // refused (accepting an accepted connection is an error), so ask first.
    if (landed && OutcomeUnknown(failure) && landed()) {
      core::LogInfo("API call took effect although its answer was lost; not sending it again",
                    {{"operation", std::string(operation)},
                     {"error", std::string(failure.message())}});
      HttpResponse confirmed{200, {}, ""};
      if (resp.ok()) confirmed.headers = resp->headers;  // keeps the request id
      return confirmed;
    }
    // Full jitter spreads the retries of ten parallel operations apart.
    absl::Duration sleep = absl::Milliseconds(std::uniform_int_distribution<int64_t>(
        absl::ToInt64Milliseconds(backoff) / 2, absl::ToInt64Milliseconds(backoff))(rng));
    if (absl::Now() + sleep >= deadline) {
      return absl::Status(failure.code(),
                          absl::StrCat(failure.message(), " (no time left to retry)"));
    }
    core::LogWarn("retrying API call", {{"operation", std::string(operation)},
                                        {"error", std::string(failure.message())},
                                        {"delay", absl::FormatDuration(sleep)}});
    if (stop_ != nullptr && !stop_->SleepFor(sleep)) {
      return absl::CancelledError(absl::StrCat(operation, " interrupted by a stop request (last error: ",
                                               failure.message(), ")"));
    }
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

absl::StatusOr<std::vector<Connection>> VpcepClient::ListConnections(
    absl::string_view service_id, const ListFilter& filter, absl::Time deadline) const {
  std::string base = absl::StrCat(ServiceUrl(service_id), "/connections?limit=", kPageLimit);
  if (!filter.endpoint_id.empty()) absl::StrAppend(&base, "&id=", UrlEncode(filter.endpoint_id));
  if (!filter.marker_id.empty()) {
    absl::StrAppend(&base, "&marker_id=", UrlEncode(filter.marker_id));
  }
  if (!filter.status.empty()) absl::StrAppend(&base, "&status=", UrlEncode(filter.status));
  if (!filter.sort_key.empty()) absl::StrAppend(&base, "&sort_key=", UrlEncode(filter.sort_key));
  if (!filter.sort_dir.empty()) absl::StrAppend(&base, "&sort_dir=", UrlEncode(filter.sort_dir));

  std::vector<Connection> all;
  for (int64_t offset = 0;;) {
    HttpRequest req{"GET", absl::StrCat(base, "&offset=", offset)};
    absl::StatusOr<HttpResponse> resp = Call("list connections", std::move(req), true, deadline);
    if (!resp.ok()) return resp.status();
    json body = json::parse(resp->body, nullptr, false);
    if (!body.is_object()) return absl::InternalError("list connections: response is not JSON");
    absl::StatusOr<std::vector<Connection>> page =
        ConnectionsFrom(body, resp->Header("x-request-id"));
    if (!page.ok()) return page.status();
    int64_t total = body.value("total_count", static_cast<int64_t>(-1));
    size_t got = page->size();
    for (Connection& c : *page) all.push_back(std::move(c));
    offset += static_cast<int64_t>(got);
    // Stop on a short or empty page too, so a total that changes mid-walk
    // cannot make the walk run forever.
    if (got == 0 || got < static_cast<size_t>(kPageLimit) || (total >= 0 && offset >= total)) {
      break;
    }
  }
  return all;
}

absl::StatusOr<std::vector<Connection>> VpcepClient::Act(absl::string_view service_id,
                                                         absl::string_view action,
                                                         absl::string_view endpoint_id,
                                                         absl::Time deadline,
                                                         const LandedCheck& landed) const {
  json body = {{"action", action}, {"endpoints", json::array({endpoint_id})}};
  HttpRequest req{"POST", absl::StrCat(ServiceUrl(service_id), "/connections/action"), {},
                  Dump(body)};
  // Accepting or rejecting twice has the same effect as once, so a retry is safe;
  // callers still confirm the outcome with the list call.
  absl::StatusOr<HttpResponse> resp =
      Call(absl::StrCat(action, " endpoint ", endpoint_id), std::move(req), true, deadline,
           landed);
  // Whatever the answer, the service may have changed.
  coalescer_.Invalidate(std::string(service_id));
  if (!resp.ok()) return resp.status();
  json parsed = json::parse(resp->body, nullptr, false);
  if (!parsed.is_object()) return std::vector<Connection>{};
  return ConnectionsFrom(parsed, resp->Header("x-request-id"));
}

ListCoalescer::Listing VpcepClient::ListAllShared(
    const std::string& service_id, absl::Duration max_age) const {
  return coalescer_.List(service_id, max_age);
}

absl::StatusOr<Service> VpcepClient::GetService(absl::string_view service_id) const {
  absl::StatusOr<HttpResponse> resp =
      Call(absl::StrCat("get service ", service_id), HttpRequest{"GET", ServiceUrl(service_id)},
           true);
  if (!resp.ok()) return resp.status();
  json j = json::parse(resp->body, nullptr, false);
  if (!j.is_object()) return absl::InternalError("get service: response is not JSON");
  Service s;
  s.id = Str(j, "id");
  s.name = Str(j, "service_name");
  s.status = Str(j, "status");
  if (auto it = j.find("approval_enabled"); it != j.end() && it->is_boolean()) {
    s.approval_enabled = it->get<bool>();
  }
  return s;
}

absl::StatusOr<std::vector<Connection>> VpcepClient::UpdateDescription(
    absl::string_view service_id, absl::string_view endpoint_id,
    absl::string_view description) const {
  json body = {{"connections", json::array({{{"id", endpoint_id}, {"description", description}}})}};
  HttpRequest req{"PUT", absl::StrCat(ServiceUrl(service_id), "/connections/description"), {},
                  Dump(body)};
  // Setting the same text twice is harmless, so retrying is safe.
  absl::StatusOr<HttpResponse> resp =
      Call(absl::StrCat("update description of endpoint ", endpoint_id), std::move(req), true);
  coalescer_.Invalidate(std::string(service_id));
  if (!resp.ok()) return resp.status();
  json parsed = json::parse(resp->body, nullptr, false);
  if (!parsed.is_object()) return std::vector<Connection>{};
  return ConnectionsFrom(parsed, resp->Header("x-request-id"));
}

}  // namespace vpcep::cloud
