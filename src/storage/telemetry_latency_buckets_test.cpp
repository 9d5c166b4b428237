#include "storage/telemetry_latency_buckets.hpp"

#include <gtest/gtest.h>

#include <array>

namespace brokle::storage {

namespace {

TEST(telemetry_latency_buckets, durations_land_in_their_bucket) {
  EXPECT_EQ(latency_bucket_of_ns(0), 0);
  EXPECT_EQ(latency_bucket_of_ns(100'000), 0);  // 100 µs is the first bucket's inclusive bound
  EXPECT_EQ(latency_bucket_of_ns(100'001'000), 10);
  EXPECT_EQ(latency_bucket_of_ns(1'000'000'000), 12);
  EXPECT_EQ(latency_bucket_of_ns(int64_t{1} << 62), latency_bucket_count - 1);
  for (int b = 0; b < latency_bucket_count; ++b) {
    EXPECT_LT(latency_bucket_lower_ns(b), latency_bucket_upper_ns(b)) << b;
    EXPECT_EQ(latency_bucket_of_ns(latency_bucket_upper_ns(b) - 1000), b) << b;
  }
}

TEST(telemetry_latency_buckets, quantiles_interpolate_inside_the_bucket) {
  std::array<int64_t, latency_bucket_count> counts{};
  EXPECT_EQ(latency_quantile_ns(counts, 0.5), 0);
  counts[12] = 100;  // (500 ms, 1 s]
  EXPECT_EQ(latency_quantile_ns(counts, 0.5), 750'000'000);
  EXPECT_EQ(latency_quantile_ns(counts, 1.0), 1'000'000'000);
  counts[0] = 900;  // 90 % at or under 100 µs
  EXPECT_LE(latency_quantile_ns(counts, 0.5), 100'000);
  EXPECT_GT(latency_quantile_ns(counts, 0.95), 500'000'000);
  counts[3] = -5;  // a negative count (never stored) is ignored, not trusted
  EXPECT_LE(latency_quantile_ns(counts, 0.5), 100'000);
}

}  // namespace

}  // namespace brokle::storage
