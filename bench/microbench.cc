// vpcep_microbench: Google Benchmark micro-benchmarks of the provider's hot
// paths — msgpack decode/encode of an approval state, AK/SK request signing,
// planning one approval.
#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "provider/cloud/aksk_signer.h"
#include "provider/cloud/http.h"
#include "provider/core/msgpack_codec.h"
#include "provider/core/plan.h"
#include "provider/core/schema.h"
#include "resources/vpcep_provider.h"

namespace {

using vpcep::core::Type;
using vpcep::core::Value;

constexpr char kService[] = "4189d3c2-8882-4871-a3c2-d380272eed88";
constexpr char kEndpoint[] = "4189d3c2-8882-4871-a3c2-d380272eed83";

// The approval resource's schema, taken from the provider itself.
struct ApprovalSchema {
  ApprovalSchema() {
    for (vpcep::core::Resource* r : provider.Resources()) {
      if (r->TypeName() == absl::string_view("vpcep_connection_approval")) {
        schema = &r->GetSchema();
      }
    }
    type = vpcep::core::ImpliedType(schema->block);
  }
  vpcep::resources::VpcepProvider provider;
  const vpcep::core::Schema* schema = nullptr;
  Type type;
};

const ApprovalSchema& Approval() {
  static const ApprovalSchema* s = new ApprovalSchema();
  return *s;
}

// A fully known state: strings filled in, numbers set, everything else null.
Value StateValue() {
  const Type& type = Approval().type;
  std::map<std::string, Value> attrs;
  for (const auto& [name, t] : type.attributes()) {
    if (name == "service_id") {
      attrs[name] = Value::String(kService);
    } else if (name == "endpoint_id") {
      attrs[name] = Value::String(kEndpoint);
    } else if (name == "id") {
      attrs[name] = Value::String(std::string(kService) + "/" + kEndpoint);
    } else if (name == "status") {
      attrs[name] = Value::String("accepted");
    } else if (t == Type::String()) {
      attrs[name] = Value::String("2026-11-22T00:00:00Z");
    } else if (t == Type::Number()) {
      attrs[name] = Value::Int(4294967301);
    } else if (t == Type::Bool()) {
      attrs[name] = Value::Bool(true);
    } else {
      attrs[name] = Value::Null(t);
    }
  }
  return Value::ObjectOf(type, attrs);
}

Value ConfigValue() {
  return Value::ObjectOf(Approval().type, {{"service_id", Value::String(kService)},
                                           {"endpoint_id", Value::String(kEndpoint)}});
}

void BM_MsgpackEncodeApprovalState(benchmark::State& state) {
  const Type& type = Approval().type;
  Value v = StateValue();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string out = vpcep::core::EncodeMsgpack(v, type);
    bytes = out.size();
    benchmark::DoNotOptimize(out);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_MsgpackEncodeApprovalState);

void BM_MsgpackDecodeApprovalState(benchmark::State& state) {
  const Type& type = Approval().type;
  std::string wire = vpcep::core::EncodeMsgpack(StateValue(), type);
  for (auto _ : state) {
    auto v = vpcep::core::DecodeMsgpack(wire, type);
    if (!v.ok()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(v);
  }
  state.counters["bytes"] = static_cast<double>(wire.size());
}
BENCHMARK(BM_MsgpackDecodeApprovalState);

// Signing the receive action request (POST with a JSON body).
void BM_SignReceiveRequest(benchmark::State& state) {
  vpcep::cloud::SigningInput in;
  in.method = "POST";
  in.path = std::string("/v1/0123456789abcdef0123456789abcdef/vpc-endpoint-services/") +
            kService + "/connections/action";
  in.headers = {{"Host", "vpcep.ap-southeast-1.myhuaweicloud.com"},
                {"X-Sdk-Date", "20261122T000000Z"},
                {"Content-Type", "application/json"},
                {"X-Project-Id", "0123456789abcdef0123456789abcdef"}};
  in.body = std::string(R"({"action":"receive","endpoints":[")") + kEndpoint + "\"]}";
  in.signed_headers = {"host", "x-sdk-date", "content-type", "x-project-id"};
  for (auto _ : state) {
    auto r = vpcep::cloud::Sign(in, "AKEXAMPLEAKEXAMPLE12", "secret-key-example-0123456789");
    if (!r.ok()) state.SkipWithError("sign failed");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_SignReceiveRequest);

// The whole Authenticator path the client runs per request (URL split, header
// set-up, signing) for a list call with a query string.
void BM_AkSkAuthListRequest(benchmark::State& state) {
  vpcep::cloud::AkSkAuth auth("AKEXAMPLEAKEXAMPLE12", "secret-key-example-0123456789", "",
                              "0123456789abcdef0123456789abcdef",
                              [] { return absl::FromUnixSeconds(1795305600); });
  std::string url = std::string("https://vpcep.ap-southeast-1.myhuaweicloud.com/v1/"
                                "0123456789abcdef0123456789abcdef/vpc-endpoint-services/") +
                    kService + "/connections?id=" + kEndpoint + "&limit=1000&offset=0";
  for (auto _ : state) {
    vpcep::cloud::HttpRequest req;
    req.method = "GET";
    req.url = url;
    absl::Status s = auth.Authenticate(req);
    if (!s.ok()) state.SkipWithError("authenticate failed");
    benchmark::DoNotOptimize(req);
  }
}
BENCHMARK(BM_AkSkAuthListRequest);

void BM_PlanCreateOneApproval(benchmark::State& state) {
  const ApprovalSchema& a = Approval();
  vpcep::core::PlanRequest req;
  req.prior_state = Value::Null(a.type);
  req.config = ConfigValue();
  req.proposed_new_state = req.config;
  for (auto _ : state) {
    vpcep::core::PlanResponse resp;
    vpcep::core::PlanFromSchema(*a.schema, req, resp);
    benchmark::DoNotOptimize(resp);
  }
}
BENCHMARK(BM_PlanCreateOneApproval);

void BM_PlanNoChangeOneApproval(benchmark::State& state) {
  const ApprovalSchema& a = Approval();
  vpcep::core::PlanRequest req;
  req.prior_state = StateValue();
  req.config = ConfigValue();
  req.proposed_new_state = StateValue();
  for (auto _ : state) {
    vpcep::core::PlanResponse resp;
    vpcep::core::PlanFromSchema(*a.schema, req, resp);
    benchmark::DoNotOptimize(resp);
  }
}
BENCHMARK(BM_PlanNoChangeOneApproval);

}  // namespace

BENCHMARK_MAIN();
