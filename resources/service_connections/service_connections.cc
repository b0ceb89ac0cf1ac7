#include "resources/service_connections/service_connections.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"
#include "provider/cloud/api_vocabulary.h"
#include "provider/cloud/client.h"
#include "resources/vpcep_provider.h"

namespace vpcep::resources {
namespace {

using core::PathStep;
using core::Type;
using core::Value;

Type ErrorType() {
  return Type::Object({{"code", Type::String()}, {"message", Type::String()}});
}

Type ConnectionType() {
  return Type::Object({{"endpoint_id", Type::String()},
                       {"marker_id", Type::Number()},
                       {"domain_id", Type::String()},
                       {"status", Type::String()},
                       {"description", Type::String()},
                       {"created_at", Type::String()},
                       {"updated_at", Type::String()},
                       {"errors", Type::List(ErrorType())}});
}

// `a`, `b` or `c`
std::string BacktickedChoice(absl::Span<const absl::string_view> words) {
  std::vector<std::string> quoted;
  for (absl::string_view w : words) quoted.push_back(absl::StrCat("`", w, "`"));
  std::string last = quoted.back();
  quoted.pop_back();
  return absl::StrCat(absl::StrJoin(quoted, ", "), " or ", last);
}

core::Schema DataSchema() {
  core::Schema s;
  s.block.description =
      "Lists the connections of a VPC endpoint service, across all pages, with optional filters.";
  s.block.attributes = {
      core::RequiredAttribute("service_id", Type::String(), "ID of the VPC endpoint service."),
      core::OptionalAttribute("endpoint_id", Type::String(), "Only the connection of this "
                              "endpoint."),
      core::OptionalAttribute("marker_id", Type::String(), "Only the endpoint with this packet "
                              "id."),
      core::OptionalAttribute("status", Type::String(),
                              absl::StrCat("Only connections in this status, passed to the API "
                                           "as given: ",
                                           BacktickedChoice(api::kListStatusFilters), ".")),
      core::OptionalAttribute("domain_id", Type::String(), "Only connections from this account "
                              "(filtered by the provider)."),
      core::OptionalAttribute("sort_key", Type::String(),
                              absl::StrCat("`", api::kSortByCreation, "` (default) or `",
                                           api::kSortByUpdate, "`.")),
      core::OptionalAttribute("sort_dir", Type::String(),
                              absl::StrCat("`", api::kDescending, "` (default) or `",
                                           api::kAscending, "`.")),
      core::ComputedAttribute("id", Type::String(), "The service id."),
      core::ComputedAttribute(
          "connections", Type::List(ConnectionType()),
          "Matching connections: `endpoint_id`, `marker_id`, `domain_id`, `status`, "
          "`description`, `created_at`, `updated_at`, and `errors` (`code`, `message`) for "
          "failed ones."),
  };
  return s;
}

std::string OptString(const Value& config, const char* name) {
  const Value& v = config.Attr(name);
  return v.is_known() && !v.is_null() ? v.AsString() : "";
}

void CheckOneOf(const Value& config, const char* name,
                absl::Span<const absl::string_view> allowed, core::Diagnostics& diags) {
  std::string v = OptString(config, name);
  if (!v.empty() && std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
    diags.AddError(absl::StrCat("Invalid ", name),
                   absl::StrCat("\"", v, "\" is not one of: ", absl::StrJoin(allowed, ", "), "."),
                   {PathStep::Attr(name)});
  }
}

}  // namespace

ServiceConnections::ServiceConnections(VpcepProvider& provider)
    : provider_(provider), schema_(DataSchema()) {}

void ServiceConnections::ValidateConfig(const Value& config, core::Diagnostics& diags) const {
  // `status` is not checked here: regional editions of the API differ in the
  // values they list, so the API itself answers an unknown one.
  CheckOneOf(config, "sort_key", api::kSortKeys, diags);
  CheckOneOf(config, "sort_dir", api::kSortDirs, diags);
}

void ServiceConnections::Read(const Value& config, Value& state, core::Diagnostics& diags) {
  ValidateConfig(config, diags);
  if (diags.HasError()) return;
  absl::StatusOr<std::shared_ptr<const cloud::VpcepClient>> client = provider_.Client();
  if (!client.ok()) {
    diags.AddStatus("Provider not configured", client.status());
    return;
  }
  std::string service_id = config.Attr("service_id").AsString();
  cloud::ListFilter filter;
  filter.endpoint_id = OptString(config, "endpoint_id");
  filter.marker_id = OptString(config, "marker_id");
  filter.status = OptString(config, "status");
  filter.sort_key = OptString(config, "sort_key");
  filter.sort_dir = OptString(config, "sort_dir");
  absl::StatusOr<std::vector<cloud::Connection>> list =
      (*client)->ListConnections(service_id, filter);
  if (!list.ok()) {
    diags.AddStatus(absl::StrCat("Cannot list the connections of service ", service_id),
                    list.status(), {PathStep::Attr("service_id")});
    return;
  }
  std::string domain = OptString(config, "domain_id");
  std::vector<Value> items;
  for (const cloud::Connection& c : *list) {
    if (!domain.empty() && c.domain_id != domain) continue;
    std::vector<Value> errors;
    for (const cloud::ConnectionError& e : c.errors) {
      errors.push_back(Value::Object(
          {{"code", Value::String(e.code)}, {"message", Value::String(e.message)}}));
    }
    items.push_back(Value::ObjectOf(ConnectionType(),
                                    {{"endpoint_id", Value::String(c.id)},
                                     {"marker_id", Value::Int(c.marker_id)},
                                     {"domain_id", Value::String(c.domain_id)},
                                     {"status", Value::String(c.status)},
                                     {"description", Value::String(c.description)},
                                     {"created_at", Value::String(c.created_at)},
                                     {"updated_at", Value::String(c.updated_at)},
                                     {"errors", Value::List(ErrorType(), errors)}}));
  }
  state = config.WithAttr("id", Value::String(service_id))
              .WithAttr("connections", Value::List(ConnectionType(), items));
}

}  // namespace vpcep::resources
