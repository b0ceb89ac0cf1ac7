// The typed model of vpcep_service_connections: the query as configured, and
// the connections found. Read from and written to core::Values only here.
#ifndef VPCEP_RESOURCES_SERVICE_CONNECTIONS_MODEL_H_
#define VPCEP_RESOURCES_SERVICE_CONNECTIONS_MODEL_H_

#include <string>
#include <vector>

#include "provider/cloud/client.h"
#include "provider/core/field.h"
#include "provider/core/value.h"

namespace vpcep::resources {

// The element type of the `connections` attribute.
core::Type ConnectionObjectType();

struct ServiceConnectionsModel {
  core::Field<std::string> service_id;
  // Filters passed to the list call.
  core::Field<std::string> endpoint_id;
  core::Field<std::string> marker_id;
  core::Field<std::string> status;
  core::Field<std::string> sort_key;
  core::Field<std::string> sort_dir;
  // Filtered by the provider.
  core::Field<std::string> domain_id;
  // Results.
  core::Field<std::string> id;
  // Written only: a read takes them from the API, never from configuration.
  std::vector<cloud::Connection> connections;

  static ServiceConnectionsModel FromValue(const core::Value& v);
  core::Value ToValue(const core::Type& type) const;

  // The list call's filter; filters not set (or not known) are left out.
  cloud::ListFilter Filter() const;
};

}  // namespace vpcep::resources

#endif  // VPCEP_RESOURCES_SERVICE_CONNECTIONS_MODEL_H_
