// Serve runs the provider as a go-plugin gRPC server until Terraform shuts it
// down: cookie check, version negotiation, AutoMTLS, unix socket listener,
// handshake line on stdout, side services (GRPCController, GRPCStdio, health).
#ifndef VPCEP_PROVIDER_PLUGIN_SERVER_H_
#define VPCEP_PROVIDER_PLUGIN_SERVER_H_

#include <string>

#include "provider/core/provider.h"

namespace vpcep::plugin {

struct ServeOptions {
  // Debug mode: no cookie, no TLS, prints TF_REATTACH_PROVIDERS and serves
  // until SIGINT/SIGTERM.
  bool debug = false;
  int debug_protocol = 6;
  // Source address users write in required_providers (for the reattach value).
  std::string provider_address;
};

// Returns the process exit code.
int Serve(core::Provider& provider, const ServeOptions& options);

}  // namespace vpcep::plugin

#endif  // VPCEP_PROVIDER_PLUGIN_SERVER_H_
