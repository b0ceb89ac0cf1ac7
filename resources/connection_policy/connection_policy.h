// vpcep_connection_policy: one per service, admits the connections of the
// accounts it lists and, when asked, keeps everyone else out. The plan is the
// review: it reads the service and shows, as known values, every connection
// the apply receives (in `accepted`) and rejects (in `rejected`); the apply
// sends exactly those calls (see enforce.h). Read keeps what still holds.
#ifndef VPCEP_RESOURCES_CONNECTION_POLICY_CONNECTION_POLICY_H_
#define VPCEP_RESOURCES_CONNECTION_POLICY_CONNECTION_POLICY_H_

#include <memory>

#include "absl/time/time.h"
#include "provider/cloud/client.h"
#include "provider/core/provider.h"

namespace vpcep::resources {

class VpcepProvider;

class ConnectionPolicy : public core::Resource {
 public:
  explicit ConnectionPolicy(VpcepProvider& provider);

  absl::string_view TypeName() const override { return "vpcep_connection_policy"; }
  const core::Schema& GetSchema() const override { return schema_; }
  void ValidateConfig(const core::Value& config, core::Diagnostics& diags) const override;
  void Read(const core::ReadRequest& req, core::ReadResponse& resp) override;
  void ModifyPlan(const core::PlanRequest& req, core::PlanResponse& resp) override;
  void Create(const core::CreateRequest& req, core::CreateResponse& resp) override;
  void Update(const core::UpdateRequest& req, core::UpdateResponse& resp) override;
  void Delete(const core::DeleteRequest& req, core::DeleteResponse& resp) override;
  void Import(const core::ImportRequest& req, core::ImportResponse& resp) override;

 private:
  std::shared_ptr<const cloud::VpcepClient> Client(core::Diagnostics& diags) const;
  // Create and Update alike: the planned calls, and the state they leave.
  void Apply(const core::Value& planned_state, const std::string& planned_private,
             core::Value& new_state, core::Diagnostics& diags);

  VpcepProvider& provider_;
  core::Schema schema_;
  core::Type type_;
};

// How long a plan reads the service before it gives up.
inline constexpr absl::Duration kPolicyPlanTimeout = absl::Seconds(60);
// Endpoints named in the plan's summary of the calls.
inline constexpr int kPolicySummaryItems = 20;

}  // namespace vpcep::resources

#endif  // VPCEP_RESOURCES_CONNECTION_POLICY_CONNECTION_POLICY_H_
