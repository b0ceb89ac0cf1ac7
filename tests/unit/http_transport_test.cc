// HttplibTransport against local servers: round trips, connection reuse,
// errors, stop, timeouts, TLS verification and proxies.
#include <stdlib.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "provider/cloud/http.h"
#include "provider/plugin/certificate.h"

namespace vpcep::cloud {
namespace {

using ::testing::HasSubstr;

// A server on a loopback port, listening on its own thread.
template <typename ServerT>
class Running {
 public:
  template <typename... Args>
  explicit Running(Args&&... args) : server(std::forward<Args>(args)...) {}
  ~Running() {
    server.stop();
    if (thread.joinable()) thread.join();
  }
  void Start() {
    port = server.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port, 0);
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::yield();
  }
  ServerT server;
  int port = 0;
  std::thread thread;
};

// Releases a blocked handler when the test says so.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false, open = false;
  void Enter() {
    std::unique_lock<std::mutex> lock(mu);
    entered = true;
    cv.notify_all();
    cv.wait(lock, [this] { return open; });
  }
  void AwaitEntered() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [this] { return entered; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu);
    open = true;
    cv.notify_all();
  }
};

TEST(HttpTransport, RoundTripKeepsHeadersBodyAndStatus) {
  Running<httplib::Server> s;
  s.server.Post("/v1/p/things", [](const httplib::Request& req, httplib::Response& res) {
    res.status = 201;
    res.set_header("X-Request-Id", "req-1");
    res.set_content(absl::StrCat(req.method, " ", req.target, " ", req.get_header_value("X-Test"),
                                 " ", req.body),
                    "text/plain");
  });
  s.Start();
  HttplibTransport transport(HttpOptions{});
  HttpRequest r{"POST", absl::StrCat("http://127.0.0.1:", s.port, "/v1/p/things?a=1&b=%2F"),
                {{"X-Test", "yes"}, {"Content-Type", "application/json"}},
                "{\"x\":1}"};
  absl::StatusOr<HttpResponse> resp = transport.Send(r);
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->status, 201);
  EXPECT_EQ(resp->Header("x-request-id"), "req-1");
  EXPECT_EQ(resp->body, "POST /v1/p/things?a=1&b=%2F yes {\"x\":1}");
}

TEST(HttpTransport, ErrorStatusesAreResponsesNotFailures) {
  Running<httplib::Server> s;
  s.server.Get("/missing", [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content("{\"error_code\":\"X\"}", "application/json");
  });
  s.Start();
  HttplibTransport transport(HttpOptions{});
  absl::StatusOr<HttpResponse> resp =
      transport.Send({"GET", absl::StrCat("http://127.0.0.1:", s.port, "/missing")});
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->status, 404);
  EXPECT_EQ(resp->body, "{\"error_code\":\"X\"}");
}

TEST(HttpTransport, ReusesOneConnectionForSequentialRequests) {
  Running<httplib::Server> s;
  std::mutex mu;
  std::set<int> client_ports;
  s.server.Get("/", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    client_ports.insert(req.remote_port);
    res.set_content("ok", "text/plain");
  });
  s.Start();
  HttplibTransport transport(HttpOptions{});
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<HttpResponse> resp =
        transport.Send({"GET", absl::StrCat("http://127.0.0.1:", s.port, "/")});
    ASSERT_TRUE(resp.ok()) << resp.status();
  }
  EXPECT_EQ(transport.connections_opened(), 1);
  std::lock_guard<std::mutex> lock(mu);  // the server thread wrote it
  EXPECT_EQ(client_ports.size(), 1u);
}

TEST(HttpTransport, RefusedConnectionIsUnavailableAndNamesTheUrl) {
  int port;
  {
    Running<httplib::Server> s;  // bind, then close: the port is free again
    s.Start();
    port = s.port;
  }
  HttplibTransport transport(HttpOptions{});
  std::string url = absl::StrCat("http://127.0.0.1:", port, "/x");
  absl::StatusOr<HttpResponse> resp = transport.Send({"GET", url});
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(resp.status().message(), HasSubstr(url));
}

TEST(HttpTransport, BadUrlsAreInvalidArguments) {
  HttplibTransport transport(HttpOptions{});
  for (const char* url : {"ftp://h/x", "no-scheme", "http://:80/", "http://h:99999/",
                          "http://user:pw@h/"}) {
    absl::StatusOr<HttpResponse> resp = transport.Send({"GET", url});
    EXPECT_EQ(resp.status().code(), absl::StatusCode::kInvalidArgument) << url;
  }
}

TEST(HttpTransport, StopAbortsABlockedRead) {
  Running<httplib::Server> s;
  Gate gate;
  s.server.Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
    gate.Enter();
    res.set_content("late", "text/plain");
  });
  s.Start();
  HttplibTransport transport(HttpOptions{});
  core::StopSignal stop;
  HttpRequest r{"GET", absl::StrCat("http://127.0.0.1:", s.port, "/slow")};
  r.stop = &stop;
  auto pending = std::async(std::launch::async, [&] { return transport.Send(r); });
  gate.AwaitEntered();
  absl::Time t0 = absl::Now();
  stop.Stop();
  // Generous bound: only catches a transfer that ignores the stop.
  ASSERT_EQ(pending.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  absl::StatusOr<HttpResponse> resp = pending.get();
  EXPECT_LT(absl::Now() - t0, absl::Seconds(20));
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kCancelled) << resp.status();
  gate.Open();
  // Already stopped: nothing is sent.
  absl::StatusOr<HttpResponse> again = transport.Send(r);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kCancelled);
}

TEST(HttpTransport, ReadTimeoutEndsAStalledResponse) {
  Running<httplib::Server> s;
  Gate gate;
  s.server.Get("/stall", [&](const httplib::Request&, httplib::Response&) { gate.Enter(); });
  s.Start();
  HttplibTransport transport(HttpOptions{});
  HttpRequest r{"GET", absl::StrCat("http://127.0.0.1:", s.port, "/stall")};
  r.timeout = absl::Milliseconds(200);
  absl::StatusOr<HttpResponse> resp = transport.Send(r);
  gate.Open();
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kUnavailable) << resp.status();
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<plugin::Certificate> cert = plugin::GenerateSelfSigned();
    ASSERT_TRUE(cert.ok()) << cert.status();
    dir_ = std::filesystem::path(::testing::TempDir()) /
           absl::StrCat("vpcep-tls-", ::getpid(), "-", ::testing::UnitTest::GetInstance()
                                                           ->current_test_info()
                                                           ->name());
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "cert.pem") << cert->cert_pem;
    std::ofstream(dir_ / "key.pem") << cert->key_pem;
    server_ = std::make_unique<Running<httplib::SSLServer>>((dir_ / "cert.pem").c_str(),
                                                            (dir_ / "key.pem").c_str());
    ASSERT_TRUE(server_->server.is_valid());
    server_->server.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("secure", "text/plain");
    });
    server_->Start();
  }
  void TearDown() override {
    server_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string Url(const char* host) { return absl::StrCat("https://", host, ":", server_->port, "/"); }

  std::filesystem::path dir_;
  std::unique_ptr<Running<httplib::SSLServer>> server_;
};

TEST_F(TlsTest, UntrustedCertificateIsRefusedWithAReason) {
  HttplibTransport transport(HttpOptions{});
  absl::StatusOr<HttpResponse> resp = transport.Send({"GET", Url("localhost")});
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(resp.status().message(), HasSubstr("not trusted"));
  EXPECT_THAT(resp.status().message(), HasSubstr("self-signed"));
}

TEST_F(TlsTest, InsecureSkipsVerification) {
  HttpOptions o;
  o.insecure = true;
  HttplibTransport transport(o);
  absl::StatusOr<HttpResponse> resp = transport.Send({"GET", Url("localhost")});
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->body, "secure");
}

TEST_F(TlsTest, TrustedCertificateIsAcceptedOnlyForItsHostName) {
  // OpenSSL's default verify paths honour SSL_CERT_FILE.
  ASSERT_EQ(::setenv("SSL_CERT_FILE", (dir_ / "cert.pem").c_str(), 1), 0);
  HttplibTransport transport(HttpOptions{});
  absl::StatusOr<HttpResponse> resp = transport.Send({"GET", Url("localhost")});
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->body, "secure");
  // The certificate names localhost only.
  resp = transport.Send({"GET", Url("127.0.0.1")});
  ASSERT_FALSE(resp.ok());
  EXPECT_THAT(resp.status().message(), HasSubstr("not trusted"));
  ::unsetenv("SSL_CERT_FILE");
}

TEST(HttpTransport, PlainRequestsGoThroughTheProxyUnlessExcluded) {
  Running<httplib::Server> proxy;
  std::mutex mu;
  std::vector<std::string> seen;
  proxy.server.Get(".*", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(req.target);
    res.set_content("via proxy", "text/plain");
  });
  proxy.Start();
  Running<httplib::Server> origin;
  origin.server.Get("/direct", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("direct", "text/plain");
  });
  origin.Start();

  HttpOptions o;
  o.http_proxy = absl::StrCat("http://127.0.0.1:", proxy.port);
  HttplibTransport transport(o);
  std::string url = absl::StrCat("http://127.0.0.1:", origin.port, "/direct");
  absl::StatusOr<HttpResponse> resp = transport.Send({"GET", url});
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->body, "via proxy");
  {
    std::lock_guard<std::mutex> lock(mu);  // the proxy's thread wrote it
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0], url) << "a proxy gets the absolute URL";
  }

  o.no_proxy = "localhost, 127.0.0.1";
  HttplibTransport bypass(o);
  resp = bypass.Send({"GET", url});
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->body, "direct");
}

TEST(HttpTransport, NoProxyMatching) {
  EXPECT_TRUE(NoProxyMatches("*", "anything.example"));
  EXPECT_TRUE(NoProxyMatches("example.com", "example.com"));
  EXPECT_TRUE(NoProxyMatches("example.com", "api.Example.com"));
  EXPECT_TRUE(NoProxyMatches(".example.com", "api.example.com"));
  EXPECT_TRUE(NoProxyMatches("a.test, example.com:443", "vpcep.example.com"));
  EXPECT_TRUE(NoProxyMatches("[::1]", "::1"));
  EXPECT_FALSE(NoProxyMatches("example.com", "badexample.com"));
  EXPECT_FALSE(NoProxyMatches("", "example.com"));
  EXPECT_FALSE(NoProxyMatches("other.test", "example.com"));
}

}  // namespace
}  // namespace vpcep::cloud
