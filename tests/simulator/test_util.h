// Helpers shared by the simulator tests: an in-process simulator with an
// HTTP client, and JSON conveniences.

#ifndef VPCEP_TESTS_SIMULATOR_TEST_UTIL_H_
#define VPCEP_TESTS_SIMULATOR_TEST_UTIL_H_

#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "simulator/simulator.h"

namespace vpcep::sim::testing {

using nlohmann::json;

// A clock that moves only when told to. Thread-safe.
class FakeClock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1700000000)) : now_(start) {}
  absl::Time Now() {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
  }
  // A std::function for State/Simulator options; `clock` must outlive it.
  static std::function<absl::Time()> Fn(const std::shared_ptr<FakeClock>& clock) {
    return [clock] { return clock->Now(); };
  }

 private:
  std::mutex mu_;  // guards now_
  absl::Time now_;
};

// Status code and parsed body of one HTTP exchange.
struct HttpReply {
  int status = 0;
  json body;
  std::string request_id;  // X-Request-Id header
};

// Starts a simulator per test and talks HTTP to it.
class SimulatorTest : public ::testing::Test {
 protected:
  static Simulator::Options DefaultOptions() {
    Simulator::Options options;
    options.transition_delay = absl::Milliseconds(50);
    return options;
  }

  void StartSim(Simulator::Options options = DefaultOptions()) {
    auto sim = Simulator::Start(std::move(options));
    ASSERT_TRUE(sim.ok()) << sim.status();
    sim_ = *std::move(sim);
    client_ = std::make_unique<httplib::Client>(sim_->base_url());
    client_->set_read_timeout(10, 0);
  }

  void TearDown() override {
    if (sim_ != nullptr) sim_->Stop();
  }

  std::string ServicePath(const std::string& service_id) const {
    return absl::StrCat("/v1/", sim_->project_id(), "/vpc-endpoint-services/", service_id);
  }

  HttpReply Convert(const httplib::Result& result) {
    HttpReply reply;
    EXPECT_TRUE(result) << "HTTP request failed: " << httplib::to_string(result.error());
    if (!result) return reply;
    reply.status = result->status;
    reply.request_id = result->get_header_value("X-Request-Id");
    reply.body = json::parse(result->body, nullptr, false);
    EXPECT_FALSE(reply.body.is_discarded()) << "not JSON: " << result->body;
    return reply;
  }

  HttpReply Get(const std::string& path, const httplib::Headers& headers = {}) {
    return Convert(client_->Get(path, headers));
  }
  HttpReply Post(const std::string& path, const json& body, const httplib::Headers& headers = {}) {
    return Convert(client_->Post(path, headers, body.dump(), "application/json;charset=UTF-8"));
  }
  HttpReply PostRaw(const std::string& path, const std::string& body) {
    return Convert(client_->Post(path, body, "application/json"));
  }
  HttpReply Put(const std::string& path, const json& body) {
    return Convert(client_->Put(path, body.dump(), "application/json;charset=UTF-8"));
  }
  HttpReply Delete(const std::string& path) { return Convert(client_->Delete(path)); }

  HttpReply Action(const std::string& service_id, const std::string& action,
                   const json& endpoints) {
    return Post(ServicePath(service_id) + "/connections/action",
                {{"action", action}, {"endpoints", endpoints}});
  }
  HttpReply List(const std::string& service_id, const std::string& query = "") {
    return Get(ServicePath(service_id) + "/connections" + (query.empty() ? "" : "?" + query));
  }

  // The connection's status as the list API shows it ("" if not listed).
  std::string StatusOf(const std::string& service_id, const std::string& endpoint_id) {
    HttpReply reply = List(service_id, "id=" + endpoint_id);
    if (reply.status != 200 || reply.body["connections"].empty()) return "";
    return reply.body["connections"][0]["status"].get<std::string>();
  }

  // Polls the list API until the connection shows `status`; false after
  // `timeout`.
  bool WaitForStatus(const std::string& service_id, const std::string& endpoint_id,
                     const std::string& status, absl::Duration timeout = absl::Seconds(10)) {
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (StatusOf(service_id, endpoint_id) == status) return true;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return false;
  }

  // Adds a service through the C++ API.
  void AddService(const std::string& id, bool approval_enabled = true) {
    ServiceSpec spec;
    spec.id = id;
    spec.approval_enabled = approval_enabled;
    ASSERT_TRUE(sim_->state().AddService(spec).ok());
  }
  // Adds a connection through the C++ API.
  void AddConnection(const std::string& service_id, const std::string& endpoint_id,
                     std::optional<ConnectionStatus> status = std::nullopt,
                     std::optional<absl::Time> created_at = std::nullopt) {
    ConnectionSpec spec;
    spec.id = endpoint_id;
    spec.domain_id = "domain-" + endpoint_id;
    spec.status = status;
    spec.created_at = created_at;
    auto added = sim_->state().AddConnection(service_id, spec);
    ASSERT_TRUE(added.ok()) << added.status();
  }

  std::unique_ptr<Simulator> sim_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace vpcep::sim::testing

#endif  // VPCEP_TESTS_SIMULATOR_TEST_UTIL_H_
