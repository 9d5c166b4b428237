#include "core/timestamp.hpp"

#include <gtest/gtest.h>

namespace brokle {

TEST(timestamp, parses_rfc3339_forms) {
  EXPECT_EQ(parse_rfc3339_ns("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339_ns("2024-05-01T12:00:00Z"), 1714564800LL * 1'000'000'000);
  EXPECT_EQ(parse_rfc3339_ns("2024-05-01T12:00:00.123Z"), 1714564800LL * 1'000'000'000 + 123'000'000);
  EXPECT_EQ(parse_rfc3339_ns("2024-05-01T12:00:00.123456789123Z"), 1714564800LL * 1'000'000'000 + 123'456'789);
  EXPECT_EQ(parse_rfc3339_ns("2024-05-01T14:00:00+02:00"), 1714564800LL * 1'000'000'000);
  EXPECT_EQ(parse_rfc3339_ns("2024-05-01T07:30:00-0430"), 1714564800LL * 1'000'000'000);
  EXPECT_EQ(parse_rfc3339_ns("2024-05-01 12:00:00"), 1714564800LL * 1'000'000'000);
  EXPECT_EQ(parse_rfc3339_ns("2024-05-01T12:00"), 1714564800LL * 1'000'000'000);
  EXPECT_EQ(parse_rfc3339_ns("2024-02-29"), 1709164800LL * 1'000'000'000);
}

TEST(timestamp, refuses_what_is_not_a_timestamp) {
  for (auto bad : {"", "2024", "2024-13-01T00:00:00Z", "2023-02-29", "2024-05-01T25:00:00Z", "2024-05-01T12:00:00.Z",
                   "2024-05-01T12:00:00Zjunk", "2024-05-01X12:00", "yesterday", "2024-05-01T12:00:00+2"})
    EXPECT_FALSE(parse_rfc3339_ns(bad).has_value()) << bad;
}

TEST(timestamp, numbers_are_read_by_magnitude) {
  EXPECT_EQ(unix_number_to_ns(1714564800), 1714564800LL * 1'000'000'000);
  EXPECT_EQ(unix_number_to_ns(1714564800123.0), 1714564800123LL * 1'000'000);
  EXPECT_EQ(unix_number_to_ns(1714564800123456.0), 1714564800123456LL * 1'000);
  EXPECT_EQ(unix_number_to_ns(1.714564800123456e18), 1714564800123456000LL);
  EXPECT_EQ(unix_number_to_ns(-5), 0);
}

TEST(timestamp, query_times_accept_what_clients_put_in_urls) {
  constexpr int64_t noon = 1714564800LL * 1'000'000'000;
  EXPECT_EQ(parse_query_time_ns("2024-05-01T12:00:00.000Z"), noon);  // Date.toISOString()
  EXPECT_EQ(parse_query_time_ns("2024-05-01T14:00:00+02:00"), noon);  // escaped '+' (%2B)
  EXPECT_EQ(parse_query_time_ns("2024-05-01T14:00:00 02:00"), noon);  // '+' typed unescaped, form-decoded
  EXPECT_EQ(parse_query_time_ns("2024-05-01 14:00:00 02:00"), noon);
  EXPECT_EQ(parse_query_time_ns("2024-05-01 12:00:00"), noon);
  EXPECT_EQ(parse_query_time_ns("1714564800"), noon);
  EXPECT_EQ(parse_query_time_ns("1714564800.5"), noon + 500'000'000);
  EXPECT_EQ(parse_query_time_ns("1714564800000"), noon);
  for (auto bad : {"", "0", "-5", "soon", "1714564800x", "2024-05-01T14:00:00 2", "nan"})
    EXPECT_FALSE(parse_query_time_ns(bad).has_value()) << bad;
}

}  // namespace brokle
