// FakeApi: an in-memory VPCEP list/action API as an HttpTransport, for unit
// tests of lookups and waits. Honours the list call's id filter, sort keys,
// limit and offset; counts calls, listed items and the most list calls ever
// in flight at once; can fail calls, add latency, churn the service (a
// connection created or deleted before a page is served), refuse offsets past
// the end as the contract allows, and leave out total_count.
#ifndef VPCEP_TESTS_UNIT_FAKE_API_H_
#define VPCEP_TESTS_UNIT_FAKE_API_H_

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "provider/cloud/http.h"

namespace vpcep::testing {

class FakeApi : public cloud::HttpTransport {
 public:
  struct Conn {
    std::string id;
    std::string status = "pendingAcceptance";
    int64_t created = 0;  // sequence numbers stand in for timestamps
    int64_t updated = 0;
    std::string target;  // pending transition
    absl::Time due = absl::InfiniteFuture();
  };

  // `n` connections ep-0 .. ep-(n-1), oldest first.
  void AddConnections(int n, const std::string& status = "pendingAcceptance") {
    std::lock_guard<std::mutex> lock(mu);
    for (int i = 0; i < n; ++i) AddLocked(absl::StrCat("ep-", conns.size()), status);
  }

  absl::StatusOr<cloud::HttpResponse> Send(const cloud::HttpRequest& req) override {
    const bool list = req.method == "GET" && absl::StrContains(req.url, "/connections");
    {
      std::lock_guard<std::mutex> lock(mu);
      ++calls;
      if (list) {
        ++list_calls;
        if (absl::StrContains(req.url, "id=")) ++id_calls;
        max_in_flight = std::max(max_in_flight, ++in_flight);
      }
    }
    if (latency > absl::ZeroDuration()) absl::SleepFor(latency);
    std::lock_guard<std::mutex> lock(mu);
    if (list) --in_flight;
    if (fail_next > 0) {
      --fail_next;
      return cloud::HttpResponse{503, {{"x-request-id", "req-503"}},
                                 R"({"error_code":"APIGW.0203","error_msg":"unavailable"})"};
    }
    Advance();
    if (req.method == "POST") return Act(req);
    if (list) return List(req.url);
    return cloud::HttpResponse{200, {}, R"({"id":"svc","approval_enabled":true})"};
  }

  static std::string Param(const std::string& url, const std::string& key) {
    size_t p = url.find("&" + key + "=");
    if (p == std::string::npos) p = url.find("?" + key + "=");
    if (p == std::string::npos) return "";
    size_t start = p + key.size() + 2;
    return url.substr(start, url.find('&', start) - start);
  }

  Conn* FindLocked(const std::string& id) {
    for (Conn& c : conns) {
      if (c.id == id) return &c;
    }
    return nullptr;
  }
  void RemoveLocked(const std::string& id) {
    conns.erase(std::remove_if(conns.begin(), conns.end(),
                               [&](const Conn& c) { return c.id == id; }),
                conns.end());
  }

  std::mutex mu;  // guards everything below
  std::vector<Conn> conns;
  absl::Duration delay = absl::Seconds(1);  // transition time
  absl::Duration latency = absl::ZeroDuration();
  int fail_next = 0;  // answer the next N calls with 503
  // Called (with mu held) before each list page is served: churn.
  std::function<void(FakeApi&)> before_page;
  // Left out of listings that are not filtered by id, as an item skipped
  // by a page boundary that shifted would be.
  std::set<std::string> hidden_from_pages;
  // A list offset > 0 that is not below the number of matches gets 400
  // EndPoint.0010 instead of an empty page.
  bool strict_offset = false;
  bool omit_total_count = false;
  // Misbehaviours of APIs met in the field (issue 22): pages capped below the
  // limit asked for; connections with equal sort keys in a different order on
  // each call; the id filter ignored; a total_count that counts the page.
  int64_t page_cap = 0;  // 0: none
  bool shuffle_ties = false;
  bool ignore_id_filter = false;
  bool total_counts_page = false;
  // total_count counts hidden_from_pages too, as the API's count would.
  bool count_hidden = false;
  int64_t offset_refusals = 0;
  std::vector<int64_t> offsets;  // of every list call served, in order
  int64_t calls = 0, list_calls = 0, id_calls = 0, listed_items = 0, receives = 0;
  int in_flight = 0, max_in_flight = 0;
  int64_t sequence = 0;

  // Every connection created at the same moment (a bulk creation).
  void SameCreationTime() {
    std::lock_guard<std::mutex> lock(mu);
    for (Conn& c : conns) c.created = 1;
  }

  void AddLocked(const std::string& id, const std::string& status) {
    Conn c;
    c.id = id;
    c.status = status;
    c.created = c.updated = ++sequence;
    conns.push_back(c);
  }

 private:
  void Advance() {
    absl::Time now = absl::Now();
    for (Conn& c : conns) {
      if (!c.target.empty() && c.due <= now) {
        c.status = c.target;
        c.target.clear();
        c.updated = ++sequence;
      }
    }
  }

  cloud::HttpResponse Act(const cloud::HttpRequest& req) {
    nlohmann::json body = nlohmann::json::parse(req.body);
    std::string id = body["endpoints"][0];
    Conn* c = FindLocked(id);
    if (c == nullptr) {
      return cloud::HttpResponse{400, {{"x-request-id", "req-2013"}},
                                 R"({"error_code":"EndPoint.2013","error_msg":"not ours"})"};
    }
    if (body["action"] == "receive") {
      ++receives;
      c->status = "creating";
      c->target = "accepted";
    } else {
      c->target = "rejected";
    }
    c->updated = ++sequence;
    c->due = absl::Now() + delay;
    return cloud::HttpResponse{200, {{"x-request-id", "req-act"}},
                               nlohmann::json{{"connections", {Json(*c)}}}.dump()};
  }

  static nlohmann::json Json(const Conn& c) {
    // Fixed-width numbers keep the sequence order when compared as strings.
    char created[32], updated[32];
    std::snprintf(created, sizeof created, "%012lld", static_cast<long long>(c.created));
    std::snprintf(updated, sizeof updated, "%012lld", static_cast<long long>(c.updated));
    return {{"id", c.id}, {"status", c.status}, {"domain_id", "dom"}, {"marker_id", 1},
            {"created_at", created}, {"updated_at", updated}};
  }

  cloud::HttpResponse List(const std::string& url) {
    if (before_page) before_page(*this);
    std::string id = Param(url, "id");
    std::string status = Param(url, "status");
    std::vector<const Conn*> match;
    for (const Conn& c : conns) {
      if (!status.empty() && c.status != status) continue;
      if (id.empty() || ignore_id_filter ? hidden_from_pages.count(c.id) == 0 : c.id == id) {
        match.push_back(&c);
      }
    }
    if (shuffle_ties) {
      std::mt19937 rng(static_cast<uint32_t>(list_calls));  // a new order per call, reproducible
      std::shuffle(match.begin(), match.end(), rng);
    }
    const bool by_update = Param(url, "sort_key") == "update_at";
    const bool asc = Param(url, "sort_dir") == "asc";
    std::stable_sort(match.begin(), match.end(), [&](const Conn* a, const Conn* b) {
      int64_t ka = by_update ? a->updated : a->created, kb = by_update ? b->updated : b->created;
      return asc ? ka < kb : kb < ka;
    });
    int64_t offset = std::atoll(Param(url, "offset").c_str());
    offsets.push_back(offset);
    if (strict_offset && offset > 0 && offset >= static_cast<int64_t>(match.size())) {
      ++offset_refusals;
      return cloud::HttpResponse{400, {{"x-request-id", "req-0010"}},
                                 R"({"error_code":"EndPoint.0010","error_msg":"invalid offset"})"};
    }
    std::string limit_text = Param(url, "limit");
    int64_t limit = limit_text.empty() ? 10 : std::atoll(limit_text.c_str());
    if (page_cap > 0) limit = std::min(limit, page_cap);
    nlohmann::json items = nlohmann::json::array();
    for (int64_t i = offset; i < static_cast<int64_t>(match.size()) && i < offset + limit; ++i) {
      items.push_back(Json(*match[static_cast<size_t>(i)]));
    }
    listed_items += static_cast<int64_t>(items.size());
    nlohmann::json body{{"connections", items}};
    size_t total = total_counts_page ? items.size() : match.size();
    if (count_hidden && id.empty()) total += hidden_from_pages.size();
    if (!omit_total_count) body["total_count"] = total;
    return cloud::HttpResponse{200, {{"x-request-id", "req-list"}}, body.dump()};
  }
};

}  // namespace vpcep::testing

#endif  // VPCEP_TESTS_UNIT_FAKE_API_H_
