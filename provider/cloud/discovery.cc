#include "provider/cloud/discovery.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "provider/cloud/api_error.h"
#include "provider/cloud/api_vocabulary.h"

namespace vpcep::cloud {
namespace {

// How far each page reaches back into the previous one, and how often the
// walk may step back before calling the list too unstable.
constexpr int64_t kMaxOverlap = 20;
constexpr int kMaxStepsBack = 8;

}  // namespace

absl::Status DiscoverConnections(const VpcepClient& client, absl::string_view service_id,
                                 const DiscoverySpec& spec,
                                 const std::function<bool(const Connection&)>& take) {
  ListFilter filter = spec.filter;
  filter.sort_key = std::string(api::kSortByCreation);
  filter.sort_dir = std::string(api::kAscending);
  const int page_size = std::clamp(spec.page_size, 2, kMaxPageSize);
  const int64_t overlap = std::min<int64_t>(kMaxOverlap, page_size / 2);
  std::set<std::string> seen;
  int64_t offset = 0;
  int steps_back = 0;
  auto step_back = [&](int64_t from) {
    if (++steps_back > kMaxStepsBack) {
      return absl::UnavailableError(
          absl::StrCat("list connections of service ", service_id,
                       ": the list changed too fast to be walked reliably; try again"));
    }
    offset = std::max<int64_t>(0, from - page_size * (int64_t{1} << (steps_back - 1)));
    return absl::OkStatus();
  };
  for (int pages = 0;; ++pages) {
    if (pages >= client.options().max_pages) {
      return absl::ResourceExhaustedError(
          absl::StrCat("list connections of service ", service_id, ": still more after ", pages,
                       " pages; giving up (the API keeps answering full pages)"));
    }
    absl::StatusOr<Page> page =
        client.ListPage(service_id, filter, offset, page_size, {spec.deadline});
    // Past the end (refused or empty): the set shrank since the last page.
    const bool past_end =
        offset > 0 && (page.ok() ? page->connections.empty()
                                 : HasApiCode(page.status(), api::codes::kInvalidOffset));
    if (!page.ok() && !past_end) return page.status();
    if (past_end) {
      const int64_t count = page.ok() ? page->total_count : -1;
      absl::Status stepped = step_back(count >= 0 ? std::min(offset, count) : offset);
      if (!stepped.ok()) return stepped;
      continue;
    }
    // Every page after the first must meet a connection seen before;
    // otherwise more than the overlap was deleted and items may have shifted
    // past the walk unseen: read from further back first.
    const bool met_seen =
        offset == 0 || std::any_of(page->connections.begin(), page->connections.end(),
                                   [&](const Connection& c) { return seen.count(c.id) > 0; });
    if (!met_seen) {
      absl::Status stepped = step_back(offset);
      if (!stepped.ok()) return stepped;
      continue;
    }
    size_t added = 0;
    for (const Connection& c : page->connections) {
      if (!seen.insert(c.id).second) continue;
      ++added;
      if (!take(c)) return absl::OkStatus();
    }
    const int64_t size = static_cast<int64_t>(page->connections.size());
    const int64_t end = offset + size;
    if (size < page_size || added == 0) return absl::OkStatus();
    if (page->total_count >= 0 && end >= page->total_count) return absl::OkStatus();
    offset = end - overlap;
  }
}

}  // namespace vpcep::cloud
