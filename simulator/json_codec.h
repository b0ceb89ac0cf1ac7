// JSON shapes of the simulator: API representations of services and
// connections, the error body, and the admin/seed input objects.
//
// Pure functions; thread-safe. Parsers never throw: they return 400
// EndPoint.0002 errors naming the offending field.

#ifndef VPCEP_SIMULATOR_JSON_CODEC_H_
#define VPCEP_SIMULATOR_JSON_CODEC_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "simulator/errors.h"
#include "simulator/model.h"
#include "simulator/state.h"

namespace vpcep::sim {

// The API's Connection object; `error` only when the status is failed.
nlohmann::json ConnectionToJson(const Connection& connection,
                                TimeFormat time_format = TimeFormat::kSeconds);
// The API's service details object.
nlohmann::json ServiceToJson(const Service& service, TimeFormat time_format = TimeFormat::kSeconds);
// {"error_code": ..., "error_msg": ..., "request_id": ...}
nlohmann::json ErrorBody(const ApiError& error, absl::string_view request_id);

// Admin API / seed file objects (see README.md for the fields).
absl::StatusOr<ServiceSpec> ServiceSpecFromJson(const nlohmann::json& json);
absl::StatusOr<ConnectionSpec> ConnectionSpecFromJson(const nlohmann::json& json);
// [{"error_code": ..., "error_message": ...}]; `field` names it in errors.
absl::StatusOr<std::vector<ConnectionError>> ConnectionErrorsFromJson(const nlohmann::json& json,
                                                                      absl::string_view field);

// Serializes without throwing (invalid UTF-8 is replaced).
std::string DumpJson(const nlohmann::json& json);

}  // namespace vpcep::sim

#endif  // VPCEP_SIMULATOR_JSON_CODEC_H_
