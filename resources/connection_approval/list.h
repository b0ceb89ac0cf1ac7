// The list resource vpcep_connection_approval (`terraform query`, Terraform
// 1.14+): the connections of one service, by default the accepted ones (what
// can be adopted), optionally of one owner. Each result carries the
// approval's identity and, when asked, the object an import would read.
#ifndef VPCEP_RESOURCES_CONNECTION_APPROVAL_LIST_H_
#define VPCEP_RESOURCES_CONNECTION_APPROVAL_LIST_H_

#include <functional>

#include "provider/core/list.h"
#include "provider/core/provider.h"
#include "provider/core/schema.h"

namespace vpcep::resources {

class VpcepProvider;

class ConnectionApprovalList : public core::ListResource {
 public:
  // `approval`: the managed resource whose objects are listed.
  ConnectionApprovalList(VpcepProvider& provider, const core::Resource& approval);

  absl::string_view TypeName() const override { return "vpcep_connection_approval"; }
  const core::Schema& GetSchema() const override { return schema_; }
  void ValidateConfig(const core::Value& config, core::Diagnostics& diags) const override;
  void List(const core::ListRequest& req, const std::function<bool(core::ListResult)>& emit,
            core::Diagnostics& diags) override;

 private:
  VpcepProvider& provider_;
  core::Schema schema_;
  core::Type approval_type_;  // of the managed resource's state
};

}  // namespace vpcep::resources

#endif  // VPCEP_RESOURCES_CONNECTION_APPROVAL_LIST_H_
