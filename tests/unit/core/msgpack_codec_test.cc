#include "provider/core/msgpack_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace vpcep::core {
namespace {

// Bytes from a list of octets, for golden vectors written from the spec.
std::string Bytes(std::initializer_list<unsigned> octets) {
  std::string out;
  for (unsigned o : octets) out += static_cast<char>(o);
  return out;
}

std::string Hex(const std::string& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    if (!out.empty()) out += ' ';
    out += kDigits[c >> 4];
    out += kDigits[c & 0xf];
  }
  return out;
}

#define EXPECT_BYTES(actual, expected) EXPECT_EQ(Hex(actual), Hex(expected))

void ExpectErrorContains(const absl::StatusOr<Value>& result, const std::string& needle) {
  ASSERT_FALSE(result.ok()) << "decoded to " << result->DebugString();
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, needle, std::string(result.status().message()));
}

// ---------------------------------------------------------------------------
// Golden vectors.

TEST(MsgpackCodecTest, ObjectEncodesToGoldenBytesWithSortedAttributes) {
  const Type type = Type::Object(
      {{"id", Type::String()}, {"n", Type::Number()}, {"s", Type::String()}, {"b", Type::Bool()}});
  const Value value = Value::ObjectOf(
      type,
      {{"id", Value::Unknown(Type::String())}, {"n", Value::Int(5)}, {"s", Value::String("x")}});
  // fixmap(4) "b" nil "id" unknown(fixext1 type 0) "n" "5" "s" "x"
  const std::string golden = Bytes({0x84, 0xa1, 'b', 0xc0, 0xa2, 'i', 'd', 0xd4, 0x00, 0x00, 0xa1,
                                    'n', 0xa1, '5', 0xa1, 's', 0xa1, 'x'});
  EXPECT_BYTES(EncodeMsgpack(value, type), golden);

  absl::StatusOr<Value> decoded = DecodeMsgpack(golden, type);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, value);
  EXPECT_FALSE(decoded->Attr("id").is_known());
  EXPECT_TRUE(decoded->Attr("b").is_null());
}

TEST(MsgpackCodecTest, AttributesAreSortedByteWise) {
  const Type type = Type::Object(
      {{"b", Type::Bool()}, {"a", Type::Bool()}, {"aa", Type::Bool()}, {"B", Type::Bool()}});
  EXPECT_BYTES(
      EncodeMsgpack(Value::ObjectOf(type, {}), type),
      Bytes({0x84, 0xa1, 'B', 0xc0, 0xa1, 'a', 0xc0, 0xa2, 'a', 'a', 0xc0, 0xa1, 'b', 0xc0}));
}

// Numbers go out as exact decimal text: go-cty parses it exactly as it parses
// the numbers of a state file, so a refreshed value deep-equals the loaded one
// (Terraform 1.11 compares them so for `plan -refresh-only`). Integers of every
// width still decode.
TEST(MsgpackCodecTest, NumbersEncodeAsDecimalTextAndIntegersOfEveryWidthDecode) {
  struct Case {
    int64_t n;
    std::string bytes;  // go-cty's smallest integer encoding
  };
  const std::vector<Case> cases = {
      {0, Bytes({0x00})},
      {127, Bytes({0x7f})},
      {128, Bytes({0xcc, 0x80})},
      {256, Bytes({0xcd, 0x01, 0x00})},
      {65536, Bytes({0xce, 0x00, 0x01, 0x00, 0x00})},
      {int64_t{1} << 32, Bytes({0xcf, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00})},
      {-1, Bytes({0xff})},
      {-32, Bytes({0xe0})},
      {-33, Bytes({0xd0, 0xdf})},
      {-129, Bytes({0xd1, 0xff, 0x7f})},
      {-32769, Bytes({0xd2, 0xff, 0xff, 0x7f, 0xff})},
      {-2147483649LL, Bytes({0xd3, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff})},
  };
  for (const Case& c : cases) {
    const std::string text = std::to_string(c.n);
    EXPECT_BYTES(EncodeMsgpack(Value::Int(c.n), Type::Number()),
                 Bytes({static_cast<unsigned>(0xa0 + text.size())}) + text)
        << c.n;
    absl::StatusOr<Value> decoded = DecodeMsgpack(c.bytes, Type::Number());
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded->AsInt(), c.n);
  }
}

TEST(MsgpackCodecTest, DecodesEveryIntegerWidth) {
  absl::StatusOr<Value> v = DecodeMsgpack(Bytes({0xd0, 0x85}), Type::Number());  // int8 -123
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v->AsInt(), -123);
  v = DecodeMsgpack(Bytes({0xd3, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00}), Type::Number());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v->AsInt(), int64_t{1} << 40);
  v = DecodeMsgpack(Bytes({0xcc, 0x05}), Type::Number());  // non-minimal uint8 is fine
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v->AsInt(), 5);
}

TEST(MsgpackCodecTest, Uint64BeyondInt64StaysExact) {
  const std::string max = Bytes({0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  absl::StatusOr<Value> v = DecodeMsgpack(max, Type::Number());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->NumberText(), "18446744073709551615");
  EXPECT_FALSE(v->AsInt().ok());
  // No double holds it exactly, so go-cty's rule writes the decimal text.
  const std::string text = "18446744073709551615";
  EXPECT_BYTES(EncodeMsgpack(*v, Type::Number()), Bytes({0xb4}) + text);
}

TEST(MsgpackCodecTest, FloatsRoundTripExactly) {
  const std::string one_and_half = Bytes({0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0});
  EXPECT_BYTES(EncodeMsgpack(Value::Number(1.5), Type::Number()), Bytes({0xa3}) + "1.5");
  absl::StatusOr<Value> v = DecodeMsgpack(one_and_half, Type::Number());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, Value::Number(1.5));

  v = DecodeMsgpack(Bytes({0xca, 0x3f, 0xc0, 0x00, 0x00}), Type::Number());  // float32 1.5
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, Value::Number(1.5));

  // A float64 0.1 from the wire means that exact binary value; it goes back
  // out as that value's exact decimal text.
  const std::string tenth = Bytes({0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a});
  v = DecodeMsgpack(tenth, Type::Number());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->AsDouble(), 0.1);
  absl::StatusOr<Value> back = DecodeMsgpack(EncodeMsgpack(*v, Type::Number()), Type::Number());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, *v);

  // 2^70: an integer beyond int64 that a double holds exactly.
  const std::string big = Bytes({0xcb, 0x44, 0x50, 0, 0, 0, 0, 0, 0});
  v = DecodeMsgpack(big, Type::Number());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->NumberText(), "1180591620717411303424");
  EXPECT_BYTES(EncodeMsgpack(*v, Type::Number()), Bytes({0xb6}) + "1180591620717411303424");
}

TEST(MsgpackCodecTest, DecimalsWithoutBinaryFormTravelAsText) {
  // Terraform sends 0.1 from configuration as the string "0.1".
  const std::string tenth = Bytes({0xa3, '0', '.', '1'});
  EXPECT_BYTES(EncodeMsgpack(Value::Number(0.1), Type::Number()), tenth);
  absl::StatusOr<Value> v = DecodeMsgpack(tenth, Type::Number());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, Value::Number(0.1));

  v = DecodeMsgpack(Bytes({0xa4, '1', 'e', '2', '0'}), Type::Number());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->NumberText(), "100000000000000000000");
  ExpectErrorContains(DecodeMsgpack(Bytes({0xa3, 'a', 'b', 'c'}), Type::Number()),
                      "number required");
}

TEST(MsgpackCodecTest, NanIsRejected) {
  ExpectErrorContains(DecodeMsgpack(Bytes({0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0}), Type::Number()),
                      "number required");
}

TEST(MsgpackCodecTest, InfinityRoundTrips) {
  const Value inf = Value::Number(-std::numeric_limits<double>::infinity());
  absl::StatusOr<Value> v = DecodeMsgpack(EncodeMsgpack(inf, Type::Number()), Type::Number());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, inf);
}

TEST(MsgpackCodecTest, StringsUseLengthAppropriateHeaders) {
  EXPECT_BYTES(EncodeMsgpack(Value::String(""), Type::String()), Bytes({0xa0}));
  const std::string s32(32, 'x');
  EXPECT_BYTES(EncodeMsgpack(Value::String(s32), Type::String()), Bytes({0xd9, 32}) + s32);
  const std::string s300(300, 'y');
  EXPECT_BYTES(EncodeMsgpack(Value::String(s300), Type::String()),
               Bytes({0xda, 0x01, 0x2c}) + s300);
  const std::string huge(3 << 20, 'z');
  const std::string encoded = EncodeMsgpack(Value::String(huge), Type::String());
  EXPECT_EQ(encoded.substr(0, 5), Bytes({0xdb, 0x00, 0x30, 0x00, 0x00}));
  absl::StatusOr<Value> v = DecodeMsgpack(encoded, Type::String());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->AsString().size(), huge.size());
}

TEST(MsgpackCodecTest, StringsAcceptBinaryItems) {
  absl::StatusOr<Value> v = DecodeMsgpack(Bytes({0xc4, 0x02, 'o', 'k'}), Type::String());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->AsString(), "ok");
}

TEST(MsgpackCodecTest, BoolsAndNil) {
  EXPECT_BYTES(EncodeMsgpack(Value::Bool(true), Type::Bool()), Bytes({0xc3}));
  EXPECT_BYTES(EncodeMsgpack(Value::Bool(false), Type::Bool()), Bytes({0xc2}));
  EXPECT_BYTES(EncodeMsgpack(Value::Null(Type::Bool()), Type::Bool()), Bytes({0xc0}));
  absl::StatusOr<Value> v = DecodeMsgpack(Bytes({0xc0}), Type::List(Type::String()));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, Value::Null(Type::List(Type::String())));
}

// ---------------------------------------------------------------------------
// Unknown values.

TEST(MsgpackCodecTest, DecodesTerraformUnknownForAnyType) {
  const std::string unknown = Bytes({0xd4, 0x00, 0x00});
  for (const Type& t : {Type::String(), Type::Number(), Type::Dynamic(),
                        Type::Object({{"a", Type::String()}}), Type::Set(Type::Bool())}) {
    absl::StatusOr<Value> v = DecodeMsgpack(unknown, t);
    ASSERT_TRUE(v.ok()) << t << ": " << v.status();
    EXPECT_EQ(*v, Value::Unknown(t));
  }
  EXPECT_BYTES(EncodeMsgpack(Value::Unknown(Type::Set(Type::Bool())), Type::Set(Type::Bool())),
               unknown);
}

TEST(MsgpackCodecTest, RefinedUnknownIsUnknownAndItsPayloadIsSkipped) {
  // ext8, 7 bytes, type 12: {1: false (not null), 2: "ab" (prefix)}
  const std::string refined = Bytes({0xc7, 0x07, 0x0c, 0x82, 0x01, 0xc2, 0x02, 0xa2, 'a', 'b'});
  absl::StatusOr<Value> v = DecodeMsgpack(refined, Type::String());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, Value::Unknown(Type::String()));

  const Type type = Type::Object({{"a", Type::String()}, {"b", Type::String()}});
  const std::string object = Bytes({0x82, 0xa1, 'a'}) + refined + Bytes({0xa1, 'b', 0xa1, 'x'});
  v = DecodeMsgpack(object, type);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_FALSE(v->Attr("a").is_known());
  EXPECT_EQ(v->Attr("b"), Value::String("x"));
}

TEST(MsgpackCodecTest, AnyExtensionTypeMeansUnknown) {
  for (const std::string& ext :
       {Bytes({0xd5, 0x07, 0x01, 0x02}), Bytes({0xd6, 0x01, 1, 2, 3, 4}),
        Bytes({0xd7, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8}),
        Bytes({0xd8, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
        Bytes({0xc8, 0x00, 0x01, 0x05, 0xff}), Bytes({0xc9, 0x00, 0x00, 0x00, 0x00, 0x03})}) {
    absl::StatusOr<Value> v = DecodeMsgpack(ext, Type::Number());
    ASSERT_TRUE(v.ok()) << Hex(ext) << ": " << v.status();
    EXPECT_FALSE(v->is_known());
  }
}

// ---------------------------------------------------------------------------
// Dynamic values.

TEST(MsgpackCodecTest, DynamicValuesCarryTheirTypeAsJson) {
  const std::string golden =
      Bytes({0x92, 0xc4, 0x08, '"', 's', 't', 'r', 'i', 'n', 'g', '"', 0xa2, 'h', 'i'});
  EXPECT_BYTES(EncodeMsgpack(Value::String("hi"), Type::Dynamic()), golden);
  absl::StatusOr<Value> v = DecodeMsgpack(golden, Type::Dynamic());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, Value::String("hi"));

  // The type may also come as str.
  std::string with_str = golden;
  with_str[1] = static_cast<char>(0xa8);
  with_str.erase(2, 1);
  v = DecodeMsgpack(with_str, Type::Dynamic());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, Value::String("hi"));
}

TEST(MsgpackCodecTest, NullAndUnknownDynamic) {
  EXPECT_BYTES(EncodeMsgpack(Value(), Type::Dynamic()), Bytes({0xc0}));
  EXPECT_BYTES(EncodeMsgpack(Value::Unknown(Type::Dynamic()), Type::Dynamic()),
               Bytes({0xd4, 0, 0}));
  // A typed null keeps its type, as go-cty writes it.
  EXPECT_BYTES(EncodeMsgpack(Value::Null(Type::Bool()), Type::Dynamic()),
               Bytes({0x92, 0xc4, 0x06, '"', 'b', 'o', 'o', 'l', '"', 0xc0}));
  absl::StatusOr<Value> v = DecodeMsgpack(Bytes({0xc0}), Type::Dynamic());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, Value());
}

TEST(MsgpackCodecTest, MalformedDynamicValuesAreRejected) {
  ExpectErrorContains(DecodeMsgpack(Bytes({0x91, 0xa0}), Type::Dynamic()), "two-element");
  ExpectErrorContains(DecodeMsgpack(Bytes({0x92, 0x01, 0x01}), Type::Dynamic()), "bin or str");
  ExpectErrorContains(DecodeMsgpack(Bytes({0x92, 0xa3, 'b', 'a', 'd', 0x01}), Type::Dynamic()),
                      "invalid type JSON");
  ExpectErrorContains(
      DecodeMsgpack(Bytes({0x92, 0xa8, '"', 's', 't', 'r', 'i', 'n', 'g', '"', 0x05}),
                    Type::Dynamic()),
      "string required");
}

// ---------------------------------------------------------------------------
// Round trips.

Type CompositeType() {
  const Type block = Type::Object({{"create", Type::String()}, {"delete", Type::String()}});
  return Type::Object({
      {"id", Type::String()},
      {"count", Type::Number()},
      {"enabled", Type::Bool()},
      {"tags", Type::Map(Type::String())},
      {"subnets", Type::List(Type::String())},
      {"ports", Type::Set(Type::Number())},
      {"rules", Type::List(Type::Object({{"cidr", Type::String()}, {"port", Type::Number()}}))},
      {"pair", Type::Tuple({Type::String(), Type::Number()})},
      {"any", Type::Dynamic()},
      {"anys", Type::List(Type::Dynamic())},
      {"timeouts", block},
      {"nested", Type::Map(Type::Set(Type::List(Type::Bool())))},
  });
}

Value CompositeValue(bool with_unknowns) {
  const Type type = CompositeType();
  const Type rule = type.attributes().at("rules").element();
  return Value::ObjectOf(
      type,
      {
          {"id", with_unknowns ? Value::Unknown(Type::String()) : Value::String("vpce-123")},
          {"count", Value::NumberFromString("123456789012345678901234567890.25")},
          {"enabled", Value::Bool(true)},
          {"tags", Value::Map(Type::String(), {{"Name", Value::String("x")}, {"empty", Value()}})},
          {"subnets", Value::List(Type::String(), {})},
          {"ports", Value::Set(Type::Number(), {Value::Int(443), Value::Int(80), Value::Int(-1)})},
          {"rules", Value::List(rule, {Value::ObjectOf(rule, {{"cidr", Value::String("10.0.0.0/8")},
                                                              {"port", Value::Number(0.5)}}),
                                       Value::ObjectOf(rule, {})})},
          {"pair",
           Value::TupleOf(type.attributes().at("pair"), {Value::String("a"), Value::Int(1)})},
          {"any", Value::Object({{"k", Value::List(Type::Number(), {Value::Int(1)})}})},
          {"anys", Value::List(Type::Dynamic(), {Value::Bool(false), Value::String("s"), Value()})},
          {"timeouts", with_unknowns ? Value::Unknown(type.attributes().at("timeouts"))
                                     : Value::Null(type.attributes().at("timeouts"))},
          {"nested", Value::Map(Type::Set(Type::List(Type::Bool())),
                                {{"a", Value::Set(Type::List(Type::Bool()),
                                                  {Value::List(Type::Bool(), {Value::Bool(true)}),
                                                   Value::List(Type::Bool(), {})})}})},
      });
}

TEST(MsgpackCodecTest, EveryKindOfTypeRoundTrips) {
  for (bool with_unknowns : {false, true}) {
    const Type type = CompositeType();
    const Value value = CompositeValue(with_unknowns);
    const std::string bytes = EncodeMsgpack(value, type);
    absl::StatusOr<Value> decoded = DecodeMsgpack(bytes, type);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, value);
    EXPECT_EQ(decoded->type(), type);
    EXPECT_EQ(decoded->is_wholly_known(), !with_unknowns);
    EXPECT_BYTES(EncodeMsgpack(*decoded, type), bytes);
  }
}

TEST(MsgpackCodecTest, EmptyObjectTypeIsAnEmptyMap) {
  const Type empty = Type::Object({});
  EXPECT_BYTES(EncodeMsgpack(Value::ObjectOf(empty, {}), empty), Bytes({0x80}));
  absl::StatusOr<Value> v = DecodeMsgpack(Bytes({0x80}), empty);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, Value::Object({}));
}

TEST(MsgpackCodecTest, LargeArraysUseWideHeaders) {
  std::vector<Value> items(70000, Value::Bool(true));
  const Value list = Value::List(Type::Bool(), items);
  const std::string bytes = EncodeMsgpack(list, Type::List(Type::Bool()));
  EXPECT_EQ(bytes.substr(0, 5), Bytes({0xdd, 0x00, 0x01, 0x11, 0x70}));
  absl::StatusOr<Value> v = DecodeMsgpack(bytes, Type::List(Type::Bool()));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->Elements().size(), 70000u);
}

TEST(MsgpackCodecTest, DecodedSetsAreDeduplicated) {
  absl::StatusOr<Value> v =
      DecodeMsgpack(Bytes({0x93, 0xa1, 'b', 0xa1, 'a', 0xa1, 'b'}), Type::Set(Type::String()));
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, Value::Set(Type::String(), {Value::String("a"), Value::String("b")}));
  EXPECT_EQ(v->Elements().size(), 2u);
}

// ---------------------------------------------------------------------------
// Strictness and error paths.

TEST(MsgpackCodecTest, MissingAttributeIsAnError) {
  const Type type = Type::Object({{"a", Type::Bool()}, {"b", Type::Bool()}, {"c", Type::Bool()}});
  ExpectErrorContains(DecodeMsgpack(Bytes({0x82, 0xa1, 'a', 0xc0, 0xa1, 'b', 0xc0}), type),
                      "an object with 3 attributes is required (2 given)");
}

TEST(MsgpackCodecTest, ExtraAttributeIsAnError) {
  const Type type = Type::Object({{"a", Type::Bool()}, {"b", Type::Bool()}});
  ExpectErrorContains(DecodeMsgpack(Bytes({0x82, 0xa1, 'a', 0xc0, 0xa1, 'y', 0xc0}), type),
                      "unsupported attribute \"y\"");
  ExpectErrorContains(
      DecodeMsgpack(Bytes({0x83, 0xa1, 'a', 0xc0, 0xa1, 'b', 0xc0, 0xa1, 'y', 0xc0}), type),
      "an object with 2 attributes is required (3 given)");
}

TEST(MsgpackCodecTest, DuplicateAttributeIsAnError) {
  const Type type = Type::Object({{"a", Type::Bool()}, {"b", Type::Bool()}});
  ExpectErrorContains(DecodeMsgpack(Bytes({0x82, 0xa1, 'a', 0xc0, 0xa1, 'a', 0xc0}), type),
                      "duplicate attribute \"a\"");
}

TEST(MsgpackCodecTest, ErrorsNameThePath) {
  const Type type = Type::Object({{"timeouts", Type::Object({{"create", Type::String()}})},
                                  {"tags", Type::List(Type::String())},
                                  {"labels", Type::Map(Type::Number())}});
  // {"labels": {}, "tags": [], "timeouts": {"create": 5}}
  ExpectErrorContains(
      DecodeMsgpack(Bytes({0x83, 0xa6, 'l',  'a',  'b',  'e', 'l', 's', 0x80, 0xa4, 't',
                           'a',  'g',  's',  0x90, 0xa8, 't', 'i', 'm', 'e',  'o',  'u',
                           't',  's',  0x81, 0xa6, 'c',  'r', 'e', 'a', 't',  'e',  0x05}),
                    type),
      ".timeouts.create: string required");
  // {"labels": {}, "tags": ["a", true], "timeouts": nil}
  ExpectErrorContains(DecodeMsgpack(Bytes({0x83, 0xa6, 'l', 'a', 'b',  'e',  'l', 's',  0x80, 0xa4,
                                           't',  'a',  'g', 's', 0x92, 0xa1, 'a', 0xc3, 0xa8, 't',
                                           'i',  'm',  'e', 'o', 'u',  't',  's', 0xc0}),
                                    type),
                      ".tags[1]: string required");
  // {"labels": {"k": "x"}, ...}
  ExpectErrorContains(DecodeMsgpack(Bytes({0x83, 0xa6, 'l', 'a',  'b', 'e', 'l', 's', 0x81, 0xa1,
                                           'k',  0xa1, 'x', 0xa4, 't', 'a', 'g', 's', 0x90, 0xa8,
                                           't',  'i',  'm', 'e',  'o', 'u', 't', 's', 0xc0}),
                                    type),
                      ".labels[\"k\"]: number required");
  ExpectErrorContains(
      DecodeMsgpack(
          Bytes({0x81, 0xa8, 't', 'i', 'm', 'e', 'o', 'u', 't', 's', 0x81, 0xa1, 'x', 0xc0}),
          Type::Object({{"timeouts", Type::Object({{"create", Type::String()}})}})),
      ".timeouts: unsupported attribute \"x\"");
}

TEST(MsgpackCodecTest, WrongKindsAreRejected) {
  ExpectErrorContains(DecodeMsgpack(Bytes({0x01}), Type::String()), "string required");
  ExpectErrorContains(DecodeMsgpack(Bytes({0xa1, 'x'}), Type::Bool()), "bool required");
  ExpectErrorContains(DecodeMsgpack(Bytes({0x80}), Type::List(Type::String())),
                      "list of string required");
  ExpectErrorContains(DecodeMsgpack(Bytes({0x90}), Type::Map(Type::String())),
                      "map of string required");
  ExpectErrorContains(DecodeMsgpack(Bytes({0x90}), Type::Object({})), "object required");
  ExpectErrorContains(DecodeMsgpack(Bytes({0x81, 0x01, 0x02}), Type::Map(Type::Number())),
                      "map keys must be strings");
  ExpectErrorContains(
      DecodeMsgpack(Bytes({0x91, 0x01}), Type::Tuple({Type::Number(), Type::Bool()})),
      "a tuple of 2 elements is required (1 given)");
}

TEST(MsgpackCodecTest, MalformedBytesAreErrorsNotCrashes) {
  const Type obj = Type::Object({{"a", Type::String()}});
  ExpectErrorContains(DecodeMsgpack("", Type::String()), "unexpected end");
  ExpectErrorContains(DecodeMsgpack(Bytes({0xa5, 'a', 'b'}), Type::String()), "unexpected end");
  ExpectErrorContains(DecodeMsgpack(Bytes({0xdb, 0xff, 0xff, 0xff, 0xff, 'a'}), Type::String()),
                      "unexpected end");
  ExpectErrorContains(DecodeMsgpack(Bytes({0x92, 0x01}), Type::List(Type::Number())),
                      "[1]: unexpected end");
  ExpectErrorContains(DecodeMsgpack(Bytes({0xd4, 0x00}), Type::String()), "unexpected end");
  ExpectErrorContains(DecodeMsgpack(Bytes({0xc7, 0x10, 0x0c, 0x01}), Type::String()),
                      "unexpected end");
  ExpectErrorContains(DecodeMsgpack(Bytes({0xcf, 0x01}), Type::Number()), "unexpected end");
  ExpectErrorContains(
      DecodeMsgpack(Bytes({0xdd, 0xff, 0xff, 0xff, 0xff}), Type::List(Type::Number())),
      "unexpected end");
  ExpectErrorContains(DecodeMsgpack(Bytes({0xdf, 0xff, 0xff, 0xff, 0xff}), obj),
                      "an object with 1 attributes is required");
  ExpectErrorContains(DecodeMsgpack(Bytes({0x01, 0x02}), Type::Number()), "trailing");
  ExpectErrorContains(DecodeMsgpack(Bytes({0xc1}), Type::Number()), "number required");
}

TEST(MsgpackCodecTest, DeepNestingIsRefused) {
  Type deep = Type::Number();
  for (int i = 0; i < Type::kMaxDepth + 2; ++i) deep = Type::List(deep);
  const std::string bytes = std::string(Type::kMaxDepth + 2, '\x91') + Bytes({0x01});
  ExpectErrorContains(DecodeMsgpack(bytes, deep), "nesting deeper than");

  // Dynamic values bring their own types, [["list","dynamic"], [<dynamic>]]
  // again and again; the depth is still bounded.
  const std::string list_of_dynamic = "[\"list\",\"dynamic\"]";
  std::string dyn;
  for (int i = 0; i < 100000; ++i) {
    dyn += Bytes({0x92, 0xa0 + static_cast<unsigned>(list_of_dynamic.size())}) + list_of_dynamic +
           Bytes({0x91});
  }
  ExpectErrorContains(DecodeMsgpack(dyn, Type::Dynamic()), "nesting deeper than");
}

TEST(MsgpackCodecTest, EveryTruncationAndRandomCorruptionFailsCleanly) {
  const Type type = CompositeType();
  const std::string bytes = EncodeMsgpack(CompositeValue(true), type);
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(DecodeMsgpack(bytes.substr(0, n), type).ok()) << "prefix of " << n;
  }
  std::mt19937 rng(12345);
  for (int round = 0; round < 2000; ++round) {
    std::string mutated = bytes;
    for (int k = 0; k < 3; ++k) {
      mutated[rng() % mutated.size()] = static_cast<char>(rng() & 0xff);
    }
    absl::StatusOr<Value> v = DecodeMsgpack(mutated, type);  // must not crash
    if (v.ok()) {
      EXPECT_EQ(v->type(), type);
    }
  }
}

// ---------------------------------------------------------------------------
// Encoding of values that do not fit the type.

TEST(MsgpackCodecTest, NonConformingValuesAreReportedByTryEncode) {
  const Type type = Type::Object({{"a", Type::String()}});
  const Value wrong = Value::Object({{"a", Value::Int(1)}});
  absl::StatusOr<std::string> r = TryEncodeMsgpack(wrong, type);
  ASSERT_FALSE(r.ok());
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, ".a: string required",
                      std::string(r.status().message()));
  EXPECT_BYTES(EncodeMsgpack(wrong, type), Bytes({0x81, 0xa1, 'a', 0xc0}));

  const Value extra = Value::Object({{"a", Value::String("x")}, {"zz", Value::Bool(true)}});
  r = TryEncodeMsgpack(extra, type);
  ASSERT_FALSE(r.ok());
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "unsupported attribute \"zz\"",
                      std::string(r.status().message()));
  EXPECT_BYTES(EncodeMsgpack(extra, type), Bytes({0x81, 0xa1, 'a', 0xa1, 'x'}));

  // Attributes the value lacks are simply null.
  r = TryEncodeMsgpack(Value::Object({}), type);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_BYTES(*r, Bytes({0x81, 0xa1, 'a', 0xc0}));
}

}  // namespace
}  // namespace vpcep::core
