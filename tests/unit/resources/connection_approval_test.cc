// vpcep_connection_approval in-process, against a scripted API whose answers
// can be lost: the outcome of an action is checked with the list call. And
// validation of its configuration.
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "provider/cloud/api_vocabulary.h"
#include "provider/core/dispatcher.h"
#include "provider/core/msgpack_codec.h"
#include "resources/connection_approval/action_outcome.h"
#include "resources/connection_approval/model.h"
#include "resources/vpcep_provider.h"

namespace vpcep::resources {
namespace {

using core::Type;
using core::Value;
using ::testing::HasSubstr;

// One service whose actions take effect at once but whose POST answers are
// replaced by HTTP 500 while `lose_answers` is set.
class LossyApi : public cloud::HttpTransport {
 public:
  absl::StatusOr<cloud::HttpResponse> Send(const cloud::HttpRequest& req) override {
    std::lock_guard<std::mutex> lock(mu);
    if (req.method == "POST") {
      ++posts;
      nlohmann::json body = nlohmann::json::parse(req.body);
      status = body["action"] == "receive" ? "accepted" : "rejected";
      if (lose_answers) {
        return cloud::HttpResponse{500, {{"x-request-id", "r1"}},
                                   R"({"error_code":"EndPoint.0001","error_msg":"system error"})"};
      }
      return cloud::HttpResponse{200, {}, R"({"connections":[]})"};
    }
    nlohmann::json c = {{"id", "ep-1"}, {"status", status}, {"domain_id", "d"},
                        {"marker_id", 7}, {"created_at", "t0"}, {"updated_at", "t1"}};
    return cloud::HttpResponse{
        200, {}, nlohmann::json{{"connections", {c}}, {"total_count", 1}}.dump()};
  }
  std::mutex mu;  // guards the fields below: Send may run on several threads
  std::string status = "pendingAcceptance";
  bool lose_answers = true;
  int posts = 0;
};

// The same API, but a failed POST has no effect.
class RevertingApi : public LossyApi {
 public:
  absl::StatusOr<cloud::HttpResponse> Send(const cloud::HttpRequest& req) override {
    absl::StatusOr<cloud::HttpResponse> r = LossyApi::Send(req);
    std::lock_guard<std::mutex> lock(mu);
    if (req.method == "POST") status = "pendingAcceptance";
    return r;
  }
};

// Accepts the receive (answer request id "rcv-1"), then lists the connection
// as failed with an API error (listing request id "lst-2").
class FailingApi : public cloud::HttpTransport {
 public:
  absl::StatusOr<cloud::HttpResponse> Send(const cloud::HttpRequest& req) override {
    std::lock_guard<std::mutex> lock(mu);
    nlohmann::json c = {{"id", "ep-1"}, {"status", "pendingAcceptance"}, {"domain_id", "d"},
                        {"marker_id", 7}, {"created_at", "t0"}, {"updated_at", "t1"}};
    if (req.method == "POST") {
      received = true;
      c["status"] = "creating";
      return cloud::HttpResponse{200, {{"x-request-id", "rcv-1"}},
                                 nlohmann::json{{"connections", {c}}}.dump()};
    }
    if (received) {
      c["status"] = "failed";
      c["error"] = {{{"error_code", "EndPoint.9001"}, {"error_message", "no capacity"}}};
    }
    return cloud::HttpResponse{200, {{"x-request-id", "lst-2"}},
                               nlohmann::json{{"connections", {c}}, {"total_count", 1}}.dump()};
  }
  std::mutex mu;  // guards received
  bool received = false;
};

class ApprovalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    core::Diagnostics d = dispatcher_.Configure("1.11.4", Wire(provider_config(), ProviderType()));
    ASSERT_FALSE(d.HasError());
  }
  Type ProviderType() { return core::ImpliedType(provider_.GetSchema().block); }
  Type ApprovalType() {
    return core::ImpliedType(dispatcher_.GetSchemas().resources.at(kType)->block);
  }
  Value provider_config(int max_retries = 0) {
    return Value::ObjectOf(ProviderType(),
                           {{"project_id", Value::String("p")},
                            {"auth_token", Value::String("t")},
                            {"max_retries", Value::Int(max_retries)},
                            {"endpoints", Value::Map(Type::String(), {{"vpcep", Value::String(
                                                                           "http://127.0.0.1")}})}});
  }
  static core::WireValue Wire(const Value& v, const Type& t) {
    return core::WireValue{core::EncodeMsgpack(v, t), ""};
  }
  // Creates approval svc/ep-1 through a provider of its own on `api`.
  core::EncodedResult CreateOn(std::shared_ptr<cloud::HttpTransport> api, int max_retries) {
    VpcepProvider provider(std::move(api));
    core::Dispatcher d(provider);
    core::Diagnostics configured =
        d.Configure("1.11.4", Wire(provider_config(max_retries), ProviderType()));
    EXPECT_FALSE(configured.HasError());
    Type t = ApprovalType();
    Value planned = Value::ObjectOf(t, {{"service_id", Value::String("svc")},
                                        {"endpoint_id", Value::String("ep-1")}});
    return d.ApplyResourceChange(kType, {}, Wire(planned, t), Wire(planned, t), "");
  }

  static constexpr char kType[] = "vpcep_connection_approval";
  std::shared_ptr<LossyApi> api_ = std::make_shared<LossyApi>();
  VpcepProvider provider_{api_};
  core::Dispatcher dispatcher_{provider_};
};

TEST_F(ApprovalTest, ReceiveWhoseAnswerWasLostIsConfirmedByTheList) {
  Type t = ApprovalType();
  Value planned = Value::ObjectOf(t, {{"service_id", Value::String("svc")},
                                      {"endpoint_id", Value::String("ep-1")}});
  core::EncodedResult r =
      dispatcher_.ApplyResourceChange(kType, {}, Wire(planned, t), Wire(planned, t), "");
  ASSERT_FALSE(r.diags.HasError()) << r.diags.items()[0].detail;
  absl::StatusOr<Value> state = core::DecodeMsgpack(r.msgpack, t);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->Attr("status").AsString(), "accepted");
  EXPECT_EQ(api_->posts, 1) << "no second receive once the list shows it landed";
}

TEST_F(ApprovalTest, RejectWhoseAnswerWasLostIsConfirmedByTheList) {
  api_->status = "accepted";
  Type t = ApprovalType();
  Value prior = Value::ObjectOf(t, {{"service_id", Value::String("svc")},
                                    {"endpoint_id", Value::String("ep-1")},
                                    {"status", Value::String("accepted")}});
  core::EncodedResult r = dispatcher_.ApplyResourceChange(kType, Wire(prior, t), {}, {}, "");
  EXPECT_FALSE(r.diags.HasError());
  absl::StatusOr<Value> state = core::DecodeMsgpack(r.msgpack, t);
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->is_null());
}

TEST_F(ApprovalTest, FailureThatDidNotLandIsReportedWithCodeAndRequestId) {
  auto api = std::make_shared<RevertingApi>();
  core::EncodedResult r = CreateOn(api, 0);
  Type t = ApprovalType();
  ASSERT_TRUE(r.diags.HasError());
  EXPECT_THAT(r.diags.items()[0].detail, ::testing::HasSubstr("HTTP 500 EndPoint.0001"));
  EXPECT_THAT(r.diags.items()[0].detail, ::testing::HasSubstr("request id r1"));
  absl::StatusOr<Value> state = core::DecodeMsgpack(r.msgpack, t);
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->is_null()) << "nothing landed, so nothing is tracked";
}

// The receive takes effect but its answer is a 500, and every list call after
// it fails: the outcome cannot be confirmed either way.
class LossyAndBlindApi : public LossyApi {
 public:
  absl::StatusOr<cloud::HttpResponse> Send(const cloud::HttpRequest& req) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (req.method == "GET" && posts > 0) {
        return cloud::HttpResponse{503, {{"x-request-id", "r-503"}},
                                   R"({"error_code":"APIGW.0203","error_msg":"unavailable"})"};
      }
    }
    return LossyApi::Send(req);
  }
};

// Tracked with the status last seen and a warning, not an error: an error
// would taint it, and the next apply would reject a connection that may be
// accepted.
TEST_F(ApprovalTest, UnconfirmedOutcomeKeepsTheApprovalInStateUntainted) {
  auto api = std::make_shared<LossyAndBlindApi>();
  core::EncodedResult r = CreateOn(api, 0);
  Type t = ApprovalType();
  EXPECT_FALSE(r.diags.HasError()) << r.diags.items()[0].detail;
  ASSERT_FALSE(r.diags.items().empty()) << "the outcome is unknown: say so";
  EXPECT_THAT(r.diags.items()[0].detail, HasSubstr("outcome is not known"));
  absl::StatusOr<Value> state = core::DecodeMsgpack(r.msgpack, t);
  ASSERT_TRUE(state.ok());
  ASSERT_FALSE(state->is_null()) << "an accepted connection would be untracked";
  EXPECT_EQ(state->Attr("endpoint_id").AsString(), "ep-1");
  EXPECT_EQ(state->Attr("status").AsString(), "pendingAcceptance") << "as last seen";
  EXPECT_EQ(api->status, "accepted");
}

TEST_F(ApprovalTest, LostReceiveAnswerIsCheckedWithTheListBeforeAnyResend) {
  // Retries allowed: the client asks the list before repeating the receive.
  auto api = std::make_shared<LossyApi>();
  core::EncodedResult r = CreateOn(api, 3);
  Type t = ApprovalType();
  ASSERT_FALSE(r.diags.HasError()) << r.diags.items()[0].detail;
  absl::StatusOr<Value> state = core::DecodeMsgpack(r.msgpack, t);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->Attr("status").AsString(), "accepted");
  EXPECT_EQ(api->posts, 1) << "an accepted connection must not be accepted again";
}

TEST_F(ApprovalTest, ReceiveThatDidNotLandIsSentAgain) {
  auto api = std::make_shared<RevertingApi>();
  core::EncodedResult r = CreateOn(api, 2);
  Type t = ApprovalType();
  ASSERT_TRUE(r.diags.HasError());
  EXPECT_EQ(api->posts, 3) << "the list showed each attempt had not landed";
  EXPECT_THAT(r.diags.items()[0].detail, ::testing::HasSubstr("request id r1"));
}

TEST_F(ApprovalTest, FailedConnectionNamesEndpointCodeAndRequestIds) {
  auto api = std::make_shared<FailingApi>();
  core::EncodedResult r = CreateOn(api, 0);
  Type t = ApprovalType();
  ASSERT_TRUE(r.diags.HasError());
  const std::string& detail = r.diags.items()[0].detail;
  EXPECT_THAT(r.diags.items()[0].summary, ::testing::HasSubstr("svc/ep-1"));
  EXPECT_THAT(detail, ::testing::HasSubstr("endpoint ep-1 failed: EndPoint.9001: no capacity"));
  EXPECT_THAT(detail, ::testing::HasSubstr("receive request id rcv-1"));
  EXPECT_THAT(detail, ::testing::HasSubstr("reported failed by request id lst-2"));
  absl::StatusOr<Value> state = core::DecodeMsgpack(r.msgpack, t);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->Attr("status").AsString(), "failed") << "tracked, so Terraform taints it";
}

// Receive lands (`creating`) and the connection stays `creating` until
// `accept` is set; tells a waiting test when a listing after the receive came.
class SlowAcceptApi : public cloud::HttpTransport {
 public:
  absl::StatusOr<cloud::HttpResponse> Send(const cloud::HttpRequest& req) override {
    std::lock_guard<std::mutex> lock(mu);
    if (req.method == "POST") {
      ++posts;
      status = "creating";
      return cloud::HttpResponse{200, {}, R"({"connections":[]})"};
    }
    if (status == "creating" && accept) status = "accepted";
    if (posts > 0) {
      ++lists_after_receive;
      cv.notify_all();
    }
    nlohmann::json c = {{"id", "ep-1"}, {"status", status}, {"domain_id", "d"},
                        {"marker_id", 7}, {"created_at", "t0"}, {"updated_at", "t1"}};
    return cloud::HttpResponse{
        200, {}, nlohmann::json{{"connections", {c}}, {"total_count", 1}}.dump()};
  }
  std::mutex mu;  // guards the fields below
  std::condition_variable cv;
  std::string status = "pendingAcceptance";
  bool accept = false;
  int posts = 0;
  int lists_after_receive = 0;
};

// Ctrl-C while the receive is on its way: the approval is recorded with the
// status last seen, with a warning and no error, because an error taints it
// and the next apply would reject and receive it again.
TEST_F(ApprovalTest, InterruptedWaitRecordsTheLastStatusSeenWithoutTaint) {
  auto api = std::make_shared<SlowAcceptApi>();
  VpcepProvider provider(api);
  core::Dispatcher d(provider);
  ASSERT_FALSE(d.Configure("1.11.4", Wire(provider_config(), ProviderType())).HasError());
  Type t = ApprovalType();
  Value planned = Value::ObjectOf(t, {{"service_id", Value::String("svc")},
                                      {"endpoint_id", Value::String("ep-1")},
                                      {"status", Value::Unknown(Type::String())},
                                      {"domain_id", Value::String("d")},
                                      {"description", Value::String("")},
                                      {"updated_at", Value::Unknown(Type::String())}});
  core::EncodedResult r;
  std::thread apply([&] {
    r = d.ApplyResourceChange(kType, {}, Wire(planned, t), Wire(planned, t), "");
  });
  {
    std::unique_lock<std::mutex> lock(api->mu);
    ASSERT_TRUE(api->cv.wait_for(lock, std::chrono::seconds(30),
                                 [&] { return api->lists_after_receive > 0; }));
  }
  d.Stop();
  apply.join();
  EXPECT_FALSE(r.diags.HasError()) << r.diags.items()[0].detail;
  ASSERT_FALSE(r.diags.items().empty());
  EXPECT_THAT(r.diags.items()[0].summary, ::testing::HasSubstr("svc/ep-1 not confirmed"));
  EXPECT_THAT(r.diags.items()[0].detail, ::testing::HasSubstr("Terraform was interrupted"));
  EXPECT_THAT(r.diags.items()[0].detail, ::testing::HasSubstr("status last seen, `creating`"));
  absl::StatusOr<Value> state = core::DecodeMsgpack(r.msgpack, t);
  ASSERT_TRUE(state.ok());
  ASSERT_FALSE(state->is_null());
  EXPECT_EQ(state->Attr("status").AsString(), "creating") << "what was seen, not promised";
  EXPECT_EQ(state->Attr("updated_at").AsString(), "t1");
  EXPECT_EQ(api->posts, 1);
}

// State shows `creating` (after an interrupted apply, or an import): the plan
// shows the wait, and apply waits for `accepted` without a second receive.
TEST_F(ApprovalTest, CreatingApprovalIsPlannedAsAWaitAndAppliedWithoutAReceive) {
  auto api = std::make_shared<SlowAcceptApi>();
  api->status = "creating";
  api->accept = true;
  VpcepProvider provider(api);
  core::Dispatcher d(provider);
  ASSERT_FALSE(d.Configure("1.11.4", Wire(provider_config(), ProviderType())).HasError());
  Type t = ApprovalType();
  Value prior = Value::ObjectOf(t, {{"service_id", Value::String("svc")},
                                    {"endpoint_id", Value::String("ep-1")},
                                    {"id", Value::String("svc/ep-1")},
                                    {"status", Value::String("creating")},
                                    {"domain_id", Value::String("d")},
                                    {"marker_id", Value::Int(7)},
                                    {"created_at", Value::String("t0")},
                                    {"updated_at", Value::String("t0")},
                                    {"description", Value::String("")}});
  Value config = Value::ObjectOf(t, {{"service_id", Value::String("svc")},
                                     {"endpoint_id", Value::String("ep-1")}});
  core::PlanResult plan =
      d.PlanResourceChange(kType, Wire(prior, t), Wire(prior, t), Wire(config, t), "");
  ASSERT_FALSE(plan.diags.HasError());
  absl::StatusOr<Value> planned = core::DecodeMsgpack(plan.planned_msgpack, t);
  ASSERT_TRUE(planned.ok());
  EXPECT_EQ(planned->Attr("status").AsString(), "accepted");
  EXPECT_FALSE(planned->Attr("updated_at").is_known());
  EXPECT_TRUE(plan.requires_replace.empty());

  core::EncodedResult r = d.ApplyResourceChange(kType, Wire(prior, t),
                                                {plan.planned_msgpack, ""}, Wire(config, t), "");
  ASSERT_FALSE(r.diags.HasError()) << r.diags.items()[0].detail;
  absl::StatusOr<Value> state = core::DecodeMsgpack(r.msgpack, t);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->Attr("status").AsString(), "accepted");
  EXPECT_EQ(api->posts, 0) << "the receive went out before: none is sent again";
}

// One connection in a fixed status; after the first listing, each listing
// blocks until the stop signal (a slow list call that Ctrl-C ends), and
// POSTs answer as `post_status` says (429: throttled).
class StopAwareApi : public cloud::HttpTransport {
 public:
  absl::StatusOr<cloud::HttpResponse> Send(const cloud::HttpRequest& req) override {
    std::unique_lock<std::mutex> lock(mu);
    if (req.method == "POST") {
      ++posts;
      cv.notify_all();
      return cloud::HttpResponse{post_status,
                                 {{"x-request-id", "rq-429"}},
                                 R"({"error_code":"APIGW.0308","error_msg":"throttled"})"};
    }
    if (req.stop != nullptr && req.stop->stopped()) return absl::CancelledError("stopped");
    if (++lists > 1 && block_later_lists) {
      cv.notify_all();
      lock.unlock();
      if (req.stop != nullptr && !req.stop->SleepFor(absl::Seconds(60))) {
        return absl::CancelledError("stopped");
      }
      lock.lock();
    }
    nlohmann::json c = {{"id", "ep-1"},   {"status", status},   {"domain_id", "d"},
                        {"marker_id", 7}, {"created_at", "t0"}, {"updated_at", "t1"}};
    return cloud::HttpResponse{
        200, {}, nlohmann::json{{"connections", {c}}, {"total_count", 1}}.dump()};
  }
  std::mutex mu;  // guards the fields below
  std::condition_variable cv;
  std::string status = "pendingAcceptance";
  bool block_later_lists = false;
  int post_status = 429;
  int posts = 0;
  int lists = 0;
};

class StopTest : public ApprovalTest {
 protected:
  // Applies a new approval of svc/ep-1 on `api`, and stops the provider
  // once `ready` holds (checked under api->mu).
  core::EncodedResult ApplyAndStopWhen(std::shared_ptr<StopAwareApi> api, int max_retries,
                                       const std::function<bool()>& ready) {
    VpcepProvider provider(api);
    core::Dispatcher d(provider);
    EXPECT_FALSE(
        d.Configure("1.11.4", Wire(provider_config(max_retries), ProviderType())).HasError());
    Type t = ApprovalType();
    Value planned = Value::ObjectOf(t, {{"service_id", Value::String("svc")},
                                        {"endpoint_id", Value::String("ep-1")},
                                        {"id", Value::String("svc/ep-1")},
                                        {"status", Value::Unknown(Type::String())},
                                        {"domain_id", Value::String("d")},
                                        {"marker_id", Value::Int(7)},
                                        {"created_at", Value::String("t0")},
                                        {"description", Value::Unknown(Type::String())},
                                        {"updated_at", Value::Unknown(Type::String())}});
    core::EncodedResult r;
    std::thread apply(
        [&] { r = d.ApplyResourceChange(kType, {}, Wire(planned, t), Wire(planned, t), ""); });
    {
      std::unique_lock<std::mutex> lock(api->mu);
      EXPECT_TRUE(api->cv.wait_for(lock, std::chrono::seconds(30), ready));
    }
    d.Stop();
    apply.join();
    return r;
  }
};

// Issue 22.1: a connection accepted already is adopted without a receive;
// Ctrl-C during the wait that follows records it, with no error (an error
// taints it, and the next apply would reject it).
TEST_F(StopTest, InterruptedAdoptionIsRecordedWithoutTaint) {
  auto api = std::make_shared<StopAwareApi>();
  api->status = "accepted";
  api->block_later_lists = true;
  core::EncodedResult r = ApplyAndStopWhen(api, 0, [&] { return api->lists > 1; });
  EXPECT_FALSE(r.diags.HasError()) << r.diags.items()[0].detail;
  absl::StatusOr<Value> state = core::DecodeMsgpack(r.msgpack, ApprovalType());
  ASSERT_TRUE(state.ok());
  ASSERT_FALSE(state->is_null()) << "an accepted connection would be untracked";
  EXPECT_EQ(state->Attr("status").AsString(), "accepted");
  EXPECT_EQ(api->posts, 0);
}

// Issue 22.3: a throttled receive (HTTP 429, a definite refusal) whose retry
// Ctrl-C cancels: nothing was accepted, so nothing is recorded, and the error
// says the API refused it (not "outcome unknown").
TEST_F(StopTest, ThrottledReceiveStoppedDuringItsRetryIsARefusalAndNotRecorded) {
  auto api = std::make_shared<StopAwareApi>();
  core::EncodedResult r = ApplyAndStopWhen(api, 5, [&] { return api->posts > 0; });
  ASSERT_TRUE(r.diags.HasError()) << "nothing was approved";
  std::string all;
  for (const auto& d : r.diags.items()) absl::StrAppend(&all, d.summary, ": ", d.detail, "\n");
  EXPECT_THAT(all, HasSubstr("HTTP 429"));
  EXPECT_THAT(all, HasSubstr("refused the receive"));
  EXPECT_THAT(all, ::testing::Not(HasSubstr("outcome is not known")));
  absl::StatusOr<Value> state = core::DecodeMsgpack(r.msgpack, ApprovalType());
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->is_null()) << "a receive known not to have landed is not recorded";
  EXPECT_EQ(api->posts, 1);
}

// Issue 21.1: Read keeps an approval whose connection is gone, marked
// `deleted`, with a warning; its plan is an update with a warning, not an
// error, and destroying it sends nothing. An id no state knows still fails.
TEST_F(ApprovalTest, VanishedEndpointWarnsAndNeverBlocksWhereATypoFails) {
  auto api = std::make_shared<StopAwareApi>();
  api->status = "accepted";
  VpcepProvider provider(api);
  core::Dispatcher d(provider);
  ASSERT_FALSE(d.Configure("1.11.4", Wire(provider_config(), ProviderType())).HasError());
  Type t = ApprovalType();
  Value prior = Value::ObjectOf(t, {{"service_id", Value::String("svc")},
                                    {"endpoint_id", Value::String("ep-gone")},
                                    {"id", Value::String("svc/ep-gone")},
                                    {"status", Value::String("accepted")},
                                    {"domain_id", Value::String("d")}});
  Value config = Value::ObjectOf(
      t, {{"service_id", Value::String("svc")}, {"endpoint_id", Value::String("ep-gone")}});
  core::EncodedResult read = d.ReadResource(kType, Wire(prior, t), "");
  EXPECT_FALSE(read.diags.HasError());
  ASSERT_FALSE(read.diags.items().empty());
  EXPECT_THAT(read.diags.items()[0].summary, HasSubstr("ep-gone is gone"));
  absl::StatusOr<Value> refreshed = core::DecodeMsgpack(read.msgpack, t);
  ASSERT_TRUE(refreshed.ok());
  ASSERT_FALSE(refreshed->is_null()) << "kept, so that later plans know it is no typo";
  EXPECT_EQ(refreshed->Attr("status").AsString(), "deleted");

  core::PlanResult plan =
      d.PlanResourceChange(kType, Wire(*refreshed, t), Wire(*refreshed, t), Wire(config, t), "");
  EXPECT_FALSE(plan.diags.HasError()) << plan.diags.items()[0].detail;
  EXPECT_TRUE(plan.requires_replace.empty());
  ASSERT_FALSE(plan.diags.items().empty());
  EXPECT_THAT(plan.diags.items()[0].detail, HasSubstr("its own apply fails"));

  core::EncodedResult apply = d.ApplyResourceChange(
      kType, Wire(*refreshed, t), {plan.planned_msgpack, ""}, Wire(config, t), "");
  ASSERT_TRUE(apply.diags.HasError());
  EXPECT_THAT(apply.diags.items()[0].detail, HasSubstr("the endpoint was deleted"));
  absl::StatusOr<Value> kept = core::DecodeMsgpack(apply.msgpack, t);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->Attr("status").AsString(), "deleted") << "state keeps what it had";

  core::EncodedResult destroyed = d.ApplyResourceChange(kType, Wire(*refreshed, t), {}, {}, "");
  EXPECT_FALSE(destroyed.diags.HasError());
  EXPECT_EQ(api->posts, 0);

  Value typo_config = config.WithAttr("endpoint_id", Value::String("ep-typo"));
  Value proposed = typo_config.WithAttr("id", Value::Unknown(Type::String()))
                       .WithAttr("status", Value::Unknown(Type::String()));
  core::PlanResult typo =
      d.PlanResourceChange(kType, {}, Wire(proposed, t), Wire(typo_config, t), "");
  ASSERT_TRUE(typo.diags.HasError()) << "never seen: a typo";
  EXPECT_THAT(typo.diags.items()[0].detail, HasSubstr("has no connection"));
}

// Issue 21.3: a reject made elsewhere stays in state as a status; the plan
// restores it in place with a warning, apply sends one receive; destroying a
// rejected approval sends nothing.
TEST_F(ApprovalTest, RejectedApprovalIsAStatusRestoredInPlaceAndDestroyedWithoutAReject) {
  auto api = std::make_shared<SlowAcceptApi>();
  api->status = "rejected";
  api->accept = true;
  VpcepProvider provider(api);
  core::Dispatcher d(provider);
  ASSERT_FALSE(d.Configure("1.11.4", Wire(provider_config(), ProviderType())).HasError());
  Type t = ApprovalType();
  Value prior = Value::ObjectOf(t, {{"service_id", Value::String("svc")},
                                    {"endpoint_id", Value::String("ep-1")},
                                    {"id", Value::String("svc/ep-1")},
                                    {"status", Value::String("accepted")},
                                    {"domain_id", Value::String("d")},
                                    {"marker_id", Value::Int(7)},
                                    {"created_at", Value::String("t0")},
                                    {"updated_at", Value::String("t0")},
                                    {"description", Value::String("")}});
  core::EncodedResult read = d.ReadResource(kType, Wire(prior, t), "");
  ASSERT_FALSE(read.diags.HasError());
  absl::StatusOr<Value> refreshed = core::DecodeMsgpack(read.msgpack, t);
  ASSERT_TRUE(refreshed.ok());
  ASSERT_FALSE(refreshed->is_null()) << "a rejection is a change of status, not a deletion";
  EXPECT_EQ(refreshed->Attr("status").AsString(), "rejected");

  // Destroy: nothing to reject.
  core::EncodedResult destroyed = d.ApplyResourceChange(kType, Wire(*refreshed, t), {}, {}, "");
  EXPECT_FALSE(destroyed.diags.HasError());
  EXPECT_EQ(api->posts, 0) << "a rejected connection is not rejected again";

  Value config = Value::ObjectOf(
      t, {{"service_id", Value::String("svc")}, {"endpoint_id", Value::String("ep-1")}});
  core::PlanResult plan =
      d.PlanResourceChange(kType, Wire(*refreshed, t), Wire(*refreshed, t), Wire(config, t), "");
  ASSERT_FALSE(plan.diags.HasError());
  EXPECT_TRUE(plan.requires_replace.empty()) << "restored in place";
  ASSERT_FALSE(plan.diags.items().empty());
  EXPECT_THAT(plan.diags.items()[0].detail, HasSubstr("rejected at t1; approving re-admits it"));
  absl::StatusOr<Value> planned = core::DecodeMsgpack(plan.planned_msgpack, t);
  ASSERT_TRUE(planned.ok());
  EXPECT_EQ(planned->Attr("status").AsString(), "accepted");

  core::EncodedResult r = d.ApplyResourceChange(kType, Wire(*refreshed, t),
                                                {plan.planned_msgpack, ""}, Wire(config, t), "");
  ASSERT_FALSE(r.diags.HasError()) << r.diags.items()[0].detail;
  absl::StatusOr<Value> state = core::DecodeMsgpack(r.msgpack, t);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->Attr("status").AsString(), "accepted");
  EXPECT_EQ(api->posts, 1);
}

// Issue 21.4: a connection found `failed` warns at plan, naming the status
// and saying its apply will fail, without an error that would stop the rest.
TEST_F(ApprovalTest, FailedConnectionWarnsAtPlanWithoutBlocking) {
  Type t = ApprovalType();
  Value prior = Value::ObjectOf(t, {{"service_id", Value::String("svc")},
                                    {"endpoint_id", Value::String("ep-1")},
                                    {"id", Value::String("svc/ep-1")},
                                    {"status", Value::String("failed")},
                                    {"domain_id", Value::String("d")},
                                    {"description", Value::String("")}});
  Value config = Value::ObjectOf(
      t, {{"service_id", Value::String("svc")}, {"endpoint_id", Value::String("ep-1")}});
  core::PlanResult plan =
      dispatcher_.PlanResourceChange(kType, Wire(prior, t), Wire(prior, t), Wire(config, t), "");
  EXPECT_FALSE(plan.diags.HasError()) << plan.diags.items()[0].detail;
  ASSERT_FALSE(plan.diags.items().empty());
  EXPECT_THAT(plan.diags.items()[0].detail, HasSubstr("Its status is `failed`"));
  EXPECT_THAT(plan.diags.items()[0].detail, HasSubstr("will fail"));
}

// The description is validated in characters, as the API counts them, and
// must be valid UTF-8.
const std::string kZhong = "\xE4\xB8\xAD";  // 中

class DescriptionTest : public ::testing::Test {
 protected:
  core::Diagnostics Validate(const std::string& description) {
    Type t = core::ImpliedType(d_.GetSchemas().resources.at(kType)->block);
    Value config = Value::ObjectOf(t, {{"service_id", Value::String("svc")},
                                       {"endpoint_id", Value::String("ep-1")},
                                       {"description", Value::String(description)}});
    return d_.ValidateResourceConfig(kType, {core::EncodeMsgpack(config, t), ""});
  }
  static std::string Repeat(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  }
  static constexpr char kType[] = "vpcep_connection_approval";
  VpcepProvider provider_;
  core::Dispatcher d_{provider_};
};

TEST_F(DescriptionTest, TwoHundredChineseCharactersAreAccepted) {
  core::Diagnostics diags = Validate(Repeat(kZhong, 200));  // 600 bytes
  EXPECT_FALSE(diags.HasError());
}

TEST_F(DescriptionTest, FiveHundredTwelveCharactersAreTheLimit) {
  EXPECT_FALSE(Validate(Repeat(kZhong, 512)).HasError());
  core::Diagnostics diags = Validate(Repeat(kZhong, 513));
  ASSERT_TRUE(diags.HasError());
  EXPECT_EQ(core::PathString(diags.items()[0].path), "description");
  EXPECT_THAT(diags.items()[0].detail, HasSubstr("513"));
}

TEST_F(DescriptionTest, TextThatIsNotUtf8IsReportedOnTheAttribute) {
  core::Diagnostics diags = Validate("caf\xE9");
  ASSERT_TRUE(diags.HasError());
  EXPECT_EQ(core::PathString(diags.items()[0].path), "description");
  EXPECT_THAT(diags.items()[0].detail, HasSubstr("not valid UTF-8"));
}

class ApprovalModelTest : public ::testing::Test {
 protected:
  VpcepProvider provider_;
  Type type_ = core::ImpliedType(provider_.Resources()[0]->GetSchema().block);
  Type timeouts_type_ = type_.attributes().at("timeouts");
};

// A plan's values survive the model: unknowns stay unknown, nulls null.
TEST_F(ApprovalModelTest, PlannedValueRoundTripsWithItsUnknownsAndNulls) {
  Value planned = Value::ObjectOf(
      type_, {{"service_id", Value::String("svc")},
              {"endpoint_id", Value::Unknown(Type::String())},
              {"description", Value::Unknown(Type::String())},
              {"reject_on_delete", Value::Bool(false)},
              {"id", Value::Unknown(Type::String())},
              {"marker_id", Value::Int(7)},
              {"timeouts", Value::ObjectOf(timeouts_type_,
                                           {{"create", Value::Unknown(Type::String())}})}});
  ApprovalModel m = ApprovalModel::FromValue(planned);
  EXPECT_TRUE(m.endpoint_id.is_unknown());
  EXPECT_TRUE(m.domain_id.is_null());
  EXPECT_EQ(m.marker_id.value(), 7);
  ASSERT_TRUE(m.timeouts.has_value());
  EXPECT_TRUE(m.timeouts.value().create.is_unknown());
  EXPECT_TRUE(m.timeouts.value().del.is_null());
  EXPECT_TRUE(m.ToValue(type_).Equals(planned)) << m.ToValue(type_);

  Value no_timeouts = planned.WithAttr("timeouts", Value::Null(timeouts_type_));
  EXPECT_TRUE(ApprovalModel::FromValue(no_timeouts).ToValue(type_).Equals(no_timeouts));
}

TEST_F(ApprovalModelTest, WithConnectionTakesWhatTheApiReportsAndKeepsTheRest) {
  ApprovalModel planned;
  planned.service_id = std::string("svc");
  planned.endpoint_id = std::string("ep-1");
  planned.reject_on_delete = false;
  planned.timeouts =
      ApprovalTimeouts{std::string("5m"), std::string("7m"), core::Field<std::string>()};
  cloud::Connection c;
  c.id = "ep-1";
  c.status = "accepted";
  c.marker_id = 9;
  c.domain_id = "d";
  c.description = "";
  ApprovalModel state = planned.WithConnection("svc", c);
  EXPECT_EQ(state.id.value(), "svc/ep-1");
  EXPECT_EQ(state.status.value(), "accepted");
  EXPECT_EQ(state.marker_id.value(), 9);
  EXPECT_TRUE(state.description.has_value()) << "an empty description is a value";
  EXPECT_FALSE(state.RejectsOnDelete());
  EXPECT_EQ(*state.CreateTimeout(), absl::Minutes(5));
  EXPECT_EQ(*state.UpdateTimeout(), absl::Minutes(7));
  EXPECT_EQ(*state.DeleteTimeout(), absl::Minutes(10)) << "the default";
}

TEST_F(ApprovalModelTest, TimeoutThatIsNotAPositiveDurationIsAnError) {
  ApprovalModel m;
  m.timeouts = ApprovalTimeouts{std::string("soon"), std::string("0s"), std::string("-1s")};
  EXPECT_EQ(m.CreateTimeout().status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(m.UpdateTimeout().ok());
  EXPECT_FALSE(m.DeleteTimeout().ok());
  m.timeouts = core::Field<ApprovalTimeouts>::Unknown();
  EXPECT_EQ(*m.CreateTimeout(), absl::Minutes(10)) << "unknown until apply: the default";
}

TEST(LandedStatuses, OneSetPerAction) {
  EXPECT_THAT(LandedStatuses(api::kReceive),
              ::testing::UnorderedElementsAre(api::kCreating, api::kAccepted, api::kFailed));
  EXPECT_THAT(LandedStatuses(api::kReject), ::testing::ElementsAre(api::kRejected));
}

}  // namespace
}  // namespace vpcep::resources