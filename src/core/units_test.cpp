#include "core/units.hpp"

#include <gtest/gtest.h>

namespace brokle {

TEST(units, parses_sizes_with_binary_suffixes) {
  EXPECT_EQ(parse_size("1024"), 1024u);
  EXPECT_EQ(parse_size("10MiB"), 10u * 1024 * 1024);
  EXPECT_EQ(parse_size("16kb"), 16u * 1024);
  EXPECT_EQ(parse_size(" 2G "), 2ull * 1024 * 1024 * 1024);
  EXPECT_FALSE(parse_size("ten"));
  EXPECT_FALSE(parse_size("10XB"));
  EXPECT_FALSE(parse_size(""));
  EXPECT_FALSE(parse_size("-1"));
  EXPECT_FALSE(parse_size("99999999999999999999"));
}

TEST(units, parses_durations) {
  using std::chrono::milliseconds;
  EXPECT_EQ(parse_duration("250ms"), milliseconds(250));
  EXPECT_EQ(parse_duration("10s"), milliseconds(10000));
  EXPECT_EQ(parse_duration("10"), milliseconds(10000));
  EXPECT_EQ(parse_duration("5m"), milliseconds(300000));
  EXPECT_EQ(parse_duration("1h"), milliseconds(3600000));
  EXPECT_FALSE(parse_duration("1w"));
  EXPECT_FALSE(parse_duration("s"));
}

TEST(units, parses_bools_and_ints) {
  EXPECT_EQ(parse_bool("YES"), true);
  EXPECT_EQ(parse_bool("off"), false);
  EXPECT_FALSE(parse_bool("maybe"));
  EXPECT_EQ(parse_int("-42"), -42);
  EXPECT_FALSE(parse_int("42x"));
}

TEST(units, formats_round_trip) {
  EXPECT_EQ(format_size(10 * 1024 * 1024), "10MiB");
  EXPECT_EQ(format_size(1000), "1000");
  EXPECT_EQ(format_duration(std::chrono::milliseconds(75000)), "75s");
  EXPECT_EQ(format_duration(std::chrono::milliseconds(1500)), "1500ms");
  EXPECT_EQ(parse_size(format_size(16384)), 16384u);
}

}  // namespace brokle
