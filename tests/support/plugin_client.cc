#include "tests/support/plugin_client.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace vpcep::testing {

absl::StatusOr<Handshake> ParseHandshake(const std::string& line) {
  std::vector<std::string> parts = absl::StrSplit(absl::StripAsciiWhitespace(line), '|');
  if (parts.size() != 6) {
    return absl::InvalidArgumentError(absl::StrCat("handshake needs 6 fields: ", line));
  }
  Handshake h;
  if (!absl::SimpleAtoi(parts[0], &h.core_version) || !absl::SimpleAtoi(parts[1], &h.protocol)) {
    return absl::InvalidArgumentError(absl::StrCat("bad version fields: ", line));
  }
  h.network = parts[2];
  h.address = parts[3];
  h.transport = parts[4];
  h.cert_base64 = parts[5];
  return h;
}

std::map<std::string, std::string> WithoutCloudSettings() {
  std::map<std::string, std::string> env;
  for (const char* v : {"HW_AUTH_TOKEN", "HW_PROJECT_ID", "HW_REGION_NAME", "HW_VPCEP_ENDPOINT",
                        "HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN", "HW_INSECURE",
                        "HW_MAX_RETRIES", "HW_ALLOW_INSECURE_HTTP", "TF_LOG",
                        "TF_LOG_PROVIDER"}) {
    env[v] = "";
  }
  return env;
}

absl::StatusOr<std::unique_ptr<PluginClient>> PluginClient::Launch(const LaunchOptions& options) {
  auto client = std::unique_ptr<PluginClient>(new PluginClient());
  SubprocessOptions sp;
  sp.argv = {options.binary};
  sp.env = CurrentEnvironment();
  if (options.magic_cookie) {
    sp.env["TF_PLUGIN_MAGIC_COOKIE"] =
        "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
  }
  sp.env["PLUGIN_PROTOCOL_VERSIONS"] = options.protocol_versions;
  sp.env["PLUGIN_MIN_PORT"] = "10000";
  sp.env["PLUGIN_MAX_PORT"] = "25000";
  if (options.auto_mtls) {
    // Terraform's go-plugin client uses a fresh P-521 certificate per launch.
    absl::StatusOr<plugin::Certificate> cert = plugin::GenerateSelfSigned("P-521");
    if (!cert.ok()) return cert.status();
    client->client_cert_ = *cert;
    sp.env["PLUGIN_CLIENT_CERT"] = cert->cert_pem;
  }
  for (const auto& [k, v] : options.env) sp.env[k] = v;
  absl::StatusOr<std::unique_ptr<Subprocess>> proc = Subprocess::Start(sp);
  if (!proc.ok()) return proc.status();
  client->process_ = *std::move(proc);

  absl::StatusOr<std::string> line = client->process_->ReadLine(absl::Seconds(30));
  if (!line.ok()) return line.status();
  absl::StatusOr<Handshake> hs = ParseHandshake(*line);
  if (!hs.ok()) return hs.status();
  client->handshake_ = *hs;
  if (!hs->cert_base64.empty()) {
    absl::StatusOr<std::string> der = plugin::Base64Decode(hs->cert_base64);
    if (!der.ok()) return der.status();
    absl::StatusOr<std::string> pem = plugin::DerToPem(*der);
    if (!pem.ok()) return pem.status();
    client->server_cert_pem_ = *pem;
  }
  client->channel_ = client->ChannelWith(
      options.auto_mtls ? std::optional<plugin::Certificate>(client->client_cert_) : std::nullopt);
  client->v5_ = tfplugin5::Provider::NewStub(client->channel_);
  client->v6_ = tfplugin6::Provider::NewStub(client->channel_);
  return client;
}

std::shared_ptr<grpc::Channel> PluginClient::ChannelWith(
    const std::optional<plugin::Certificate>& cert) const {
  std::string target = handshake_.network == "unix" ? "unix:" + handshake_.address
                                                    : handshake_.address;
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(256 << 20);
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (server_cert_pem_.empty()) {
    creds = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = server_cert_pem_;  // trust exactly the advertised certificate
    if (cert.has_value()) {
      tls.pem_private_key = cert->key_pem;
      tls.pem_cert_chain = cert->cert_pem;
    }
    creds = grpc::SslCredentials(tls);
    args.SetSslTargetNameOverride("localhost");
  }
  return grpc::CreateCustomChannel(target, creds, args);
}

absl::StatusOr<int> PluginClient::Shutdown(absl::Duration timeout) {
  auto controller = ::plugin::GRPCController::NewStub(channel_);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  ::plugin::Empty req, resp;
  grpc::Status s = controller->Shutdown(&ctx, req, &resp);
  if (!s.ok() && s.error_code() != grpc::StatusCode::UNAVAILABLE) {
    return absl::InternalError(absl::StrCat("Shutdown RPC failed: ", s.error_message()));
  }
  std::optional<int> code = process_->Wait(timeout);
  if (!code.has_value()) {
    return absl::DeadlineExceededError(
        absl::StrCat("provider still running ", absl::FormatDuration(timeout), " after Shutdown"));
  }
  return *code;
}

}  // namespace vpcep::testing
