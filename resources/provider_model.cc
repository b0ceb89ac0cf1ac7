#include "resources/provider_model.h"

namespace vpcep::resources {
namespace {

using core::Field;
using core::Value;

Field<std::map<std::string, Field<std::string>>> StringMapField(const Value& v) {
  return core::FieldFrom<std::map<std::string, Field<std::string>>>(v, [](const Value& map) {
    std::map<std::string, Field<std::string>> out;
    for (const auto& [key, element] : map.MapElements()) out[key] = core::StringField(element);
    return out;
  });
}

}  // namespace

ProviderModel ProviderModel::FromValue(const Value& config) {
  ProviderModel m;
  m.region = core::StringField(config.Attr("region"));
  m.project_id = core::StringField(config.Attr("project_id"));
  m.access_key = core::StringField(config.Attr("access_key"));
  m.secret_key = core::StringField(config.Attr("secret_key"));
  m.security_token = core::StringField(config.Attr("security_token"));
  m.auth_token = core::StringField(config.Attr("auth_token"));
  m.endpoints = StringMapField(config.Attr("endpoints"));
  m.allow_insecure_http = core::BoolField(config.Attr("allow_insecure_http"));
  m.insecure = core::BoolField(config.Attr("insecure"));
  m.max_retries = core::NumberField(config.Attr("max_retries"));
  m.request_timeout = core::StringField(config.Attr("request_timeout"));
  return m;
}

}  // namespace vpcep::resources
