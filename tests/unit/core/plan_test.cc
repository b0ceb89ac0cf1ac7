#include "provider/core/plan.h"

#include "gtest/gtest.h"

namespace vpcep::core {
namespace {

Schema TestSchema() {
  Schema s;
  Attribute name = RequiredAttribute("name", Type::String(), "name");
  name.force_new = true;
  s.block.attributes = {name, OptionalAttribute("note", Type::String(), "note"),
                        ComputedAttribute("id", Type::String(), "id"),
                        OptionalComputedAttribute("mode", Type::String(), "mode")};
  return s;
}

Value Obj(const Schema& s, std::map<std::string, Value> attrs) {
  return Value::ObjectOf(ImpliedType(s.block), std::move(attrs));
}

TEST(PlanFromSchema, CreatePlansComputedAttributesUnknown) {
  Schema s = TestSchema();
  PlanRequest req;
  req.prior_state = Value::Null(ImpliedType(s.block));
  req.config = Obj(s, {{"name", Value::String("a")}, {"mode", Value::String("fast")}});
  req.proposed_new_state = req.config;
  PlanResponse resp;
  PlanFromSchema(s, req, resp);
  EXPECT_FALSE(resp.planned_state.Attr("id").is_known());
  EXPECT_EQ(resp.planned_state.Attr("mode").AsString(), "fast") << "configured value kept";
  EXPECT_EQ(resp.planned_state.Attr("name").AsString(), "a");
  EXPECT_TRUE(resp.requires_replace.empty());
}

TEST(PlanFromSchema, UnchangedUpdatePlansPriorState) {
  Schema s = TestSchema();
  PlanRequest req;
  req.prior_state = Obj(s, {{"name", Value::String("a")}, {"id", Value::String("x")},
                            {"mode", Value::String("slow")}});
  req.config = Obj(s, {{"name", Value::String("a")}});
  req.proposed_new_state = req.prior_state;
  req.prior_private = "p";
  PlanResponse resp;
  PlanFromSchema(s, req, resp);
  EXPECT_TRUE(resp.planned_state.Equals(req.prior_state));
  EXPECT_TRUE(resp.requires_replace.empty());
  EXPECT_EQ(resp.planned_private, "p");
}

TEST(PlanFromSchema, ForceNewChangeRequiresReplacement) {
  Schema s = TestSchema();
  PlanRequest req;
  req.prior_state = Obj(s, {{"name", Value::String("a")}, {"id", Value::String("x")}});
  req.config = Obj(s, {{"name", Value::String("b")}});
  req.proposed_new_state = Obj(s, {{"name", Value::String("b")}, {"id", Value::String("x")}});
  PlanResponse resp;
  PlanFromSchema(s, req, resp);
  ASSERT_EQ(resp.requires_replace.size(), 1u);
  EXPECT_EQ(PathString(resp.requires_replace[0]), "name");
  EXPECT_FALSE(resp.planned_state.Attr("id").is_known());
}

TEST(PlanFromSchema, DestroyPlansNull) {
  Schema s = TestSchema();
  PlanRequest req;
  req.prior_state = Obj(s, {{"name", Value::String("a")}});
  req.proposed_new_state = Value::Null(ImpliedType(s.block));
  req.config = req.proposed_new_state;
  PlanResponse resp;
  PlanFromSchema(s, req, resp);
  EXPECT_TRUE(resp.planned_state.is_null());
}

TEST(PathString, RendersAttributesKeysAndIndexes) {
  EXPECT_EQ(PathString({PathStep::Attr("a"), PathStep::Key("k"), PathStep::Index(2),
                        PathStep::Attr("b")}),
            "a[\"k\"][2].b");
}

}  // namespace
}  // namespace vpcep::core
