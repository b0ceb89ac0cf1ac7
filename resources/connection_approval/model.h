// The typed model of vpcep_connection_approval: one field per schema
// attribute, read from and written to core::Values only here. Plan-time
// models may hold unknowns; apply-time ones do not (Terraform resolves every
// value before apply, and core checks the required ids).
#ifndef VPCEP_RESOURCES_CONNECTION_APPROVAL_MODEL_H_
#define VPCEP_RESOURCES_CONNECTION_APPROVAL_MODEL_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "provider/cloud/client.h"
#include "provider/core/field.h"
#include "provider/core/value.h"

namespace vpcep::resources {

// The `status` state records for an approval whose connection no longer
// exists (not a status of the API).
inline constexpr absl::string_view kDeletedStatus = "deleted";

// The `timeouts` block: Go-style durations, kept as written so that state
// records them unchanged.
struct ApprovalTimeouts {
  core::Field<std::string> create;
  core::Field<std::string> update;
  core::Field<std::string> del;  // `delete`

  friend bool operator==(const ApprovalTimeouts& a, const ApprovalTimeouts& b) {
    return a.create == b.create && a.update == b.update && a.del == b.del;
  }
};

struct ApprovalModel {
  // Configured.
  core::Field<std::string> service_id;
  core::Field<std::string> endpoint_id;
  core::Field<std::string> description;  // optional; computed when unset
  core::Field<bool> reject_on_delete;
  core::Field<std::string> domain_id;  // optional owner guard; computed when unset
  core::Field<ApprovalTimeouts> timeouts;
  // Reported by the API.
  core::Field<std::string> id;
  core::Field<std::string> status;
  core::Field<int64_t> marker_id;
  core::Field<std::string> created_at;
  core::Field<std::string> updated_at;

  // `v`: an object of the approval's schema type (a null object reads as all
  // fields null).
  static ApprovalModel FromValue(const core::Value& v);
  // An object of `type` (the approval's schema type).
  core::Value ToValue(const core::Type& type) const;

  // This model with every attribute the API reports taken from `connection`
  // (a connection of `service`).
  ApprovalModel WithConnection(const std::string& service,
                               const cloud::Connection& connection) const;

  // `<service_id>/<endpoint_id>` of known ids, for messages and logs.
  std::string Name() const;
  // State that shows the connection accepted.
  bool Accepted() const;
  // Destroying the approval rejects the connection unless set false.
  bool RejectsOnDelete() const { return reject_on_delete.value_or(true); }
  // Whether destroying it sends a reject: not when reject_on_delete is false,
  // nor for a connection rejected, failed or deleted already.
  bool DestroySendsReject() const;
  // The configured wait bounds; an error for text that is not a positive
  // duration, the default when unset or unknown.
  absl::StatusOr<absl::Duration> CreateTimeout() const;
  absl::StatusOr<absl::Duration> UpdateTimeout() const;
  absl::StatusOr<absl::Duration> DeleteTimeout() const;
};

}  // namespace vpcep::resources

#endif  // VPCEP_RESOURCES_CONNECTION_APPROVAL_MODEL_H_
