// tfplugin6.Provider: protocol 6 names mapped onto the shared handlers.
#include "proto/tfplugin6.grpc.pb.h"
#include "provider/protocol/handlers.h"
#include "provider/protocol/provider_service.h"

namespace vpcep::protocol {
namespace {

namespace pb = ::tfplugin6;
using grpc::ServerContext;
using grpc::Status;

class ProviderV6 final : public pb::Provider::Service {
 public:
  explicit ProviderV6(core::Dispatcher& d) : d_(d) {}

  Status GetMetadata(ServerContext*, const pb::ProviderMetadata::Request*,
                     pb::ProviderMetadata::Response* resp) override {
    return HandleGetMetadata(d_, resp);
  }
  Status GetResourceIdentitySchemas(ServerContext*,
                                    const pb::GetResourceIdentitySchemas::Request*,
                                    pb::GetResourceIdentitySchemas::Response* resp) override {
    return HandleGetResourceIdentitySchemas(d_, resp);
  }
  Status UpgradeResourceIdentity(ServerContext*, const pb::UpgradeResourceIdentity::Request* req,
                                 pb::UpgradeResourceIdentity::Response* resp) override {
    return HandleUpgradeResourceIdentity(d_, req, resp);
  }
  Status GenerateResourceConfig(ServerContext*, const pb::GenerateResourceConfig::Request* req,
                                pb::GenerateResourceConfig::Response* resp) override {
    return HandleGenerateResourceConfig(d_, req, resp);
  }
  Status ValidateListResourceConfig(ServerContext*,
                                    const pb::ValidateListResourceConfig::Request* req,
                                    pb::ValidateListResourceConfig::Response* resp) override {
    return HandleValidateListResourceConfig(d_, req, resp);
  }
  Status ListResource(ServerContext* ctx, const pb::ListResource::Request* req,
                      grpc::ServerWriter<pb::ListResource::Event>* writer) override {
    return HandleListResource(d_, ctx, req, writer);
  }
  Status GetProviderSchema(ServerContext*, const pb::GetProviderSchema::Request*,
                   pb::GetProviderSchema::Response* resp) override {
    return HandleGetSchema(d_, resp);
  }
  Status ValidateProviderConfig(ServerContext*, const pb::ValidateProviderConfig::Request* req,
                                pb::ValidateProviderConfig::Response* resp) override {
    return HandleValidateProviderConfig(d_, req, resp);
  }
  Status ValidateResourceConfig(ServerContext*, const pb::ValidateResourceConfig::Request* req,
                                pb::ValidateResourceConfig::Response* resp) override {
    return HandleValidateResourceConfig(d_, req, resp);
  }
  Status ValidateDataResourceConfig(ServerContext*,
                                    const pb::ValidateDataResourceConfig::Request* req,
                                    pb::ValidateDataResourceConfig::Response* resp) override {
    return HandleValidateDataSourceConfig(d_, req, resp);
  }
  Status UpgradeResourceState(ServerContext*, const pb::UpgradeResourceState::Request* req,
                              pb::UpgradeResourceState::Response* resp) override {
    return HandleUpgradeResourceState(d_, req, resp);
  }
  Status ConfigureProvider(ServerContext*, const pb::ConfigureProvider::Request* req,
                           pb::ConfigureProvider::Response* resp) override {
    return HandleConfigure(d_, req, resp);
  }
  Status ReadResource(ServerContext*, const pb::ReadResource::Request* req,
                      pb::ReadResource::Response* resp) override {
    return HandleReadResource(d_, req, resp);
  }
  Status PlanResourceChange(ServerContext*, const pb::PlanResourceChange::Request* req,
                            pb::PlanResourceChange::Response* resp) override {
    return HandlePlanResourceChange(d_, req, resp);
  }
  Status ApplyResourceChange(ServerContext*, const pb::ApplyResourceChange::Request* req,
                             pb::ApplyResourceChange::Response* resp) override {
    return HandleApplyResourceChange(d_, req, resp);
  }
  Status ImportResourceState(ServerContext*, const pb::ImportResourceState::Request* req,
                             pb::ImportResourceState::Response* resp) override {
    return HandleImportResourceState(d_, req, resp);
  }
  Status ReadDataSource(ServerContext*, const pb::ReadDataSource::Request* req,
                        pb::ReadDataSource::Response* resp) override {
    return HandleReadDataSource(d_, req, resp);
  }
  Status StopProvider(ServerContext*, const pb::StopProvider::Request*,
                      pb::StopProvider::Response*) override {
    return HandleStop(d_);
  }

 private:
  core::Dispatcher& d_;
};

}  // namespace

std::unique_ptr<grpc::Service> NewProviderServiceV6(core::Dispatcher& dispatcher) {
  return std::make_unique<ProviderV6>(dispatcher);
}

}  // namespace vpcep::protocol
