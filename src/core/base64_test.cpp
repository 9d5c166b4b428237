#include "core/base64.hpp"

#include <gtest/gtest.h>

namespace brokle {
namespace {

TEST(base64, round_trips_and_rejects_malformed_text) {
  for (const std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    EXPECT_EQ(base64_decode(base64_encode(s)), s) << s;
  }
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_decode("Zm8"), "fo");
  EXPECT_EQ(base64_decode("_-8="), base64_decode("/+8="));
  EXPECT_FALSE(base64_decode("Zm8=="));
  EXPECT_FALSE(base64_decode("Z"));
  EXPECT_FALSE(base64_decode("Zm 8"));
  EXPECT_FALSE(base64_decode("=Zm8"));
}

}  // namespace
}  // namespace brokle
