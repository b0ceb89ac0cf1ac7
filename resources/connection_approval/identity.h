// What Terraform 1.12+ adds around vpcep_connection_approval: its resource
// identity {service_id, endpoint_id}, the configuration `terraform query
// -generate-config-out` writes for an adopted connection, and the warning a
// destroy plan shows for the access it ends.
#ifndef VPCEP_RESOURCES_CONNECTION_APPROVAL_IDENTITY_H_
#define VPCEP_RESOURCES_CONNECTION_APPROVAL_IDENTITY_H_

#include <string>

#include "provider/core/diagnostics.h"
#include "provider/core/identity.h"
#include "provider/core/value.h"
#include "resources/connection_approval/model.h"

namespace vpcep::resources {

// Version 0: service_id and endpoint_id, both required for import. They
// are the approval's force-new attributes, so an instance's identity never
// changes.
const core::IdentitySchema& ApprovalIdentitySchema();

// The import id `<service_id>/<endpoint_id>` an identity stands for (import
// by identity and by id then take the same path).
std::string ImportIdFromIdentity(const core::Value& identity);

// Configuration adopting the connection `state` shows: the two ids, and the
// description only when there is one. Computed attributes are left out, and
// so are the ones whose defaults suit an adopted connection.
core::Value GeneratedApprovalConfig(const core::Value& state, const core::Type& type);

// A destroy plan of `prior`: when the apply will reject the connection, a
// warning naming the endpoint and its owner, who lose access.
void WarnIfDestroyRejects(const ApprovalModel& prior, core::Diagnostics& diags);

}  // namespace vpcep::resources

#endif  // VPCEP_RESOURCES_CONNECTION_APPROVAL_IDENTITY_H_
