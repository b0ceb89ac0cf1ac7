// The official Huawei Cloud SDK for Node.js signs real API requests
// (AKSKSigner from @huaweicloud/huaweicloud-sdk-core, at the current time) and
// sends them to a vpcep-sim started with that AK/SK: they must be accepted,
// and each copy with exactly one byte changed (path, query, body, a signed
// header, the Authorization header) must be refused with 401 APIGW.0301.
// Runs when node and npm are on PATH (tests/support/npm_package.h).

#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/support/npm_package.h"
#include "tests/support/subprocess.h"

namespace vpcep::sim {
namespace {

using nlohmann::json;
using vpcep::testing::NpmPackage;

constexpr char kAk[] = "SDKTESTAK00000000001";
constexpr char kSk[] = "sdk-test-secret-key-0123456789abcdef";
constexpr char kProject[] = "5f2b0c8e4a1d4e7f9b3c6a2d8e1f0a4b";
constexpr char kService[] = "4189d3c2-8882-4871-a3c2-d380272eed83";
constexpr char kSignatureFail[] =
    "Incorrect IAM authentication information: verify aksk signature fail";

// Input (argv[2], JSON): {base_url, ak, sk, requests: [{name, method, path,
// query, headers, body, changes: [...]}]}. Each request is signed once with
// the SDK, then sent once per change with that change applied, then as
// signed. A change is {part: "path" | "query" | "body" | "header", name (for
// a header), and the position: index (negative counts from the end) or find
// (+ offset)}; the character there becomes the next one of its kind.
// Output (stdout): {results: [{name, authorization, changed: [{change,
// before, after, reply}], unchanged: reply}]}, reply = {status, body, error?}.
constexpr char kNodeScript[] = R"JS('use strict';
const fs = require('fs');
const http = require('http');
const {AKSKSigner} = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner');
const {BasicCredentials} = require('@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials');

const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const server = new URL(input.base_url);
const credential = new BasicCredentials().withAk(input.ak).withSk(input.sk);

// Digits, lower and upper case letters step to the next of their kind, so
// the changed request stays well formed; anything else gets its low bit flipped.
function nextOfKind(ch) {
  const code = ch.charCodeAt(0);
  for (const [first, count] of [[48, 10], [97, 26], [65, 26]]) {
    if (code >= first && code < first + count) {
      return String.fromCharCode(first + ((code - first + 1) % count));
    }
  }
  return String.fromCharCode(code ^ 1);
}

function changeOneCharacter(text, change) {
  let at;
  if (change.find !== undefined) {
    at = text.indexOf(change.find);
    if (at < 0) throw new Error(`"${change.find}" is not in "${text}"`);
    at += change.offset || 0;
  } else {
    at = change.index < 0 ? text.length + change.index : change.index;
  }
  if (at < 0 || at >= text.length) throw new Error(`no position ${at} in "${text}"`);
  return text.slice(0, at) + nextOfKind(text[at]) + text.slice(at + 1);
}

function headerName(headers, name) {
  const found = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  if (found === undefined) throw new Error(`no header ${name} in ${JSON.stringify(headers)}`);
  return found;
}

// What the SDK's client hands to AKSKSigner.sign: the URL without its query,
// the decoded query parameters, the headers, and the body as parsed JSON (the
// signer hashes JSON.stringify of it, so the body must be compact JSON).
function sign(request) {
  const queryParams = {};
  for (const [key, value] of new URLSearchParams(request.query)) {
    queryParams[key] = key in queryParams ? [].concat(queryParams[key], value) : value;
  }
  let data;
  if (request.body !== '') {
    data = JSON.parse(request.body);
    if (JSON.stringify(data) !== request.body) {
      throw new Error(`${request.name}: the body is not what JSON.stringify gives back`);
    }
  }
  const headers = AKSKSigner.sign({
    method: request.method,
    endpoint: server.origin + request.path,
    queryParams,
    headers: {...request.headers},
    data,
  }, credential);
  return {method: request.method, path: request.path, query: request.query, headers,
          body: request.body};
}

function withChange(wire, change) {
  const copy = {...wire, headers: {...wire.headers}};
  let before;
  let after;
  if (change.part === 'header') {
    const name = headerName(copy.headers, change.name);
    before = copy.headers[name];
    after = copy.headers[name] = changeOneCharacter(before, change);
  } else if (['path', 'query', 'body'].includes(change.part)) {
    before = copy[change.part];
    after = copy[change.part] = changeOneCharacter(before, change);
  } else {
    throw new Error(`unknown part ${change.part}`);
  }
  return {request: copy, before, after};
}

function send(wire) {
  return new Promise((resolve) => {
    const body = Buffer.from(wire.body, 'utf8');
    const headers = {...wire.headers};
    if (body.length > 0) headers['Content-Length'] = String(body.length);
    const request = http.request({
      host: server.hostname,
      port: server.port,
      method: wire.method,
      path: wire.path + (wire.query === '' ? '' : '?' + wire.query),
      headers,
      agent: false,
    }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({
        status: response.statusCode,
        body: Buffer.concat(chunks).toString('utf8'),
      }));
    });
    request.setTimeout(10000, () => request.destroy(new Error('no answer within 10 s')));
    request.on('error', (e) => resolve({status: 0, body: '', error: e.message}));
    request.end(body);
  });
}

(async () => {
  const results = [];
  for (const request of input.requests) {
    const wire = sign(request);
    const changed = [];
    for (const change of request.changes) {
      const {request: altered, before, after} = withChange(wire, change);
      changed.push({change, before, after, reply: await send(altered)});
    }
    results.push({name: request.name, authorization: wire.headers.Authorization, changed,
                  unchanged: await send(wire)});
  }
  process.stdout.write(JSON.stringify({results}) + '\n');
})().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
});
)JS";

class NpmSdkSigningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const NpmPackage& sdk = vpcep::testing::InstallNpmPackage(vpcep::testing::kHuaweiCloudSdkCore);
    if (sdk.outcome == NpmPackage::Outcome::kSkip) GTEST_SKIP() << sdk.message;
    ASSERT_EQ(sdk.outcome, NpmPackage::Outcome::kReady) << sdk.message;
    sdk_ = &sdk;

    absl::StatusOr<std::string> dir = vpcep::testing::MakeTempDir("vpcep-npm-sim-");
    ASSERT_TRUE(dir.ok()) << dir.status();
    work_dir_ = *dir;
    std::ofstream(work_dir_ / "sdk_send.js") << kNodeScript;

    // The real binary, with the AK/SK pair and no token: only a valid
    // signature lets an API call through.
    vpcep::testing::SubprocessOptions options;
    options.argv = {VPCEP_SIM_BINARY, "--listen", "127.0.0.1:0", "--project-id", kProject,
                    "--ak",           kAk,        "--sk",        kSk,          "--transition-delay",
                    "1m",             "--quiet"};
    options.env = vpcep::testing::CurrentEnvironment();
    absl::StatusOr<std::unique_ptr<vpcep::testing::Subprocess>> sim =
        vpcep::testing::Subprocess::Start(options);
    ASSERT_TRUE(sim.ok()) << sim.status();
    sim_ = *std::move(sim);
    absl::StatusOr<std::string> url = sim_->ReadLine(absl::Seconds(20));
    ASSERT_TRUE(url.ok()) << url.status() << "\n" << sim_->Stderr();
    base_url_ = *url;
    admin_ = std::make_unique<httplib::Client>(base_url_);
    admin_->set_read_timeout(10, 0);

    AdminPost("/admin/services", {{"id", kService}, {"approval_enabled", true}});
  }

  void TearDown() override {
    if (sim_ != nullptr) {
      sim_->Signal(SIGTERM);
      EXPECT_EQ(sim_->Wait(absl::Seconds(10)), 0) << sim_->Stderr();
    }
    std::error_code ec;
    if (!work_dir_.empty()) std::filesystem::remove_all(work_dir_, ec);
  }

  static std::string ServicePath() {
    return absl::StrCat("/v1/", kProject, "/vpc-endpoint-services/", kService);
  }

  void AdminPost(const std::string& path, const json& body) {
    httplib::Result r = admin_->Post(path, body.dump(), "application/json");
    ASSERT_TRUE(r) << path << ": " << httplib::to_string(r.error());
    ASSERT_EQ(r->status, 201) << path << ": " << r->body;
  }
  json AdminGet(const std::string& path) {
    httplib::Result r = admin_->Get(path);
    EXPECT_TRUE(r) << path << ": " << httplib::to_string(r.error());
    if (!r) return json();
    EXPECT_EQ(r->status, 200) << path << ": " << r->body;
    return json::parse(r->body, nullptr, false);
  }
  void AddConnection(const std::string& id, const std::string& status) {
    AdminPost(absl::StrCat("/admin/services/", kService, "/connections"),
              {{"id", id}, {"domain_id", "domain-" + id}, {"status", status}});
  }
  std::string StatusOf(const std::string& id) {
    json listed = AdminGet(absl::StrCat("/admin/services/", kService, "/connections"));
    for (const json& c : listed.value("connections", json::array())) {
      if (c.value("id", "") == id) return c.value("status", "");
    }
    return "";
  }

  // Has the SDK sign and send `requests`; returns the script's results.
  json SignAndSend(const json& requests) {
    json input = {{"base_url", base_url_}, {"ak", kAk}, {"sk", kSk}, {"requests", requests}};
    std::ofstream(work_dir_ / "input.json") << input.dump();
    absl::StatusOr<std::string> out = vpcep::testing::RunNode(
        *sdk_, work_dir_.string(), "sdk_send.js", {"input.json"}, absl::Seconds(60));
    EXPECT_TRUE(out.ok()) << out.status();
    if (!out.ok()) return json();
    json parsed = json::parse(*out, nullptr, false);
    EXPECT_TRUE(parsed.is_object()) << *out;
    if (!parsed.is_object()) return json();
    EXPECT_EQ(parsed["results"].size(), requests.size());
    return parsed["results"];
  }

  // Every changed copy differs from the signed request in one byte and was
  // refused by the gateway's authentication; returns how many there were.
  static size_t ExpectEachChangeRefused(const json& result) {
    const json all = result.value("changed", json::array());
    for (const json& changed : all) {
      SCOPED_TRACE(changed.value("change", json()).dump());
      const std::string before = changed.value("before", "");
      const std::string after = changed.value("after", "");
      size_t differing = before.size() == after.size() ? 0 : 1;
      for (size_t i = 0; i < before.size() && i < after.size(); ++i) {
        differing += before[i] != after[i] ? 1 : 0;
      }
      EXPECT_EQ(differing, 1u) << before << " -> " << after;

      const json reply = changed.value("reply", json::object());
      EXPECT_EQ(reply.value("status", 0), 401) << reply.dump();
      json body = json::parse(reply.value("body", ""), nullptr, false);
      if (!body.is_object()) body = json::object();  // the checks below then fail
      EXPECT_EQ(body.value("error_code", ""), "APIGW.0301") << reply.dump();
      EXPECT_EQ(body.value("error_msg", ""), kSignatureFail) << reply.dump();
    }
    return all.size();
  }

  const NpmPackage* sdk_ = nullptr;
  std::filesystem::path work_dir_;
  std::unique_ptr<vpcep::testing::Subprocess> sim_;
  std::string base_url_;
  std::unique_ptr<httplib::Client> admin_;
};

json Change(const std::string& part, const std::string& find, int offset = 0) {
  return {{"part", part}, {"find", find}, {"offset", offset}};
}
json HeaderChange(const std::string& name, const std::string& find, int offset = 0) {
  return {{"part", "header"}, {"name", name}, {"find", find}, {"offset", offset}};
}
json HeaderChangeAt(const std::string& name, int index) {
  return {{"part", "header"}, {"name", name}, {"index", index}};
}

TEST_F(NpmSdkSigningTest, ListConnectionsWithQueryParameters) {
  for (const char* id : {"ep-a", "ep-b", "ep-c"}) AddConnection(id, "pendingAcceptance");
  AddConnection("ep-d", "accepted");

  const json changes = json::array({
      Change("query", "limit=2", 6),         // limit=3
      Change("query", "pendingAcceptance"),  // qendingAcceptance
      Change("query", "%C3%A9", 5),          // é -> à (one hex digit of an escape)
      Change("path", kService),              // another service id
      Change("path", kProject),              // another project id
      HeaderChangeAt("X-Sdk-Date", 14),      // one second later or earlier
      HeaderChangeAt("Host", -1),            // another port
      HeaderChange("Content-Type", "json"),
      HeaderChangeAt("Authorization", -1),  // the signature's last hex digit
      HeaderChange("Authorization", "Access=", 7),
      HeaderChange("Authorization", "SignedHeaders=", 14),
  });
  json requests = json::array({{
      {"name", "list"},
      {"method", "GET"},
      {"path", ServicePath() + "/connections"},
      {"query",
       "status=pendingAcceptance&sort_key=create_at&sort_dir=asc&limit=2&offset=1"
       "&note=caf%C3%A9%20%2F%20ok"},
      {"headers", {{"Content-Type", "application/json"}}},
      {"body", ""},
      {"changes", changes},
  }});
  json results = SignAndSend(requests);
  ASSERT_EQ(results.size(), 1u);
  json& result = results[0];
  EXPECT_NE(result.value("authorization", "").find(
                "SignedHeaders=content-type;host;x-sdk-date, Signature="),
            std::string::npos)
      << result.dump();

  const size_t refused = ExpectEachChangeRefused(result);
  EXPECT_EQ(refused, changes.size());

  json& reply = result["unchanged"];
  ASSERT_EQ(reply.value("status", 0), 200) << reply.dump();
  std::printf("GET signed by %s: accepted; %zu copies with one byte changed: refused\n",
              vpcep::testing::kHuaweiCloudSdkCore, refused);
  json body = json::parse(reply.value("body", ""), nullptr, false);
  EXPECT_EQ(body.value("total_count", -1), 3) << body.dump();
  ASSERT_EQ(body["connections"].size(), 2u) << body.dump();
  EXPECT_EQ(body["connections"][0].value("id", ""), "ep-b");
  EXPECT_EQ(body["connections"][1].value("id", ""), "ep-c");

  json stats = AdminGet("/admin/stats");
  EXPECT_EQ(stats["requests"].value("unauthorized", -1), static_cast<int>(refused));
  EXPECT_EQ(stats["requests"].value("list", -1), static_cast<int>(refused) + 1);
}

TEST_F(NpmSdkSigningTest, ConnectionActionWithJsonBody) {
  AddConnection("ep-a", "pendingAcceptance");
  AddConnection("ep-b", "pendingAcceptance");

  const json changes = json::array({
      Change("body", "receive"),    // "seceive"
      Change("body", "ep-a", 3),    // the other connection, ep-b
      Change("body", "{"),          // "z...": no longer JSON
      Change("path", kService),     // another service id
      HeaderChangeAt("X-Sdk-Date", 14),
      HeaderChange("Content-Type", "UTF"),
      HeaderChangeAt("Authorization", -1),
  });
  json requests = json::array({{
      {"name", "receive"},
      {"method", "POST"},
      {"path", ServicePath() + "/connections/action"},
      {"query", ""},
      {"headers", {{"Content-Type", "application/json;charset=UTF-8"}}},
      {"body", R"({"action":"receive","endpoints":["ep-a"]})"},
      {"changes", changes},
  }});
  json results = SignAndSend(requests);
  ASSERT_EQ(results.size(), 1u);
  json& result = results[0];

  const size_t refused = ExpectEachChangeRefused(result);
  EXPECT_EQ(refused, changes.size());
  // None of the refused copies acted on a connection.
  EXPECT_EQ(StatusOf("ep-b"), "pendingAcceptance");

  json& reply = result["unchanged"];
  ASSERT_EQ(reply.value("status", 0), 200) << reply.dump();
  std::printf("POST signed by %s: accepted; %zu copies with one byte changed: refused\n",
              vpcep::testing::kHuaweiCloudSdkCore, refused);
  json body = json::parse(reply.value("body", ""), nullptr, false);
  ASSERT_EQ(body["connections"].size(), 1u) << body.dump();
  EXPECT_EQ(body["connections"][0].value("id", ""), "ep-a");
  EXPECT_EQ(body["connections"][0].value("status", ""), "creating");

  json stats = AdminGet("/admin/stats");
  EXPECT_EQ(stats["requests"].value("unauthorized", -1), static_cast<int>(refused));
  EXPECT_EQ(stats["actions"].value("receive", -1), 1);
  EXPECT_EQ(StatusOf("ep-b"), "pendingAcceptance");
}

}  // namespace
}  // namespace vpcep::sim
