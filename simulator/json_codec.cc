#include "simulator/json_codec.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "provider/cloud/api_vocabulary.h"

namespace vpcep::sim {
namespace {

using nlohmann::json;

// Reads an optional string member. Absent or null leaves `out` untouched.
absl::Status OptionalString(const json& object, const char* key, std::string* out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_string()) return InvalidField(key, "must be a string");
  *out = it->get<std::string>();
  return absl::OkStatus();
}

absl::Status OptionalBool(const json& object, const char* key, bool* out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_boolean()) return InvalidField(key, "must be true or false");
  *out = it->get<bool>();
  return absl::OkStatus();
}

absl::Status OptionalTime(const json& object, const char* key, std::optional<absl::Time>* out) {
  std::string text;
  absl::Status status = OptionalString(object, key, &text);
  if (!status.ok() || text.empty()) return status;
  absl::StatusOr<absl::Time> parsed = ParseApiTime(text);
  if (!parsed.ok()) return InvalidField(key, parsed.status().message());
  *out = *parsed;
  return absl::OkStatus();
}

// marker_id: a non-negative integer, or a string holding one.
absl::Status OptionalMarkerId(const json& object, std::optional<int64_t>* out) {
  auto it = object.find("marker_id");
  if (it == object.end() || it->is_null()) return absl::OkStatus();
  int64_t value = -1;
  if (it->is_number_unsigned()) {
    uint64_t u = it->get<uint64_t>();
    if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      value = static_cast<int64_t>(u);
    }
  } else if (it->is_number_integer()) {
    value = it->get<int64_t>();
  } else if (it->is_string()) {
    if (!absl::SimpleAtoi(it->get<std::string>(), &value)) value = -1;
  }
  if (value < 0) return InvalidField("marker_id", "must be a non-negative 64-bit integer");
  *out = value;
  return absl::OkStatus();
}

}  // namespace

json ConnectionToJson(const Connection& connection, TimeFormat time_format) {
  json out = {
      {"id", connection.id},
      {"marker_id", connection.marker_id},
      {"domain_id", connection.domain_id},
      {"status", std::string(StatusName(connection.status))},
      {"created_at", FormatApiTime(connection.created_at, time_format)},
      {"updated_at", FormatApiTime(connection.updated_at, time_format)},
      {"description", connection.description},
  };
  if (connection.status == ConnectionStatus::kFailed) {
    json errors = json::array();
    for (const ConnectionError& error : connection.errors) {
      errors.push_back({{"error_code", error.error_code}, {"error_message", error.error_message}});
    }
    out["error"] = std::move(errors);
  }
  return out;
}

json ServiceToJson(const Service& service, TimeFormat time_format) {
  return {
      {"id", service.id},
      {"service_name", service.service_name},
      {"status", service.status},
      {"approval_enabled", service.approval_enabled},
      {"service_type", service.service_type},
      {"server_type", service.server_type},
      {"vpc_id", service.vpc_id},
      {"project_id", service.project_id},
      {"created_at", FormatApiTime(service.created_at, time_format)},
      {"updated_at", FormatApiTime(service.updated_at, time_format)},
  };
}

json ErrorBody(const ApiError& error, absl::string_view request_id) {
  return {{"error_code", error.code},
          {"error_msg", error.message},
          {"request_id", std::string(request_id)}};
}

absl::StatusOr<ServiceSpec> ServiceSpecFromJson(const json& object) {
  if (!object.is_object()) return InvalidField("service", "must be a JSON object");
  ServiceSpec spec;
  for (absl::Status status : {
           OptionalString(object, "id", &spec.id),
           OptionalString(object, "service_name", &spec.service_name),
           OptionalBool(object, "approval_enabled", &spec.approval_enabled),
           OptionalString(object, "status", &spec.status),
           OptionalString(object, "service_type", &spec.service_type),
           OptionalString(object, "server_type", &spec.server_type),
           OptionalString(object, "vpc_id", &spec.vpc_id),
       }) {
    if (!status.ok()) return status;
  }
  if (std::find(std::begin(api::kServiceStatuses), std::end(api::kServiceStatuses),
                spec.status) == std::end(api::kServiceStatuses)) {
    return InvalidField("status", "must be creating, available, failed or deleting");
  }
  return spec;
}

absl::StatusOr<ConnectionSpec> ConnectionSpecFromJson(const json& object) {
  if (!object.is_object()) return InvalidField("connection", "must be a JSON object");
  ConnectionSpec spec;
  std::string status;
  for (absl::Status result : {
           OptionalString(object, "id", &spec.id),
           OptionalString(object, "domain_id", &spec.domain_id),
           OptionalMarkerId(object, &spec.marker_id),
           OptionalString(object, "status", &status),
           OptionalString(object, "description", &spec.description),
           OptionalTime(object, "created_at", &spec.created_at),
           OptionalTime(object, "updated_at", &spec.updated_at),
       }) {
    if (!result.ok()) return result;
  }
  if (spec.domain_id.empty()) return InvalidField("domain_id", "is required");
  if (!status.empty()) {
    spec.status = ParseStatus(status);
    if (!spec.status.has_value())
      return InvalidField("status", absl::StrCat("unknown status '", status, "'"));
  }
  auto errors = object.find("error");
  if (errors != object.end() && !errors->is_null()) {
    absl::StatusOr<std::vector<ConnectionError>> parsed =
        ConnectionErrorsFromJson(*errors, "error");
    if (!parsed.ok()) return parsed.status();
    spec.errors = *std::move(parsed);
  }
  return spec;
}

absl::StatusOr<std::vector<ConnectionError>> ConnectionErrorsFromJson(const json& array,
                                                                      absl::string_view field) {
  if (!array.is_array()) return InvalidField(field, "must be an array");
  std::vector<ConnectionError> errors;
  for (const json& item : array) {
    if (!item.is_object()) return InvalidField(field, "items must be objects");
    ConnectionError error;
    for (absl::Status status : {OptionalString(item, "error_code", &error.error_code),
                                OptionalString(item, "error_message", &error.error_message)}) {
      if (!status.ok()) return status;
    }
    errors.push_back(std::move(error));
  }
  return errors;
}

std::string DumpJson(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace vpcep::sim
