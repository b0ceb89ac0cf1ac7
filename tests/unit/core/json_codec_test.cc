#include "provider/core/json_codec.h"

#include <gtest/gtest.h>

#include <string>

namespace vpcep::core {
namespace {

void ExpectErrorContains(const absl::StatusOr<Value>& result, const std::string& needle) {
  ASSERT_FALSE(result.ok()) << "decoded to " << result->DebugString();
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, needle, std::string(result.status().message()));
}

const Type& EndpointType() {
  static const Type* const kType = new Type(Type::Object({
      {"id", Type::String()},
      {"port", Type::Number()},
      {"enabled", Type::Bool()},
      {"tags", Type::Map(Type::String())},
      {"subnets", Type::Set(Type::String())},
      {"rules", Type::List(Type::Object({{"cidr", Type::String()}, {"port", Type::Number()}}))},
      {"timeouts", Type::Object({{"create", Type::String()}, {"delete", Type::String()}})},
  }));
  return *kType;
}

// ---------------------------------------------------------------------------
// Encoding.

TEST(JsonCodecTest, EncodesObjectsCompactlyWithSortedAttributes) {
  const Type type = Type::Object({{"s", Type::String()},
                                  {"n", Type::Number()},
                                  {"b", Type::Bool()},
                                  {"z", Type::List(Type::String())}});
  const Value v = Value::ObjectOf(
      type, {{"s", Value::String("x")}, {"n", Value::Number(1.5)}, {"b", Value::Bool(true)}});
  EXPECT_EQ(EncodeJson(v, type), R"({"b":true,"n":1.5,"s":"x","z":null})");
}

TEST(JsonCodecTest, EncodesCollections) {
  EXPECT_EQ(EncodeJson(Value::List(Type::Number(), {Value::Int(1), Value::Int(-2)}),
                       Type::List(Type::Number())),
            "[1,-2]");
  EXPECT_EQ(EncodeJson(Value::Set(Type::String(), {Value::String("b"), Value::String("a")}),
                       Type::Set(Type::String())),
            R"(["a","b"])");
  EXPECT_EQ(
      EncodeJson(Value::Map(Type::Bool(), {{"k", Value::Bool(false)}}), Type::Map(Type::Bool())),
      R"({"k":false})");
  EXPECT_EQ(EncodeJson(Value::Tuple({Value::String("a"), Value::Int(1)}),
                       Type::Tuple({Type::String(), Type::Number()})),
            R"(["a",1])");
}

TEST(JsonCodecTest, NumbersAreWrittenAsExactDecimals) {
  EXPECT_EQ(
      EncodeJson(Value::NumberFromString("123456789012345678901234567890.125"), Type::Number()),
      "123456789012345678901234567890.125");
  EXPECT_EQ(EncodeJson(Value::Number(0.1), Type::Number()), "0.1");
  EXPECT_EQ(EncodeJson(Value::Number(1e21), Type::Number()), "1000000000000000000000");
}

TEST(JsonCodecTest, StringsAreEscaped) {
  const std::string tricky = "a\"b\\c\nd\x01 é";
  const std::string json = EncodeJson(Value::String(tricky), Type::String());
  EXPECT_EQ(json, "\"a\\\"b\\\\c\\nd\\u0001 é\"");
  absl::StatusOr<Value> v = DecodeJson(json, Type::String());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->AsString(), tricky);
}

TEST(JsonCodecTest, DynamicValuesAreWrappedWithTheirType) {
  EXPECT_EQ(EncodeJson(Value::String("hi"), Type::Dynamic()), R"({"value":"hi","type":"string"})");
  EXPECT_EQ(EncodeJson(Value::List(Type::Bool(), {Value::Bool(true)}), Type::Dynamic()),
            R"({"value":[true],"type":["list","bool"]})");
  EXPECT_EQ(EncodeJson(Value(), Type::Dynamic()), "null");
  absl::StatusOr<Value> v =
      DecodeJson(R"({"type":["list","bool"],"value":[true]})", Type::Dynamic());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, Value::List(Type::Bool(), {Value::Bool(true)}));
}

TEST(JsonCodecTest, UnknownValuesCannotBeEncoded) {
  const Type type = Type::Object({{"id", Type::String()}});
  const Value v = Value::ObjectOf(type, {{"id", Value::Unknown(Type::String())}});
  EXPECT_EQ(EncodeJson(v, type), R"({"id":null})");
  absl::StatusOr<std::string> r = TryEncodeJson(v, type);
  ASSERT_FALSE(r.ok());
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, ".id: value is not known",
                      std::string(r.status().message()));
}

TEST(JsonCodecTest, TryEncodeReportsNonConformingValues) {
  const Type type = Type::Object({{"n", Type::Number()}});
  absl::StatusOr<std::string> r = TryEncodeJson(Value::Object({{"n", Value::String("1")}}), type);
  ASSERT_FALSE(r.ok());
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, ".n: number required",
                      std::string(r.status().message()));
  r = TryEncodeJson(Value::Object({{"n", Value::Int(1)}}), type);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, R"({"n":1})");
}

// ---------------------------------------------------------------------------
// Decoding.

TEST(JsonCodecTest, FullObjectRoundTrips) {
  const Type& type = EndpointType();
  const Type rule = type.attributes().at("rules").element();
  const Value v = Value::ObjectOf(
      type, {{"id", Value::String("vpce-1")},
             {"port", Value::NumberFromString("0.1")},
             {"enabled", Value::Bool(false)},
             {"tags", Value::Map(Type::String(), {{"a", Value::String("b")}, {"n", Value()}})},
             {"subnets", Value::Set(Type::String(), {Value::String("s2"), Value::String("s1")})},
             {"rules", Value::List(rule, {Value::ObjectOf(rule, {{"port", Value::Int(443)}})})}});
  const std::string json = EncodeJson(v, type);
  absl::StatusOr<Value> decoded = DecodeJson(json, type);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, v);
  EXPECT_EQ(decoded->type(), type);
  EXPECT_EQ(EncodeJson(*decoded, type), json);
}

TEST(JsonCodecTest, DecodedNumbersKeepTheirExactValue) {
  absl::StatusOr<Value> v = DecodeJson("0.1", Type::Number());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, Value::Number(0.1));
  v = DecodeJson("123456789012345678901234567890", Type::Number());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->NumberText(), "123456789012345678901234567890");
  v = DecodeJson("18446744073709551615", Type::Number());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->NumberText(), "18446744073709551615");
  v = DecodeJson("-5", Type::Number());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v->AsInt(), -5);
  v = DecodeJson("2.5E3", Type::Number());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v->AsInt(), 2500);
}

TEST(JsonCodecTest, PrimitivesAcceptGoCtyConversions) {
  absl::StatusOr<Value> v = DecodeJson(R"("42.50")", Type::Number());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->NumberText(), "42.5");
  v = DecodeJson("12.50", Type::String());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->AsString(), "12.50");
  v = DecodeJson("true", Type::String());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->AsString(), "true");
  v = DecodeJson(R"("false")", Type::Bool());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_FALSE(v->AsBool());
  ExpectErrorContains(DecodeJson(R"("yes")", Type::Bool()), "bool required");
  ExpectErrorContains(DecodeJson(R"("12abc")", Type::Number()), "number required");
  ExpectErrorContains(DecodeJson("[1]", Type::String()), "string required");
}

TEST(JsonCodecTest, MissingAttributesDecodeAsNull) {
  absl::StatusOr<Value> v = DecodeJson(R"({"id":"x"})", EndpointType());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->Attr("id"), Value::String("x"));
  EXPECT_EQ(v->Attr("tags"), Value::Null(Type::Map(Type::String())));
  EXPECT_EQ(v->Attributes().size(), EndpointType().attributes().size());
}

TEST(JsonCodecTest, ExtraAttributesAreRejected) {
  ExpectErrorContains(DecodeJson(R"({"id":"x","bogus":1})", EndpointType()),
                      "unsupported attribute \"bogus\"");
  ExpectErrorContains(DecodeJson(R"({"timeouts":{"create":"1m","update":"2m"}})", EndpointType()),
                      ".timeouts: unsupported attribute \"update\"");
}

TEST(JsonCodecTest, ErrorsNameThePath) {
  ExpectErrorContains(DecodeJson(R"({"timeouts":{"create":[1]}})", EndpointType()),
                      ".timeouts.create: string required");
  ExpectErrorContains(DecodeJson(R"({"tags":{"k":{}}})", EndpointType()),
                      ".tags[\"k\"]: string required");
  ExpectErrorContains(DecodeJson(R"({"rules":[{"port":1},{"port":"x"}]})", EndpointType()),
                      ".rules[1].port: number required");
  ExpectErrorContains(DecodeJson(R"({"subnets":"a"})", EndpointType()),
                      ".subnets: set of string required");
}

TEST(JsonCodecTest, TuplesNeedExactlyTheirElements) {
  const Type type = Type::Tuple({Type::String(), Type::Number()});
  ExpectErrorContains(DecodeJson(R"(["a"])", type), "a tuple of 2 elements is required (1 given)");
  absl::StatusOr<Value> v = DecodeJson(R"(["a",null])", type);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->type(), type);
  EXPECT_EQ(v->Elements()[1], Value::Null(Type::Number()));
}

TEST(JsonCodecTest, MalformedDynamicValuesAreRejected) {
  ExpectErrorContains(DecodeJson(R"("hi")", Type::Dynamic()), "dynamic value");
  ExpectErrorContains(DecodeJson(R"({"value":"hi"})", Type::Dynamic()), "missing \"type\"");
  ExpectErrorContains(DecodeJson(R"({"type":"string"})", Type::Dynamic()), "missing \"value\"");
  ExpectErrorContains(DecodeJson(R"({"type":"string","value":"x","x":1})", Type::Dynamic()),
                      "invalid key \"x\"");
  ExpectErrorContains(DecodeJson(R"({"type":"strang","value":"x"})", Type::Dynamic()),
                      "invalid type JSON");
}

TEST(JsonCodecTest, DecodedSetsAreDeduplicated) {
  absl::StatusOr<Value> v = DecodeJson(R"(["b","a","b"])", Type::Set(Type::String()));
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->Elements().size(), 2u);
}

TEST(JsonCodecTest, MalformedJsonIsAnErrorNotACrash) {
  for (const char* bad : {"", "{", R"({"id":)", R"({"id":"x"} trailing)", "[1,]", "nul",
                          R"({"id":"x",})", "\"\\x\""}) {
    ExpectErrorContains(DecodeJson(bad, EndpointType()), "invalid JSON");
  }
  ExpectErrorContains(DecodeJson(std::string(200000, '['), Type::Dynamic()), "nesting deeper");
  ExpectErrorContains(
      DecodeJson(std::string(100000, '[') + std::string(100000, ']'), Type::List(Type::Number())),
      "nesting deeper");
}

TEST(JsonCodecTest, DeeplyNestedValuesAreRefused) {
  Type deep = Type::Number();
  for (int i = 0; i < Type::kMaxDepth + 2; ++i) deep = Type::List(deep);
  const std::string json =
      std::string(Type::kMaxDepth + 2, '[') + "1" + std::string(Type::kMaxDepth + 2, ']');
  ExpectErrorContains(DecodeJson(json, deep), "nesting deeper than");
}

TEST(JsonCodecTest, HugeStringsDecode) {
  const std::string big(4 << 20, 'q');
  absl::StatusOr<Value> v = DecodeJson("\"" + big + "\"", Type::String());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->AsString().size(), big.size());
}

// ---------------------------------------------------------------------------
// State upgrade.

TEST(JsonCodecTest, UpgradeDropsUnknownKeysAndNullsMissingOnes) {
  const std::string stored = R"({
    "id": "vpce-1",
    "port": 443,
    "removed_attribute": {"deep": [1, 2, 3]},
    "rules": [{"cidr": "10.0.0.0/8", "port": 80, "legacy": true}],
    "timeouts": {"create": "10m", "update": "5m"}
  })";
  absl::StatusOr<Value> v = UpgradeJsonState(stored, EndpointType());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->type(), EndpointType());
  EXPECT_TRUE(v->is_wholly_known());
  EXPECT_EQ(v->Attr("id"), Value::String("vpce-1"));
  EXPECT_EQ(*v->Attr("port").AsInt(), 443);
  EXPECT_TRUE(v->Attr("removed_attribute").is_null());
  EXPECT_EQ(v->Attributes().count("removed_attribute"), 0u);
  EXPECT_EQ(v->Attr("enabled"), Value::Null(Type::Bool()));
  EXPECT_EQ(v->Attr("subnets"), Value::Null(Type::Set(Type::String())));
  const Value& rule = v->Attr("rules").Elements().at(0);
  EXPECT_EQ(rule.Attributes().size(), 2u);
  EXPECT_EQ(*rule.Attr("port").AsInt(), 80);
  EXPECT_EQ(v->Attr("timeouts").Attr("create"), Value::String("10m"));
  EXPECT_EQ(v->Attr("timeouts").Attr("delete"), Value::Null(Type::String()));
}

TEST(JsonCodecTest, UpgradeErrorsNameTheAttributePath) {
  absl::StatusOr<Value> v =
      UpgradeJsonState(R"({"rules":[{"cidr":"a","port":{"x":1}}]})", EndpointType());
  ExpectErrorContains(v, ".rules[0].port: number required");
  ExpectErrorContains(UpgradeJsonState(R"({"id":)", EndpointType()), "invalid JSON");
  ExpectErrorContains(UpgradeJsonState("[]", EndpointType()), "object required");
}

TEST(JsonCodecTest, UpgradeNeedsAnObjectType) {
  absl::StatusOr<Value> v = UpgradeJsonState("{}", Type::String());
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vpcep::core
