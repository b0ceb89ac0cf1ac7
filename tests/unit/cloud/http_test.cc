// CurlTransport against local servers: round trips, connection reuse, errors,
// stop, timeouts, body cap, TLS verification and proxies.
#include "provider/cloud/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "provider/plugin/certificate.h"
#include "resources/vpcep_provider.h"

namespace vpcep::transport_test {
namespace {

using cloud::CurlTransport;
using cloud::HttpOptions;
using cloud::HttpRequest;
using cloud::HttpResponse;
using ::testing::HasSubstr;
using ::testing::Not;

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
  std::string Url(const std::string& path, const std::string& host = "127.0.0.1") const {
    return absl::StrCat("http://", host, ":", port, path);
  }
  ServerT server;
  int port = 0;
  std::thread thread;
};

// Accepts TCP connections (the kernel's backlog does) and never says a word:
// a TLS handshake against it stalls.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0 && ::listen(fd_, 8) == 0 &&
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }
  ~SilentListener() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
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

// Sets or clears an environment variable; restores it on destruction.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value == nullptr) {
      ::unsetenv(name);
    } else {
      ::setenv(name, value, 1);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// Every test starts without proxy or CA variables, whatever the machine has.
class HttpTransport : public ::testing::Test {
 protected:
  void Set(const char* name, const char* value) {
    env_.push_back(std::make_unique<ScopedEnv>(name, value));
  }
  void SetUp() override {
    for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                             "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY", "SSL_CERT_FILE",
                             "SSL_CERT_DIR"}) {
      Set(name, nullptr);
    }
  }
  std::vector<std::unique_ptr<ScopedEnv>> env_;
};

TEST_F(HttpTransport, RoundTripKeepsHeadersBodyAndStatus) {
  Running<httplib::Server> s;
  s.server.Post("/v1/p/things", [](const httplib::Request& req, httplib::Response& res) {
    res.status = 201;
    res.set_header("X-Request-Id", "req-1");
    res.set_content(absl::StrCat(req.method, " ", req.target, " ", req.get_header_value("X-Test"),
                                 " ", req.body),
                    "text/plain");
  });
  s.Start();
  CurlTransport transport(HttpOptions{});
  HttpRequest r{"POST", s.Url("/v1/p/things?a=1&b=%2F"),
                {{"X-Test", "yes"}, {"Content-Type", "application/json"}},
                "{\"x\":1}"};
  absl::StatusOr<HttpResponse> resp = transport.Send(r);
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->status, 201);
  EXPECT_EQ(resp->Header("x-request-id"), "req-1");
  EXPECT_EQ(resp->body, "POST /v1/p/things?a=1&b=%2F yes {\"x\":1}");
}

TEST_F(HttpTransport, SendsTheUserAgentAndAsksForNoCompression) {
  Running<httplib::Server> s;
  s.server.Get("/", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(absl::StrCat(req.get_header_value("User-Agent"), "|",
                                 req.has_header("Accept-Encoding") ? "encoding" : "identity"),
                    "text/plain");
  });
  s.Start();
  HttpOptions o;
  o.user_agent = resources::UserAgent("1.11.4");
  CurlTransport transport(o);
  absl::StatusOr<HttpResponse> resp = transport.Send({"GET", s.Url("/")});
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_THAT(resp->body, ::testing::MatchesRegex(
                              "terraform-provider-vpcep/[0-9.]+ Terraform/1\\.11\\.4\\|identity"));
  EXPECT_THAT(resources::UserAgent(""), ::testing::MatchesRegex("terraform-provider-vpcep/[0-9.]+"));
}

TEST_F(HttpTransport, ErrorStatusesAreResponsesNotFailures) {
  Running<httplib::Server> s;
  s.server.Get("/missing", [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content("{\"error_code\":\"X\"}", "application/json");
  });
  s.Start();
  CurlTransport transport(HttpOptions{});
  absl::StatusOr<HttpResponse> resp = transport.Send({"GET", s.Url("/missing")});
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->status, 404);
  EXPECT_EQ(resp->body, "{\"error_code\":\"X\"}");
}

TEST_F(HttpTransport, RedirectsAreNotFollowed) {
  Running<httplib::Server> s;
  s.server.Get("/old", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/new");
  });
  s.Start();
  CurlTransport transport(HttpOptions{});
  absl::StatusOr<HttpResponse> resp = transport.Send({"GET", s.Url("/old")});
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->status, 302);
  EXPECT_EQ(resp->Header("location"), "/new");
}

TEST_F(HttpTransport, ReusesOneConnectionForSequentialRequests) {
  Running<httplib::Server> s;
  std::mutex mu;
  std::set<int> client_ports;
  s.server.Get("/", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    client_ports.insert(req.remote_port);
    res.set_content("ok", "text/plain");
  });
  s.Start();
  CurlTransport transport(HttpOptions{});
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<HttpResponse> resp = transport.Send({"GET", s.Url("/")});
    ASSERT_TRUE(resp.ok()) << resp.status();
  }
  EXPECT_EQ(transport.connections_opened(), 1);
  std::lock_guard<std::mutex> lock(mu);  // the server thread wrote it
  EXPECT_EQ(client_ports.size(), 1u);
}

TEST_F(HttpTransport, ReusesConnectionsAcrossThreads) {
  Running<httplib::Server> s;
  s.server.set_keep_alive_max_count(1000);
  s.server.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok", "text/plain");
  });
  s.Start();
  CurlTransport transport(HttpOptions{});
  auto send = [&] {
    absl::StatusOr<HttpResponse> resp = transport.Send({"GET", s.Url("/")});
    EXPECT_TRUE(resp.ok()) << resp.status();
  };
  std::vector<std::thread> together;
  for (int i = 0; i < 4; ++i) together.emplace_back(send);
  for (std::thread& t : together) t.join();
  int opened = transport.connections_opened();
  EXPECT_GE(opened, 1);
  EXPECT_LE(opened, 4);
  for (int i = 0; i < 8; ++i) std::thread(send).join();  // each on a new thread
  EXPECT_EQ(transport.connections_opened(), opened);
}

TEST_F(HttpTransport, RefusedConnectionIsUnavailableAndNamesTheUrlAndCurlCode) {
  int port;
  {
    Running<httplib::Server> s;  // bind, then close: the port is free again
    s.Start();
    port = s.port;
  }
  CurlTransport transport(HttpOptions{});
  std::string url = absl::StrCat("http://127.0.0.1:", port, "/x");
  absl::StatusOr<HttpResponse> resp = transport.Send({"GET", url});
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(resp.status().message(), HasSubstr(absl::StrCat("GET ", url)));
  EXPECT_THAT(resp.status().message(),
              HasSubstr("Couldn't connect to server (CURLE_COULDNT_CONNECT 7)"));
}

TEST_F(HttpTransport, BadUrlsAreInvalidArguments) {
  CurlTransport transport(HttpOptions{});
  for (const char* url : {"ftp://h/x", "no-scheme", "http://:80/", "http://h:99999/",
                          "http://user:pw@h/"}) {
    absl::StatusOr<HttpResponse> resp = transport.Send({"GET", url});
    EXPECT_EQ(resp.status().code(), absl::StatusCode::kInvalidArgument) << url;
    EXPECT_THAT(resp.status().message(), Not(HasSubstr("pw@"))) << url;
  }
}

TEST_F(HttpTransport, StopAbortsABlockedRead) {
  Running<httplib::Server> s;
  Gate gate;
  s.server.Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
    gate.Enter();
    res.set_content("late", "text/plain");
  });
  s.Start();
  CurlTransport transport(HttpOptions{});
  core::StopSignal stop;
  HttpRequest r{"GET", s.Url("/slow")};
  r.stop = &stop;
  auto pending = std::async(std::launch::async, [&] { return transport.Send(r); });
  gate.AwaitEntered();
  absl::Time t0 = absl::Now();
  stop.Stop();
  ASSERT_EQ(pending.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  absl::StatusOr<HttpResponse> resp = pending.get();
  EXPECT_LT(absl::Now() - t0, absl::Seconds(2));
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kCancelled) << resp.status();
  gate.Open();
  // Already stopped: nothing is sent.
  absl::StatusOr<HttpResponse> again = transport.Send(r);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kCancelled);
}

TEST_F(HttpTransport, StopAbortsAStalledTlsHandshake) {
  SilentListener silent;
  ASSERT_GT(silent.port(), 0);
  CurlTransport transport(HttpOptions{});
  core::StopSignal stop;
  HttpRequest r{"GET", absl::StrCat("https://127.0.0.1:", silent.port(), "/")};
  r.stop = &stop;
  auto pending = std::async(std::launch::async, [&] { return transport.Send(r); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // into the handshake
  absl::Time t0 = absl::Now();
  stop.Stop();
  ASSERT_EQ(pending.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  absl::StatusOr<HttpResponse> resp = pending.get();
  // Well under libcurl's once-a-second progress callback: the stop wakes it.
  EXPECT_LT(absl::Now() - t0, absl::Milliseconds(500));
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kCancelled) << resp.status();
}

TEST_F(HttpTransport, RequestTimeoutCoversAStalledTlsHandshake) {
  SilentListener silent;
  ASSERT_GT(silent.port(), 0);
  CurlTransport transport(HttpOptions{});
  HttpRequest r{"GET", absl::StrCat("https://127.0.0.1:", silent.port(), "/")};
  r.timeout = absl::Milliseconds(300);
  absl::Time t0 = absl::Now();
  absl::StatusOr<HttpResponse> resp = transport.Send(r);
  EXPECT_LT(absl::Now() - t0, absl::Seconds(2));
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kDeadlineExceeded) << resp.status();
  EXPECT_THAT(resp.status().message(), HasSubstr("CURLE_OPERATION_TIMEDOUT 28"));
}

TEST_F(HttpTransport, ReadTimeoutEndsAStalledResponse) {
  Running<httplib::Server> s;
  Gate gate;
  s.server.Get("/stall", [&](const httplib::Request&, httplib::Response&) { gate.Enter(); });
  s.Start();
  CurlTransport transport(HttpOptions{});
  HttpRequest r{"GET", s.Url("/stall")};
  r.timeout = absl::Milliseconds(200);
  absl::StatusOr<HttpResponse> resp = transport.Send(r);
  gate.Open();
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kDeadlineExceeded) << resp.status();
}

TEST_F(HttpTransport, RequestTimeoutBoundsTheWholeTransferNotEachRead) {
  Running<httplib::Server> s;
  // A byte every 50 ms for 3 s: no single read ever waits long.
  s.server.Get("/trickle", [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain", [](size_t offset, httplib::DataSink& sink) {
      if (offset >= 60) {
        sink.done();
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      return sink.write("x", 1);
    });
  });
  s.Start();
  CurlTransport transport(HttpOptions{});
  HttpRequest r{"GET", s.Url("/trickle")};
  r.timeout = absl::Milliseconds(400);
  absl::Time t0 = absl::Now();
  absl::StatusOr<HttpResponse> resp = transport.Send(r);
  EXPECT_LT(absl::Now() - t0, absl::Milliseconds(1500));
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kDeadlineExceeded) << resp.status();
}

TEST_F(HttpTransport, OversizedBodyFailsWhileArriving) {
  constexpr size_t kBody = 50u << 20;
  Running<httplib::Server> s;
  s.server.Get("/chunked", [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain", [](size_t offset, httplib::DataSink& sink) {
      if (offset >= kBody) {
        sink.done();
        return true;
      }
      static const std::string kChunk(1 << 20, 'x');
      return sink.write(kChunk.data(), kChunk.size());
    });
  });
  s.server.Get("/sized", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(kBody, 'x'), "text/plain");
  });
  s.Start();
  CurlTransport transport(HttpOptions{});
  for (const char* path : {"/chunked", "/sized"}) {
    std::string url = s.Url(path);
    absl::StatusOr<HttpResponse> resp = transport.Send({"GET", url});
    ASSERT_FALSE(resp.ok()) << path;
    EXPECT_EQ(resp.status().code(), absl::StatusCode::kResourceExhausted) << resp.status();
    EXPECT_THAT(resp.status().message(), HasSubstr(absl::StrCat("GET ", url)));
    EXPECT_THAT(resp.status().message(), HasSubstr("exceeds 16 MiB"));
  }
}

TEST_F(HttpTransport, PlainRequestsGoThroughTheProxy) {
  Running<httplib::Server> proxy;
  std::mutex mu;
  std::vector<std::string> seen;
  proxy.server.Get(".*", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(req.target);
    res.set_content("via proxy", "text/plain");
  });
  proxy.Start();
  Set("http_proxy", proxy.Url("").c_str());
  CurlTransport transport(HttpOptions{});
  std::string url = "http://vpcep.example.test/direct";
  absl::StatusOr<HttpResponse> resp = transport.Send({"GET", url});
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->body, "via proxy");
  std::lock_guard<std::mutex> lock(mu);  // the proxy's thread wrote it
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], url) << "a proxy gets the absolute URL";
}

// A proxy, and hosts under the reserved .invalid domain that no resolver
// knows: a request that goes direct fails to resolve, one that goes through
// the proxy gets its answer. (Loopback hosts never use the proxy, below.)
class NoProxyTest : public HttpTransport {
 protected:
  void SetUp() override {
    HttpTransport::SetUp();
    proxy_.server.Get(".*", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("via proxy", "text/plain");
    });
    proxy_.Start();
    Set("http_proxy", proxy_.Url("").c_str());
  }
  std::string Via(const std::string& no_proxy, const std::string& host) {
    ScopedEnv env("NO_PROXY", no_proxy.c_str());
    CurlTransport transport(HttpOptions{});
    absl::StatusOr<HttpResponse> resp =
        transport.Send({"GET", absl::StrCat("http://", host, ":8080/")});
    if (resp.ok()) return resp->body;
    return absl::StrContains(resp.status().message(), "CURLE_COULDNT_RESOLVE_HOST")
               ? "direct"
               : std::string(resp.status().message());
  }
  Running<httplib::Server> proxy_;
};

TEST_F(NoProxyTest, AHostIsReachedDirectly) {
  EXPECT_EQ(Via("", "vpcep.invalid"), "via proxy");
  EXPECT_EQ(Via("localhost, vpcep.invalid", "vpcep.invalid"), "direct");
  EXPECT_EQ(Via("*", "vpcep.invalid"), "direct");
}

TEST_F(NoProxyTest, ADomainSuffixCoversItsSubdomains) {
  EXPECT_EQ(Via("invalid", "api.vpcep.invalid"), "direct");
  EXPECT_EQ(Via(".invalid", "api.vpcep.invalid"), "direct");
  EXPECT_EQ(Via("other.test", "api.vpcep.invalid"), "via proxy");
}

TEST_F(NoProxyTest, AnEntryWithAPortExcludesNothing) {
  // libcurl 7.88 compares host names only: "host:port" matches no host.
  EXPECT_EQ(Via("vpcep.invalid:8080", "vpcep.invalid"), "via proxy");
}

// A plain-http endpoint on this machine (the simulator, a local gateway)
// never goes through http_proxy: the proxy would get the token in clear and
// may be another host. Issue 22, item 9.
TEST_F(NoProxyTest, PlainHttpLoopbackEndpointsNeverUseTheProxy) {
  Running<httplib::Server> origin;
  std::mutex mu;
  std::vector<std::string> tokens;
  origin.server.Get("/", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    tokens.push_back(req.get_header_value("X-Auth-Token"));
    res.set_content("direct", "text/plain");
  });
  origin.Start();
  for (std::string all : {"", "1"}) {
    ScopedEnv all_proxy("ALL_PROXY", all.empty() ? nullptr : proxy_.Url("").c_str());
    for (const char* host : {"127.0.0.1", "localhost", "api.localhost"}) {
      CurlTransport transport(HttpOptions{});
      HttpRequest req{"GET", origin.Url("/", host), {{"X-Auth-Token", "secret-token"}}};
      absl::StatusOr<HttpResponse> resp = transport.Send(req);
      ASSERT_TRUE(resp.ok()) << host << ": " << resp.status();
      EXPECT_EQ(resp->body, "direct") << host;
    }
  }
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(tokens.size(), 6u);
}

TEST_F(HttpTransport, ProxyCredentialsAreSentAndNeverShown) {
  Running<httplib::Server> proxy;
  proxy.server.Get(".*", [](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Proxy-Authorization") != "Basic dXNlcjpzM2NyZXQ=") {
      res.status = 407;
      return;
    }
    res.set_content("authorized", "text/plain");
  });
  proxy.Start();
  Set("http_proxy", absl::StrCat("http://user:s3cret@127.0.0.1:", proxy.port).c_str());
  CurlTransport transport(HttpOptions{});
  absl::StatusOr<HttpResponse> resp = transport.Send({"GET", "http://vpcep.example.test/"});
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->body, "authorized");

  int closed;
  {
    Running<httplib::Server> s;
    s.Start();
    closed = s.port;
  }
  for (std::string proxy_url : {absl::StrCat("http://user:s3cret@127.0.0.1:", closed),
                                std::string("http://user:s3cret@[bad")}) {
    ScopedEnv env("http_proxy", proxy_url.c_str());
    CurlTransport failing(HttpOptions{});
    resp = failing.Send({"GET", "http://vpcep.example.test/"});
    ASSERT_FALSE(resp.ok()) << proxy_url;
    EXPECT_THAT(resp.status().message(), Not(HasSubstr("s3cret"))) << resp.status();
  }
}

class TlsTest : public HttpTransport {
 protected:
  void SetUp() override {
    HttpTransport::SetUp();
    absl::StatusOr<plugin::Certificate> cert = plugin::GenerateSelfSigned();
    ASSERT_TRUE(cert.ok()) << cert.status();
    cert_pem_ = cert->cert_pem;
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
  // A directory as c_rehash makes it: <subject hash>.0 holds the certificate.
  std::filesystem::path HashedDir() {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(cert_pem_.data(),
                                                                  static_cast<int>(cert_pem_.size())),
                                                  BIO_free);
    std::unique_ptr<X509, decltype(&X509_free)> x509(
        PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
    std::filesystem::path dir = dir_ / "hashed";
    std::filesystem::create_directories(dir);
    if (x509) {
      std::ofstream(dir / absl::StrFormat("%08lx.0", X509_subject_name_hash(x509.get())))
          << cert_pem_;
    }
    return dir;
  }

  std::string cert_pem_;
  std::filesystem::path dir_;
  std::unique_ptr<Running<httplib::SSLServer>> server_;
};

TEST_F(TlsTest, UntrustedCertificateIsRefusedWithAReason) {
  CurlTransport transport(HttpOptions{});
  absl::StatusOr<HttpResponse> resp = transport.Send({"GET", Url("localhost")});
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(resp.status().message(), HasSubstr("not trusted"));
  EXPECT_THAT(resp.status().message(), HasSubstr("self-signed"));
}

TEST_F(TlsTest, InsecureSkipsVerification) {
  HttpOptions o;
  o.insecure = true;
  CurlTransport transport(o);
  absl::StatusOr<HttpResponse> resp = transport.Send({"GET", Url("localhost")});
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->body, "secure");
}

TEST_F(TlsTest, SslCertFileIsTrustedOnlyForTheCertificatesHostName) {
  Set("SSL_CERT_FILE", (dir_ / "cert.pem").c_str());
  CurlTransport transport(HttpOptions::FromEnvironment());
  absl::StatusOr<HttpResponse> resp = transport.Send({"GET", Url("localhost")});
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->body, "secure");
  // The certificate names localhost only.
  resp = transport.Send({"GET", Url("127.0.0.1")});
  ASSERT_FALSE(resp.ok());
  EXPECT_THAT(resp.status().message(), HasSubstr("not trusted"));
}

TEST_F(TlsTest, SslCertDirIsTrusted) {
  Set("SSL_CERT_DIR", HashedDir().c_str());
  CurlTransport transport(HttpOptions::FromEnvironment());
  absl::StatusOr<HttpResponse> resp = transport.Send({"GET", Url("localhost")});
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->body, "secure");
}

}  // namespace
}  // namespace vpcep::transport_test
