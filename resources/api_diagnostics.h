// How resources report a failed API call: on the attribute that caused it,
// unless a provider setting did (credentials, project id, an API host that
// does not resolve). Such an error is the provider's, not the resource's: it
// carries no attribute path, and its summary names the setting's problem.
#ifndef VPCEP_RESOURCES_API_DIAGNOSTICS_H_
#define VPCEP_RESOURCES_API_DIAGNOSTICS_H_

#include <string>

#include "absl/status/status.h"
#include "provider/core/diagnostics.h"

namespace vpcep::resources {

void AddApiStatus(core::Diagnostics& diags, std::string summary, const absl::Status& status,
                  core::AttributePath path = {});

}  // namespace vpcep::resources

#endif  // VPCEP_RESOURCES_API_DIAGNOSTICS_H_
