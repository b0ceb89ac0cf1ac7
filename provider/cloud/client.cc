#include "provider/cloud/client.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "provider/cloud/api_error.h"
#include "provider/cloud/watcher.h"
#include "provider/core/log.h"
#include "provider/core/utf8.h"

namespace vpcep::cloud {
namespace {

using nlohmann::json;


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

// total_count as a number, or -1: a string or null from a misbehaving server
// must not end the listing (nlohmann's value() would throw).
int64_t TotalCount(const json& body) {
  auto it = body.find("total_count");
  if (it == body.end()) return -1;
  if (it->is_number_unsigned()) return static_cast<int64_t>(std::min<uint64_t>(
      it->get<uint64_t>(), static_cast<uint64_t>(INT64_MAX)));
  if (it->is_number_integer()) return std::max<int64_t>(-1, it->get<int64_t>());
  return -1;
}

std::string Query(const ListFilter& filter) {
  std::string q;
  auto add = [&q](const char* key, const std::string& value) {
    if (!value.empty()) absl::StrAppend(&q, "&", key, "=", UrlEncode(value));
  };
  add("id", filter.endpoint_id);
  add("marker_id", filter.marker_id);
  add("status", filter.status);
  add("sort_key", filter.sort_key);
  add("sort_dir", filter.sort_dir);
  return q;
}

// Orders a de-duplicated listing as the caller's filter asked (the API's
// default: newest creation first). Equal keys are ordered by id: the API's own
// order of connections created (or changed) in the same second differs from
// call to call, and the list must not.
void OrderAsAsked(const ListFilter& filter, std::vector<Connection>& all) {
  const bool by_update = filter.sort_key == api::kSortByUpdate;
  const bool ascending = filter.sort_dir == api::kAscending;
  std::sort(all.begin(), all.end(), [&](const Connection& a, const Connection& b) {
    const std::string& ka = by_update ? a.updated_at : a.created_at;
    const std::string& kb = by_update ? b.updated_at : b.created_at;
    if (ka != kb) return ascending ? ka < kb : kb < ka;
    return a.id < b.id;
  });
}

// A walk pages through the list oldest first, so connections created during
// the walk land behind it. Deletions still shift later items forward; each
// page therefore starts kOverlap items early and must meet an item already
// seen, or the walk steps back further (twice as far each time, so it
// reaches the start).
constexpr int64_t kOverlap = 20;
constexpr int kMaxStepsBack = 8;
// A listing that holds fewer connections than the API counts is walked again
// (keeping what earlier walks saw), at most this many times in all, and no
// more once two walks in a row added nothing.
constexpr int kMaxWalks = 12;

// Whether `c` matches what `filter` asked the API for. An API that ignores a
// filter answers with connections of other endpoints (or statuses).
bool Matches(const ListFilter& filter, const Connection& c) {
  return (filter.endpoint_id.empty() || c.id == filter.endpoint_id) &&
         (filter.status.empty() || absl::EqualsIgnoreCase(c.status, filter.status));
}

absl::Status IgnoredFilter(absl::string_view service_id, const ListFilter& filter,
                           const Connection& c) {
  const bool by_id = !filter.endpoint_id.empty() && c.id != filter.endpoint_id;
  std::string asked = by_id ? absl::StrCat("endpoint ", filter.endpoint_id)
                            : absl::StrCat("status ", filter.status);
  return WithListParameter(
      absl::FailedPreconditionError(
          absl::StrCat("list connections of service ", service_id, ": asked for ", asked,
                       ", the API answered with endpoint ", c.id, " (status ", c.status,
                       "): it ignored the filter, so its answer cannot be trusted (request id ",
                       c.request_id.empty() ? "none" : c.request_id, ")")),
      by_id ? "id" : "status");
}

// One walk over the pages of a service: what it has seen, and where it reads
// next.
struct PageWalk {
  std::string service_id;
  std::vector<Connection> all;
  std::set<std::string> seen;
  int64_t offset = 0;
  int steps_back = 0;
  int64_t total_count = -1;  // as the last page reported it

  // Reads again from further back than `from`; an error once the list keeps
  // changing under the walk.
  absl::Status StepBack(int64_t from) {
    if (++steps_back > kMaxStepsBack) {
      return absl::UnavailableError(
          absl::StrCat("list connections of service ", service_id,
                       ": the list changed too fast to be walked reliably; try again"));
    }
    offset = std::max<int64_t>(0, from - (kMaxPageSize / 2) * (int64_t{1} << (steps_back - 1)));
    return absl::OkStatus();
  }

  // Keeps the connections not seen yet (counted in `added`); whether the page
  // met one seen before, as every page after the first must.
  bool Absorb(const std::vector<Connection>& items, size_t& added) {
    bool met_seen = offset == 0;
    for (const Connection& c : items) {
      if (seen.insert(c.id).second) {
        all.push_back(c);
        ++added;
      } else {
        met_seen = true;
      }
    }
    return met_seen;
  }
};

// Walks every page once. The end is where the API's total_count says, not
// the first page shorter than asked: an API may cap its pages below 1,000.
absl::StatusOr<PageWalk> WalkOnce(const VpcepClient& client, absl::string_view service_id,
                                  const ListFilter& walk_filter, absl::Time deadline) {
  PageWalk walk{std::string(service_id)};
  for (int pages = 0;; ++pages) {
    if (pages >= client.options().max_pages) {
      return absl::ResourceExhaustedError(
          absl::StrCat("list connections of service ", service_id, ": still more after ", pages,
                       " pages; giving up (the API keeps answering full pages)"));
    }
    const int64_t offset = walk.offset;
    absl::StatusOr<Page> page =
        client.ListPage(service_id, walk_filter, offset, kMaxPageSize, {deadline});
    // Past the end: a strict API refuses an offset that is not below the
    // number of matches, a lenient one answers an empty page. Either way the
    // set shrank since the last page, and connections not seen yet may now
    // sit before this offset: look again from where the set now ends.
    const bool past_end =
        offset > 0 && (page.ok() ? page->connections.empty()
                                 : HasApiCode(page.status(), api::codes::kInvalidOffset));
    if (!page.ok() && !past_end) return page.status();
    if (past_end) {
      const int64_t count = page.ok() ? page->total_count : -1;
      if (count >= 0) walk.total_count = count;
      absl::Status stepped = walk.StepBack(count >= 0 ? std::min(offset, count) : offset);
      if (!stepped.ok()) return stepped;
      continue;
    }
    const std::vector<Connection>& items = page->connections;
    for (const Connection& c : items) {
      if (!Matches(walk_filter, c)) return IgnoredFilter(service_id, walk_filter, c);
    }
    if (page->total_count >= 0) walk.total_count = page->total_count;
    size_t added = 0;
    if (!walk.Absorb(items, added)) {
      // More than kOverlap deletions since the last page: items between the
      // pages may have been skipped. Look again from further back.
      absl::Status stepped = walk.StepBack(offset);
      if (!stepped.ok()) return stepped;
      continue;
    }
    const int64_t size = static_cast<int64_t>(items.size());
    const int64_t end = offset + size;
    // An empty page ends the walk, and so does one that adds nothing new (a
    // server repeating itself would otherwise be walked forever).
    if (items.empty() || added == 0) break;
    if (walk.total_count >= 0) {
      if (end >= walk.total_count) break;
    } else if (size < kMaxPageSize) {
      break;  // no count to go by: a short page is the last
    }
    walk.offset = end - std::min(kOverlap, size / 2);
  }
  return walk;
}

// A host name that does not resolve is retried this long before it counts
// as a wrong setting (a short retry: a resolver may fail once).
constexpr absl::Duration kResolveGrace = absl::Milliseconds(1500);

// One line per API call at DEBUG, what an operator follows a run by: the
// answer's status, API error code, request id, latency and, for lists, how
// many items came back. Never headers or bodies (they hold credentials).
void LogCall(absl::string_view operation, const std::string& method, const HttpResponse* resp,
             const absl::Status& failure, absl::Duration latency) {
  if (!core::LogEnabled(core::LogLevel::kDebug)) return;
  core::LogFields fields = {{"operation", std::string(operation)},
                            {"method", method},
                            {"status", resp != nullptr ? absl::StrCat(resp->status) : "none"},
                            {"request_id", resp != nullptr ? resp->Header("x-request-id") : ""},
                            {"latency_ms", absl::StrCat(absl::ToInt64Milliseconds(latency))}};
  if (!failure.ok()) {
    if (std::string code = ApiErrorCode(failure); !code.empty()) {
      fields.emplace_back("error_code", code);
    }
    fields.emplace_back("error", std::string(failure.message()));
  } else if (resp != nullptr) {
    json body = json::parse(resp->body, nullptr, false);
    auto it = body.is_object() ? body.find("connections") : body.end();
    if (body.is_object() && it != body.end() && it->is_array()) {
      fields.emplace_back("items", absl::StrCat(it->size()));
    }
  }
  core::LogDebug("API call", fields);
}

}  // namespace

absl::StatusOr<Connection> ParseConnection(absl::string_view json_text) {
  json j = json::parse(json_text, nullptr, false);
  if (j.is_discarded()) return absl::InvalidArgumentError("invalid JSON");
  return FromJson(j);
}

Backoff::Backoff(const ClientOptions& options, absl::Time deadline, const core::StopSignal* stop)
    : options_(options), deadline_(deadline), stop_(stop), delay_(options.initial_backoff) {}

bool Backoff::Next(absl::string_view operation, const absl::Status& failure,
                   absl::Status* final) {
  *final = failure;
  if (!IsRetryable(failure) || retries_ >= options_.max_retries) return false;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  // Full jitter spreads the retries of ten parallel operations apart.
  int64_t ms = absl::ToInt64Milliseconds(delay_);
  absl::Duration sleep =
      absl::Milliseconds(std::uniform_int_distribution<int64_t>(ms / 2, std::max<int64_t>(ms, 1))(rng));
  if (absl::Now() + sleep >= deadline_) {
    *final = absl::Status(failure.code(),
                          absl::StrCat(failure.message(), " (no time left to retry)"));
    return false;
  }
  core::LogWarn("retrying API call", {{"operation", std::string(operation)},
                                      {"error", std::string(failure.message())},
                                      {"delay", absl::FormatDuration(sleep)}});
  if (stop_ != nullptr && !stop_->SleepFor(sleep)) {
    *final = absl::CancelledError(absl::StrCat(
        operation, " interrupted by a stop request (last error: ", failure.message(), ")"));
    KeepAnswer(failure, *final);
    return false;
  }
  delay_ = std::min(delay_ * 2, options_.max_backoff);
  ++retries_;
  return true;
}

VpcepClient::VpcepClient(ClientOptions options, std::shared_ptr<HttpTransport> transport,
                         std::shared_ptr<Authenticator> auth, const core::StopSignal* stop)
    : options_(std::move(options)),
      transport_(std::move(transport)),
      auth_(std::move(auth)),
      stop_(stop),
      watcher_(std::make_unique<ServiceWatcher>(*this)) {
  while (!options_.endpoint.empty() && options_.endpoint.back() == '/') {
    options_.endpoint.pop_back();
  }
}

VpcepClient::~VpcepClient() = default;

std::string VpcepClient::ServiceUrl(absl::string_view service_id) const {
  return absl::StrCat(options_.endpoint, "/v1/", UrlEncode(options_.project_id),
                      "/vpc-endpoint-services/", UrlEncode(service_id));
}

absl::Status VpcepClient::Latched() const {
  std::lock_guard<std::mutex> lock(latch_mu_);
  return latched_;
}

absl::Status VpcepClient::Note(const absl::Status& failure) const {
  std::lock_guard<std::mutex> lock(latch_mu_);
  if (!latched_.ok()) return latched_;
  if (failure.ok() || ApiHttpStatus(failure) != 0) answered_ = true;
  if (failure.ok()) {
    unresolved_since_ = absl::InfiniteFuture();
    return failure;
  }
  std::string summary, fix;
  absl::StatusCode code = failure.code();
  if (IsCredentialError(failure)) {
    summary = "The API refused the credentials";
    fix = absl::StrCat("check ", options_.credentials_setting);
  } else if (IsProjectError(failure)) {
    summary = "The API refused the project id";
    fix = absl::StrCat("check ", options_.project_setting,
                       ": it must be the id of a project in the region of the endpoint");
  } else if (const std::string host = UnresolvedHost(failure); !host.empty() && !answered_) {
    // A name that has never resolved, after a short retry: a region that
    // does not exist (or no DNS at all). Once the API has answered, a
    // failed lookup is a passing fault and is retried as one.
    const absl::Time now = absl::Now();
    unresolved_since_ = std::min(unresolved_since_, now);
    if (now - unresolved_since_ < kResolveGrace) return failure;
    summary = absl::StrCat("API host ", host, " not found");
    fix = absl::StrCat("the host name does not resolve: check ", options_.host_setting,
                       ", and that this machine can resolve names (DNS)");
    code = absl::StatusCode::kFailedPrecondition;  // not retried by anyone
  } else {
    return failure;
  }
  absl::Status latched(code, absl::StrCat(failure.message(), ". ", summary, ": ", fix,
                                          ". This provider process makes no further API calls."));
  failure.ForEachPayload(
      [&latched](absl::string_view url, const absl::Cord& p) { latched.SetPayload(url, p); });
  latched_ = MarkBadSetting(std::move(latched), summary);
  core::LogError("bad provider setting; no further API calls",
                 {{"error", std::string(latched_.message())}});
  return latched_;
}

absl::StatusOr<HttpResponse> VpcepClient::SendOnce(absl::string_view operation,
                                                   const HttpRequest& request,
                                                   absl::Time deadline) const {
  if (absl::Status latched = Latched(); !latched.ok()) return latched;
  // After a stop no action goes out, and none waits in the rate gate.
  const bool action = request.method != "GET";
  if (action && stop_ != nullptr && stop_->stopped()) {
    return MarkNotSent(
        absl::CancelledError(absl::StrCat(operation, ": not sent: interrupted by a stop request")));
  }
  if (absl::Status s = gate_.Acquire(deadline, stop_); !s.ok()) {
    return MarkNotSent(
        absl::Status(s.code(), absl::StrCat(operation, ": not sent: ", s.message())));
  }
  HttpRequest signed_request = request;
  // The operation's deadline bounds the request too, not only the retries.
  absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) {
    return MarkNotSent(
        absl::DeadlineExceededError(absl::StrCat(operation, ": no time left before the deadline")));
  }
  signed_request.timeout = std::min(options_.request_timeout, left);
  if (absl::Status s = auth_->Authenticate(signed_request); !s.ok()) return s;
  core::LogTrace(
      "API request",
      {{"operation", std::string(operation)}, {"method", request.method}, {"url", request.url}});
  const absl::Time sent = absl::Now();
  absl::StatusOr<HttpResponse> resp = transport_->Send(signed_request);
  const absl::Duration latency = absl::Now() - sent;
  if (!resp.ok()) {
    absl::Status failure(resp.status().code(),
                         absl::StrCat(operation, " failed: ", resp.status().message()));
    resp.status().ForEachPayload(
        [&failure](absl::string_view url, const absl::Cord& p) { failure.SetPayload(url, p); });
    LogCall(operation, request.method, nullptr, failure, latency);
    return Note(failure);
  }
  if (resp->status >= 200 && resp->status < 300) {
    gate_.OnAnswered();
    (void)Note(absl::OkStatus());
    // A cut or garbled answer to a read is a failed read (and retried as
    // one); a gateway may pass a 200 through with half a body.
    if (request.method == "GET" && !json::accept(resp->body)) {
      absl::Status garbled = absl::UnavailableError(absl::StrCat(
          operation, ": the response is not JSON (", resp->body.size(), " bytes, request id ",
          resp->Header("x-request-id").empty() ? "none" : resp->Header("x-request-id"), ")"));
      LogCall(operation, request.method, &*resp, garbled, latency);
      return garbled;
    }
    LogCall(operation, request.method, &*resp, absl::OkStatus(), latency);
    return resp;
  }
  absl::Status failure = ApiErrorStatus(operation, ParseApiError(*resp));
  if (IsThrottled(failure)) {
    gate_.OnThrottled();
  } else {
    gate_.OnAnswered();
  }
  LogCall(operation, request.method, &*resp, failure, latency);
  return Note(failure);
}

absl::StatusOr<HttpResponse> VpcepClient::Call(absl::string_view operation, HttpRequest request,
                                               bool retry_safe, const CallOptions& call,
                                               const LandedCheck& landed) const {
  // Reads may be abandoned at once on a stop; a POST is left to finish (it is
  // bounded by the request timeout) so its outcome is known, not guessed.
  request.stop = request.method == "GET" ? stop_ : nullptr;
  request.headers.emplace_back("Content-Type", request.method == "GET"
                                                   ? "application/json"
                                                   : "application/json;charset=UTF-8");
  Backoff backoff(options_, call.deadline, stop_);
  absl::Status answered;  // the last attempt's failure
  while (true) {
    absl::StatusOr<HttpResponse> resp = SendOnce(operation, request, call.deadline);
    if (resp.ok()) return resp;
    // Stopped before this attempt went out: the last answer tells the outcome.
    if (resp.status().code() == absl::StatusCode::kCancelled && !answered.ok()) {
      absl::Status stopped = resp.status();
      KeepAnswer(answered, stopped);
      return stopped;
    }
    answered = resp.status();
    absl::Status final;
    if (!retry_safe || !call.retry) return resp.status();
    // Sending again what already took effect is at best wasted and at worst
    // refused (accepting an accepted connection is an error), so ask first.
    if (landed && IsRetryable(resp.status()) && IsOutcomeUnknown(resp.status()) && landed()) {
      core::LogInfo("API call took effect although its answer was lost; not sending it again",
                    {{"operation", std::string(operation)},
                     {"error", std::string(resp.status().message())}});
      return HttpResponse{200, {}, ""};
    }
    if (!backoff.Next(operation, resp.status(), &final)) return final;
  }
}

absl::StatusOr<Page> VpcepClient::ListPage(absl::string_view service_id, const ListFilter& filter,
                                           int64_t offset, int limit,
                                           const CallOptions& call) const {
  HttpRequest req{"GET", absl::StrCat(ServiceUrl(service_id), "/connections?limit=", limit,
                                      "&offset=", offset, Query(filter))};
  absl::StatusOr<HttpResponse> resp = Call("list connections", std::move(req), true, call);
  if (!resp.ok()) return resp.status();
  json body = json::parse(resp->body, nullptr, false);
  if (!body.is_object()) {
    return absl::UnavailableError(absl::StrCat(
        "list connections: the response is not a JSON object (request id ",
        resp->Header("x-request-id"), ")"));
  }
  absl::StatusOr<std::vector<Connection>> items =
      ConnectionsFrom(body, resp->Header("x-request-id"));
  if (!items.ok()) return items.status();
  return Page{*std::move(items), TotalCount(body)};
}

absl::StatusOr<std::vector<Connection>> VpcepClient::ListConnections(
    absl::string_view service_id, const ListFilter& filter, absl::Time deadline) const {
  ListFilter walk_filter = filter;
  walk_filter.sort_key = std::string(api::kSortByCreation);
  walk_filter.sort_dir = std::string(api::kAscending);
  // What every walk so far saw, by id (the latest sighting wins). A walk can
  // miss connections when the API orders equal creation times differently
  // from one page to the next; walking again finds them.
  std::vector<Connection> all;
  std::map<std::string, size_t> index;
  int64_t total_count = -1;
  int fruitless = 0;
  for (int walks = 1;; ++walks) {
    absl::StatusOr<PageWalk> walk = WalkOnce(*this, service_id, walk_filter, deadline);
    if (!walk.ok()) return walk.status();
    size_t added = 0;
    for (Connection& c : walk->all) {
      auto [it, fresh] = index.emplace(c.id, all.size());
      if (fresh) {
        all.push_back(std::move(c));
        ++added;
      } else {
        all[it->second] = std::move(c);
      }
    }
    total_count = walk->total_count;
    // Connections deleted during the walks stay counted: only fewer than
    // the API counts means some were missed.
    if (total_count < 0 || static_cast<int64_t>(all.size()) >= total_count) break;
    fruitless = added == 0 ? fruitless + 1 : 0;
    if (walks >= kMaxWalks || fruitless >= 2 || absl::Now() >= deadline) {
      return absl::UnavailableError(absl::StrCat(
          "list connections of service ", service_id, ": the API counts ", total_count,
          " connections (total_count) but ", walks, " walks over its pages listed only ",
          all.size(),
          "; its pages do not add up (a page size below the one asked for, or "
          "an order that changes between calls), so no partial list is returned; try again"));
    }
    core::LogInfo("listing incomplete; walking the pages again",
                  {{"service_id", std::string(service_id)},
                   {"listed", absl::StrCat(all.size())},
                   {"total_count", absl::StrCat(total_count)}});
  }
  OrderAsAsked(filter, all);
  return all;
}

absl::StatusOr<std::optional<Connection>> VpcepClient::GetConnection(
    absl::string_view service_id, absl::string_view endpoint_id, const CallOptions& call) const {
  ListFilter filter;
  filter.endpoint_id = std::string(endpoint_id);
  absl::StatusOr<Page> page = ListPage(service_id, filter, 0, kMaxPageSize, call);
  if (!page.ok()) return page.status();
  for (Connection& c : page->connections) {
    if (c.id == endpoint_id) return std::optional<Connection>(std::move(c));
  }
  // Absence is proven only by an answer that holds to the filter: no other
  // endpoint's connection, and no count of matches it does not show.
  if (!page->connections.empty()) {
    return IgnoredFilter(service_id, filter, page->connections.front());
  }
  if (page->total_count > 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("list connections of service ", service_id, ": asked for endpoint ",
                     endpoint_id, ", the API counts ", page->total_count,
                     " matches (total_count) but shows none, so its answer cannot be trusted"));
  }
  return std::optional<Connection>();
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
  absl::StatusOr<HttpResponse> resp = Call(absl::StrCat(action, " endpoint ", endpoint_id),
                                           std::move(req), true, {deadline}, landed);
  // Whatever the answer, the service may have changed.
  watcher_->Changed(std::string(service_id));
  if (!resp.ok()) return resp.status();
  json parsed = json::parse(resp->body, nullptr, false);
  if (!parsed.is_object()) return std::vector<Connection>{};
  return ConnectionsFrom(parsed, resp->Header("x-request-id"));
}

absl::StatusOr<Service> VpcepClient::GetService(absl::string_view service_id,
                                                absl::Time deadline) const {
  absl::StatusOr<HttpResponse> resp =
      Call(absl::StrCat("get service ", service_id), HttpRequest{"GET", ServiceUrl(service_id)},
           true, {deadline});
  if (!resp.ok()) return resp.status();
  json j = json::parse(resp->body, nullptr, false);
  if (!j.is_object()) return absl::UnavailableError("get service: response is not JSON");
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
    absl::string_view description, absl::Time deadline) const {
  json body = {{"connections", json::array({{{"id", endpoint_id}, {"description", description}}})}};
  HttpRequest req{"PUT", absl::StrCat(ServiceUrl(service_id), "/connections/description"), {},
                  Dump(body)};
  // Setting the same text twice is harmless, so retrying is safe.
  absl::StatusOr<HttpResponse> resp =
      Call(absl::StrCat("update description of endpoint ", endpoint_id), std::move(req), true,
           {deadline});
  watcher_->Changed(std::string(service_id));
  if (!resp.ok()) return resp.status();
  json parsed = json::parse(resp->body, nullptr, false);
  if (!parsed.is_object()) return std::vector<Connection>{};
  return ConnectionsFrom(parsed, resp->Header("x-request-id"));
}

}  // namespace vpcep::cloud
