#include "provider/core/dispatcher.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/core/msgpack_codec.h"

namespace vpcep::core {
namespace {

using ::testing::HasSubstr;

class EchoResource : public Resource {
 public:
  EchoResource() {
    schema_.block.attributes = {RequiredAttribute("name", Type::String(), "n"),
                                ComputedAttribute("id", Type::String(), "i")};
  }
  absl::string_view TypeName() const override { return "test_echo"; }
  const Schema& GetSchema() const override { return schema_; }
  void Read(const ReadRequest&, ReadResponse&) override {}
  void Create(const CreateRequest& req, CreateResponse& resp) override {
    resp.new_state = leave_unknown_ ? req.planned_state
                                    : req.planned_state.WithAttr("id", Value::String("id-1"));
  }
  bool leave_unknown_ = false;

 private:
  Schema schema_;
};

// Implements only Create and Delete, and records which hook ran with what.
class RecordingResource : public Resource {
 public:
  RecordingResource() {
    schema_.block.attributes = {RequiredAttribute("name", Type::String(), "n"),
                                OptionalAttribute("note", Type::String(), "a state-only note"),
                                ComputedAttribute("id", Type::String(), "i")};
  }
  absl::string_view TypeName() const override { return "test_recording"; }
  const Schema& GetSchema() const override { return schema_; }
  void Read(const ReadRequest&, ReadResponse&) override {}
  void ModifyPlan(const PlanRequest& req, PlanResponse& resp) override {
    calls.push_back("ModifyPlan");
    if (!req.proposed_new_state.is_null() && req.prior_state.is_null()) {
      resp.planned_state = resp.planned_state.WithAttr("id", Value::String("planned-id"));
    }
  }
  void Create(const CreateRequest& req, CreateResponse& resp) override {
    calls.push_back("Create");
    if (fail) {
      resp.diags.AddError("create failed", "as told");
      return;
    }
    if (set_state) resp.new_state = req.planned_state;
  }
  void Delete(const DeleteRequest& req, DeleteResponse& resp) override {
    calls.push_back("Delete " + req.prior_state.Attr("id").AsString());
    if (fail) resp.diags.AddError("delete failed", "as told");
  }
  std::vector<std::string> calls;
  bool fail = false;
  bool set_state = true;

 private:
  Schema schema_;
};

class TestProvider : public Provider {
 public:
  const Schema& GetSchema() const override { return schema_; }
  void Configure(const Value&, absl::string_view, Diagnostics&) override {}
  std::vector<Resource*> Resources() override { return {&echo, &recording}; }
  std::vector<DataSource*> DataSources() override { return {}; }
  EchoResource echo;
  RecordingResource recording;

 private:
  Schema schema_;
};

class DispatcherTest : public ::testing::Test {
 protected:
  TestProvider provider_;
  Type type_ = ImpliedType(provider_.echo.GetSchema().block);
  Dispatcher dispatcher_{provider_};

  WireValue Wire(const Value& v) { return WireValue{EncodeMsgpack(v, type_), ""}; }
};

TEST_F(DispatcherTest, MalformedMsgpackBecomesADiagnostic) {
  Diagnostics d = dispatcher_.ValidateResourceConfig("test_echo", WireValue{"\xc1\xff", ""});
  ASSERT_TRUE(d.HasError());
  EXPECT_THAT(d.items()[0].summary, HasSubstr("Invalid resource configuration"));
}

TEST_F(DispatcherTest, WrongTypeBecomesADiagnostic) {
  Value wrong = Value::Object({{"name", Value::Int(3)}});
  Diagnostics d = dispatcher_.ValidateResourceConfig(
      "test_echo", WireValue{EncodeMsgpack(wrong, wrong.type()), ""});
  EXPECT_TRUE(d.HasError());
}

TEST_F(DispatcherTest, UnknownResourceTypeIsReported) {
  Diagnostics d = dispatcher_.ValidateResourceConfig("nope", WireValue{});
  ASSERT_TRUE(d.HasError());
  EXPECT_THAT(d.items()[0].detail, HasSubstr("nope"));
}

TEST_F(DispatcherTest, ApplyResultWithUnknownsIsRejected) {
  Value planned = Value::ObjectOf(type_, {{"name", Value::String("a")},
                                          {"id", Value::Unknown(Type::String())}});
  EncodedResult ok = dispatcher_.ApplyResourceChange("test_echo", WireValue{}, Wire(planned),
                                                     Wire(planned), "");
  EXPECT_FALSE(ok.diags.HasError());
  provider_.echo.leave_unknown_ = true;
  EncodedResult bad = dispatcher_.ApplyResourceChange("test_echo", WireValue{}, Wire(planned),
                                                      Wire(planned), "");
  EXPECT_TRUE(bad.diags.HasError());
}

TEST_F(DispatcherTest, ApplyKeepsPriorStateWhenRequestCannotBeDecoded) {
  Value prior = Value::ObjectOf(type_, {{"name", Value::String("a")}, {"id", Value::String("x")}});
  WireValue prior_wire = Wire(prior);
  EncodedResult r = dispatcher_.ApplyResourceChange("test_echo", prior_wire,
                                                    WireValue{"\x93", ""}, WireValue{}, "");
  EXPECT_TRUE(r.diags.HasError());
  EXPECT_EQ(r.msgpack, prior_wire.msgpack);
}

TEST_F(DispatcherTest, ReadKeepsPrivateBytes) {
  Value state = Value::ObjectOf(type_, {{"name", Value::String("a")}, {"id", Value::String("x")}});
  EncodedResult r = dispatcher_.ReadResource("test_echo", Wire(state), "opaque");
  EXPECT_EQ(r.private_data, "opaque");
}

class ApplyRoutingTest : public DispatcherTest {
 protected:
  static constexpr char kType[] = "test_recording";
  Type rtype_ = ImpliedType(provider_.recording.GetSchema().block);
  RecordingResource& resource_ = provider_.recording;

  WireValue W(const Value& v) { return WireValue{EncodeMsgpack(v, rtype_), ""}; }
  Value Obj(const char* name, const char* note, const char* id) {
    auto str = [](const char* s) { return s ? Value::String(s) : Value::Null(Type::String()); };
    return Value::ObjectOf(rtype_, {{"name", str(name)}, {"note", str(note)}, {"id", str(id)}});
  }
  Value Decoded(const EncodedResult& r) { return *DecodeMsgpack(r.msgpack, rtype_); }
};

TEST_F(ApplyRoutingTest, PlanRunsTheSchemaPlanThenModifyPlan) {
  Value config = Obj("a", nullptr, nullptr);
  PlanResult r = dispatcher_.PlanResourceChange(kType, WireValue{}, W(config), W(config), "");
  ASSERT_FALSE(r.diags.HasError());
  EXPECT_EQ(resource_.calls, std::vector<std::string>{"ModifyPlan"});
  Value planned = *DecodeMsgpack(r.planned_msgpack, rtype_);
  EXPECT_EQ(planned.Attr("id").AsString(), "planned-id") << "ModifyPlan's change kept";
  EXPECT_EQ(planned.Attr("name").AsString(), "a") << "PlanFromSchema's plan as the base";
}

TEST_F(ApplyRoutingTest, NoPriorStateIsACreate) {
  Value planned = Obj("a", nullptr, "x");
  EncodedResult r = dispatcher_.ApplyResourceChange(kType, WireValue{}, W(planned), W(planned),
                                                    "");
  EXPECT_FALSE(r.diags.HasError());
  EXPECT_EQ(resource_.calls, std::vector<std::string>{"Create"});
  EXPECT_TRUE(Decoded(r).Equals(planned));
}

TEST_F(ApplyRoutingTest, FailedCreateWithoutStateLeavesNothingTracked) {
  resource_.fail = true;
  Value planned = Obj("a", nullptr, "x");
  EncodedResult r = dispatcher_.ApplyResourceChange(kType, WireValue{}, W(planned), W(planned),
                                                    "");
  EXPECT_TRUE(r.diags.HasError());
  EXPECT_TRUE(Decoded(r).is_null());
}

TEST_F(ApplyRoutingTest, UpdateWithoutAHookRecordsThePlannedState) {
  Value prior = Obj("a", "old", "x");
  Value planned = Obj("a", "new", "x");
  EncodedResult r = dispatcher_.ApplyResourceChange(kType, W(prior), W(planned), W(planned),
                                                    "kept");
  EXPECT_FALSE(r.diags.HasError());
  EXPECT_TRUE(resource_.calls.empty()) << "no hook ran";
  EXPECT_TRUE(Decoded(r).Equals(planned));
  EXPECT_EQ(r.private_data, "kept");
}

TEST_F(ApplyRoutingTest, NoPlannedStateIsADeleteThatRemovesTheObject) {
  Value prior = Obj("a", nullptr, "x");
  EncodedResult r = dispatcher_.ApplyResourceChange(kType, W(prior), WireValue{}, WireValue{}, "");
  EXPECT_FALSE(r.diags.HasError());
  EXPECT_EQ(resource_.calls, std::vector<std::string>{"Delete x"});
  EXPECT_TRUE(Decoded(r).is_null());
}

TEST_F(ApplyRoutingTest, FailedDeleteKeepsThePriorState) {
  resource_.fail = true;
  Value prior = Obj("a", nullptr, "x");
  EncodedResult r = dispatcher_.ApplyResourceChange(kType, W(prior), WireValue{}, WireValue{}, "");
  EXPECT_TRUE(r.diags.HasError());
  EXPECT_TRUE(Decoded(r).Equals(prior));
}

TEST_F(ApplyRoutingTest, UnknownRequiredAttributeIsRefusedBeforeAnyHook) {
  Value planned = Value::ObjectOf(rtype_, {{"name", Value::Unknown(Type::String())}});
  EncodedResult r = dispatcher_.ApplyResourceChange(kType, WireValue{}, W(planned), W(planned),
                                                    "");
  ASSERT_TRUE(r.diags.HasError());
  EXPECT_EQ(PathString(r.diags.items()[0].path), "name");
  EXPECT_TRUE(resource_.calls.empty());
}

TEST_F(ApplyRoutingTest, CreateThatSucceedsWithoutAStateIsReported) {
  resource_.set_state = false;
  Value planned = Obj("a", nullptr, "x");
  EncodedResult r = dispatcher_.ApplyResourceChange(kType, WireValue{}, W(planned), W(planned),
                                                    "");
  ASSERT_TRUE(r.diags.HasError());
  EXPECT_THAT(r.diags.items()[0].summary, HasSubstr("Missing state after create"));
}

TEST_F(ApplyRoutingTest, NeitherPriorNorPlannedStateIsRefused) {
  EncodedResult r =
      dispatcher_.ApplyResourceChange(kType, WireValue{}, WireValue{}, WireValue{}, "");
  EXPECT_TRUE(r.diags.HasError());
  EXPECT_TRUE(resource_.calls.empty());
}

TEST_F(DispatcherTest, StopRaisesTheProviderSignal) {
  EXPECT_FALSE(provider_.stop().stopped());
  dispatcher_.Stop();
  EXPECT_TRUE(provider_.stop().stopped());
  EXPECT_FALSE(provider_.stop().SleepFor(absl::Hours(1)));
}

}  // namespace
}  // namespace vpcep::core
