#include "provider/core/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace vpcep::core {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";
const std::string kZhong = "\xE4\xB8\xAD";         // 中, 3 bytes
const std::string kEmoji = "\xF0\x9F\x98\x80";     // U+1F600, 4 bytes

TEST(Utf8, ValidAcceptsAsciiAndMultiByteCharacters) {
  EXPECT_TRUE(ValidUtf8(""));
  EXPECT_TRUE(ValidUtf8("plain"));
  EXPECT_TRUE(ValidUtf8("caf\xC3\xA9 " + kZhong + kEmoji));
  EXPECT_TRUE(ValidUtf8(std::string("nul\0inside", 10)));
}

TEST(Utf8, ValidRefusesMalformedSequences) {
  for (const char* bad : {"\xFF", "\x80", "\xC3", "\xC0\xAF" /* overlong '/' */,
                          "\xE0\x80\xAF" /* overlong */, "\xED\xA0\x80" /* surrogate */,
                          "\xF4\x90\x80\x80" /* above U+10FFFF */, "\xE4\xB8" /* cut */,
                          "\xE4\x41\xAD"}) {
    EXPECT_FALSE(ValidUtf8(bad)) << bad;
  }
}

TEST(Utf8, SanitizeReplacesEachInvalidByte) {
  EXPECT_EQ(SanitizeUtf8("ok"), "ok");
  EXPECT_EQ(SanitizeUtf8(kZhong), kZhong);
  EXPECT_EQ(SanitizeUtf8("a\xFF" "b"), "a" + kFffd + "b");
  EXPECT_EQ(SanitizeUtf8("\xE4\xB8"), kFffd + kFffd);
  EXPECT_TRUE(ValidUtf8(SanitizeUtf8("\xC0\xAF\xED\xA0\x80\xF4\x90\x80\x80")));
}

TEST(Utf8, TruncateNeverCutsACharacter) {
  std::string text = "ab" + kZhong + kEmoji;  // 2 + 3 + 4 bytes
  EXPECT_EQ(TruncateUtf8(text, 100), text);
  EXPECT_EQ(TruncateUtf8(text, 5), "ab" + kZhong);
  EXPECT_EQ(TruncateUtf8(text, 4), "ab");
  EXPECT_EQ(TruncateUtf8(text, 8), "ab" + kZhong);
  EXPECT_EQ(TruncateUtf8(text, 0), "");
}

TEST(Utf8, TruncateAlsoRepairs) {
  EXPECT_EQ(TruncateUtf8("a\xFF" "bcd", 5), "a" + kFffd + "b");
  std::string long_text(200, 'x');
  long_text += kZhong;  // bytes 200-202: the old 200-byte cut split this
  EXPECT_EQ(TruncateUtf8(long_text, 201), std::string(200, 'x'));
}

TEST(Utf8, CountCodePointsCountsCharactersNotBytes) {
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints(kZhong + kZhong + kEmoji), 3u);
  EXPECT_EQ(CountCodePoints("a\xFF\xFE"), 3u);
  EXPECT_EQ(CountCodePoints("\xE4\xB8"), 2u);
}

}  // namespace
}  // namespace vpcep::core
