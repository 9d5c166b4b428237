// In-process token-bucket rate limiting for per-key, per-IP and per-user limits (requests per
// minute, tokens per minute, login attempts). Each key owns a bucket of `capacity` tokens that
// refills continuously at `refill_per_second`; a request costs tokens. Time is passed in, so
// tests and callers control the clock. Callers namespace their keys ("ip:", "user:", "key:").
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace brokle::identity {

// What retry_after/reset_after say for "never" (a fixed quota with refill 0): ~3 million years,
// rather than milliseconds::max(), so callers can round or add to it without overflowing.
inline constexpr std::chrono::milliseconds kNeverMs{100'000'000'000'000'000};

struct bucket_rule {
  double capacity = 0;           // burst size, > 0
  double refill_per_second = 0;  // >= 0; 0 makes the bucket a fixed quota that never refills
};

struct limit_decision {
  bool allowed = false;
  double remaining = 0;                      // tokens left after this call (never below 0 here)
  std::chrono::milliseconds retry_after{0};  // until this cost would fit; 0 when allowed
  std::chrono::milliseconds reset_after{0};  // until the bucket is full again
  double limit = 0;                          // the rule's capacity, for X-RateLimit-Limit
};

// Thread-safe: keys are spread over shards, each a mutex-guarded map plus an LRU list.
//
// Bound: at most `max_keys` buckets in total (split over the shards; a shard holds its share).
// Overflow: a new key arriving at a full shard first reclaims a bucket that has refilled to
// capacity (a full bucket carries no state, so nothing is lost; counted in reclaimed()), looking
// at the 8 least recently used; failing that it evicts the least recently used bucket (counted
// in evictions()), whose key starts over with a full bucket next time. A steadily rising
// evictions() means max_keys is too small for the traffic.
//
// Rules, costs and invalid arguments (non-finite or negative numbers, capacity 0, max_keys 0) are
// programming errors: std::invalid_argument.
class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  explicit rate_limiter(size_t max_keys, size_t shards = 16);
  ~rate_limiter();

  // Consumes `cost` tokens if that many are there; otherwise consumes nothing and denies. A cost
  // of 0 asks "is the balance non-negative?" (useful after record() has driven it below 0). A
  // cost above capacity is admitted only on a full bucket and leaves it in debt, so an oversized
  // request is never refused forever but cannot repeat until the debt has refilled.
  limit_decision take(std::string_view key, const bucket_rule& rule, double cost, clock::time_point now);

  // Consumes `cost` unconditionally, letting the balance go negative: for usage known only after
  // the fact (tokens of a finished response). Later take() calls are denied until it refills.
  // `allowed` reports whether the balance is still non-negative.
  limit_decision record(std::string_view key, const bucket_rule& rule, double cost, clock::time_point now);

  uint64_t evictions() const { return evictions_.load(std::memory_order_relaxed); }
  uint64_t reclaimed() const { return reclaimed_.load(std::memory_order_relaxed); }
  size_t size() const;
  size_t max_keys() const { return max_keys_; }

 private:
  struct bucket {
    std::string key;
    double tokens;
    clock::time_point last;
    bucket_rule rule;
  };
  struct shard {
    std::mutex mu;
    std::list<bucket> lru;                                                    // front = most recently used
    std::unordered_map<std::string_view, std::list<bucket>::iterator> index;  // views into lru keys
    size_t capacity = 0;
  };

  limit_decision apply(std::string_view key, const bucket_rule& rule, double cost, clock::time_point now,
                       bool allow_debt);
  bucket& find_or_insert(shard& s, std::string_view key, const bucket_rule& rule, clock::time_point now);
  void make_room(shard& s, clock::time_point now);

  size_t max_keys_;
  std::vector<std::unique_ptr<shard>> shards_;
  std::atomic<uint64_t> evictions_{0};
  std::atomic<uint64_t> reclaimed_{0};
};

}  // namespace brokle::identity
