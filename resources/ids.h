// What a service, endpoint or account id may look like, checked before any
// call so that a typo is an error on its attribute rather than an API answer.
#ifndef VPCEP_RESOURCES_IDS_H_
#define VPCEP_RESOURCES_IDS_H_

#include <string>

#include "provider/core/diagnostics.h"
#include "provider/core/field.h"

namespace vpcep::resources {

// 1 to 64 letters, digits, '-' or '_'.
bool ValidId(const std::string& id);
// Why `id` is not a valid id, for a diagnostic's detail.
std::string InvalidIdText(const std::string& id);
// An error on attribute `attr` when `id` is known and not a valid id (an
// unknown id is checked at apply; a null one by Terraform).
void ValidateId(const core::Field<std::string>& id, const char* attr, core::Diagnostics& diags);

}  // namespace vpcep::resources

#endif  // VPCEP_RESOURCES_IDS_H_
