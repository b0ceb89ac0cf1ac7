// A Terraform-side plugin client for tests: launches the provider binary the
// way Terraform does (magic cookie, PLUGIN_PROTOCOL_VERSIONS, a fresh P-521
// client certificate in PLUGIN_CLIENT_CERT), parses the handshake line and
// connects over mutual TLS to the advertised unix socket or TCP address.
#ifndef VPCEP_TESTS_SUPPORT_PLUGIN_CLIENT_H_
#define VPCEP_TESTS_SUPPORT_PLUGIN_CLIENT_H_

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "proto/grpc_controller.grpc.pb.h"
#include "proto/tfplugin5.grpc.pb.h"
#include "proto/tfplugin6.grpc.pb.h"
#include "provider/plugin/certificate.h"
#include "tests/support/subprocess.h"

namespace vpcep::testing {

struct LaunchOptions {
  std::string binary;
  std::string protocol_versions = "5,6";
  bool magic_cookie = true;
  bool auto_mtls = true;
  std::map<std::string, std::string> env;  // added to the inherited environment
};

struct Handshake {
  int core_version = 0;
  int protocol = 0;
  std::string network;
  std::string address;
  std::string transport;
  std::string cert_base64;  // empty when plaintext
};

absl::StatusOr<Handshake> ParseHandshake(const std::string& line);

// Environment entries that blank every HW_* fallback and TF_LOG*, so a test's
// provider takes its settings from the configuration it is given only.
std::map<std::string, std::string> WithoutCloudSettings();

class PluginClient {
 public:
  static absl::StatusOr<std::unique_ptr<PluginClient>> Launch(const LaunchOptions& options);

  const Handshake& handshake() const { return handshake_; }
  int protocol() const { return handshake_.protocol; }
  Subprocess& process() { return *process_; }
  // A channel authenticated with the client certificate Terraform would use.
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  // A channel that presents `cert` instead (or none when nullopt).
  std::shared_ptr<grpc::Channel> ChannelWith(
      const std::optional<plugin::Certificate>& cert) const;
  tfplugin5::Provider::Stub& v5() { return *v5_; }
  tfplugin6::Provider::Stub& v6() { return *v6_; }

  // GRPCController.Shutdown, as Terraform's Kill does; returns the exit code
  // or an error if the process did not exit within `timeout`.
  absl::StatusOr<int> Shutdown(absl::Duration timeout);

 private:
  std::unique_ptr<Subprocess> process_;
  Handshake handshake_;
  std::string server_cert_pem_;
  plugin::Certificate client_cert_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<tfplugin5::Provider::Stub> v5_;
  std::unique_ptr<tfplugin6::Provider::Stub> v6_;
};

}  // namespace vpcep::testing

#endif  // VPCEP_TESTS_SUPPORT_PLUGIN_CLIENT_H_
