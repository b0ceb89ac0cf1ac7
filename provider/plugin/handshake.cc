#include "provider/plugin/handshake.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "provider/plugin/certificate.h"

namespace vpcep::plugin {

absl::Status CheckMagicCookie(const char* cookie) {
  if (cookie != nullptr && kMagicCookieValue == cookie) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "This binary is a plugin for Terraform and OpenTofu. It is not meant to be run "
      "directly: Terraform starts it when a configuration uses the vpcep provider.\n"
      "To run it by hand for debugging, pass --debug and follow the printed instructions.");
}

absl::StatusOr<int> NegotiateVersion(absl::string_view offered, const std::set<int>& supported) {
  int best = -1;
  for (absl::string_view part : absl::StrSplit(offered, ',', absl::SkipWhitespace())) {
    int v = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(part), &v) && supported.count(v) > 0 &&
        v > best) {
      best = v;
    }
  }
  if (best < 0) {
    std::string ours;
    for (int v : supported) absl::StrAppend(&ours, ours.empty() ? "" : ",", v);
    return absl::FailedPreconditionError(absl::StrCat(
        "Terraform offered plugin protocol versions [", offered, "] but this provider serves [",
        ours, "]. Use Terraform 0.12 or later, or OpenTofu."));
  }
  return best;
}

std::string HandshakeLine(int version, absl::string_view network, absl::string_view address,
                          absl::string_view cert_der) {
  return absl::StrCat("1|", version, "|", network, "|", address, "|grpc|",
                      cert_der.empty() ? "" : Base64NoPadding(cert_der));
}

}  // namespace vpcep::plugin
