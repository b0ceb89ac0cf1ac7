// The typed model of the provider configuration, read from its core::Value
// only here. Values may be unknown while Terraform plans (configured from
// other resources); Configure acts only on wholly known ones.
#ifndef VPCEP_RESOURCES_PROVIDER_MODEL_H_
#define VPCEP_RESOURCES_PROVIDER_MODEL_H_

#include <map>
#include <string>

#include "provider/core/field.h"
#include "provider/core/value.h"

namespace vpcep::resources {

struct ProviderModel {
  core::Field<std::string> region;
  core::Field<std::string> project_id;
  core::Field<std::string> access_key;
  core::Field<std::string> secret_key;
  core::Field<std::string> security_token;
  core::Field<std::string> auth_token;
  // Endpoint overrides by service name (only `vpcep` is supported).
  core::Field<std::map<std::string, core::Field<std::string>>> endpoints;
  core::Field<bool> allow_insecure_http;
  core::Field<bool> insecure;
  core::Field<double> max_retries;  // validated as a whole number from 0 to 20
  core::Field<std::string> request_timeout;

  static ProviderModel FromValue(const core::Value& config);
};

}  // namespace vpcep::resources

#endif  // VPCEP_RESOURCES_PROVIDER_MODEL_H_
