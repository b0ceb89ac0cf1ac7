#include "resources/connection_policy/snapshot.h"

#include <algorithm>
#include <set>
#include <thread>
#include <utility>

#include "provider/cloud/api_vocabulary.h"
#include "provider/core/log.h"

namespace vpcep::resources {
namespace {

// Items each page shares with the one before: up to this many deletions
// while the pages are read leave no gap between them.
constexpr int64_t kOverlap = 20;

bool Shares(const std::vector<cloud::Connection>& a, const std::vector<cloud::Connection>& b) {
  std::set<std::string> ids;
  for (const cloud::Connection& c : a) ids.insert(c.id);
  return std::any_of(b.begin(), b.end(),
                     [&ids](const cloud::Connection& c) { return ids.count(c.id) > 0; });
}

}  // namespace

absl::StatusOr<std::vector<cloud::Connection>> ReadService(const cloud::VpcepClient& client,
                                                           const std::string& service_id,
                                                           absl::Time deadline) {
  cloud::ListFilter filter;
  // Oldest first: connections created during the read land behind it.
  filter.sort_key = std::string(api::kSortByCreation);
  filter.sort_dir = std::string(api::kAscending);
  const int limit = cloud::kMaxPageSize;
  absl::StatusOr<cloud::Page> first = client.ListPage(service_id, filter, 0, limit, {deadline});
  if (!first.ok()) return first.status();
  if (first->connections.size() < static_cast<size_t>(limit)) return first->connections;
  const int64_t total = first->total_count;
  std::vector<int64_t> offsets;
  for (int64_t end = limit; total >= 0 && end < total; end += limit - kOverlap) {
    offsets.push_back(end - kOverlap);
  }
  const bool sized = total >= 0 && static_cast<int>(offsets.size()) < client.options().max_pages;
  std::vector<absl::StatusOr<cloud::Page>> pages(offsets.size(), absl::UnknownError("not read"));
  if (sized) {
    for (size_t wave = 0; wave < offsets.size(); wave += kSnapshotParallelPages) {
      std::vector<std::thread> readers;
      for (size_t i = wave; i < std::min(offsets.size(), wave + kSnapshotParallelPages); ++i) {
        readers.emplace_back([&, i] {
          pages[i] = client.ListPage(service_id, filter, offsets[i], limit, {deadline});
        });
      }
      for (std::thread& t : readers) t.join();
    }
  }
  // The pages fit together when each meets the one before and the last one
  // ends the list; otherwise the sequential walk, which steps back, reads it.
  bool fits = sized && !offsets.empty();
  const std::vector<cloud::Connection>* before = &first->connections;
  for (size_t i = 0; fits && i < pages.size(); ++i) {
    if (!pages[i].ok()) {
      if (!cloud::IsRetryable(pages[i].status())) return pages[i].status();
      fits = false;
      break;
    }
    const std::vector<cloud::Connection>& items = pages[i]->connections;
    const bool last = i + 1 == pages.size();
    const bool full = items.size() == static_cast<size_t>(limit);
    const bool ends = !full || offsets[i] + static_cast<int64_t>(items.size()) >= total;
    fits = Shares(*before, items) && (last ? ends : full);
    before = &items;
  }
  if (!fits) {
    core::LogInfo("pages of the service shifted while read in parallel; walking them in order",
                  {{"service_id", service_id}});
    return client.ListConnections(service_id, filter, deadline);
  }
  std::vector<cloud::Connection> all = std::move(first->connections);
  std::set<std::string> seen;
  for (const cloud::Connection& c : all) seen.insert(c.id);
  for (absl::StatusOr<cloud::Page>& page : pages) {
    for (cloud::Connection& c : page->connections) {
      if (seen.insert(c.id).second) all.push_back(std::move(c));
    }
  }
  return all;
}

}  // namespace vpcep::resources
