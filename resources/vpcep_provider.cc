#include "resources/vpcep_provider.h"

#include <cstdlib>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "provider/cloud/aksk_signer.h"
#include "provider/core/log.h"
#include "resources/connection_approval/connection_approval.h"
#include "resources/service_connections/service_connections.h"

namespace vpcep::resources {
namespace {

using core::Diagnostics;
using core::PathStep;
using core::Type;
using core::Value;

core::Schema ProviderSchema() {
  core::Schema s;
  s.block.description = "Manages approvals of connections to Huawei Cloud VPC Endpoint services.";
  auto secret = [](core::Attribute a) {
    a.sensitive = true;
    return a;
  };
  s.block.attributes = {
      core::OptionalAttribute("region", Type::String(),
                              "Region of the VPC endpoint services, e.g. `ap-southeast-1`. "
                              "Falls back to `HW_REGION_NAME`."),
      core::OptionalAttribute("project_id", Type::String(),
                              "Project id used in API paths. Falls back to `HW_PROJECT_ID`."),
      core::OptionalAttribute("access_key", Type::String(),
                              "Access key (AK) for request signing. Falls back to "
                              "`HW_ACCESS_KEY`."),
      secret(core::OptionalAttribute("secret_key", Type::String(),
                                     "Secret key (SK) for request signing. Falls back to "
                                     "`HW_SECRET_KEY`.")),
      secret(core::OptionalAttribute("security_token", Type::String(),
                                     "Security token of temporary AK/SK credentials. Falls back "
                                     "to `HW_SECURITY_TOKEN`.")),
      secret(core::OptionalAttribute("auth_token", Type::String(),
                                     "IAM token sent as `X-Auth-Token`, instead of AK/SK. Falls "
                                     "back to `HW_AUTH_TOKEN`.")),
      core::OptionalAttribute(
          "endpoints", Type::Map(Type::String()),
          "Endpoint overrides by service; the key `vpcep` replaces "
          "`https://vpcep.{region}.myhuaweicloud.com` (private clouds, the local simulator). "
          "Falls back to `HW_VPCEP_ENDPOINT`."),
      core::OptionalAttribute("insecure", Type::Bool(),
                              "Skip TLS certificate verification (default false). Falls back "
                              "to `HW_INSECURE`."),
      core::OptionalAttribute("max_retries", Type::Number(),
                              "Retries of a failed API call that is safe to repeat, 0 to 20 "
                              "(default 5). Falls back to `HW_MAX_RETRIES`."),
      core::OptionalAttribute("request_timeout", Type::String(),
                              "Time limit of one API request as a Go duration (default "
                              "`60s`)."),
  };
  return s;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

// A string setting: the configured value, else the environment variable.
// nullopt when the configured value is not known yet (during plan).
std::optional<std::string> Setting(const Value& config, const char* attr, const char* env) {
  const Value& v = config.Attr(attr);
  if (!v.is_known()) return std::nullopt;
  if (!v.is_null() && !v.AsString().empty()) return v.AsString();
  return Env(env);
}

std::optional<std::string> EndpointOverride(const Value& config) {
  const Value& v = config.Attr("endpoints");
  if (!v.is_known()) return std::nullopt;
  if (!v.is_null()) {
    auto it = v.MapElements().find("vpcep");
    if (it != v.MapElements().end()) {
      if (!it->second.is_known()) return std::nullopt;
      if (!it->second.is_null()) return it->second.AsString();
    }
  }
  return Env("HW_VPCEP_ENDPOINT");
}

}  // namespace

std::string DefaultEndpoint(absl::string_view region) {
  absl::string_view domain = region == "eu-west-101" ? "myhuaweicloud.eu" : "myhuaweicloud.com";
  return absl::StrCat("https://vpcep.", region, ".", domain);
}

VpcepProvider::VpcepProvider(std::shared_ptr<cloud::HttpTransport> transport)
    : schema_(ProviderSchema()), transport_(std::move(transport)) {
  resources_.push_back(std::make_unique<ConnectionApproval>(*this));
  data_sources_.push_back(std::make_unique<ServiceConnections>(*this));
  unconfigured_reason_ = "the provider has not been configured";
}

std::vector<core::Resource*> VpcepProvider::Resources() {
  std::vector<core::Resource*> out;
  for (auto& r : resources_) out.push_back(r.get());
  return out;
}

std::vector<core::DataSource*> VpcepProvider::DataSources() {
  std::vector<core::DataSource*> out;
  for (auto& d : data_sources_) out.push_back(d.get());
  return out;
}

void VpcepProvider::ValidateConfig(const Value& config, Diagnostics& diags) const {
  const Value& endpoints = config.Attr("endpoints");
  if (endpoints.is_known() && !endpoints.is_null()) {
    for (const auto& [key, value] : endpoints.MapElements()) {
      if (key != "vpcep") {
        diags.AddError("Unsupported endpoint override",
                       absl::StrCat("\"", key, "\" is not a service of this provider; the only "
                                    "supported key is \"vpcep\"."),
                       {PathStep::Attr("endpoints"), PathStep::Key(key)});
      } else if (value.is_known() && !value.is_null() &&
                 value.AsString().rfind("http://", 0) != 0 &&
                 value.AsString().rfind("https://", 0) != 0) {
        diags.AddError("Invalid endpoint URL", "The vpcep endpoint must start with https:// "
                       "(or http:// for a local simulator).",
                       {PathStep::Attr("endpoints"), PathStep::Key(key)});
      }
    }
  }
  const Value& retries = config.Attr("max_retries");
  if (retries.is_known() && !retries.is_null()) {
    absl::StatusOr<int64_t> n = retries.AsInt();
    if (!n.ok() || *n < 0 || *n > 20) {
      diags.AddError("Invalid max_retries", "max_retries must be a whole number from 0 to 20.",
                     {PathStep::Attr("max_retries")});
    }
  }
  const Value& timeout = config.Attr("request_timeout");
  absl::Duration d;
  if (timeout.is_known() && !timeout.is_null() &&
      (!absl::ParseDuration(timeout.AsString(), &d) || d <= absl::ZeroDuration())) {
    diags.AddError("Invalid request_timeout",
                   absl::StrCat("\"", timeout.AsString(), "\" is not a positive duration such "
                                "as \"30s\" or \"2m\"."),
                   {PathStep::Attr("request_timeout")});
  }
}

void VpcepProvider::Configure(const Value& config, absl::string_view terraform_version,
                              Diagnostics& diags) {
  ValidateConfig(config, diags);
  if (diags.HasError()) return;
  if (!config.is_wholly_known()) {
    // Values computed by other resources: usable once Terraform applies them.
    std::lock_guard<std::mutex> lock(mu_);
    client_.reset();
    unconfigured_reason_ = "the provider configuration depends on values not known until apply";
    return;
  }
  std::string region = *Setting(config, "region", "HW_REGION_NAME");
  std::string project = *Setting(config, "project_id", "HW_PROJECT_ID");
  std::string ak = *Setting(config, "access_key", "HW_ACCESS_KEY");
  std::string sk = *Setting(config, "secret_key", "HW_SECRET_KEY");
  std::string security_token = *Setting(config, "security_token", "HW_SECURITY_TOKEN");
  std::string token = *Setting(config, "auth_token", "HW_AUTH_TOKEN");
  std::string endpoint = *EndpointOverride(config);

  bool insecure = false;
  if (const Value& v = config.Attr("insecure"); !v.is_null()) {
    insecure = v.AsBool();
  } else {
    std::string env = Env("HW_INSECURE");
    insecure = env == "true" || env == "1" || env == "TRUE" || env == "True";
  }
  cloud::ClientOptions options;
  if (const Value& v = config.Attr("max_retries"); !v.is_null()) {
    options.max_retries = static_cast<int>(v.AsInt().value_or(options.max_retries));
  } else if (int n = 0; absl::SimpleAtoi(Env("HW_MAX_RETRIES"), &n)) {
    if (n < 0 || n > 20) {
      diags.AddError("Invalid HW_MAX_RETRIES", "HW_MAX_RETRIES must be from 0 to 20.",
                     {PathStep::Attr("max_retries")});
    }
    options.max_retries = n;
  }
  if (const Value& v = config.Attr("request_timeout"); !v.is_null()) {
    (void)absl::ParseDuration(v.AsString(), &options.request_timeout);  // validated above
  }

  if (endpoint.empty() && region.empty()) {
    diags.AddError("Missing region",
                   "Set `region` (or HW_REGION_NAME), or an endpoint override in "
                   "`endpoints = { vpcep = \"https://...\" }`.",
                   {PathStep::Attr("region")});
  }
  if (project.empty()) {
    diags.AddError("Missing project_id",
                   "Set `project_id` or HW_PROJECT_ID: the VPCEP API addresses resources by "
                   "project.",
                   {PathStep::Attr("project_id")});
  }
  if (!ak.empty() && sk.empty()) {
    diags.AddError("Incomplete credentials",
                   "access_key is set but secret_key is not (nor HW_SECRET_KEY).",
                   {PathStep::Attr("secret_key")});
  } else if (ak.empty() && !sk.empty()) {
    diags.AddError("Incomplete credentials",
                   "secret_key is set but access_key is not (nor HW_ACCESS_KEY).",
                   {PathStep::Attr("access_key")});
  } else if (!security_token.empty() && ak.empty()) {
    diags.AddError("Incomplete credentials",
                   "security_token belongs to temporary AK/SK credentials: set access_key and "
                   "secret_key too.",
                   {PathStep::Attr("security_token")});
  } else if (!ak.empty() && !token.empty()) {
    diags.AddError("Conflicting credentials",
                   "Both AK/SK and auth_token are set (in the configuration or HW_* variables); "
                   "use one of them.",
                   {PathStep::Attr("auth_token")});
  } else if (ak.empty() && token.empty()) {
    diags.AddError("Missing credentials",
                   "Set access_key and secret_key (or HW_ACCESS_KEY and HW_SECRET_KEY), or "
                   "auth_token (or HW_AUTH_TOKEN).",
                   {PathStep::Attr("access_key")});
  }
  if (diags.HasError()) return;

  options.endpoint = endpoint.empty() ? DefaultEndpoint(region) : endpoint;
  options.project_id = project;
  std::shared_ptr<cloud::Authenticator> auth;
  if (!ak.empty()) {
    auth = std::make_shared<cloud::AkSkAuth>(ak, sk, security_token, project);
  } else {
    auth = std::make_shared<cloud::TokenAuth>(token);
  }
  std::shared_ptr<cloud::HttpTransport> transport = transport_;
  if (!transport) {
    cloud::HttpOptions http = cloud::HttpOptions::FromEnvironment();
    http.insecure = insecure;
    http.user_agent = UserAgent(terraform_version);
    transport = std::make_shared<cloud::CurlTransport>(http);
  }
  auto client = std::make_shared<const cloud::VpcepClient>(options, transport, auth, &stop());
  core::LogInfo("provider configured",
                {{"endpoint", options.endpoint},
                 {"auth", ak.empty() ? "token" : "aksk"},
                 {"terraform_version", std::string(terraform_version)}});
  std::lock_guard<std::mutex> lock(mu_);
  client_ = std::move(client);
}

std::string UserAgent(absl::string_view terraform_version) {
  std::string agent = "terraform-provider-vpcep/" VPCEP_VERSION;
  if (!terraform_version.empty()) absl::StrAppend(&agent, " Terraform/", terraform_version);
  return agent;
}

absl::StatusOr<std::shared_ptr<const cloud::VpcepClient>> VpcepProvider::Client() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!client_) return absl::FailedPreconditionError(unconfigured_reason_);
  return client_;
}

}  // namespace vpcep::resources
