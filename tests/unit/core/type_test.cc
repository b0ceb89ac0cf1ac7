#include "provider/core/type.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vpcep::core {
namespace {

TEST(TypeTest, DefaultConstructedTypeIsDynamic) {
  EXPECT_EQ(Type().kind(), Type::Kind::kDynamic);
  EXPECT_EQ(Type(), Type::Dynamic());
  EXPECT_TRUE(Type().is_dynamic());
}

TEST(TypeTest, PrimitiveKindsAreReported) {
  EXPECT_TRUE(Type::String().is_primitive());
  EXPECT_TRUE(Type::Number().is_primitive());
  EXPECT_TRUE(Type::Bool().is_primitive());
  EXPECT_FALSE(Type::Dynamic().is_primitive());
  EXPECT_FALSE(Type::List(Type::String()).is_primitive());
  EXPECT_TRUE(Type::Map(Type::String()).is_collection());
  EXPECT_FALSE(Type::Object({}).is_collection());
}

TEST(TypeTest, PrimitivesSerializeAsJsonStrings) {
  EXPECT_EQ(Type::String().ToJson(), "\"string\"");
  EXPECT_EQ(Type::Number().ToJson(), "\"number\"");
  EXPECT_EQ(Type::Bool().ToJson(), "\"bool\"");
  EXPECT_EQ(Type::Dynamic().ToJson(), "\"dynamic\"");
}

TEST(TypeTest, CompoundTypesSerializeCompactlyWithSortedAttributes) {
  EXPECT_EQ(Type::List(Type::String()).ToJson(), R"(["list","string"])");
  EXPECT_EQ(Type::Set(Type::Number()).ToJson(), R"(["set","number"])");
  EXPECT_EQ(Type::Map(Type::Bool()).ToJson(), R"(["map","bool"])");
  EXPECT_EQ(Type::Object({{"b", Type::Bool()}, {"a", Type::List(Type::String())}}).ToJson(),
            R"(["object",{"a":["list","string"],"b":"bool"}])");
  EXPECT_EQ(Type::Tuple({Type::String(), Type::Dynamic()}).ToJson(),
            R"(["tuple",["string","dynamic"]])");
  EXPECT_EQ(Type::Object({}).ToJson(), R"(["object",{}])");
  EXPECT_EQ(Type::Tuple({}).ToJson(), R"(["tuple",[]])");
}

TEST(TypeTest, FromJsonReadsWhatToJsonWrites) {
  const std::vector<Type> types = {
      Type::String(),
      Type::Dynamic(),
      Type::List(Type::Object({{"foo", Type::String()}})),
      Type::Set(Type::Object({{"set", Type::Set(Type::String())}, {"value", Type::String()}})),
      Type::Map(Type::Tuple({Type::Number(), Type::Bool()})),
      Type::Object({{"a\"b", Type::Map(Type::Dynamic())}}),
  };
  for (const Type& t : types) {
    absl::StatusOr<Type> parsed = Type::FromJson(t.ToJson());
    ASSERT_TRUE(parsed.ok()) << t.ToJson() << ": " << parsed.status();
    EXPECT_EQ(*parsed, t) << t.ToJson();
  }
}

TEST(TypeTest, FromJsonAcceptsTerraformSchemaSamples) {
  absl::StatusOr<Type> t = Type::FromJson(R"(["list",["object",{"foo":"string"}]])");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, Type::List(Type::Object({{"foo", Type::String()}})));
  t = Type::FromJson(" [ \"map\" , \"string\" ] ");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, Type::Map(Type::String()));
}

TEST(TypeTest, FromJsonRejectsMalformedTypes) {
  for (const char* bad :
       {"", "string", "\"strin\"", "42", "null", "[\"list\"]", "[\"list\",\"string\",\"x\"]",
        "[\"vector\",\"string\"]", "[\"object\",[\"string\"]]", "[\"tuple\",{\"a\":\"string\"}]",
        "[\"list\",\"string\"", "[\"list\",7]"}) {
    absl::StatusOr<Type> t = Type::FromJson(bad);
    EXPECT_FALSE(t.ok()) << "accepted: " << bad;
    if (!t.ok()) {
      EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

TEST(TypeTest, FromJsonRejectsExcessiveNestingWithoutCrashing) {
  std::string deep;
  for (int i = 0; i < Type::kMaxDepth + 5; ++i) deep += "[\"list\",";
  deep += "\"string\"";
  for (int i = 0; i < Type::kMaxDepth + 5; ++i) deep += "]";
  EXPECT_FALSE(Type::FromJson(deep).ok());

  // Garbage nesting far deeper than any stack would allow for recursion.
  EXPECT_FALSE(Type::FromJson(std::string(200000, '[')).ok());
  EXPECT_FALSE(Type::FromJson(std::string(100000, '[') + std::string(100000, ']')).ok());
}

TEST(TypeTest, FriendlyNamesDescribeTheType) {
  EXPECT_EQ(Type::String().FriendlyName(), "string");
  EXPECT_EQ(Type::Dynamic().FriendlyName(), "dynamic");
  EXPECT_EQ(Type::List(Type::String()).FriendlyName(), "list of string");
  EXPECT_EQ(Type::Set(Type::Map(Type::Number())).FriendlyName(), "set of map of number");
  EXPECT_EQ(Type::Object({{"a", Type::Bool()}}).FriendlyName(), "object");
  EXPECT_EQ(Type::Tuple({}).FriendlyName(), "tuple");
}

TEST(TypeTest, EqualityIsStructural) {
  const Type a = Type::Object({{"x", Type::List(Type::String())}});
  const Type b = Type::Object({{"x", Type::List(Type::String())}});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, Type::Object({{"y", Type::List(Type::String())}}));
  EXPECT_NE(a, Type::Object({{"x", Type::Set(Type::String())}}));
  EXPECT_NE(a, Type::Object({{"x", Type::List(Type::String())}, {"z", Type::Bool()}}));
  EXPECT_NE(Type::List(Type::String()), Type::Set(Type::String()));
  EXPECT_NE(Type::Tuple({Type::String()}), Type::Tuple({Type::String(), Type::String()}));
  EXPECT_EQ(Type::Tuple({Type::Bool()}), Type::Tuple({Type::Bool()}));
  EXPECT_NE(Type::String(), Type::Number());
}

TEST(TypeTest, CopiesShareStructureAndCompareEqual) {
  const Type a = Type::Map(Type::Object({{"k", Type::Number()}}));
  const Type copy = a;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(copy, a);
  EXPECT_EQ(&copy.element().attributes(), &a.element().attributes());
}

TEST(TypeTest, AccessorsOfOtherKindsReturnEmptyResults) {
  EXPECT_TRUE(Type::String().element().is_dynamic());
  EXPECT_TRUE(Type::List(Type::Bool()).attributes().empty());
  EXPECT_TRUE(Type::Object({{"a", Type::Bool()}}).tuple_elements().empty());
  EXPECT_EQ(Type::Tuple({Type::Bool()}).tuple_elements().size(), 1u);
  EXPECT_EQ(Type::Object({{"a", Type::Bool()}}).attributes().at("a"), Type::Bool());
  EXPECT_EQ(Type::Set(Type::Bool()).element(), Type::Bool());
}

}  // namespace
}  // namespace vpcep::core
