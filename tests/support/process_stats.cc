#include "tests/support/process_stats.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace vpcep::testing {

OpenDescriptors CountDescriptors(pid_t pid, int api_port) {
  // /proc/<pid>/net/tcp{,6}: the remote address is "hex-ip:hex-port", the
  // tenth field the socket's inode, which /proc/<pid>/fd links name.
  std::set<std::string> api_sockets;
  for (const char* table : {"tcp", "tcp6"}) {
    std::ifstream in(absl::StrCat("/proc/", pid, "/net/", table));
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string f[10];
      for (std::string& field : f) fields >> field;
      const std::string& remote = f[2];
      size_t colon = remote.rfind(':');
      int port = 0;
      if (colon != std::string::npos &&
          absl::SimpleHexAtoi(remote.substr(colon + 1), &port) && port == api_port) {
        api_sockets.insert(absl::StrCat("socket:[", f[9], "]"));
      }
    }
  }
  OpenDescriptors n;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(absl::StrCat("/proc/", pid, "/fd"), ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::error_code link_ec;
    std::string target = std::filesystem::read_symlink(it->path(), link_ec).string();
    ++(api_sockets.count(target) != 0 ? n.to_api : n.others);
  }
  return n;
}

int PortOf(const std::string& url) {
  int port = 0;
  size_t colon = url.rfind(':');
  if (colon == std::string::npos || !absl::SimpleAtoi(url.substr(colon + 1), &port)) return 0;
  return port;
}

}  // namespace vpcep::testing
