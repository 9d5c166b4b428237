#include "storage/telemetry_latency_buckets.hpp"

#include <algorithm>
#include <cmath>

namespace brokle::storage {

int latency_bucket_of_ns(int64_t duration_ns) noexcept {
  int64_t us = duration_ns / 1000;
  auto it = std::lower_bound(latency_bucket_upper_us.begin(), latency_bucket_upper_us.end(), us);
  return static_cast<int>(it - latency_bucket_upper_us.begin());
}

int64_t latency_bucket_lower_ns(int b) noexcept {
  if (b <= 0) return 0;
  return latency_bucket_upper_us[static_cast<size_t>(std::min(b, latency_bucket_count - 1) - 1)] * 1000;
}

int64_t latency_bucket_upper_ns(int b) noexcept {
  if (b >= latency_bucket_count - 1) return latency_bucket_lower_ns(latency_bucket_count - 1) * 2;
  return latency_bucket_upper_us[static_cast<size_t>(std::max(b, 0))] * 1000;
}

int64_t latency_quantile_ns(std::span<const int64_t> counts, double q) noexcept {
  int64_t total = 0;
  for (auto c : counts) total += std::max<int64_t>(c, 0);
  if (total == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // The rank of the wanted value among `total` sorted durations, 1-based.
  double rank = std::max(1.0, std::ceil(q * static_cast<double>(total)));
  int64_t seen = 0;
  for (size_t b = 0; b < counts.size(); ++b) {
    int64_t c = std::max<int64_t>(counts[b], 0);
    if (c == 0) continue;
    if (static_cast<double>(seen + c) >= rank) {
      double lo = static_cast<double>(latency_bucket_lower_ns(static_cast<int>(b)));
      double hi = static_cast<double>(latency_bucket_upper_ns(static_cast<int>(b)));
      double within = (rank - static_cast<double>(seen)) / static_cast<double>(c);
      return static_cast<int64_t>(lo + (hi - lo) * within);
    }
    seen += c;
  }
  return latency_bucket_upper_ns(latency_bucket_count - 1);
}

}  // namespace brokle::storage
