#include "provider/core/value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace vpcep::core {
namespace {

TEST(ValueTest, DefaultConstructedValueIsNullDynamic) {
  Value v;
  EXPECT_TRUE(v.is_null());
  EXPECT_TRUE(v.is_known());
  EXPECT_TRUE(v.is_wholly_known());
  EXPECT_TRUE(v.type().is_dynamic());
  EXPECT_EQ(v, Value::Null(Type::Dynamic()));
}

TEST(ValueTest, NullAndUnknownCarryTheirType) {
  const Value null = Value::Null(Type::String());
  EXPECT_TRUE(null.is_null());
  EXPECT_TRUE(null.is_known());
  EXPECT_EQ(null.type(), Type::String());

  const Value unknown = Value::Unknown(Type::List(Type::Number()));
  EXPECT_FALSE(unknown.is_null());
  EXPECT_FALSE(unknown.is_known());
  EXPECT_FALSE(unknown.is_wholly_known());
  EXPECT_EQ(unknown.type(), Type::List(Type::Number()));
}

TEST(ValueTest, WhollyKnownLooksInsideCollections) {
  const Value list =
      Value::List(Type::String(), {Value::String("a"), Value::Unknown(Type::String())});
  EXPECT_TRUE(list.is_known());
  EXPECT_FALSE(list.is_wholly_known());
  const Value nested = Value::Object({{"l", list}});
  EXPECT_FALSE(nested.is_wholly_known());
  EXPECT_TRUE(Value::Object({{"n", Value::Null(Type::Bool())}}).is_wholly_known());
}

TEST(ValueTest, PrimitiveAccessorsReturnTheValue) {
  EXPECT_EQ(Value::String("héllo").AsString(), "héllo");
  EXPECT_TRUE(Value::Bool(true).AsBool());
  EXPECT_FALSE(Value::Bool(false).AsBool());
  EXPECT_EQ(*Value::Int(-42).AsInt(), -42);
  EXPECT_DOUBLE_EQ(Value::Number(2.25).AsDouble(), 2.25);
  EXPECT_EQ(Value::String("x").type(), Type::String());
  EXPECT_EQ(Value::Int(1).type(), Type::Number());
  EXPECT_EQ(Value::Bool(true).type(), Type::Bool());
}

TEST(ValueTest, NumberTextIsCanonicalDecimal) {
  EXPECT_EQ(Value::Int(42).NumberText(), "42");
  EXPECT_EQ(Value::Int(-7).NumberText(), "-7");
  EXPECT_EQ(Value::Number(1.5).NumberText(), "1.5");
  EXPECT_EQ(Value::Number(0.1).NumberText(), "0.1");
  EXPECT_EQ(Value::Number(1e21).NumberText(), "1000000000000000000000");
  EXPECT_EQ(Value::Number(-2.5e-3).NumberText(), "-0.0025");
  EXPECT_EQ(Value::NumberFromString("1.50e1").NumberText(), "15");
  EXPECT_EQ(Value::NumberFromString("-0").NumberText(), "0");
  EXPECT_EQ(Value::NumberFromString("+007.0100").NumberText(), "7.01");
  EXPECT_EQ(Value::NumberFromString("0.000123e3").NumberText(), "0.123");
  EXPECT_EQ(Value::NumberFromString("12345678901234567890123.5").NumberText(),
            "12345678901234567890123.5");
  EXPECT_EQ(Value::Number(std::numeric_limits<double>::infinity()).NumberText(), "+Inf");
}

TEST(ValueTest, NumbersCompareByValue) {
  EXPECT_EQ(Value::Number(5.0), Value::Int(5));
  EXPECT_EQ(Value::NumberFromString("5.000"), Value::Int(5));
  EXPECT_EQ(Value::NumberFromString("0.10"), Value::Number(0.1));
  EXPECT_EQ(Value::NumberFromString("9223372036854775807"),
            Value::Int(std::numeric_limits<int64_t>::max()));
  EXPECT_NE(Value::Int(5), Value::Int(6));
  EXPECT_NE(Value::NumberFromString("0.1"), Value::ExactNumber(0.1));
}

TEST(ValueTest, InvalidNumberTextIsRejected) {
  for (const char* bad : {"", "-", "abc", "1.2.3", "1e", "0x10", " 1", "1 ", "NaN", "Inf"}) {
    EXPECT_FALSE(Value::ParseNumber(bad).ok()) << bad;
    const Value v = Value::NumberFromString(bad);
    EXPECT_TRUE(v.is_null()) << bad;
    EXPECT_EQ(v.type(), Type::Number()) << bad;
  }
  // Huge exponents must not expand into gigabytes of zeros.
  EXPECT_FALSE(Value::ParseNumber("1e999999999999").ok());
  EXPECT_FALSE(Value::ParseNumber("1e-999999999").ok());
  EXPECT_TRUE(Value::ParseNumber("1e400").ok());
}

TEST(ValueTest, NanIsNotANumber) {
  const Value v = Value::Number(std::nan(""));
  EXPECT_TRUE(v.is_null());
  EXPECT_EQ(v.type(), Type::Number());
}

TEST(ValueTest, AsIntRejectsFractionsAndOutOfRangeIntegers) {
  EXPECT_EQ(Value::Number(1.5).AsInt().status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Value::NumberFromString("18446744073709551616").AsInt().status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(*Value::NumberFromString("-9223372036854775808").AsInt(),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(*Value::NumberFromString("4294967296").AsInt(), int64_t{1} << 32);
  EXPECT_FALSE(Value::String("1").AsInt().ok());
  EXPECT_FALSE(Value::Null(Type::Number()).AsInt().ok());
}

TEST(ValueTest, AsDoubleHandlesDecimalsBeyondDoubleRange) {
  EXPECT_DOUBLE_EQ(Value::NumberFromString("0.1").AsDouble(), 0.1);
  EXPECT_TRUE(std::isinf(Value::NumberFromString("1e400").AsDouble()));
  EXPECT_LT(Value::NumberFromString("-1e400").AsDouble(), 0);
  EXPECT_EQ(Value::NumberFromString("1e-400").AsDouble(), 0.0);
}

TEST(ValueTest, ExactDoubleTellsWhetherAFloatHoldsTheNumber) {
  double d = 0;
  EXPECT_TRUE(Value::Number(1.5).ExactDouble(&d));
  EXPECT_EQ(d, 1.5);
  EXPECT_FALSE(Value::Number(0.1).ExactDouble(&d));  // one tenth has no binary form
  EXPECT_FALSE(Value::Int(3).ExactDouble(&d));       // ints are written as ints
  EXPECT_TRUE(Value::NumberFromString("1180591620717411303424").ExactDouble(&d));  // 2^70
  EXPECT_EQ(d, std::ldexp(1.0, 70));
  EXPECT_FALSE(Value::NumberFromString("18446744073709551615").ExactDouble(&d));
  EXPECT_TRUE(Value::ExactNumber(0.1).ExactDouble(&d));
  EXPECT_EQ(d, 0.1);
  EXPECT_EQ(Value::ExactNumber(0.1).NumberText(),
            "0.1000000000000000055511151231257827021181583404541015625");
}

TEST(ValueTest, SetRemovesDuplicatesAndIgnoresOrder) {
  const Value s =
      Value::Set(Type::String(), {Value::String("b"), Value::String("a"), Value::String("b")});
  ASSERT_EQ(s.Elements().size(), 2u);
  EXPECT_EQ(s, Value::Set(Type::String(), {Value::String("a"), Value::String("b")}));
  EXPECT_NE(s, Value::Set(Type::String(), {Value::String("a")}));
  EXPECT_EQ(Value::Set(Type::Number(), {Value::Int(1), Value::Number(1.0)}).Elements().size(), 1u);
}

TEST(ValueTest, SetKeepsElementsThatContainUnknowns) {
  const Value s = Value::Set(Type::String(), {Value::Unknown(Type::String()),
                                              Value::Unknown(Type::String()), Value::String("a")});
  EXPECT_EQ(s.Elements().size(), 3u);
  EXPECT_FALSE(s.is_wholly_known());
  const Type obj = Type::Object({{"id", Type::String()}});
  const Value partly = Value::ObjectOf(obj, {{"id", Value::Unknown(Type::String())}});
  EXPECT_EQ(Value::Set(obj, {partly, partly}).Elements().size(), 2u);
}

TEST(ValueTest, CollectionsGiveDeclaredTypeToUntypedNulls) {
  const Value list = Value::List(Type::String(), {Value(), Value::String("x")});
  EXPECT_EQ(list.Elements()[0], Value::Null(Type::String()));
  const Value map = Value::Map(Type::Number(), {{"k", Value::Unknown(Type::Dynamic())}});
  EXPECT_EQ(map.MapElements().at("k"), Value::Unknown(Type::Number()));
  EXPECT_EQ(map.type(), Type::Map(Type::Number()));
}

TEST(ValueTest, ObjectDerivesItsTypeFromAttributes) {
  const Value o = Value::Object({{"a", Value::String("x")}, {"b", Value::Null(Type::Bool())}});
  EXPECT_EQ(o.type(), Type::Object({{"a", Type::String()}, {"b", Type::Bool()}}));
  EXPECT_EQ(o.Attr("a").AsString(), "x");
  EXPECT_EQ(o.Attributes().size(), 2u);
}

TEST(ValueTest, ObjectOfFillsMissingAttributesWithNullAndIgnoresExtraKeys) {
  const Type t = Type::Object(
      {{"id", Type::String()}, {"tags", Type::Map(Type::String())}, {"n", Type::Number()}});
  const Value o = Value::ObjectOf(
      t, {{"id", Value::String("i-1")}, {"n", Value()}, {"extra", Value::Bool(true)}});
  EXPECT_EQ(o.type(), t);
  EXPECT_EQ(o.Attributes().size(), 3u);
  EXPECT_EQ(o.Attr("tags"), Value::Null(Type::Map(Type::String())));
  EXPECT_EQ(o.Attr("n"), Value::Null(Type::Number()));
  EXPECT_TRUE(o.Attr("extra").is_null());
  EXPECT_TRUE(o.Attr("extra").type().is_dynamic());
}

TEST(ValueTest, TupleOfKeepsDeclaredTypeAndPadsWithNulls) {
  const Type t = Type::Tuple({Type::Dynamic(), Type::Number()});
  const Value v = Value::TupleOf(t, {Value::String("a")});
  EXPECT_EQ(v.type(), t);
  ASSERT_EQ(v.Elements().size(), 2u);
  EXPECT_EQ(v.Elements()[1], Value::Null(Type::Number()));
  EXPECT_EQ(Value::Tuple({Value::String("a"), Value::Int(1)}).type(),
            Type::Tuple({Type::String(), Type::Number()}));
}

TEST(ValueTest, WithAttrReplacesOneAttributeAndLeavesTheOriginal) {
  const Type t = Type::Object({{"id", Type::String()}, {"n", Type::Number()}});
  const Value o = Value::ObjectOf(t, {{"id", Value::String("a")}, {"n", Value::Int(1)}});
  const Value changed = o.WithAttr("id", Value::Unknown(Type::String()));
  EXPECT_FALSE(changed.Attr("id").is_known());
  EXPECT_EQ(changed.Attr("n"), Value::Int(1));
  EXPECT_EQ(changed.type(), t);
  EXPECT_EQ(o.Attr("id").AsString(), "a");

  const Value nulled = o.WithAttr("n", Value());
  EXPECT_EQ(nulled.Attr("n"), Value::Null(Type::Number()));
  EXPECT_EQ(nulled.type(), t);

  const Type dyn = Type::Object({{"any", Type::Dynamic()}});
  EXPECT_EQ(Value::ObjectOf(dyn, {}).WithAttr("any", Value::Int(1)).type(), dyn);

  const Value added = o.WithAttr("x", Value::Bool(true));
  EXPECT_EQ(added.type().attributes().size(), 3u);
  EXPECT_TRUE(added.Attr("x").AsBool());
}

TEST(ValueTest, EqualityIncludesTypeAndKnownness) {
  EXPECT_NE(Value::Null(Type::String()), Value::Null(Type::Number()));
  EXPECT_EQ(Value::Unknown(Type::String()), Value::Unknown(Type::String()));
  EXPECT_NE(Value::Unknown(Type::String()), Value::Null(Type::String()));
  EXPECT_NE(Value::Unknown(Type::String()), Value::String(""));
  EXPECT_NE(Value::List(Type::String(), {}), Value::List(Type::Number(), {}));
  EXPECT_NE(Value::List(Type::String(), {}), Value::Set(Type::String(), {}));
  EXPECT_NE(Value::Map(Type::String(), {{"a", Value::String("x")}}),
            Value::Object({{"a", Value::String("x")}}));
  EXPECT_EQ(Value::Object({{"a", Value::List(Type::Bool(), {Value::Bool(true)})}}),
            Value::Object({{"a", Value::List(Type::Bool(), {Value::Bool(true)})}}));
  EXPECT_NE(Value::Object({{"a", Value::List(Type::Bool(), {Value::Bool(true)})}}),
            Value::Object({{"a", Value::List(Type::Bool(), {Value::Bool(false)})}}));
}

TEST(ValueTest, AttrOfMissingNameOrNonObjectIsNull) {
  EXPECT_TRUE(Value::Object({}).Attr("nope").is_null());
  EXPECT_TRUE(Value::Null(Type::Object({{"a", Type::String()}})).Attr("a").is_null());
  EXPECT_TRUE(Value::Unknown(Type::Object({{"a", Type::String()}})).Attr("a").is_null());
}

TEST(ValueTest, DebugStringShowsStructure) {
  const Value v = Value::Object({
      {"s", Value::String("x\"y")},
      {"l", Value::List(Type::Number(), {Value::Int(1), Value::Number(2.5)})},
      {"u", Value::Unknown(Type::String())},
      {"n", Value::Null(Type::List(Type::String()))},
  });
  EXPECT_EQ(v.DebugString(),
            "{l = [1, 2.5], n = null(list of string), s = \"x\\\"y\", u = unknown(string)}");
  EXPECT_EQ(Value::Map(Type::Bool(), {{"k", Value::Bool(true)}}).DebugString(), "map{\"k\": true}");
}

#ifdef NDEBUG
// In release builds misuse of the accessors is defined and harmless.
TEST(ValueTest, AccessorsOnTheWrongKindReturnEmptyResults) {
  EXPECT_EQ(Value::Int(1).AsString(), "");
  EXPECT_FALSE(Value::String("true").AsBool());
  EXPECT_EQ(Value::String("1").AsDouble(), 0);
  EXPECT_EQ(Value::String("1").NumberText(), "");
  EXPECT_TRUE(Value::Unknown(Type::List(Type::String())).Elements().empty());
  EXPECT_TRUE(Value::Null(Type::Map(Type::String())).MapElements().empty());
  EXPECT_TRUE(Value::String("x").Attributes().empty());
  EXPECT_EQ(Value::String("x").WithAttr("a", Value::Int(1)), Value::String("x"));
}
#endif

}  // namespace
}  // namespace vpcep::core
