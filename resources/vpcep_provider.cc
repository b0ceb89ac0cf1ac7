#include "resources/vpcep_provider.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "provider/cloud/aksk_signer.h"
#include "provider/core/log.h"
#include "resources/connection_approval/connection_approval.h"
#include "resources/connection_approval/list.h"
#include "resources/connection_policy/connection_policy.h"
#include "resources/provider_model.h"
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
          "Endpoint overrides by service; the key `vpcep` replaces the regional host (private "
          "clouds, the local simulator). "
          "Falls back to `HW_VPCEP_ENDPOINT`."),
      core::OptionalAttribute("allow_insecure_http", Type::Bool(),
                              "Allow a plain `http://` endpoint on another machine, which "
                              "sends the credentials unencrypted (default false; loopback "
                              "hosts are always allowed). Falls back to "
                              "`HW_ALLOW_INSECURE_HTTP`."),
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

bool EnvTrue(const char* name) {
  std::string v = Env(name);
  return v == "true" || v == "1" || v == "TRUE" || v == "True";
}

// A string setting and where it came from, so that a message names what to fix.
struct Setting {
  std::string value;
  std::string origin;  // "`region`" or "HW_REGION_NAME"
};

// The configured value, else the environment variable.
Setting Lookup(const core::Field<std::string>& configured, const char* attr, const char* env) {
  if (configured.has_value() && !configured.value().empty()) {
    return Setting{configured.value(), absl::StrCat("`", attr, "`")};
  }
  return Setting{Env(env), env};
}

Setting EndpointOverride(const ProviderModel& m) {
  if (m.endpoints.has_value()) {
    auto it = m.endpoints.value().find("vpcep");
    if (it != m.endpoints.value().end() && it->second.has_value()) {
      return Setting{it->second.value(), "`endpoints.vpcep`"};
    }
  }
  return Setting{Env("HW_VPCEP_ENDPOINT"), "HW_VPCEP_ENDPOINT"};
}

// Credentials and the project id go into request headers, where a CR or LF
// would start a header of the value's choosing. Surrounding whitespace (the
// newline file() keeps) is dropped with a warning. The value is never quoted:
// it may be a secret.
void CleanHeaderValue(Setting& s, const char* attr, Diagnostics& diags) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(s.value);
  if (trimmed.size() != s.value.size()) {
    diags.AddWarning(absl::StrCat("Whitespace removed from ", attr),
                     absl::StrCat(s.origin, " starts or ends with whitespace, such as the "
                                  "newline that file() keeps; it was removed."),
                     {PathStep::Attr(attr)});
    s.value = std::string(trimmed);
  }
  bool control = std::any_of(s.value.begin(), s.value.end(), [](unsigned char c) {
    return c < 0x20 || c == 0x7f;
  });
  if (control) {
    diags.AddError(absl::StrCat("Invalid ", attr),
                   absl::StrCat(s.origin, " contains a control character (such as a line "
                                "break), which would corrupt the request headers. The value "
                                "is not shown."),
                   {PathStep::Attr(attr)});
  }
}

// The region becomes part of the API host name, so anything but a plain name
// (a '/', a '.') could send the credentials to another host.
void CheckRegion(const Setting& region, Diagnostics& diags) {
  bool plain = std::all_of(region.value.begin(), region.value.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (plain) return;
  diags.AddError("Invalid region",
                 absl::StrCat(region.origin, " is \"", region.value, "\", not a region name: "
                              "use lower-case letters, digits and '-', e.g. ap-southeast-1."),
                 {PathStep::Attr("region")});
}

// The host of an http:// or https:// URL, without port or brackets.
absl::string_view UrlHost(absl::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos) return "";
  absl::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (size_t at = rest.rfind('@'); at != absl::string_view::npos) rest = rest.substr(at + 1);
  if (absl::ConsumePrefix(&rest, "[")) return rest.substr(0, rest.find(']'));
  return rest.substr(0, rest.find(':'));
}

// Plain http is refused unless it stays on this machine or the user opted in:
// the token or the AK/SK signature would cross the network unencrypted.
void CheckEndpoint(const Setting& endpoint, bool allow_http, Diagnostics& diags) {
  core::AttributePath path = {PathStep::Attr("endpoints"), PathStep::Key("vpcep")};
  bool http = absl::StartsWith(endpoint.value, "http://");
  absl::string_view authority = endpoint.value;
  if (size_t scheme = authority.find("://"); scheme != absl::string_view::npos) {
    authority = authority.substr(scheme + 3);
  }
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (absl::StrContains(authority, '@')) {
    // It would be echoed in logs and messages; the value is never repeated here.
    diags.AddError("Credentials in the endpoint URL",
                   absl::StrCat(endpoint.origin, " carries user information (user:password@). "
                                "Remove it: the API is authenticated with auth_token or "
                                "access_key/secret_key."),
                   path);
    return;
  }
  if (!http && !absl::StartsWith(endpoint.value, "https://")) {
    diags.AddError("Invalid endpoint URL",
                   absl::StrCat(endpoint.origin, " must start with https:// (or http:// for a "
                                "local simulator)."),
                   path);
  } else if (http && !allow_http && !IsLoopbackUrl(endpoint.value)) {
    diags.AddError(
        "Insecure endpoint",
        absl::StrCat(endpoint.origin, " is a plain http:// URL on another machine: the "
                     "credentials would be sent unencrypted. Use https://, a loopback address, "
                     "or set allow_insecure_http = true (HW_ALLOW_INSECURE_HTTP=true) if the "
                     "network is trusted."),
        path);
  }
}

std::string CleanedHeaderValue(const core::Field<std::string>& configured, const char* attr,
                               const char* env, Diagnostics& diags) {
  Setting s = Lookup(configured, attr, env);
  CleanHeaderValue(s, attr, diags);
  return s.value;
}

bool BoolSetting(const core::Field<bool>& configured, const char* env) {
  return configured.has_value() ? configured.value() : EnvTrue(env);
}

// What Configure resolved from the configuration and the environment.
struct Settings {
  std::string region;
  std::string endpoint;  // "" = the region's default
  std::string project;
  std::string ak;
  std::string sk;
  std::string security_token;
  std::string token;
  bool insecure = false;
  int max_retries = cloud::ClientOptions().max_retries;
  absl::Duration request_timeout = cloud::ClientOptions().request_timeout;
};

// max_retries is validated with the configuration; its variable only here.
int MaxRetries(const ProviderModel& m, Diagnostics& diags) {
  if (m.max_retries.has_value()) return static_cast<int>(m.max_retries.value());
  int n = 0;
  if (!absl::SimpleAtoi(Env("HW_MAX_RETRIES"), &n)) return cloud::ClientOptions().max_retries;
  if (n < 0 || n > 20) {
    diags.AddError("Invalid HW_MAX_RETRIES", "HW_MAX_RETRIES must be from 0 to 20.",
                   {PathStep::Attr("max_retries")});
  }
  return n;
}

// Each setting from the configuration, else its HW_* variable, checked on
// its own; header values are cleaned before anything is sent.
Settings Resolve(const ProviderModel& m, Diagnostics& diags) {
  Settings s;
  Setting region = Lookup(m.region, "region", "HW_REGION_NAME");
  CheckRegion(region, diags);
  s.region = region.value;
  s.project = CleanedHeaderValue(m.project_id, "project_id", "HW_PROJECT_ID", diags);
  s.ak = CleanedHeaderValue(m.access_key, "access_key", "HW_ACCESS_KEY", diags);
  s.sk = CleanedHeaderValue(m.secret_key, "secret_key", "HW_SECRET_KEY", diags);
  s.security_token =
      CleanedHeaderValue(m.security_token, "security_token", "HW_SECURITY_TOKEN", diags);
  s.token = CleanedHeaderValue(m.auth_token, "auth_token", "HW_AUTH_TOKEN", diags);
  Setting endpoint = EndpointOverride(m);
  s.endpoint = endpoint.value;
  if (!s.endpoint.empty()) {
    CheckEndpoint(endpoint, BoolSetting(m.allow_insecure_http, "HW_ALLOW_INSECURE_HTTP"), diags);
  }
  s.insecure = BoolSetting(m.insecure, "HW_INSECURE");
  s.max_retries = MaxRetries(m, diags);
  if (m.request_timeout.has_value()) {
    (void)absl::ParseDuration(m.request_timeout.value(), &s.request_timeout);  // validated
  }
  return s;
}

// The settings that must be there, and credentials that fit together.
void CheckComplete(const Settings& s, Diagnostics& diags) {
  if (s.endpoint.empty() && s.region.empty()) {
    diags.AddError("Missing region",
                   "Set `region` (or HW_REGION_NAME), or an endpoint override in "
                   "`endpoints = { vpcep = \"https://...\" }`.",
                   {PathStep::Attr("region")});
  }
  if (s.project.empty()) {
    diags.AddError("Missing project_id",
                   "Set `project_id` or HW_PROJECT_ID: the VPCEP API addresses resources by "
                   "project.",
                   {PathStep::Attr("project_id")});
  }
  if (!s.ak.empty() && s.sk.empty()) {
    diags.AddError("Incomplete credentials",
                   "access_key is set but secret_key is not (nor HW_SECRET_KEY).",
                   {PathStep::Attr("secret_key")});
  } else if (s.ak.empty() && !s.sk.empty()) {
    diags.AddError("Incomplete credentials",
                   "secret_key is set but access_key is not (nor HW_ACCESS_KEY).",
                   {PathStep::Attr("access_key")});
  } else if (!s.security_token.empty() && s.ak.empty()) {
    diags.AddError("Incomplete credentials",
                   "security_token belongs to temporary AK/SK credentials: set access_key and "
                   "secret_key too.",
                   {PathStep::Attr("security_token")});
  } else if (!s.ak.empty() && !s.token.empty()) {
    diags.AddError("Conflicting credentials",
                   "Both AK/SK and auth_token are set (in the configuration or HW_* variables); "
                   "use one of them.",
                   {PathStep::Attr("auth_token")});
  } else if (s.ak.empty() && s.token.empty()) {
    diags.AddError("Missing credentials",
                   "Set access_key and secret_key (or HW_ACCESS_KEY and HW_SECRET_KEY), or "
                   "auth_token (or HW_AUTH_TOKEN).",
                   {PathStep::Attr("access_key")});
  }
}

cloud::ClientOptions ClientOptionsFor(const Settings& s) {
  cloud::ClientOptions options;
  options.endpoint = s.endpoint.empty() ? DefaultEndpoint(s.region) : s.endpoint;
  options.project_id = s.project;
  options.max_retries = s.max_retries;
  options.request_timeout = s.request_timeout;
  return options;
}

std::shared_ptr<cloud::Authenticator> AuthenticatorFor(const Settings& s) {
  if (!s.ak.empty()) {
    return std::make_shared<cloud::AkSkAuth>(s.ak, s.sk, s.security_token, s.project);
  }
  return std::make_shared<cloud::TokenAuth>(s.token);
}

}  // namespace

bool IsLoopbackUrl(absl::string_view url) {
  std::string host = absl::AsciiStrToLower(UrlHost(url));
  if (host == "localhost") return true;
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;  // 127.0.0.0/8
  }
  in6_addr v6;
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

std::string DefaultEndpoint(absl::string_view region) {
  absl::string_view domain = region == "eu-west-101" ? "myhuaweicloud.eu" : "myhuaweicloud.com";
  return absl::StrCat("https://vpcep.", region, ".", domain);
}

VpcepProvider::VpcepProvider(std::shared_ptr<cloud::HttpTransport> transport)
    : schema_(ProviderSchema()), transport_(std::move(transport)) {
  resources_.push_back(std::make_unique<ConnectionApproval>(*this));
  list_resources_.push_back(std::make_unique<ConnectionApprovalList>(*this, *resources_.back()));
  resources_.push_back(std::make_unique<ConnectionPolicy>(*this));
  data_sources_.push_back(std::make_unique<ServiceConnections>(*this));
  unconfigured_reason_ = "the provider has not been configured";
}

std::vector<core::Resource*> VpcepProvider::Resources() {
  std::vector<core::Resource*> out;
  for (auto& r : resources_) out.push_back(r.get());
  return out;
}

std::vector<core::ListResource*> VpcepProvider::ListResources() {
  std::vector<core::ListResource*> out;
  for (auto& l : list_resources_) out.push_back(l.get());
  return out;
}

std::vector<core::DataSource*> VpcepProvider::DataSources() {
  std::vector<core::DataSource*> out;
  for (auto& d : data_sources_) out.push_back(d.get());
  return out;
}

void VpcepProvider::ValidateConfig(const Value& config, Diagnostics& diags) const {
  ProviderModel m = ProviderModel::FromValue(config);
  if (m.endpoints.has_value()) {
    for (const auto& [key, value] : m.endpoints.value()) {
      if (key != "vpcep") {
        diags.AddError("Unsupported endpoint override",
                       absl::StrCat("\"", key, "\" is not a service of this provider; the only "
                                    "supported key is \"vpcep\"."),
                       {PathStep::Attr("endpoints"), PathStep::Key(key)});
      } else if (value.has_value() && !absl::StartsWith(value.value(), "http://") &&
                 !absl::StartsWith(value.value(), "https://")) {
        diags.AddError("Invalid endpoint URL", "The vpcep endpoint must start with https:// "
                       "(or http:// for a local simulator).",
                       {PathStep::Attr("endpoints"), PathStep::Key(key)});
      }
    }
  }
  if (m.max_retries.has_value()) {
    double n = m.max_retries.value();
    if (n != std::floor(n) || n < 0 || n > 20) {
      diags.AddError("Invalid max_retries", "max_retries must be a whole number from 0 to 20.",
                     {PathStep::Attr("max_retries")});
    }
  }
  absl::Duration d;
  if (m.request_timeout.has_value() &&
      (!absl::ParseDuration(m.request_timeout.value(), &d) || d <= absl::ZeroDuration())) {
    diags.AddError("Invalid request_timeout",
                   absl::StrCat("\"", m.request_timeout.value(), "\" is not a positive duration "
                                "such as \"30s\" or \"2m\"."),
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
  Settings settings = Resolve(ProviderModel::FromValue(config), diags);
  CheckComplete(settings, diags);
  if (diags.HasError()) return;
  cloud::ClientOptions options = ClientOptionsFor(settings);
  std::shared_ptr<cloud::HttpTransport> transport = transport_;
  if (!transport) {
    cloud::HttpOptions http = cloud::HttpOptions::FromEnvironment();
    http.insecure = settings.insecure;
    http.user_agent = UserAgent(terraform_version);
    transport = std::make_shared<cloud::CurlTransport>(http);
  }
  auto client = std::make_shared<const cloud::VpcepClient>(options, transport,
                                                           AuthenticatorFor(settings), &stop());
  core::LogInfo("provider configured",
                {{"endpoint", options.endpoint},
                 {"auth", settings.ak.empty() ? "token" : "aksk"},
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
