#include "provider/plugin/handshake.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace vpcep::plugin {
namespace {

using ::testing::HasSubstr;

TEST(NegotiateVersion, PicksHighestCommonVersionInAnyOrder) {
  EXPECT_EQ(*NegotiateVersion("5,6", {5, 6}), 6);
  EXPECT_EQ(*NegotiateVersion("6,5", {5, 6}), 6);
  EXPECT_EQ(*NegotiateVersion(" 5 , 4 ", {5, 6}), 5);
  EXPECT_EQ(*NegotiateVersion("7,5", {5, 6}), 5);
}

TEST(NegotiateVersion, NoCommonVersionExplains) {
  absl::StatusOr<int> v = NegotiateVersion("4", {5, 6});
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(std::string(v.status().message()), HasSubstr("[4]"));
  EXPECT_FALSE(NegotiateVersion("", {5, 6}).ok());
  EXPECT_FALSE(NegotiateVersion("x,y", {5, 6}).ok());
}

TEST(MagicCookie, OnlyTerraformsCookieIsAccepted) {
  EXPECT_TRUE(CheckMagicCookie(std::string(kMagicCookieValue).c_str()).ok());
  EXPECT_FALSE(CheckMagicCookie(nullptr).ok());
  EXPECT_FALSE(CheckMagicCookie("wrong").ok());
}

TEST(HandshakeLine, HasSixFieldsAndUnpaddedCertificate) {
  // 4 bytes of DER need padding in standard base64 ("AQIDBA==").
  std::string line = HandshakeLine(6, "unix", "/tmp/x/plugin.sock", std::string("\x01\x02\x03\x04"));
  EXPECT_EQ(line, "1|6|unix|/tmp/x/plugin.sock|grpc|AQIDBA");
  EXPECT_EQ(HandshakeLine(5, "tcp", "127.0.0.1:1234", ""), "1|5|tcp|127.0.0.1:1234|grpc|");
}

}  // namespace
}  // namespace vpcep::plugin
