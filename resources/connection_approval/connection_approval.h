// vpcep_connection_approval: one instance approves one connection (service +
// endpoint). Create = receive, then wait until the list call shows
// `accepted`; Read = the list call filtered by endpoint id (a connection
// that no longer exists stays in state as `deleted`); Update = approve again in
// place (a reject made elsewhere, a wait that ended early) or set the
// description; Delete = reject, then wait until `rejected`.
#ifndef VPCEP_RESOURCES_CONNECTION_APPROVAL_CONNECTION_APPROVAL_H_
#define VPCEP_RESOURCES_CONNECTION_APPROVAL_CONNECTION_APPROVAL_H_

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "absl/time/time.h"
#include "provider/cloud/client.h"
#include "provider/core/provider.h"
#include "resources/connection_approval/model.h"

namespace vpcep::resources {

class VpcepProvider;

class ConnectionApproval : public core::Resource {
 public:
  explicit ConnectionApproval(VpcepProvider& provider);

  absl::string_view TypeName() const override { return "vpcep_connection_approval"; }
  const core::Schema& GetSchema() const override { return schema_; }
  void ValidateConfig(const core::Value& config, core::Diagnostics& diags) const override;
  void Read(const core::ReadRequest& req, core::ReadResponse& resp) override;
  void ModifyPlan(const core::PlanRequest& req, core::PlanResponse& resp) override;
  void Create(const core::CreateRequest& req, core::CreateResponse& resp) override;
  void Update(const core::UpdateRequest& req, core::UpdateResponse& resp) override;
  void Delete(const core::DeleteRequest& req, core::DeleteResponse& resp) override;
  void Import(const core::ImportRequest& req, core::ImportResponse& resp) override;
  // identity.cc
  const core::IdentitySchema* GetIdentitySchema() const override;
  core::Value GenerateConfig(const core::Value& state, core::Diagnostics& diags) const override;

 private:
  // Plans known owner, marker id and creation time for a new approval.
  void PlanCreate(const ApprovalModel& config, ApprovalModel& planned, core::Diagnostics& diags);
  // The API client, or an error in `diags` saying why there is none.
  std::shared_ptr<const cloud::VpcepClient> Client(core::Diagnostics& diags) const;
  // A Read of this process found the connection gone. Terraform refreshes
  // and plans an instance in one provider process, so the plan can tell an
  // endpoint deleted since the last apply (a warning) from a mistyped one
  // (an error).
  void RememberGone(const std::string& service_id, const std::string& endpoint_id);
  bool WasFoundGone(const std::string& service_id, const std::string& endpoint_id) const;

  VpcepProvider& provider_;
  core::Schema schema_;
  core::Type type_;  // of schema_
  mutable std::mutex gone_mu_;
  std::set<std::string> gone_;  // `<service_id>/<endpoint_id>`; guarded by gone_mu_
};

// How old a listing a Read may use (see ServiceWatcher::Find): one plan refreshes all
// approvals of a service from one listing, while waits always list afresh.
inline constexpr absl::Duration kReadListingMaxAge = absl::Seconds(10);


}  // namespace vpcep::resources

#endif  // VPCEP_RESOURCES_CONNECTION_APPROVAL_CONNECTION_APPROVAL_H_
