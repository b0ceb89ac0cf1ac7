// Discovery (`terraform query`): a service's connections streamed page by
// page, so that the cost follows what the caller takes, not the size of the
// service.
#ifndef VPCEP_PROVIDER_CLOUD_DISCOVERY_H_
#define VPCEP_PROVIDER_CLOUD_DISCOVERY_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "provider/cloud/client.h"

namespace vpcep::cloud {

struct DiscoverySpec {
  ListFilter filter;  // its sort is replaced: discovery walks oldest first
  int page_size = kMaxPageSize;
  absl::Time deadline = absl::InfiniteFuture();
};

// Calls `take` for every connection of the service matching the filter,
// oldest first, each once, as pages arrive, until it returns false. Pages
// overlap so that deletions during the walk cannot hide a connection; when
// they still might have, the walk reads again from further back (connections
// already passed to `take` are not passed again). An error ends the walk: what
// `take` received so far is then all the caller knows.
absl::Status DiscoverConnections(const VpcepClient& client, absl::string_view service_id,
                                 const DiscoverySpec& spec,
                                 const std::function<bool(const Connection&)>& take);

}  // namespace vpcep::cloud

#endif  // VPCEP_PROVIDER_CLOUD_DISCOVERY_H_
