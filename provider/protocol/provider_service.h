// gRPC services for tfplugin5.Provider and tfplugin6.Provider: thin adapters
// that translate protobuf messages to Dispatcher calls and back.
#ifndef VPCEP_PROVIDER_PROTOCOL_PROVIDER_SERVICE_H_
#define VPCEP_PROVIDER_PROTOCOL_PROVIDER_SERVICE_H_

#include <memory>

#include "grpcpp/grpcpp.h"
#include "provider/core/dispatcher.h"

namespace vpcep::protocol {

// The returned services keep a reference to `dispatcher`.
std::unique_ptr<grpc::Service> NewProviderServiceV5(core::Dispatcher& dispatcher);
std::unique_ptr<grpc::Service> NewProviderServiceV6(core::Dispatcher& dispatcher);

}  // namespace vpcep::protocol

#endif  // VPCEP_PROVIDER_PROTOCOL_PROVIDER_SERVICE_H_
