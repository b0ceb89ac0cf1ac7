// Walking every page of a listing at its edges (vpcep-api.md, "List
// connections": the offset must stay below the number of matches): a full
// last page, and a set that shrinks below the next offset mid-walk, against
// an API that refuses such an offset (strict) and one that answers an empty
// page (lenient).
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "provider/cloud/auth.h"
#include "provider/cloud/client.h"
#include "tests/unit/fake_api.h"

namespace vpcep::cloud {
namespace {

using testing::FakeApi;

struct Edge {
  bool strict_offset;
  bool omit_total_count;
};

class ListWalkTest : public ::testing::TestWithParam<Edge> {
 protected:
  ListWalkTest() {
    api_->strict_offset = GetParam().strict_offset;
    api_->omit_total_count = GetParam().omit_total_count;
    ClientOptions o;
    o.endpoint = "https://vpcep.example";
    o.project_id = "p1";
    o.initial_backoff = absl::Milliseconds(1);
    o.max_backoff = absl::Milliseconds(4);
    client_ = std::make_unique<VpcepClient>(o, api_, std::make_shared<TokenAuth>("tok"), &stop_);
  }

  std::set<std::string> Walk() {
    absl::StatusOr<std::vector<Connection>> all = client_->ListConnections("svc", {});
    EXPECT_TRUE(all.ok()) << all.status();
    std::set<std::string> ids;
    if (!all.ok()) return ids;
    for (const Connection& c : *all) EXPECT_TRUE(ids.insert(c.id).second) << "twice: " << c.id;
    return ids;
  }

  std::shared_ptr<FakeApi> api_ = std::make_shared<FakeApi>();
  core::StopSignal stop_;
  std::unique_ptr<VpcepClient> client_;
};

// Whole pages only: the walk ends with every item and never asks past the end.
TEST_P(ListWalkTest, AFullLastPageEndsTheWalkCleanly) {
  for (int pages : {1, 2, 3}) {
    SCOPED_TRACE(absl::StrCat(pages, " full pages"));
    api_->conns.clear();
    api_->offsets.clear();
    api_->AddConnections(pages * kMaxPageSize);
    std::set<std::string> ids = Walk();
    EXPECT_EQ(ids.size(), static_cast<size_t>(pages * kMaxPageSize));
    for (int64_t offset : api_->offsets) EXPECT_LT(offset, pages * kMaxPageSize);
    EXPECT_EQ(api_->offset_refusals, 0);
  }
}

// Between the first and second page most of the set goes, so the next offset
// lies past the new end while connections not yet seen now sit before it.
TEST_P(ListWalkTest, ASetShrinkingPastTheNextOffsetLosesNoSurvivor) {
  api_->AddConnections(2500);
  std::set<std::string> deleted;
  api_->before_page = [&deleted](FakeApi& api) {
    if (api.list_calls != 2) return;
    for (int i = 0; i < 2500; ++i) {
      if (i < 900 || (i >= 1000 && i < 1700)) {
        std::string id = absl::StrCat("ep-", i);
        api.RemoveLocked(id);
        deleted.insert(id);
      }
    }
  };
  std::set<std::string> ids = Walk();
  ASSERT_EQ(deleted.size(), 1600u);
  for (int i = 0; i < 2500; ++i) {
    std::string id = absl::StrCat("ep-", i);
    if (deleted.count(id) == 0) {
      EXPECT_EQ(ids.count(id), 1u) << "survivor lost: " << id;
    }
  }
  if (GetParam().strict_offset) {
    EXPECT_GE(api_->offset_refusals, 1) << "the edge was not reached";
  }
  // Connections seen before they went stay in the result: a walk of several
  // pages proves nothing about absence (only an exact call does).
  for (int i = 0; i < 900; ++i) EXPECT_EQ(ids.count(absl::StrCat("ep-", i)), 1u) << i;
}

INSTANTIATE_TEST_SUITE_P(Edges, ListWalkTest,
                         ::testing::Values(Edge{true, false}, Edge{false, false},
                                           Edge{true, true}, Edge{false, true}),
                         [](const ::testing::TestParamInfo<Edge>& info) {
                           return absl::StrCat(info.param.strict_offset ? "Strict" : "Lenient",
                                               info.param.omit_total_count ? "NoTotal" : "");
                         });

}  // namespace
}  // namespace vpcep::cloud
