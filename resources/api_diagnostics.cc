#include "resources/api_diagnostics.h"

#include <utility>

#include "provider/cloud/api_error.h"

namespace vpcep::resources {

void AddApiStatus(core::Diagnostics& diags, std::string summary, const absl::Status& status,
                  core::AttributePath path) {
  if (cloud::IsBadSetting(status)) {
    // The message names the setting to fix; pinning it on service_id would
    // send the user to the wrong line.
    diags.AddStatus(cloud::BadSettingSummary(status), status);
    return;
  }
  diags.AddStatus(std::move(summary), status, std::move(path));
}

}  // namespace vpcep::resources
