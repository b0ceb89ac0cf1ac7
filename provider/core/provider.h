// The interfaces a provider implementation fills in: a Provider owns its
// configuration schema and the Resource / DataSource objects it registers.
// Requests and responses are decoded values; wire formats stay in the
// Dispatcher and the protocol adapters.
//
// Thread-safety: Terraform calls RPCs concurrently (up to -parallelism, plus
// StopProvider at any time), so every method may run on several threads at once.
// Nothing must be kept in memory between phases: each phase is a new process.
#ifndef VPCEP_PROVIDER_CORE_PROVIDER_H_
#define VPCEP_PROVIDER_CORE_PROVIDER_H_

#include <cstdint>
#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "provider/core/diagnostics.h"
#include "provider/core/identity.h"
#include "provider/core/list.h"
#include "provider/core/schema.h"
#include "provider/core/stop.h"
#include "provider/core/value.h"

namespace vpcep::core {

struct ReadRequest {
  Value current_state;
  std::string private_data;
};
struct ReadResponse {
  Value new_state;  // null = the remote object is gone
  std::string private_data;
  Diagnostics diags;
};

struct PlanRequest {
  Value prior_state;         // null on create
  Value proposed_new_state;  // null on destroy
  Value config;              // null on destroy
  std::string prior_private;
};
struct PlanResponse {
  Value planned_state;
  std::vector<AttributePath> requires_replace;
  std::string planned_private;
  Diagnostics diags;
};

struct ApplyRequest {
  Value prior_state;    // null on create
  Value planned_state;  // null on destroy
  Value config;
  std::string planned_private;
};
struct ApplyResponse {
  Value new_state;
  std::string private_data;
  Diagnostics diags;
};

// ApplyResourceChange, split by what it does (see ApplyChange). Apply-time
// values are wholly known: Terraform resolves every unknown before apply.
struct CreateRequest {
  Value planned_state;
  Value config;
  std::string planned_private;
};
struct CreateResponse {
  // Starts null: a failed Create that sets no state leaves nothing tracked.
  // Whatever a Create may have made must be recorded here even on error.
  Value new_state;
  std::string private_data;
  Diagnostics diags;
};

struct UpdateRequest {
  Value prior_state;
  Value planned_state;
  Value config;
  std::string planned_private;
};
struct UpdateResponse {
  Value new_state;  // starts as the planned state
  std::string private_data;
  Diagnostics diags;
};

struct DeleteRequest {
  Value prior_state;
  std::string planned_private;
};
struct DeleteResponse {
  // Without an error the object leaves state; with one, state keeps the prior
  // object, since it may still exist.
  Diagnostics diags;
};

struct ImportRequest {
  std::string id;  // empty when importing by identity
  Value identity;  // null when importing by id
};
struct ImportResponse {
  Value state;  // may be partial; Terraform reads it next
  std::string private_data;
  Diagnostics diags;
};

// A resource implements Read and what it supports of the rest; core does the
// generic work around each hook (see ApplyChange and PlanChange).
class Resource {
 public:
  virtual ~Resource() = default;
  virtual absl::string_view TypeName() const = 0;
  virtual const Schema& GetSchema() const = 0;
  virtual void ValidateConfig(const Value& config, Diagnostics& diags) const;
  // Default: project the stored JSON onto the current schema.
  virtual absl::StatusOr<Value> UpgradeState(int64_t version, absl::string_view json) const;
  virtual void Read(const ReadRequest& req, ReadResponse& resp) = 0;
  // Called after the generic plan of PlanFromSchema (plan.h) has filled
  // `resp`, on create, update and destroy alike. Default: nothing to add.
  virtual void ModifyPlan(const PlanRequest& req, PlanResponse& resp);
  // Default: an error (the resource cannot be created).
  virtual void Create(const CreateRequest& req, CreateResponse& resp);
  // Default: the planned state becomes the new state, for resources whose
  // updatable attributes live in state only.
  virtual void Update(const UpdateRequest& req, UpdateResponse& resp);
  // Default: nothing to remove remotely; the object leaves state.
  virtual void Delete(const DeleteRequest& req, DeleteResponse& resp);
  virtual void Import(const ImportRequest& req, ImportResponse& resp);
  // The identity schema (see identity.h); nullptr when the type has none.
  virtual const IdentitySchema* GetIdentitySchema() const { return nullptr; }
  // GenerateResourceConfig: the configuration that adopts the object `state`.
  // Default: the state without its computed-only attributes.
  virtual Value GenerateConfig(const Value& state, Diagnostics& diags) const;
};

// PlanResourceChange: PlanFromSchema, then the resource's ModifyPlan.
void PlanChange(Resource& resource, const PlanRequest& req, PlanResponse& resp);

// ApplyResourceChange, routed as Terraform means it: prior null = Create,
// planned null = Delete, both set = Update. First checks that the object
// acted on has every required attribute known and set; afterwards, that a
// successful Create or Update produced a state. `resp` comes in holding the
// prior state and the planned private data.
void ApplyChange(Resource& resource, const ApplyRequest& req, ApplyResponse& resp);

class DataSource {
 public:
  virtual ~DataSource() = default;
  virtual absl::string_view TypeName() const = 0;
  virtual const Schema& GetSchema() const = 0;
  virtual void ValidateConfig(const Value& config, Diagnostics& diags) const;
  virtual void Read(const Value& config, Value& state, Diagnostics& diags) = 0;
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual const Schema& GetSchema() const = 0;
  virtual void ValidateConfig(const Value& config, Diagnostics& diags) const;
  // May see unknown values during plan, and may be called more than once.
  virtual void Configure(const Value& config, absl::string_view terraform_version,
                         Diagnostics& diags) = 0;

  virtual std::vector<Resource*> Resources() = 0;
  virtual std::vector<DataSource*> DataSources() = 0;
  virtual std::vector<ListResource*> ListResources() { return {}; }

  // Raised by StopProvider; operations poll or sleep through it.
  StopSignal& stop() { return stop_; }

 private:
  StopSignal stop_;
};

}  // namespace vpcep::core

#endif  // VPCEP_PROVIDER_CORE_PROVIDER_H_
