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
  void Apply(const ApplyRequest& req, ApplyResponse& resp) override {
    resp.new_state = leave_unknown_ ? req.planned_state
                                    : req.planned_state.WithAttr("id", Value::String("id-1"));
  }
  bool leave_unknown_ = false;

 private:
  Schema schema_;
};

class TestProvider : public Provider {
 public:
  const Schema& GetSchema() const override { return schema_; }
  void Configure(const Value&, absl::string_view, Diagnostics&) override {}
  std::vector<Resource*> Resources() override { return {&echo}; }
  std::vector<DataSource*> DataSources() override { return {}; }
  EchoResource echo;

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

TEST_F(DispatcherTest, StopRaisesTheProviderSignal) {
  EXPECT_FALSE(provider_.stop().stopped());
  dispatcher_.Stop();
  EXPECT_TRUE(provider_.stop().stopped());
  EXPECT_FALSE(provider_.stop().SleepFor(absl::Hours(1)));
}

}  // namespace
}  // namespace vpcep::core
