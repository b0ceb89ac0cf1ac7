// The RPCs of protocol 5.10 / 6.10 this provider serves (GetMetadata,
// resource identity, GenerateResourceConfig, ListResource and destroy
// plans), over both protocols, with the binary launched as Terraform launches
// it and the simulator behind it.
#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/plugin_client.h"
#include "tests/support/provider_driver.h"
#include "tests/support/simulator_process.h"

namespace vpcep::testing {
namespace {

using core::Type;
using core::Value;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

constexpr char kApproval[] = "vpcep_connection_approval";

class QueryTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto sim = SimulatorProcess::Start(VPCEP_SIM_BINARY, {"--transition-delay", "20ms"});
    ASSERT_TRUE(sim.ok()) << sim.status();
    sim_ = *std::move(sim);
    LaunchProvider();
  }

  // A provider process configured for the simulator, as each Terraform
  // command starts one.
  void LaunchProvider() {
    driver_.reset();
    client_.reset();
    LaunchOptions o;
    o.binary = VPCEP_PROVIDER_BINARY;
    o.protocol_versions = GetParam();
    o.env = WithoutCloudSettings();
    auto client = PluginClient::Launch(o);
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *std::move(client);
    driver_ = std::make_unique<ProviderDriver>(*client_);
    ASSERT_TRUE(driver_->LoadSchema().ok());
    type_ = driver_->ResourceType(kApproval);
    identity_type_ = driver_->IdentityType(kApproval);
    list_type_ = driver_->ListConfigType(kApproval);
    RpcResult r = driver_->Configure(sim_->ProviderConfig(driver_->ProviderType()));
    ASSERT_FALSE(r.HasError()) << r.DiagText();
  }

  Value Identity(const std::string& service, const std::string& endpoint) {
    return Value::ObjectOf(identity_type_, {{"service_id", Value::String(service)},
                                            {"endpoint_id", Value::String(endpoint)}});
  }

  Value ListConfig(const std::string& service, const std::string& status = "",
                   const std::string& domain = "") {
    std::map<std::string, Value> attrs = {{"service_id", Value::String(service)}};
    if (!status.empty()) attrs["status"] = Value::String(status);
    if (!domain.empty()) attrs["domain_id"] = Value::String(domain);
    return Value::ObjectOf(list_type_, attrs);
  }

  // Imported and read, as `terraform plan` does with an import block.
  Value ImportedState(const std::string& service, const std::string& endpoint) {
    RpcResult imported = driver_->Import(kApproval, absl::StrCat(service, "/", endpoint));
    EXPECT_FALSE(imported.HasError()) << imported.DiagText();
    RpcResult read = driver_->Read(kApproval, imported.value);
    EXPECT_FALSE(read.HasError()) << read.DiagText();
    return read.value;
  }

  int64_t Requests(const char* what) {
    auto stats = sim_->Stats();
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? (*stats)["requests"].value(what, int64_t{-1}) : -1;
  }

  int64_t Actions() {
    auto stats = sim_->Stats();
    EXPECT_TRUE(stats.ok()) << stats.status();
    if (!stats.ok()) return -1;
    return (*stats)["requests"].value("action", int64_t{0}) +
           (*stats)["requests"].value("description", int64_t{0});
  }

  std::unique_ptr<SimulatorProcess> sim_;
  std::unique_ptr<PluginClient> client_;
  std::unique_ptr<ProviderDriver> driver_;
  Type type_, identity_type_, list_type_;
};

TEST_P(QueryTest, MetadataAnnouncesCapabilitiesAndTypes) {
  absl::StatusOr<Metadata> m = driver_->GetMetadata();
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(m->get_provider_schema_optional);
  EXPECT_TRUE(m->plan_destroy);
  EXPECT_TRUE(m->generate_resource_config);
  EXPECT_THAT(m->resources, ::testing::Contains(kApproval));
  EXPECT_THAT(m->data_sources, ::testing::Contains("vpcep_service_connections"));
  EXPECT_THAT(m->list_resources, ElementsAre(kApproval));
}

TEST_P(QueryTest, IdentitySchemaIsServiceAndEndpointRequiredForImport) {
  EXPECT_EQ(driver_->IdentityVersion(kApproval), 0);
  EXPECT_THAT(driver_->identity_attributes().at(kApproval),
              UnorderedElementsAre("service_id:\"string\":1:0", "endpoint_id:\"string\":1:0"));
  EXPECT_EQ(driver_->identity_attributes().size(), 1u) << "only the approval has an identity";
}

TEST_P(QueryTest, ListConfigSchemaHasServiceStatusAndOwner) {
  EXPECT_THAT(list_type_.attributes(),
              UnorderedElementsAre(::testing::Key("service_id"), ::testing::Key("status"),
                                   ::testing::Key("domain_id")));
}

TEST_P(QueryTest, ImportByIdentityReturnsStateAndTheSameIdentity) {
  auto service = sim_->AddService(true);
  ASSERT_TRUE(service.ok());
  auto endpoint = sim_->AddConnection(*service, "domain-a", "accepted");
  ASSERT_TRUE(endpoint.ok());
  RpcResult imported = driver_->ImportByIdentity(kApproval, Identity(*service, *endpoint));
  ASSERT_FALSE(imported.HasError()) << imported.DiagText();
  EXPECT_EQ(imported.value.Attr("id").AsString(), absl::StrCat(*service, "/", *endpoint));
  EXPECT_TRUE(imported.identity.Equals(Identity(*service, *endpoint)))
      << imported.identity.DebugString();
  RpcResult read = driver_->Read(kApproval, imported.value);
  ASSERT_FALSE(read.HasError()) << read.DiagText();
  EXPECT_EQ(read.value.Attr("domain_id").AsString(), "domain-a");
  EXPECT_TRUE(read.identity.Equals(Identity(*service, *endpoint)));
}

TEST_P(QueryTest, ImportByIdentityNamesAMissingConnection) {
  auto service = sim_->AddService(true);
  ASSERT_TRUE(service.ok());
  RpcResult imported = driver_->ImportByIdentity(kApproval, Identity(*service, "ep-nowhere"));
  EXPECT_TRUE(imported.HasError());
  EXPECT_THAT(imported.DiagText(), HasSubstr("ep-nowhere"));
}

TEST_P(QueryTest, ImportByIdReturnsIdentityToo) {
  auto service = sim_->AddService(true);
  auto endpoint = sim_->AddConnection(*service, "domain-a", "accepted");
  ASSERT_TRUE(endpoint.ok());
  RpcResult imported = driver_->Import(kApproval, absl::StrCat(*service, "/", *endpoint));
  ASSERT_FALSE(imported.HasError()) << imported.DiagText();
  EXPECT_TRUE(imported.identity.Equals(Identity(*service, *endpoint)));
}

// Terraform stores the identity from every step and checks that it never
// changes for an instance.
TEST_P(QueryTest, PlanApplyAndReadReturnTheSameIdentity) {
  auto service = sim_->AddService(true);
  auto endpoint = sim_->AddConnection(*service, "domain-a");
  ASSERT_TRUE(endpoint.ok());
  Value config = Value::ObjectOf(
      type_, {{"service_id", Value::String(*service)}, {"endpoint_id", Value::String(*endpoint)}});
  Value proposed = ProposedNew(type_, Value::Null(type_), config);
  RpcResult plan = driver_->Plan(kApproval, Value::Null(type_), proposed, config);
  ASSERT_FALSE(plan.HasError()) << plan.DiagText();
  const Value expected = Identity(*service, *endpoint);
  EXPECT_TRUE(plan.identity.Equals(expected)) << plan.identity.DebugString();
  RpcResult applied =
      driver_->Apply(kApproval, Value::Null(type_), plan.value, config, plan.private_data);
  ASSERT_FALSE(applied.HasError()) << applied.DiagText();
  EXPECT_TRUE(applied.identity.Equals(expected));
  RpcResult read = driver_->Read(kApproval, applied.value);
  EXPECT_TRUE(read.identity.Equals(expected));
  // An in-place change keeps it.
  Value changed = config.WithAttr("description", Value::String("tagged"));
  RpcResult update =
      driver_->Plan(kApproval, read.value, ProposedNew(type_, read.value, changed), changed);
  ASSERT_FALSE(update.HasError()) << update.DiagText();
  EXPECT_TRUE(update.identity.Equals(expected));
}

// A gone connection stays in state marked `deleted` (so later plans tell it
// from a typo), still named by its identity.
TEST_P(QueryTest, ReadOfAGoneConnectionKeepsItMarkedDeletedWithItsIdentity) {
  auto service = sim_->AddService(true);
  auto endpoint = sim_->AddConnection(*service, "domain-a", "accepted");
  ASSERT_TRUE(endpoint.ok());
  Value state = ImportedState(*service, *endpoint);
  ASSERT_TRUE(sim_->DeleteConnection(*service, *endpoint).ok());
  LaunchProvider();  // the next command: no listing of the last one to reuse
  RpcResult read = driver_->Read(kApproval, state);
  ASSERT_FALSE(read.HasError()) << read.DiagText();
  ASSERT_FALSE(read.value.is_null());
  EXPECT_EQ(read.value.Attr("status").AsString(), "deleted");
  EXPECT_TRUE(read.identity.Equals(Identity(*service, *endpoint)))
      << read.identity.DebugString();
}

TEST_P(QueryTest, UpgradeIdentityKeepsVersionZeroAndRefusesOthers) {
  RpcResult up =
      driver_->UpgradeIdentity(kApproval, 0, R"({"service_id":"svc-1","endpoint_id":"ep-1"})");
  ASSERT_FALSE(up.HasError()) << up.DiagText();
  EXPECT_TRUE(up.value.Equals(Identity("svc-1", "ep-1"))) << up.value.DebugString();
  RpcResult future = driver_->UpgradeIdentity(kApproval, 3, R"({"service_id":"svc-1"})");
  EXPECT_TRUE(future.HasError());
  EXPECT_THAT(future.DiagText(), HasSubstr("version 3"));
}

TEST_P(QueryTest, DestroyPlanWarnsNamingEndpointAndOwner) {
  auto service = sim_->AddService(true);
  auto endpoint = sim_->AddConnection(*service, "domain-owner-7", "accepted");
  ASSERT_TRUE(endpoint.ok());
  Value state = ImportedState(*service, *endpoint);
  RpcResult plan = driver_->Plan(kApproval, state, Value::Null(type_), Value::Null(type_));
  ASSERT_FALSE(plan.HasError()) << plan.DiagText();
  EXPECT_TRUE(plan.value.is_null());
  ASSERT_EQ(plan.diags.size(), 1u) << plan.DiagText();
  EXPECT_FALSE(plan.diags[0].error);
  EXPECT_THAT(plan.diags[0].summary, HasSubstr(*endpoint));
  EXPECT_THAT(plan.diags[0].summary, HasSubstr("domain-owner-7"));
  EXPECT_TRUE(plan.identity.Equals(Identity(*service, *endpoint)));
  EXPECT_EQ(Actions(), 0) << "a plan sends nothing";
}

TEST_P(QueryTest, DestroyPlanThatKeepsTheConnectionDoesNotWarn) {
  auto service = sim_->AddService(true);
  auto endpoint = sim_->AddConnection(*service, "domain-owner-7", "accepted");
  ASSERT_TRUE(endpoint.ok());
  Value state = ImportedState(*service, *endpoint).WithAttr("reject_on_delete", Value::Bool(false));
  RpcResult plan = driver_->Plan(kApproval, state, Value::Null(type_), Value::Null(type_));
  ASSERT_FALSE(plan.HasError()) << plan.DiagText();
  EXPECT_TRUE(plan.diags.empty()) << plan.DiagText();
}

TEST_P(QueryTest, GeneratedConfigHasIdsAndOnlyARealDescription) {
  auto service = sim_->AddService(true);
  auto endpoint = sim_->AddConnection(*service, "domain-a", "accepted");
  ASSERT_TRUE(endpoint.ok());
  Value state = ImportedState(*service, *endpoint);
  ASSERT_FALSE(state.Attr("domain_id").is_null());
  RpcResult plain =
      driver_->GenerateConfig(kApproval, state.WithAttr("description", Value::String("")));
  ASSERT_FALSE(plain.HasError()) << plain.DiagText();
  for (const auto& [name, t] : type_.attributes()) {
    if (name == "service_id" || name == "endpoint_id") {
      EXPECT_TRUE(plain.value.Attr(name).Equals(state.Attr(name))) << name;
    } else {
      EXPECT_TRUE(plain.value.Attr(name).is_null()) << name << " should be left out";
    }
  }
  RpcResult described =
      driver_->GenerateConfig(kApproval, state.WithAttr("description", Value::String("team a")));
  ASSERT_FALSE(described.HasError()) << described.DiagText();
  EXPECT_EQ(described.value.Attr("description").AsString(), "team a");
}

class ListTest : public QueryTest {
 protected:
  void SetUp() override {
    QueryTest::SetUp();
    if (HasFatalFailure()) return;
    auto service = sim_->AddService(true);
    ASSERT_TRUE(service.ok());
    service_ = *service;
    for (const char* domain : {"domain-a", "domain-b", "domain-a"}) {
      auto ep = sim_->AddConnection(service_, domain, "accepted");
      ASSERT_TRUE(ep.ok());
      accepted_.insert(*ep);
    }
    for (int i = 0; i < 2; ++i) {
      auto ep = sim_->AddConnection(service_, "domain-c");
      ASSERT_TRUE(ep.ok());
      pending_.insert(*ep);
    }
  }

  static std::set<std::string> Endpoints(const ListOutcome& out) {
    std::set<std::string> ids;
    for (const ListedObject& o : out.objects) ids.insert(o.identity.Attr("endpoint_id").AsString());
    return ids;
  }

  std::string service_;
  std::set<std::string> accepted_, pending_;
};

TEST_P(ListTest, ListsExactlyTheAcceptedConnectionsByDefault) {
  ListOutcome out = driver_->List(kApproval, ListConfig(service_), false, 100);
  EXPECT_TRUE(out.diags.empty()) << out.DiagText();
  EXPECT_EQ(Endpoints(out), accepted_);
  EXPECT_EQ(out.objects.size(), accepted_.size()) << "each once";
  for (const ListedObject& o : out.objects) {
    EXPECT_EQ(o.identity.Attr("service_id").AsString(), service_);
    const std::string ep = o.identity.Attr("endpoint_id").AsString();
    EXPECT_THAT(o.display_name, HasSubstr(ep));
    EXPECT_THAT(o.display_name, HasSubstr("accepted"));
    EXPECT_THAT(o.display_name, ::testing::AnyOf(HasSubstr("domain-a"), HasSubstr("domain-b")));
    EXPECT_TRUE(o.object.is_null()) << "not asked for";
  }
}

TEST_P(ListTest, IncludedObjectsAreWhatImportReads) {
  ListOutcome out = driver_->List(kApproval, ListConfig(service_), true, 100);
  ASSERT_TRUE(out.diags.empty()) << out.DiagText();
  ASSERT_EQ(out.objects.size(), accepted_.size());
  for (const ListedObject& o : out.objects) {
    const std::string ep = o.identity.Attr("endpoint_id").AsString();
    Value imported = ImportedState(service_, ep);
    EXPECT_TRUE(o.object.Equals(imported)) << o.object.DebugString() << "\n"
                                           << imported.DebugString();
    RpcResult config = driver_->GenerateConfig(kApproval, o.object);
    ASSERT_FALSE(config.HasError()) << config.DiagText();
    EXPECT_EQ(config.value.Attr("endpoint_id").AsString(), ep);
  }
}

TEST_P(ListTest, FiltersByStatusAndOwner) {
  ListOutcome pending =
      driver_->List(kApproval, ListConfig(service_, "pendingAcceptance"), false, 100);
  EXPECT_TRUE(pending.diags.empty()) << pending.DiagText();
  EXPECT_EQ(Endpoints(pending), pending_);
  ListOutcome owned = driver_->List(kApproval, ListConfig(service_, "", "domain-a"), true, 100);
  EXPECT_TRUE(owned.diags.empty()) << owned.DiagText();
  ASSERT_EQ(owned.objects.size(), 2u);
  for (const ListedObject& o : owned.objects) {
    EXPECT_EQ(o.object.Attr("domain_id").AsString(), "domain-a");
  }
}

TEST_P(ListTest, HonoursTheLimit) {
  ListOutcome out = driver_->List(kApproval, ListConfig(service_), false, 2);
  EXPECT_TRUE(out.diags.empty()) << out.DiagText();
  EXPECT_EQ(out.objects.size(), 2u);
}

// Terraform stops reading at its limit and cancels the stream; the provider
// must not mind.
TEST_P(ListTest, ACancelledStreamLeavesTheProviderServing) {
  ListOutcome first = driver_->List(kApproval, ListConfig(service_), false, 100, 1);
  EXPECT_EQ(first.objects.size(), 1u);
  ListOutcome again = driver_->List(kApproval, ListConfig(service_), false, 100);
  EXPECT_EQ(Endpoints(again), accepted_) << again.DiagText();
}

TEST_P(ListTest, CostFollowsTheLimitNotTheService) {
  ASSERT_TRUE(sim_->Generate(service_, 600, "accepted").ok());
  const int64_t before = Requests("list");
  ListOutcome out = driver_->List(kApproval, ListConfig(service_), false, 10);
  EXPECT_EQ(out.objects.size(), 10u) << out.DiagText();
  EXPECT_EQ(Requests("list") - before, 1) << "one small page for ten results";
  // Everything: each page once (pages of 1000 with a small overlap).
  const int64_t before_all = Requests("list");
  ListOutcome all = driver_->List(kApproval, ListConfig(service_), false, 10000);
  EXPECT_EQ(all.objects.size(), 603u) << all.DiagText();
  EXPECT_EQ(Endpoints(all).size(), 603u);
  EXPECT_LE(Requests("list") - before_all, 2);
}

TEST_P(ListTest, BadConfigIsAnErrorOnTheAttribute) {
  RpcResult bad = driver_->ValidateList(kApproval, ListConfig("svc/../x", "", "dom ain"));
  ASSERT_TRUE(bad.HasError());
  std::set<std::string> paths;
  for (const Diag& d : bad.diags) paths.insert(d.path);
  EXPECT_THAT(paths, UnorderedElementsAre("service_id", "domain_id"));
  RpcResult good = driver_->ValidateList(kApproval, ListConfig(service_));
  EXPECT_FALSE(good.HasError()) << good.DiagText();
}

TEST_P(ListTest, UnknownServiceIsAnErrorOnServiceId) {
  ListOutcome out = driver_->List(kApproval, ListConfig("svc-does-not-exist"), false, 100);
  EXPECT_TRUE(out.objects.empty());
  ASSERT_FALSE(out.diags.empty());
  EXPECT_TRUE(out.diags.back().error);
  EXPECT_EQ(out.diags.back().path, "service_id");
  EXPECT_THAT(out.diags.back().summary, HasSubstr("svc-does-not-exist"));
}

auto ProtocolName = [](const auto& info) {
  return info.param == "5" ? std::string("V5") : std::string("V6");
};
INSTANTIATE_TEST_SUITE_P(Protocols, QueryTest, ::testing::Values("5", "5,6"), ProtocolName);
INSTANTIATE_TEST_SUITE_P(Protocols, ListTest, ::testing::Values("5", "5,6"), ProtocolName);

}  // namespace
}  // namespace vpcep::testing
