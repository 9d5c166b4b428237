// Latency buckets shared by every telemetry backend: the rollups count durations per bucket, the
// heatmap shows the counts and percentiles are interpolated from them. A 1-2-5 ladder from 100 µs
// to 100 s plus an overflow bucket, so a percentile is exact to within its bucket's width (a
// factor of 2 to 2.5); see docs/telemetry-storage.md.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace brokle::storage {

inline constexpr int latency_bucket_count = 20;

// Upper bounds in microseconds of buckets 0..18 (inclusive); bucket 19 holds everything above.
inline constexpr std::array<int64_t, latency_bucket_count - 1> latency_bucket_upper_us = {
    100,     200,     500,     1'000,     2'000,     5'000,      10'000,     20'000,     50'000,    100'000,
    200'000, 500'000, 1'000'000, 2'000'000, 5'000'000, 10'000'000, 20'000'000, 50'000'000, 100'000'000};

// The bucket a duration falls in.
int latency_bucket_of_ns(int64_t duration_ns) noexcept;

// Lower and upper bound of bucket `b` in nanoseconds; the overflow bucket's upper bound is twice
// its lower bound (an estimate's ceiling, not a measurement).
int64_t latency_bucket_lower_ns(int b) noexcept;
int64_t latency_bucket_upper_ns(int b) noexcept;

// The q-quantile (0 < q <= 1) of the durations counted in `counts`, interpolated linearly inside
// the bucket that holds it; 0 when the counts are empty.
int64_t latency_quantile_ns(std::span<const int64_t> counts, double q) noexcept;

}  // namespace brokle::storage
