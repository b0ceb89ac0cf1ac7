#include "simulator/seed.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "simulator/json_codec.h"

namespace vpcep::sim {
namespace {

absl::Status WithContext(const absl::Status& status, absl::string_view where) {
  return absl::InvalidArgumentError(absl::StrCat("seed ", where, ": ", status.message()));
}

}  // namespace

absl::Status LoadSeed(const nlohmann::json& seed, State& state) {
  if (!seed.is_object()) return absl::InvalidArgumentError("seed: top level must be an object");
  auto services = seed.find("services");
  if (services == seed.end()) return absl::OkStatus();
  if (!services->is_array()) return absl::InvalidArgumentError("seed: services must be an array");
  for (size_t i = 0; i < services->size(); ++i) {
    const nlohmann::json& entry = (*services)[i];
    const std::string where = absl::StrCat("services[", i, "]");
    absl::StatusOr<ServiceSpec> spec = ServiceSpecFromJson(entry);
    if (!spec.ok()) return WithContext(spec.status(), where);
    absl::StatusOr<Service> service = state.AddService(*spec);
    if (!service.ok()) return WithContext(service.status(), where);

    auto connections = entry.find("connections");
    if (connections == entry.end() || connections->is_null()) continue;
    if (!connections->is_array()) {
      return absl::InvalidArgumentError(
          absl::StrCat("seed ", where, ".connections must be an array"));
    }
    for (size_t j = 0; j < connections->size(); ++j) {
      const std::string conn_where = absl::StrCat(where, ".connections[", j, "]");
      absl::StatusOr<ConnectionSpec> conn_spec = ConnectionSpecFromJson((*connections)[j]);
      if (!conn_spec.ok()) return WithContext(conn_spec.status(), conn_where);
      absl::StatusOr<Connection> added = state.AddConnection(service->id, *conn_spec);
      if (!added.ok()) return WithContext(added.status(), conn_where);
    }
  }
  return absl::OkStatus();
}

absl::Status LoadSeedFile(const std::string& path, State& state) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open seed file ", path));
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json seed = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (seed.is_discarded()) {
    return absl::InvalidArgumentError(absl::StrCat("seed file ", path, " is not valid JSON"));
  }
  return LoadSeed(seed, state);
}

}  // namespace vpcep::sim
