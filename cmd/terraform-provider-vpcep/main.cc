// terraform-provider-vpcep: started by Terraform (or OpenTofu) as a plugin.
// `--debug` serves without Terraform's supervision for attaching a debugger.
#include <malloc.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "provider/plugin/server.h"
#include "resources/vpcep_provider.h"

#ifndef VPCEP_VERSION
#define VPCEP_VERSION "dev"
#endif

// libcurl's RTMP support (librtmp) loads GnuTLS, whose constructor sets
// itself up before main: memory and start-up time for a library the
// provider never calls (libcurl uses OpenSSL here, for http and https only;
// figures in bench/RESULTS.md). GnuTLS asks this weak hook of its whether to
// skip that (exported by the link options in CMakeLists.txt beside this file).
extern "C" __attribute__((visibility("default"))) int _gnutls_global_init_skip() { return 1; }

namespace {

constexpr char kUsage[] =
    "terraform-provider-vpcep " VPCEP_VERSION "\n"
    "A Terraform/OpenTofu provider for Huawei Cloud VPC endpoint connection approvals.\n"
    "Terraform starts this binary itself; it is not meant to be run by hand.\n\n"
    "Options:\n"
    "  --debug             serve in debug mode and print TF_REATTACH_PROVIDERS\n"
    "  --protocol 5|6      protocol served in debug mode (default 6)\n"
    "  --address ADDR      provider source address for the reattach value\n"
    "                      (default terraform.local/vpcep/vpcep)\n"
    "  -v, --version       print the version and exit\n"
    "  --help              this text\n";

}  // namespace

int main(int argc, char** argv) {
  // glibc gives each thread that allocates its own arena, and keeps freed
  // large blocks for reuse. A process that mostly waits on I/O needs neither:
  // one arena, and listing bodies (>= 64 KiB) mapped and unmapped on their own,
  // lower its peak RSS at the same speed (bench/RESULTS.md, "What changed").
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_MMAP_THRESHOLD, 64 * 1024);
  vpcep::plugin::ServeOptions options;
  options.provider_address = "terraform.local/vpcep/vpcep";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--debug") {
      options.debug = true;
    } else if (arg == "--protocol" && i + 1 < argc) {
      options.debug_protocol = std::atoi(argv[++i]) == 5 ? 5 : 6;
    } else if (arg == "--address" && i + 1 < argc) {
      options.provider_address = argv[++i];
    } else if (arg == "--version" || arg == "-v") {
      std::printf("%s\n", VPCEP_VERSION);
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      std::printf("%s", kUsage);
      return 0;
    } else {
      std::fprintf(stderr, "unknown argument: %s\n\n%s", arg.c_str(), kUsage);
      return 2;
    }
  }
  vpcep::resources::VpcepProvider provider;
  return vpcep::plugin::Serve(provider, options);
}
