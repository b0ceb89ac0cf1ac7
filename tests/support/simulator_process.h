// Test helper: runs the vpcep-sim binary on a loopback port and talks to its
// admin API (seeding services and connections, out-of-band changes, stats).
#ifndef VPCEP_TESTS_SUPPORT_SIMULATOR_PROCESS_H_
#define VPCEP_TESTS_SUPPORT_SIMULATOR_PROCESS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "provider/core/value.h"
#include "tests/support/subprocess.h"

namespace vpcep::testing {

class SimulatorProcess {
 public:
  static constexpr char kProjectId[] = "0123456789abcdef0123456789abcdef";
  static constexpr char kToken[] = "sim-test-token";

  // extra_args e.g. {"--transition-delay", "100ms"}.
  static absl::StatusOr<std::unique_ptr<SimulatorProcess>> Start(
      const std::string& binary, const std::vector<std::string>& extra_args = {});

  const std::string& base_url() const { return base_url_; }
  // A provider configuration of `provider_type` pointing at this simulator with
  // its project and token; `overrides` replace or add attributes.
  core::Value ProviderConfig(const core::Type& provider_type,
                             std::map<std::string, core::Value> overrides = {}) const;
  // Creates a service; returns its id.
  absl::StatusOr<std::string> AddService(bool approval_enabled);
  // Adds a connection (pendingAcceptance unless `status` says otherwise); returns its id.
  // `id`: the endpoint id to use (default: a new one).
  absl::StatusOr<std::string> AddConnection(const std::string& service_id,
                                            const std::string& domain_id,
                                            const std::string& status = "",
                                            const std::string& id = "");
  absl::Status SetStatus(const std::string& service_id, const std::string& endpoint_id,
                         const std::string& status);
  // Makes the connection vanish (as when its endpoint is deleted).
  absl::Status DeleteConnection(const std::string& service_id, const std::string& endpoint_id);
  // The connection as the API lists it (null JSON when absent).
  absl::StatusOr<nlohmann::json> GetConnection(const std::string& service_id,
                                               const std::string& endpoint_id);
  absl::StatusOr<nlohmann::json> Stats();
  // The next receive of this connection makes it `failed` with `errors`
  // ([{"error_code", "error_message"}]; the simulator's default when null).
  absl::Status FailOnReceive(const std::string& service_id, const std::string& endpoint_id,
                             const nlohmann::json& errors = nullptr);
  // Adds `count` generated connections (status as given, or the default).
  absl::Status Generate(const std::string& service_id, int count, const std::string& status = "");
  // Replaces the whole fault / load configuration (POST /admin/faults).
  absl::Status SetFaults(const nlohmann::json& config);
  // Turns every injected fault off (so a test can read the truth).
  absl::Status ClearFaults();
  // The simulator's request log so far (one line per request, with its id).
  std::string Log() const { return process_->Stderr(); }

 private:
  absl::StatusOr<nlohmann::json> Request(const std::string& method, const std::string& path,
                                         const nlohmann::json& body, int expect_status);
  std::unique_ptr<Subprocess> process_;
  std::string base_url_;
};

}  // namespace vpcep::testing

#endif  // VPCEP_TESTS_SUPPORT_SIMULATOR_PROCESS_H_
