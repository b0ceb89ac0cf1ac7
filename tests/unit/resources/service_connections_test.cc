// vpcep_service_connections in-process, against a scripted list call: filters
// reach the API as given (or are applied by the provider), every page is read,
// the result is ordered as asked, and failures name the call.
#include "resources/service_connections/service_connections.h"

#include <deque>
#include <mutex>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "provider/core/dispatcher.h"
#include "provider/core/msgpack_codec.h"
#include "resources/service_connections/model.h"
#include "resources/vpcep_provider.h"

namespace vpcep::resources {
namespace {

using core::Type;
using core::Value;
using ::testing::HasSubstr;
using ::testing::Not;

// The list call of one service. Answers come from `script` first, then from
// `connections` (oldest first, the order the provider walks in), honouring
// limit and offset. Records every URL asked for.
class ListApi : public cloud::HttpTransport {
 public:
  absl::StatusOr<cloud::HttpResponse> Send(const cloud::HttpRequest& req) override {
    std::lock_guard<std::mutex> lock(mu);
    urls.push_back(req.url);
    if (!script.empty()) {
      cloud::HttpResponse next = script.front();
      script.pop_front();
      return next;
    }
    const size_t offset = Param(req.url, "offset");
    const size_t limit =
        page_cap > 0 ? std::min(page_cap, Param(req.url, "limit")) : Param(req.url, "limit");
    nlohmann::json page = nlohmann::json::array();
    for (size_t i = offset; i < connections.size() && i < offset + limit; ++i) {
      page.push_back(connections[i]);
    }
    return cloud::HttpResponse{
        200,
        {{"x-request-id", "req-list"}},
        nlohmann::json{{"connections", page}, {"total_count", connections.size()}}.dump()};
  }
  static std::string Time(int64_t unix_seconds) {
    return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(unix_seconds),
                            absl::UTCTimeZone());
  }
  static std::string Created(int i) { return Time(1714521600 + i); }
  static std::string Updated(int i) { return Time(1717200000 - i); }
  static size_t Param(const std::string& url, const std::string& key) {
    for (const char* sep : {"?", "&"}) {
      size_t p = url.find(sep + key + "=");
      if (p != std::string::npos) return std::stoul(url.substr(p + key.size() + 2));
    }
    return 0;
  }
  // Connection i: ep-<i>, marker id 4096 + i, created i-th and updated in
  // the reverse order (see Created and Updated).
  void Add(int n, const std::string& domain = "dom-a",
           const std::string& status = "pendingAcceptance") {
    std::lock_guard<std::mutex> lock(mu);
    for (int k = 0; k < n; ++k) {
      int i = static_cast<int>(connections.size());
      connections.push_back({{"id", absl::StrCat("ep-", i)},
                             {"marker_id", 4096 + i},
                             {"domain_id", domain},
                             {"status", status},
                             {"description", ""},
                             {"created_at", Created(i)},
                             {"updated_at", Updated(i)}});
    }
  }

  std::mutex mu;  // guards everything below
  std::deque<cloud::HttpResponse> script;
  std::vector<nlohmann::json> connections;
  std::vector<std::string> urls;
  size_t page_cap = 0;  // an API serving fewer per page than asked (0: none)
};

class ServiceConnectionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Type pt = core::ImpliedType(provider_.GetSchema().block);
    Value pc = Value::ObjectOf(
        pt, {{"project_id", Value::String("p")},
             {"auth_token", Value::String("t")},
             {"max_retries", Value::Int(0)},
             {"endpoints",
              Value::Map(Type::String(), {{"vpcep", Value::String("http://127.0.0.1")}})}});
    ASSERT_FALSE(dispatcher_.Configure("1.11.4", {core::EncodeMsgpack(pc, pt), ""}).HasError());
  }
  Type DataType() {
    return core::ImpliedType(dispatcher_.GetSchemas().data_sources.at(kType)->block);
  }
  // The configuration of service "svc" with `attrs` set.
  core::WireValue Config(std::map<std::string, Value> attrs = {}) {
    attrs.emplace("service_id", Value::String("svc"));
    return {core::EncodeMsgpack(Value::ObjectOf(DataType(), attrs), DataType()), ""};
  }
  core::EncodedResult Read(std::map<std::string, Value> attrs = {}) {
    return dispatcher_.ReadDataSource(kType, Config(std::move(attrs)));
  }
  // The `connections` of a successful read.
  std::vector<Value> Connections(const core::EncodedResult& r) {
    EXPECT_FALSE(r.diags.HasError())
        << r.diags.items()[0].summary << ": " << r.diags.items()[0].detail;
    absl::StatusOr<Value> state = core::DecodeMsgpack(r.msgpack, DataType());
    EXPECT_TRUE(state.ok()) << state.status();
    if (!state.ok() || state->is_null()) return {};
    EXPECT_EQ(state->Attr("id").AsString(), "svc");
    return state->Attr("connections").Elements();
  }
  static std::vector<std::string> Ids(const std::vector<Value>& connections) {
    std::vector<std::string> ids;
    for (const Value& c : connections) ids.push_back(c.Attr("endpoint_id").AsString());
    return ids;
  }
  static cloud::HttpResponse Error(int status, const std::string& code,
                                   const std::string& request_id) {
    return cloud::HttpResponse{
        status,
        {{"x-request-id", request_id}},
        nlohmann::json{{"error_code", code}, {"error_msg", "refused"}}.dump()};
  }

  static constexpr char kType[] = "vpcep_service_connections";
  std::shared_ptr<ListApi> api_ = std::make_shared<ListApi>();
  VpcepProvider provider_{api_};
  core::Dispatcher dispatcher_{provider_};
};

TEST_F(ServiceConnectionsTest, SchemaTakesAServiceAndOptionalFiltersAsStrings) {
  const core::Schema& schema = *dispatcher_.GetSchemas().data_sources.at(kType);
  std::map<std::string, const core::Attribute*> attrs;
  for (const core::Attribute& a : schema.block.attributes) attrs[a.name] = &a;
  ASSERT_EQ(attrs.count("service_id"), 1u);
  EXPECT_TRUE(attrs["service_id"]->required);
  for (const char* filter :
       {"endpoint_id", "marker_id", "status", "domain_id", "sort_key", "sort_dir"}) {
    ASSERT_EQ(attrs.count(filter), 1u) << filter;
    EXPECT_TRUE(attrs[filter]->optional) << filter;
    EXPECT_FALSE(attrs[filter]->computed) << filter;
    // A string, so that a marker id too large for a double stays exact.
    EXPECT_EQ(attrs[filter]->type.kind(), Type::Kind::kString) << filter;
  }
  for (const char* computed : {"id", "connections"}) {
    ASSERT_EQ(attrs.count(computed), 1u) << computed;
    EXPECT_TRUE(attrs[computed]->computed) << computed;
    EXPECT_FALSE(attrs[computed]->optional) << computed;
  }
  std::set<std::string> fields;
  for (const auto& [name, type] : attrs["connections"]->type.element().attributes()) {
    fields.insert(name);
  }
  EXPECT_EQ(fields, (std::set<std::string>{"endpoint_id", "marker_id", "domain_id", "status",
                                           "description", "created_at", "updated_at", "errors"}));
}

TEST_F(ServiceConnectionsTest, FiltersAreSentAsQueryParametersAsGiven) {
  api_->Add(1);
  core::EncodedResult r = Read({{"endpoint_id", Value::String("ep-0")},
                                {"marker_id", Value::String("4096")},
                                {"status", Value::String("pendingAcceptance")}});
  EXPECT_EQ(Ids(Connections(r)), std::vector<std::string>{"ep-0"});
  ASSERT_EQ(api_->urls.size(), 1u);
  const std::string& url = api_->urls[0];
  EXPECT_THAT(url, HasSubstr("/v1/p/vpc-endpoint-services/svc/connections?"));
  EXPECT_THAT(url, HasSubstr("&id=ep-0"));
  EXPECT_THAT(url, HasSubstr("&marker_id=4096"));
  EXPECT_THAT(url, HasSubstr("&status=pendingAcceptance"));
}

// Regional editions of the API differ in the statuses they know, so any
// value reaches the API, and the API's refusal reaches the user.
TEST_F(ServiceConnectionsTest, UnknownStatusIsLeftToTheApi) {
  EXPECT_TRUE(
      dispatcher_
          .ValidateDataSourceConfig(kType, Config({{"status", Value::String("pendingReview")}}))
          .empty());
  api_->script = {Error(400, "EndPoint.0019", "req-status")};
  core::EncodedResult r = Read({{"status", Value::String("pendingReview")}});
  ASSERT_EQ(api_->urls.size(), 1u);
  EXPECT_THAT(api_->urls[0], HasSubstr("&status=pendingReview"));
  ASSERT_TRUE(r.diags.HasError());
  EXPECT_THAT(r.diags.items()[0].detail, HasSubstr("HTTP 400 EndPoint.0019"));
  EXPECT_THAT(r.diags.items()[0].detail, HasSubstr("request id req-status"));
}

TEST_F(ServiceConnectionsTest, FilterValuesAreEscapedInTheQuery) {
  core::EncodedResult r = Read(
      {{"marker_id", Value::String("12&status=accepted")}, {"endpoint_id", Value::String("ep 1")}});
  EXPECT_TRUE(Connections(r).empty());
  ASSERT_EQ(api_->urls.size(), 1u);
  EXPECT_THAT(api_->urls[0], HasSubstr("&marker_id=12%26status%3Daccepted"));
  EXPECT_THAT(api_->urls[0], HasSubstr("&id=ep%201"));
  EXPECT_THAT(api_->urls[0], Not(HasSubstr("&status=")));
}

TEST_F(ServiceConnectionsTest, EveryPageIsReadAndEveryConnectionReturnedOnce) {
  api_->Add(2500);
  std::vector<Value> connections = Connections(Read());
  ASSERT_EQ(connections.size(), 2500u);
  EXPECT_EQ(api_->urls.size(), 3u) << "pages of 1000";
  std::set<std::string> ids;
  for (const Value& c : connections) ids.insert(c.Attr("endpoint_id").AsString());
  EXPECT_EQ(ids.size(), 2500u);
  // Newest first when no order is asked for, as the API lists them.
  const Value& newest = connections.front();
  EXPECT_EQ(newest.Attr("endpoint_id").AsString(), "ep-2499");
  EXPECT_EQ(*newest.Attr("marker_id").AsInt(), 4096 + 2499);
  EXPECT_EQ(newest.Attr("domain_id").AsString(), "dom-a");
  EXPECT_EQ(newest.Attr("status").AsString(), "pendingAcceptance");
  EXPECT_EQ(newest.Attr("created_at").AsString(), ListApi::Created(2499));
  EXPECT_EQ(newest.Attr("updated_at").AsString(), ListApi::Updated(2499));
  EXPECT_TRUE(newest.Attr("errors").Elements().empty());
}

// An API that serves 500 per page whatever the limit: the data source still
// lists all 1,500 (it used to stop at the first short page, with 500).
TEST_F(ServiceConnectionsTest, PagesCappedBelowTheLimitStillListEveryConnection) {
  api_->Add(1500);
  api_->page_cap = 500;
  std::vector<Value> connections = Connections(Read());
  std::set<std::string> ids;
  for (const Value& c : connections) ids.insert(c.Attr("endpoint_id").AsString());
  EXPECT_EQ(connections.size(), 1500u);
  EXPECT_EQ(ids.size(), 1500u);
}

// A listing that cannot reach the API's total_count is an error on the
// service, never a short list.
TEST_F(ServiceConnectionsTest, AListShortOfTheApiCountIsAnErrorNotAShortList) {
  api_->Add(3);
  nlohmann::json short_page{{"connections", {api_->connections[0], api_->connections[1]}},
                            {"total_count", 3}};
  for (int i = 0; i < 20; ++i) {
    api_->script.push_back({200, {{"x-request-id", "req-short"}}, short_page.dump()});
  }
  core::EncodedResult r = Read();
  ASSERT_TRUE(r.diags.HasError()) << "a short list came back";
  EXPECT_EQ(core::PathString(r.diags.items()[0].path), "service_id");
  EXPECT_THAT(r.diags.items()[0].detail, HasSubstr("counts 3 connections (total_count)"));
  EXPECT_THAT(r.diags.items()[0].detail, HasSubstr("listed only 2"));
}

// A filter the API refuses is reported on that filter, not on the service.
TEST_F(ServiceConnectionsTest, ARefusedFilterIsReportedOnItsAttribute) {
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"EndPoint.0019", "status", "pendingReview"},
      {"EndPoint.0021", "marker_id", "x"},
      {"EndPoint.2003", "service_id", ""}};
  for (const auto& [code, attribute, value] : cases) {
    api_->script = {Error(400, code, "req-" + code)};
    std::map<std::string, Value> attrs;
    if (!value.empty()) attrs[attribute] = Value::String(value);
    core::EncodedResult r = Read(attrs);
    ASSERT_TRUE(r.diags.HasError()) << code;
    EXPECT_EQ(core::PathString(r.diags.items()[0].path), attribute) << code;
    EXPECT_THAT(r.diags.items()[0].detail, HasSubstr(code));
  }
  // An answer that ignored the endpoint filter lands on endpoint_id.
  api_->Add(2);
  core::EncodedResult r = Read({{"endpoint_id", Value::String("ep-1")}});
  ASSERT_TRUE(r.diags.HasError());
  EXPECT_EQ(core::PathString(r.diags.items()[0].path), "endpoint_id");
  EXPECT_THAT(r.diags.items()[0].detail, HasSubstr("ignored the filter"));
}

TEST_F(ServiceConnectionsTest, DomainIsFilteredByTheProvider) {
  api_->Add(2, "dom-a");
  api_->Add(2, "dom-b");
  std::vector<Value> connections = Connections(Read({{"domain_id", Value::String("dom-b")}}));
  EXPECT_EQ(Ids(connections), (std::vector<std::string>{"ep-3", "ep-2"}));
  ASSERT_EQ(api_->urls.size(), 1u);
  EXPECT_THAT(api_->urls[0], Not(HasSubstr("domain_id")));
}

TEST_F(ServiceConnectionsTest, ResultIsOrderedAsAsked) {
  api_->Add(3);
  EXPECT_EQ(Ids(Connections(Read(
                {{"sort_key", Value::String("update_at")}, {"sort_dir", Value::String("asc")}}))),
            (std::vector<std::string>{"ep-2", "ep-1", "ep-0"}));
  EXPECT_EQ(Ids(Connections(Read(
                {{"sort_key", Value::String("create_at")}, {"sort_dir", Value::String("asc")}}))),
            (std::vector<std::string>{"ep-0", "ep-1", "ep-2"}));
  EXPECT_EQ(Ids(Connections(Read({{"sort_dir", Value::String("desc")}}))),
            (std::vector<std::string>{"ep-2", "ep-1", "ep-0"}));
}

TEST_F(ServiceConnectionsTest, FailedConnectionsCarryTheirErrors) {
  api_->Add(1, "dom-a", "failed");
  api_->connections[0]["error"] = {
      {{"error_code", "EndPoint.9001"}, {"error_message", "no capacity"}}};
  std::vector<Value> connections = Connections(Read());
  ASSERT_EQ(connections.size(), 1u);
  EXPECT_EQ(connections[0].Attr("status").AsString(), "failed");
  const std::vector<Value>& errors = connections[0].Attr("errors").Elements();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].Attr("code").AsString(), "EndPoint.9001");
  EXPECT_EQ(errors[0].Attr("message").AsString(), "no capacity");
}

TEST_F(ServiceConnectionsTest, ApiErrorIsReportedOnTheServiceWithCodeAndRequestId) {
  api_->script = {Error(400, "EndPoint.2003", "req-2003")};
  core::EncodedResult r = Read();
  ASSERT_TRUE(r.diags.HasError());
  ASSERT_EQ(r.diags.items().size(), 1u);
  const core::Diagnostic& d = r.diags.items()[0];
  EXPECT_EQ(d.summary, "Cannot list the connections of service svc");
  EXPECT_EQ(core::PathString(d.path), "service_id");
  EXPECT_THAT(d.detail, HasSubstr("HTTP 400 EndPoint.2003"));
  EXPECT_THAT(d.detail, HasSubstr("request id req-2003"));
}

TEST_F(ServiceConnectionsTest, SortKeyAndDirectionAreCheckedBeforeAnyCall) {
  core::Diagnostics diags = dispatcher_.ValidateDataSourceConfig(
      kType, Config({{"sort_key", Value::String("name")}, {"sort_dir", Value::String("up")}}));
  ASSERT_EQ(diags.items().size(), 2u);
  EXPECT_EQ(core::PathString(diags.items()[0].path), "sort_key");
  EXPECT_THAT(diags.items()[0].detail, HasSubstr("\"name\" is not one of: "));
  EXPECT_THAT(diags.items()[0].detail, HasSubstr("create_at"));
  EXPECT_THAT(diags.items()[0].detail, HasSubstr("update_at"));
  EXPECT_EQ(core::PathString(diags.items()[1].path), "sort_dir");
  EXPECT_THAT(diags.items()[1].detail, HasSubstr("\"up\" is not one of: "));
  EXPECT_THAT(diags.items()[1].detail, HasSubstr("asc"));
  EXPECT_THAT(diags.items()[1].detail, HasSubstr("desc"));

  core::EncodedResult r = Read({{"sort_key", Value::String("name")}});
  ASSERT_TRUE(r.diags.HasError());
  EXPECT_EQ(core::PathString(r.diags.items()[0].path), "sort_key");
  EXPECT_TRUE(api_->urls.empty());
}

TEST_F(ServiceConnectionsTest, ReadBeforeConfigureIsAnError) {
  VpcepProvider unconfigured(api_);
  core::Dispatcher d(unconfigured);
  core::EncodedResult r = d.ReadDataSource(kType, Config());
  ASSERT_TRUE(r.diags.HasError());
  EXPECT_EQ(r.diags.items()[0].summary, "Provider not configured");
  EXPECT_TRUE(api_->urls.empty());
}

class ServiceConnectionsModelTest : public ::testing::Test {
 protected:
  VpcepProvider provider_;
  Type type_ = core::ImpliedType(provider_.DataSources()[0]->GetSchema().block);
};

TEST_F(ServiceConnectionsModelTest, FilterLeavesOutWhatIsNotSet) {
  Value config = Value::ObjectOf(type_, {{"service_id", Value::String("svc")},
                                         {"status", Value::String("pendingAcceptance")},
                                         {"sort_key", Value::Unknown(Type::String())}});
  cloud::ListFilter filter = ServiceConnectionsModel::FromValue(config).Filter();
  EXPECT_EQ(filter.status, "pendingAcceptance");
  EXPECT_EQ(filter.sort_key, "");
  EXPECT_EQ(filter.endpoint_id, "");
}

TEST_F(ServiceConnectionsModelTest, StateKeepsTheQueryAndListsTheConnections) {
  Value config = Value::ObjectOf(type_, {{"service_id", Value::String("svc")},
                                         {"domain_id", Value::String("d")}});
  ServiceConnectionsModel m = ServiceConnectionsModel::FromValue(config);
  cloud::Connection c;
  c.id = "ep-1";
  c.marker_id = 7;
  c.status = "failed";
  c.errors = {{"EndPoint.9001", "no capacity"}};
  m.connections = {c};
  m.id = std::string("svc");
  Value state = m.ToValue(type_);
  EXPECT_EQ(state.Attr("domain_id").AsString(), "d");
  EXPECT_TRUE(state.Attr("sort_dir").is_null());
  EXPECT_EQ(state.Attr("id").AsString(), "svc");
  ASSERT_EQ(state.Attr("connections").Elements().size(), 1u);
  const Value& item = state.Attr("connections").Elements()[0];
  EXPECT_EQ(*item.Attr("marker_id").AsInt(), 7);
  EXPECT_EQ(item.Attr("errors").Elements()[0].Attr("code").AsString(), "EndPoint.9001");
  EXPECT_TRUE(state.is_wholly_known());
}

}  // namespace
}  // namespace vpcep::resources
