#include "resources/service_connections/model.h"

#include <utility>

namespace vpcep::resources {
namespace {

using core::Type;
using core::Value;

Type ErrorType() { return Type::Object({{"code", Type::String()}, {"message", Type::String()}}); }

Value ConnectionValue(const cloud::Connection& c) {
  std::vector<Value> errors;
  for (const cloud::ConnectionError& e : c.errors) {
    errors.push_back(
        Value::Object({{"code", Value::String(e.code)}, {"message", Value::String(e.message)}}));
  }
  return Value::ObjectOf(ConnectionObjectType(), {{"endpoint_id", Value::String(c.id)},
                                                  {"marker_id", Value::Int(c.marker_id)},
                                                  {"domain_id", Value::String(c.domain_id)},
                                                  {"status", Value::String(c.status)},
                                                  {"description", Value::String(c.description)},
                                                  {"created_at", Value::String(c.created_at)},
                                                  {"updated_at", Value::String(c.updated_at)},
                                                  {"errors", Value::List(ErrorType(), errors)}});
}

}  // namespace

Type ConnectionObjectType() {
  return Type::Object({{"endpoint_id", Type::String()},
                       {"marker_id", Type::Number()},
                       {"domain_id", Type::String()},
                       {"status", Type::String()},
                       {"description", Type::String()},
                       {"created_at", Type::String()},
                       {"updated_at", Type::String()},
                       {"errors", Type::List(ErrorType())}});
}

ServiceConnectionsModel ServiceConnectionsModel::FromValue(const Value& v) {
  ServiceConnectionsModel m;
  m.service_id = core::StringField(v.Attr("service_id"));
  m.endpoint_id = core::StringField(v.Attr("endpoint_id"));
  m.marker_id = core::StringField(v.Attr("marker_id"));
  m.status = core::StringField(v.Attr("status"));
  m.sort_key = core::StringField(v.Attr("sort_key"));
  m.sort_dir = core::StringField(v.Attr("sort_dir"));
  m.domain_id = core::StringField(v.Attr("domain_id"));
  m.id = core::StringField(v.Attr("id"));
  return m;
}

Value ServiceConnectionsModel::ToValue(const Type& type) const {
  std::vector<Value> items;
  for (const cloud::Connection& c : connections) items.push_back(ConnectionValue(c));
  return Value::ObjectOf(type, {{"service_id", core::ToValue(service_id)},
                                {"endpoint_id", core::ToValue(endpoint_id)},
                                {"marker_id", core::ToValue(marker_id)},
                                {"status", core::ToValue(status)},
                                {"sort_key", core::ToValue(sort_key)},
                                {"sort_dir", core::ToValue(sort_dir)},
                                {"domain_id", core::ToValue(domain_id)},
                                {"id", core::ToValue(id)},
                                {"connections", Value::List(ConnectionObjectType(), items)}});
}

cloud::ListFilter ServiceConnectionsModel::Filter() const {
  cloud::ListFilter filter;
  filter.endpoint_id = endpoint_id.value_or("");
  filter.marker_id = marker_id.value_or("");
  filter.status = status.value_or("");
  filter.sort_key = sort_key.value_or("");
  filter.sort_dir = sort_dir.value_or("");
  return filter;
}

}  // namespace vpcep::resources
