#include "core/dotenv.hpp"

#include <gtest/gtest.h>

namespace brokle {

TEST(dotenv, parses_plain_quoted_exported_and_commented_lines) {
  auto r = parse_dotenv(
      "# comment\n"
      "BROKLE_HTTP_PORT=9090\n"
      "export LOG_LEVEL=debug # trailing comment\n"
      "QUOTED=\"a b\\nc\"\n"
      "SINGLE='x#y'\n"
      "\n"
      "EMPTY=\r\n");
  ASSERT_TRUE(r) << r.err().message;
  ASSERT_EQ(r->size(), 5u);
  EXPECT_EQ((*r)[0], (std::pair<std::string, std::string>{"BROKLE_HTTP_PORT", "9090"}));
  EXPECT_EQ((*r)[1].second, "debug");
  EXPECT_EQ((*r)[2].second, "a b\nc");
  EXPECT_EQ((*r)[3].second, "x#y");
  EXPECT_EQ((*r)[4].second, "");
}

TEST(dotenv, reports_malformed_lines_with_their_number) {
  auto r = parse_dotenv("A=1\nthis is not an assignment\n");
  ASSERT_FALSE(r);
  EXPECT_NE(r.err().message.find("line 2"), std::string::npos);
  EXPECT_FALSE(parse_dotenv("1BAD=x"));
  EXPECT_FALSE(parse_dotenv("A=\"unterminated"));
  EXPECT_FALSE(parse_dotenv("A=\"x\" junk"));
}

}  // namespace brokle
