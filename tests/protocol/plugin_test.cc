// The provider binary launched exactly as Terraform launches it.
#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "tests/support/plugin_client.h"
#include "tests/support/provider_driver.h"

namespace vpcep::testing {
namespace {

using ::testing::HasSubstr;

LaunchOptions Defaults(const std::string& versions = "5,6") {
  LaunchOptions o;
  o.binary = VPCEP_PROVIDER_BINARY;
  o.protocol_versions = versions;
  o.env["TF_LOG"] = "";
  o.env["TF_LOG_PROVIDER"] = "";
  return o;
}

std::unique_ptr<PluginClient> MustLaunch(const LaunchOptions& o) {
  absl::StatusOr<std::unique_ptr<PluginClient>> c = PluginClient::Launch(o);
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *std::move(c) : nullptr;
}

TEST(Handshake, OffersFiveAndSixPicksSix) {
  auto c = MustLaunch(Defaults("5,6"));
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->handshake().core_version, 1);
  EXPECT_EQ(c->protocol(), 6);
  EXPECT_EQ(c->handshake().transport, "grpc");
  EXPECT_EQ(c->handshake().network, "unix");
  EXPECT_EQ(c->handshake().cert_base64.find('='), std::string::npos) << "padding breaks Go";
}

TEST(Handshake, NegotiationIgnoresOrder) {
  auto c = MustLaunch(Defaults("6,5"));
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->protocol(), 6);
}

TEST(Handshake, OffersOnlyFivePicksFive) {
  auto c = MustLaunch(Defaults("5"));
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->protocol(), 5);
  ProviderDriver d(*c);
  EXPECT_TRUE(d.LoadSchema().ok());
  EXPECT_EQ(d.resource_types().count("vpcep_connection_approval"), 1u);
}

TEST(Handshake, RefusesWithoutMagicCookie) {
  LaunchOptions o = Defaults();
  o.magic_cookie = false;
  absl::StatusOr<std::unique_ptr<PluginClient>> c = PluginClient::Launch(o);
  EXPECT_FALSE(c.ok());
  EXPECT_THAT(std::string(c.status().message()), HasSubstr("not meant to be run directly"));
}

TEST(Handshake, RefusesUnsupportedVersions) {
  absl::StatusOr<std::unique_ptr<PluginClient>> c = PluginClient::Launch(Defaults("4,7"));
  EXPECT_FALSE(c.ok());
  EXPECT_THAT(std::string(c.status().message()), HasSubstr("serves [5,6]"));
}

TEST(Mtls, ClientWithoutCertificateIsRefused) {
  auto c = MustLaunch(Defaults());
  ASSERT_NE(c, nullptr);
  auto stub = tfplugin6::Provider::NewStub(c->ChannelWith(std::nullopt));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  tfplugin6::GetProviderSchema::Request req;
  tfplugin6::GetProviderSchema::Response resp;
  grpc::Status s = stub->GetProviderSchema(&ctx, req, &resp);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(resp.resource_schemas_size(), 0);
}

TEST(Mtls, ClientWithAnotherCertificateIsRefused) {
  auto c = MustLaunch(Defaults());
  ASSERT_NE(c, nullptr);
  absl::StatusOr<plugin::Certificate> stranger = plugin::GenerateSelfSigned("P-521");
  ASSERT_TRUE(stranger.ok());
  auto stub = tfplugin6::Provider::NewStub(c->ChannelWith(*stranger));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  tfplugin6::GetProviderSchema::Request req;
  tfplugin6::GetProviderSchema::Response resp;
  EXPECT_FALSE(stub->GetProviderSchema(&ctx, req, &resp).ok());
}

TEST(SideServices, HealthReportsPluginServing) {
  auto c = MustLaunch(Defaults());
  ASSERT_NE(c, nullptr);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::ByteBuffer request_bytes;
  // grpc.health.v1.HealthCheckRequest{service: "plugin"}: field 1, length 6.
  const char raw[] = "\x0a\x06plugin";
  grpc::Slice slice(raw, sizeof(raw) - 1);
  grpc::ByteBuffer req(&slice, 1), resp;
  grpc::GenericStub generic(c->channel());
  // The completion queue is drained on this thread, so the reply is handled
  // here rather than in a callback on a gRPC thread (whose hand-off to that
  // thread ThreadSanitizer cannot see: Debian's gRPC is not instrumented).
  grpc::CompletionQueue cq;
  grpc::Status status;
  auto call = generic.PrepareUnaryCall(&ctx, "/grpc.health.v1.Health/Check", req, &cq);
  call->StartCall();
  int tag = 1;
  call->Finish(&resp, &status, &tag);
  void* got = nullptr;
  bool ok = false;
  ASSERT_EQ(cq.AsyncNext(&got, &ok, std::chrono::system_clock::now() + std::chrono::seconds(15)),
            grpc::CompletionQueue::NextStatus::GOT_EVENT);
  EXPECT_EQ(got, &tag);
  EXPECT_TRUE(ok);
  cq.Shutdown();
  while (cq.Next(&got, &ok)) {
  }
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(resp.Dump(&slices).ok());
  std::string bytes;
  for (auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_EQ(bytes, std::string("\x08\x01", 2));  // status: SERVING
}

TEST(SideServices, ShutdownExitsCleanlyWellUnderTwoSeconds) {
  auto c = MustLaunch(Defaults());
  ASSERT_NE(c, nullptr);
  ProviderDriver d(*c);
  ASSERT_TRUE(d.LoadSchema().ok());
  absl::StatusOr<int> code = c->Shutdown(absl::Seconds(2));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0) << c->process().Stderr();
}

TEST(SideServices, IgnoresSigint) {
  auto c = MustLaunch(Defaults());
  ASSERT_NE(c, nullptr);
  c->process().Signal(SIGINT);
  ProviderDriver d(*c);
  EXPECT_TRUE(d.LoadSchema().ok()) << "provider must survive Ctrl-C and wait for StopProvider";
  EXPECT_TRUE(d.Stop().ok());
  EXPECT_TRUE(d.LoadSchema().ok()) << "StopProvider must not end the process";
  absl::StatusOr<int> code = c->Shutdown(absl::Seconds(2));
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 0);
}

TEST(Logging, WritesHclogJsonLinesAtRequestedLevel) {
  LaunchOptions o = Defaults();
  o.env["TF_LOG_PROVIDER"] = "DEBUG";
  auto c = MustLaunch(o);
  ASSERT_NE(c, nullptr);
  ProviderDriver d(*c);
  ASSERT_TRUE(d.LoadSchema().ok());
  ASSERT_TRUE(c->Shutdown(absl::Seconds(2)).ok());
  std::string err = c->process().Stderr();
  EXPECT_THAT(err, HasSubstr("\"@level\":\"debug\""));
  EXPECT_THAT(err, HasSubstr("\"@message\":\"GetProviderSchema\""));
}

TEST(Debug, DebugFlagPrintsReattachValue) {
  SubprocessOptions sp;
  sp.argv = {VPCEP_PROVIDER_BINARY, "--debug"};
  sp.env = CurrentEnvironment();
  sp.env.erase("TF_PLUGIN_MAGIC_COOKIE");
  absl::StatusOr<std::unique_ptr<Subprocess>> p = Subprocess::Start(sp);
  ASSERT_TRUE(p.ok());
  bool found = false;
  for (int i = 0; i < 6 && !found; ++i) {
    absl::StatusOr<std::string> line = (*p)->ReadLine(absl::Seconds(20));
    ASSERT_TRUE(line.ok()) << line.status();
    found = line->find("TF_REATTACH_PROVIDERS='{\"terraform.local/vpcep/vpcep\"") !=
            std::string::npos;
  }
  EXPECT_TRUE(found);
  (*p)->Signal(SIGTERM);
  EXPECT_EQ((*p)->Wait(absl::Seconds(5)), 0);
}

// The mode bits and group of `path`.
std::pair<mode_t, gid_t> ModeAndGroup(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return {st.st_mode & 07777, st.st_gid};
}

void ExpectSocketReachableBy(PluginClient& c, gid_t gid) {
  ASSERT_EQ(c.handshake().network, "unix");
  std::string socket = c.handshake().address;
  std::string dir = std::filesystem::path(socket).parent_path().string();
  EXPECT_EQ(ModeAndGroup(dir), std::make_pair(mode_t{0750}, gid)) << "the group must reach "
                                                                      "into the directory";
  EXPECT_EQ(ModeAndGroup(socket), std::make_pair(mode_t{0660}, gid));
  ProviderDriver d(c);
  EXPECT_TRUE(d.LoadSchema().ok());
}

TEST(SocketGroup, GroupByNameGetsTheSocketAndItsDirectory) {
  struct group* g = getgrgid(getgid());
  ASSERT_NE(g, nullptr);
  LaunchOptions o = Defaults();
  o.env["PLUGIN_UNIX_SOCKET_GROUP"] = g->gr_name;
  auto c = MustLaunch(o);
  ASSERT_NE(c, nullptr);
  ExpectSocketReachableBy(*c, getgid());
}

TEST(SocketGroup, NumericGidIsAccepted) {
  LaunchOptions o = Defaults();
  o.env["PLUGIN_UNIX_SOCKET_GROUP"] = std::to_string(getgid());
  auto c = MustLaunch(o);
  ASSERT_NE(c, nullptr);
  ExpectSocketReachableBy(*c, getgid());
}

TEST(SocketGroup, UnknownGroupIsRefusedAtStart) {
  for (const char* group : {"no-such-group-vpcep", "12abc"}) {
    SubprocessOptions sp;
    sp.argv = {VPCEP_PROVIDER_BINARY};
    sp.env = CurrentEnvironment();
    sp.env["TF_PLUGIN_MAGIC_COOKIE"] =
        "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
    sp.env["PLUGIN_PROTOCOL_VERSIONS"] = "5,6";
    sp.env["PLUGIN_UNIX_SOCKET_GROUP"] = group;
    absl::StatusOr<std::unique_ptr<Subprocess>> p = Subprocess::Start(sp);
    ASSERT_TRUE(p.ok());
    EXPECT_FALSE((*p)->ReadLine(absl::Seconds(20)).ok()) << group << ": no handshake expected";
    EXPECT_EQ((*p)->Wait(absl::Seconds(10)), 1) << group;
    EXPECT_THAT((*p)->Stderr(), HasSubstr("PLUGIN_UNIX_SOCKET_GROUP")) << group;
    EXPECT_THAT((*p)->Stderr(), HasSubstr(group));
  }
}

}  // namespace
}  // namespace vpcep::testing
