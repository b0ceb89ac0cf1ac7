// vpcep_service_connections' model: the query as configured, the result as
// state.
#include "gtest/gtest.h"
#include "resources/service_connections/model.h"
#include "resources/vpcep_provider.h"

namespace vpcep::resources {
namespace {

using core::Type;
using core::Value;

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
