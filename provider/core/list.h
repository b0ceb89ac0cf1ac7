// List resources (Terraform 1.14+, `terraform query`): discover the remote
// objects of a managed resource type. One ListResource per resource type
// that supports discovery; the type name is the managed resource's.
#ifndef VPCEP_PROVIDER_CORE_LIST_H_
#define VPCEP_PROVIDER_CORE_LIST_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/strings/string_view.h"
#include "provider/core/diagnostics.h"
#include "provider/core/schema.h"
#include "provider/core/value.h"

namespace vpcep::core {

struct ListRequest {
  Value config;  // of the list resource's schema
  bool include_resource = false;
  int64_t limit = 0;  // at most this many results; Terraform stops reading there
};

// One discovered object.
struct ListResult {
  Value state;  // of the managed resource's schema; identity comes from it
  std::string display_name;
};

class ListResource {
 public:
  virtual ~ListResource() = default;
  virtual absl::string_view TypeName() const = 0;
  // The schema of the list block's `config`.
  virtual const Schema& GetSchema() const = 0;
  virtual void ValidateConfig(const Value& config, Diagnostics& diags) const;
  // Calls `emit` once per object found, in the order found, until it
  // returns false (the caller has enough, or went away). Problems go to
  // `diags`, with paths into the config.
  virtual void List(const ListRequest& req, const std::function<bool(ListResult)>& emit,
                    Diagnostics& diags) = 0;
};

}  // namespace vpcep::core

#endif  // VPCEP_PROVIDER_CORE_LIST_H_
