#include "provider/plugin/certificate.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace vpcep::plugin {
namespace {

using ::testing::HasSubstr;

TEST(Base64, RoundTripsEveryLengthModuloThree) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "abcde"}) {
    std::string enc = Base64NoPadding(s);
    EXPECT_EQ(enc.find('='), std::string::npos);
    absl::StatusOr<std::string> dec = Base64Decode(enc);
    ASSERT_TRUE(dec.ok());
    EXPECT_EQ(*dec, s);
  }
}

TEST(Certificate, SelfSignedCertificateConvertsBetweenDerAndPem) {
  absl::StatusOr<Certificate> c = GenerateSelfSigned("P-256");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->cert_pem, HasSubstr("BEGIN CERTIFICATE"));
  EXPECT_THAT(c->key_pem, HasSubstr("PRIVATE KEY"));
  absl::StatusOr<std::string> pem = DerToPem(c->cert_der);
  ASSERT_TRUE(pem.ok());
  EXPECT_EQ(*pem, c->cert_pem);
  absl::StatusOr<Certificate> other = GenerateSelfSigned("P-256");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->cert_der, c->cert_der) << "a fresh key and certificate per start";
}

}  // namespace
}  // namespace vpcep::plugin
