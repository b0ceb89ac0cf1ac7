#include "resources/service_connections/service_connections.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"
#include "provider/cloud/api_error.h"
#include "provider/cloud/api_vocabulary.h"
#include "provider/cloud/client.h"
#include "resources/service_connections/model.h"
#include "resources/vpcep_provider.h"

namespace vpcep::resources {
namespace {

using core::PathStep;
using core::Type;
using core::Value;

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
          "connections", Type::List(ConnectionObjectType()),
          "Matching connections: `endpoint_id`, `marker_id`, `domain_id`, `status`, "
          "`description`, `created_at`, `updated_at`, and `errors` (`code`, `message`) for "
          "failed ones."),
  };
  return s;
}

void CheckOneOf(const core::Field<std::string>& value, const char* name,
                absl::Span<const absl::string_view> allowed, core::Diagnostics& diags) {
  std::string v = value.value_or("");
  if (!v.empty() && std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
    diags.AddError(absl::StrCat("Invalid ", name),
                   absl::StrCat("\"", v, "\" is not one of: ", absl::StrJoin(allowed, ", "), "."),
                   {PathStep::Attr(name)});
  }
}

}  // namespace

ServiceConnections::ServiceConnections(VpcepProvider& provider)
    : provider_(provider), schema_(DataSchema()), type_(core::ImpliedType(schema_.block)) {}

void ServiceConnections::ValidateConfig(const Value& config, core::Diagnostics& diags) const {
  // `status` is not checked here: regional editions of the API differ in the
  // values they list, so the API itself answers an unknown one.
  ServiceConnectionsModel m = ServiceConnectionsModel::FromValue(config);
  CheckOneOf(m.sort_key, "sort_key", api::kSortKeys, diags);
  CheckOneOf(m.sort_dir, "sort_dir", api::kSortDirs, diags);
}

void ServiceConnections::Read(const Value& config, Value& state, core::Diagnostics& diags) {
  ValidateConfig(config, diags);
  if (diags.HasError()) return;
  absl::StatusOr<std::shared_ptr<const cloud::VpcepClient>> client = provider_.Client();
  if (!client.ok()) {
    diags.AddStatus("Provider not configured", client.status());
    return;
  }
  ServiceConnectionsModel m = ServiceConnectionsModel::FromValue(config);
  const std::string& service_id = m.service_id.value();
  absl::StatusOr<std::vector<cloud::Connection>> list =
      (*client)->ListConnections(service_id, m.Filter());
  if (!list.ok()) {
    // A filter the API refused (or ignored) is what to fix, not the service.
    std::string parameter = cloud::ListParameterAtFault(list.status());
    std::string attribute = parameter == "id" ? "endpoint_id"
                            : parameter.empty() ? "service_id"
                                                : parameter;
    diags.AddStatus(absl::StrCat("Cannot list the connections of service ", service_id),
                    list.status(), {PathStep::Attr(attribute)});
    return;
  }
  const std::string domain = m.domain_id.value_or("");
  for (cloud::Connection& c : *list) {
    if (domain.empty() || c.domain_id == domain) m.connections.push_back(std::move(c));
  }
  m.id = service_id;
  state = m.ToValue(type_);
}

}  // namespace vpcep::resources
