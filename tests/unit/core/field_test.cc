#include "provider/core/field.h"

#include "gtest/gtest.h"

namespace vpcep::core {
namespace {

TEST(Field, KeepsNullUnknownAndKnownThroughARoundTrip) {
  for (const Value& v : {Value::Null(Type::String()), Value::Unknown(Type::String()),
                         Value::String("x"), Value::String("")}) {
    EXPECT_TRUE(ToValue(StringField(v)).Equals(v)) << v;
  }
  for (const Value& v :
       {Value::Null(Type::Bool()), Value::Unknown(Type::Bool()), Value::Bool(false)}) {
    EXPECT_TRUE(ToValue(BoolField(v)).Equals(v)) << v;
  }
  for (const Value& v : {Value::Null(Type::Number()), Value::Unknown(Type::Number()),
                         Value::Int(-7), Value::Int(INT64_MAX)}) {
    EXPECT_TRUE(ToValue(IntField(v)).Equals(v)) << v;
  }
}

TEST(Field, OnlyAKnownValueHasAValue) {
  EXPECT_TRUE(StringField(Value::String("")).has_value()) << "empty is a value";
  EXPECT_FALSE(StringField(Value::Null(Type::String())).has_value());
  EXPECT_FALSE(StringField(Value::Unknown(Type::String())).has_value());
  EXPECT_TRUE(StringField(Value::Unknown(Type::String())).is_unknown());
  EXPECT_EQ(Field<bool>::Unknown().value_or(true), true);
  EXPECT_EQ(Field<bool>(false).value_or(true), false);
}

TEST(Field, ComparesStateThenValue) {
  EXPECT_EQ(Field<std::string>::Unknown(), Field<std::string>::Unknown());
  EXPECT_NE(Field<std::string>::Unknown(), Field<std::string>::Null());
  EXPECT_NE(Field<std::string>(""), Field<std::string>::Null());
  EXPECT_EQ(Field<std::string>("a"), Field<std::string>("a"));
  EXPECT_NE(Field<std::string>("a"), Field<std::string>("b"));
}

TEST(Field, NumberThatIsNotAnInt64ReadsAsNull) {
  EXPECT_TRUE(IntField(Value::Number(1.5)).is_null());
  EXPECT_TRUE(IntField(Value::NumberFromString("18446744073709551616")).is_null());
}

TEST(Field, NumberFieldReadsTheNearestDouble) {
  EXPECT_EQ(NumberField(Value::Number(1.5)).value(), 1.5);
  EXPECT_EQ(NumberField(Value::Int(20)).value(), 20.0);
  EXPECT_TRUE(NumberField(Value::Unknown(Type::Number())).is_unknown());
}

}  // namespace
}  // namespace vpcep::core
