#include "tests/support/simulator_process.h"

#include "absl/strings/str_cat.h"
#include "httplib.h"

namespace vpcep::testing {

absl::StatusOr<std::unique_ptr<SimulatorProcess>> SimulatorProcess::Start(
    const std::string& binary, const std::vector<std::string>& extra_args) {
  SubprocessOptions sp;
  sp.argv = {binary, "--listen", "127.0.0.1:0", "--project-id", kProjectId, "--token", kToken};
  sp.argv.insert(sp.argv.end(), extra_args.begin(), extra_args.end());
  sp.env = CurrentEnvironment();
  auto sim = std::unique_ptr<SimulatorProcess>(new SimulatorProcess());
  absl::StatusOr<std::unique_ptr<Subprocess>> p = Subprocess::Start(sp);
  if (!p.ok()) return p.status();
  sim->process_ = *std::move(p);
  absl::StatusOr<std::string> url = sim->process_->ReadLine(absl::Seconds(20));
  if (!url.ok()) {
    return absl::InternalError(absl::StrCat("simulator did not start: ", url.status().message(),
                                            "\n", sim->process_->Stderr()));
  }
  sim->base_url_ = *url;
  return sim;
}

core::Value SimulatorProcess::ProviderConfig(const core::Type& provider_type,
                                             std::map<std::string, core::Value> overrides) const {
  std::map<std::string, core::Value> attrs = {
      {"project_id", core::Value::String(kProjectId)},
      {"auth_token", core::Value::String(kToken)},
      {"endpoints", core::Value::Map(core::Type::String(),
                                     {{"vpcep", core::Value::String(base_url_)}})}};
  for (auto& [name, value] : overrides) attrs[name] = std::move(value);
  return core::Value::ObjectOf(provider_type, std::move(attrs));
}

absl::StatusOr<nlohmann::json> SimulatorProcess::Request(const std::string& method,
                                                         const std::string& path,
                                                         const nlohmann::json& body,
                                                         int expect_status) {
  httplib::Client client(base_url_);
  client.set_read_timeout(30, 0);
  httplib::Headers headers = {{"X-Auth-Token", kToken}};
  httplib::Result r =
      method == "GET"      ? client.Get(path.c_str(), headers)
      : method == "DELETE" ? client.Delete(path.c_str(), headers)
                           : client.Post(path.c_str(), headers, body.dump(), "application/json");
  if (!r) return absl::UnavailableError(absl::StrCat(method, " ", path, ": no response"));
  if (r->status != expect_status) {
    return absl::InternalError(
        absl::StrCat(method, " ", path, ": HTTP ", r->status, " ", r->body));
  }
  if (r->body.empty()) return nlohmann::json();
  return nlohmann::json::parse(r->body, nullptr, false);
}

absl::StatusOr<std::string> SimulatorProcess::AddService(bool approval_enabled) {
  absl::StatusOr<nlohmann::json> j = Request(
      "POST", "/admin/services",
      {{"service_name", "test-service"}, {"approval_enabled", approval_enabled}}, 201);
  if (!j.ok()) return j.status();
  return j->value("id", "");
}

absl::StatusOr<std::string> SimulatorProcess::AddConnection(const std::string& service_id,
                                                            const std::string& domain_id,
                                                            const std::string& status,
                                                            const std::string& id) {
  nlohmann::json body = {{"domain_id", domain_id}};
  if (!id.empty()) body["id"] = id;
  if (!status.empty()) body["status"] = status;
  absl::StatusOr<nlohmann::json> j =
      Request("POST", absl::StrCat("/admin/services/", service_id, "/connections"), body, 201);
  if (!j.ok()) return j.status();
  return j->value("id", "");
}

absl::Status SimulatorProcess::SetStatus(const std::string& service_id,
                                         const std::string& endpoint_id,
                                         const std::string& status) {
  return Request("POST",
                 absl::StrCat("/admin/services/", service_id, "/connections/", endpoint_id,
                              "/status"),
                 {{"status", status}}, 200)
      .status();
}

absl::Status SimulatorProcess::DeleteConnection(const std::string& service_id,
                                                const std::string& endpoint_id) {
  return Request("DELETE",
                 absl::StrCat("/admin/services/", service_id, "/connections/", endpoint_id),
                 nullptr, 200)
      .status();
}

absl::StatusOr<nlohmann::json> SimulatorProcess::GetConnection(const std::string& service_id,
                                                               const std::string& endpoint_id) {
  absl::StatusOr<nlohmann::json> j =
      Request("GET",
              absl::StrCat("/v1/", kProjectId, "/vpc-endpoint-services/", service_id,
                           "/connections?id=", endpoint_id),
              nullptr, 200);
  if (!j.ok()) return j.status();
  const nlohmann::json& list = (*j)["connections"];
  return list.empty() ? nlohmann::json() : list[0];
}

absl::Status SimulatorProcess::FailOnReceive(const std::string& service_id,
                                             const std::string& endpoint_id,
                                             const nlohmann::json& errors) {
  nlohmann::json body = nlohmann::json::object();
  if (!errors.is_null()) body["error"] = errors;
  return Request("POST",
                 absl::StrCat("/admin/services/", service_id, "/connections/", endpoint_id,
                              "/fail-on-receive"),
                 body, 200)
      .status();
}

absl::Status SimulatorProcess::Generate(const std::string& service_id, int count,
                                        const std::string& status) {
  nlohmann::json body = {{"count", count}};
  if (!status.empty()) body["status"] = status;
  return Request("POST", absl::StrCat("/admin/services/", service_id, "/generate"), body, 201)
      .status();
}

absl::Status SimulatorProcess::SetFaults(const nlohmann::json& config) {
  return Request("POST", "/admin/faults", config, 200).status();
}

absl::Status SimulatorProcess::ClearFaults() {
  return Request("POST", "/admin/faults", nlohmann::json::object(), 200).status();
}

absl::StatusOr<nlohmann::json> SimulatorProcess::Stats() {
  return Request("GET", "/admin/stats", nullptr, 200);
}

}  // namespace vpcep::testing
