// vpcep-demo-client: drives the provider through the same plugin-protocol
// calls Terraform makes (plan + apply per approval, refresh, re-plan), for
// machines without terraform/tofu. Used by scripts/demo.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "tests/support/plugin_client.h"
#include "tests/support/provider_driver.h"

namespace {

using vpcep::core::Type;
using vpcep::core::Value;
using vpcep::testing::RpcResult;

int Fail(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "demo client: %s\n%s\n", what.c_str(), detail.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string provider, endpoint, project, service, endpoints;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--provider") provider = value;
    else if (flag == "--endpoint") endpoint = value;
    else if (flag == "--project-id") project = value;
    else if (flag == "--service-id") service = value;
    else if (flag == "--endpoint-ids") endpoints = value;
  }
  if (provider.empty() || endpoint.empty() || service.empty() || endpoints.empty()) {
    std::fprintf(stderr,
                 "usage: vpcep-demo-client --provider BIN --endpoint URL --project-id ID "
                 "--service-id ID --endpoint-ids A,B,...\n(token from HW_AUTH_TOKEN)\n");
    return 2;
  }
  vpcep::testing::LaunchOptions launch;
  launch.binary = provider;
  auto client = vpcep::testing::PluginClient::Launch(launch);
  if (!client.ok()) return Fail("cannot launch the provider", std::string(client.status().message()));
  std::printf("provider started, protocol %d over %s with mutual TLS\n", (*client)->protocol(),
              (*client)->handshake().network.c_str());
  vpcep::testing::ProviderDriver driver(**client);
  if (absl::Status s = driver.LoadSchema(); !s.ok()) return Fail("schema", std::string(s.message()));
  Value config = Value::ObjectOf(
      driver.ProviderType(),
      {{"project_id", Value::String(project)},
       {"endpoints", Value::Map(Type::String(), {{"vpcep", Value::String(endpoint)}})}});
  RpcResult configured = driver.Configure(config);
  if (configured.HasError()) return Fail("configure", configured.DiagText());

  const std::string kType = "vpcep_connection_approval";
  const Type& type = driver.ResourceType(kType);
  std::vector<std::string> ids = absl::StrSplit(endpoints, ',', absl::SkipEmpty());
  for (const std::string& id : ids) {
    Value cfg = Value::ObjectOf(type, {{"service_id", Value::String(service)},
                                       {"endpoint_id", Value::String(id)}});
    RpcResult plan = driver.Plan(kType, Value::Null(type), cfg, cfg);
    if (plan.HasError()) return Fail("plan " + id, plan.DiagText());
    RpcResult applied = driver.Apply(kType, Value::Null(type), plan.value, cfg, plan.private_data);
    if (applied.HasError()) return Fail("apply " + id, applied.DiagText());
    RpcResult read = driver.Read(kType, applied.value, applied.private_data);
    if (read.HasError() || !read.value.Equals(applied.value)) {
      return Fail("refresh " + id, read.DiagText());
    }
    std::printf("  vpcep_connection_approval[%s]: %s (domain %s)\n", id.c_str(),
                applied.value.Attr("status").AsString().c_str(),
                applied.value.Attr("domain_id").AsString().c_str());
  }
  absl::StatusOr<int> code = (*client)->Shutdown(absl::Seconds(2));
  std::printf("provider shut down: %s\n", code.ok() ? "clean exit" : "did not exit in time");
  return code.ok() && *code == 0 ? 0 : 1;
}
