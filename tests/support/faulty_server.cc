#include "tests/support/faulty_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "httplib.h"

namespace vpcep::testing {
namespace {

// Reads and writes over a plain socket or a TLS session.
class Stream {
 public:
  Stream(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  ~Stream() {
    if (ssl_ != nullptr) SSL_free(ssl_);
  }
  long Read(char* buf, size_t n) {
    return ssl_ != nullptr ? SSL_read(ssl_, buf, static_cast<int>(n)) : ::read(fd_, buf, n);
  }
  bool Write(const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
      long w = ssl_ != nullptr
                   ? SSL_write(ssl_, data.data() + done, static_cast<int>(data.size() - done))
                   : ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (w <= 0) return false;
      done += static_cast<size_t>(w);
    }
    return true;
  }

 private:
  int fd_;
  SSL* ssl_;
};

// Reads one request; false at the end of the connection.
bool ReadRequest(Stream& s, std::string& buffer, FaultyRequest& req) {
  char chunk[16384];
  size_t header_end;
  while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    long n = s.Read(chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
  }
  std::vector<std::string> lines = absl::StrSplit(buffer.substr(0, header_end), "\r\n");
  std::vector<std::string> first = absl::StrSplit(lines[0], ' ');
  if (first.size() < 2) return false;
  req = FaultyRequest{first[0], first[1], {}, ""};
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    req.headers[absl::AsciiStrToLower(lines[i].substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
  }
  size_t length = 0;
  if (auto it = req.headers.find("content-length"); it != req.headers.end()) {
    (void)absl::SimpleAtoi(it->second, &length);
  }
  buffer.erase(0, header_end + 4);
  while (buffer.size() < length) {
    long n = s.Read(chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
  }
  req.body = buffer.substr(0, length);
  buffer.erase(0, length);
  return true;
}

std::string Serialize(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                      const std::string& body) {
  std::string out = absl::StrCat("HTTP/1.1 ", status, " ", "X", "\r\n");
  for (const auto& [name, value] : headers) absl::StrAppend(&out, name, ": ", value, "\r\n");
  absl::StrAppend(&out, "Content-Length: ", body.size(), "\r\n\r\n", body);
  return out;
}

// Closes with a TCP reset instead of an orderly FIN.
void Reset(int fd) {
  struct linger l = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::shutdown(fd, SHUT_RD);
}

}  // namespace

absl::StatusOr<std::unique_ptr<FaultyServer>> FaultyServer::Start(Options options) {
  // Writing on after the client hung up is this server's job; the test
  // process must not die of it.
  ::signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<FaultyServer> server(new FaultyServer(std::move(options)));
  if (server->options_.tls) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    BIO* cert_bio = BIO_new_mem_buf(server->options_.cert_pem.data(),
                                    static_cast<int>(server->options_.cert_pem.size()));
    X509* cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
    BIO_free(cert_bio);
    BIO* key_bio = BIO_new_mem_buf(server->options_.key_pem.data(),
                                   static_cast<int>(server->options_.key_pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
    BIO_free(key_bio);
    bool ok = cert != nullptr && key != nullptr && SSL_CTX_use_certificate(ctx, cert) == 1 &&
              SSL_CTX_use_PrivateKey(ctx, key) == 1;
    X509_free(cert);
    EVP_PKEY_free(key);
    if (!ok) {
      SSL_CTX_free(ctx);
      return absl::InvalidArgumentError("FaultyServer: bad certificate or key");
    }
    server->ssl_ctx_ = ctx;
  }
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return absl::InternalError("FaultyServer: cannot listen on loopback");
  }
  server->listen_fd_ = fd;
  server->port_ = ntohs(addr.sin_port);
  server->acceptor_ = std::thread([s = server.get()] { s->AcceptLoop(); });
  return server;
}

FaultyServer::~FaultyServer() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);  // ends stalls and reads
    workers.swap(workers_);
  }
  for (std::thread& t : workers) t.join();
  if (ssl_ctx_ != nullptr) SSL_CTX_free(static_cast<SSL_CTX*>(ssl_ctx_));
}

void FaultyServer::AddRule(FaultyRule rule) {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.push_back(std::move(rule));
}

std::string FaultyServer::url() const {
  return absl::StrCat(options_.tls ? "https" : "http", "://localhost:", port_);
}

int FaultyServer::Count(Misbehaviour action) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counts_.find(action);
  return it == counts_.end() ? 0 : it->second;
}

void FaultyServer::AcceptLoop() {
  while (!stopping_) {
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) {
      if (stopping_) return;
      continue;
    }
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.push_back(fd);
    workers_.emplace_back([this, fd] { Serve(fd); });
  }
}

void FaultyServer::Serve(int fd) {
  auto finish = [this, fd](bool reset) {
    if (reset) Reset(fd);
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
    ::close(fd);
  };
  SSL* ssl = nullptr;
  if (options_.tls) {
    if (options_.stall_handshake) {
      char byte;
      while (::read(fd, &byte, 1) > 0) {}  // swallow the ClientHello, answer nothing
      finish(false);
      return;
    }
    ssl = SSL_new(static_cast<SSL_CTX*>(ssl_ctx_));
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) != 1) {
      SSL_free(ssl);
      finish(false);
      return;
    }
  }
  Stream stream(fd, ssl);
  std::string buffer;
  FaultyRequest req;
  httplib::Client upstream(options_.upstream);
  upstream.set_keep_alive(true);
  while (!stopping_ && ReadRequest(stream, buffer, req)) {
    FaultyRule rule;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (FaultyRule& r : rules_) {
        if (r.times != 0 && r.match(req)) {
          if (r.times > 0) --r.times;
          rule = r;
          break;
        }
      }
      ++counts_[rule.action];
    }
    switch (rule.action) {
      case Misbehaviour::kReset:
        finish(true);
        return;
      case Misbehaviour::kStall: {
        char byte;
        while (stream.Read(&byte, 1) > 0) {}
        finish(false);
        return;
      }
      case Misbehaviour::kRespond:
        if (!stream.Write(Serialize(rule.status, {{"Content-Type", rule.content_type}}, rule.body))) {
          finish(false);
          return;
        }
        continue;
      case Misbehaviour::kTruncate: {
        std::string whole =
            Serialize(rule.status, {{"Content-Type", rule.content_type}}, rule.body);
        stream.Write(whole.substr(0, whole.size() - rule.body.size() / 2));
        finish(false);
        return;
      }
      case Misbehaviour::kTrickle: {
        std::string whole =
            Serialize(rule.status, {{"Content-Type", rule.content_type}}, rule.body);
        size_t head = whole.size() - rule.body.size();
        bool ok = stream.Write(whole.substr(0, head));
        for (size_t i = head; ok && i < whole.size() && !stopping_; ++i) {
          ok = stream.Write(whole.substr(i, 1));
          if (ok) ++body_bytes_sent_;
          std::this_thread::sleep_for(std::chrono::seconds(1));  // the misbehaviour itself
        }
        finish(false);
        return;
      }
      case Misbehaviour::kHuge: {
        bool ok = stream.Write(absl::StrCat(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n",
            rule.announce_length ? absl::StrCat("Content-Length: ", rule.huge_bytes)
                                 : std::string("Connection: close"),
            "\r\n\r\n{\"connections\":["));
        const std::string chunk(64 << 10, ' ');
        for (int64_t sent = 0; ok && sent < rule.huge_bytes && !stopping_; sent += chunk.size()) {
          ok = stream.Write(chunk);
          if (ok) body_bytes_sent_ += chunk.size();
        }
        finish(false);
        return;
      }
      case Misbehaviour::kForward:
      case Misbehaviour::kForwardThenReset:
        break;
    }
    httplib::Request out;
    out.method = req.method;
    out.path = req.target;
    for (const auto& [name, value] : req.headers) {
      if (name != "host" && name != "content-length" && name != "connection") {
        out.headers.emplace(name, value);
      }
    }
    out.body = req.body;
    httplib::Response res;
    httplib::Error error;
    bool sent = upstream.send(out, res, error);
    if (rule.action == Misbehaviour::kForwardThenReset || !sent) {
      finish(true);
      return;
    }
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& [name, value] : res.headers) {
      std::string lower = absl::AsciiStrToLower(name);
      if (lower != "content-length" && lower != "transfer-encoding" && lower != "connection") {
        headers.emplace_back(name, value);
      }
    }
    if (!stream.Write(Serialize(res.status, headers, res.body))) break;
  }
  finish(false);
}

}  // namespace vpcep::testing
