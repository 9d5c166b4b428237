#include "identity/token_bucket.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

namespace brokle::identity {

namespace {

// Floating-point refill can land a hair below a whole token after waiting exactly retry_after;
// this tolerance keeps that wait honest.
constexpr double kEpsilon = 1e-9;
constexpr size_t kReclaimScan = 8;

void check_rule(const bucket_rule& rule, double cost) {
  if (!std::isfinite(rule.capacity) || rule.capacity <= 0)
    throw std::invalid_argument("rate limit capacity must be a positive number");
  if (!std::isfinite(rule.refill_per_second) || rule.refill_per_second < 0)
    throw std::invalid_argument("rate limit refill must be a non-negative number");
  if (!std::isfinite(cost) || cost < 0) throw std::invalid_argument("rate limit cost must be a non-negative number");
}

std::chrono::milliseconds time_to_gain(double tokens, double per_second) {
  if (tokens <= kEpsilon) return std::chrono::milliseconds(0);
  if (per_second <= 0) return kNeverMs;
  double ms = std::ceil(tokens / per_second * 1000.0);
  // Past kNeverMs the exact value no longer matters, and the cast could overflow.
  if (ms >= static_cast<double>(kNeverMs.count())) return kNeverMs;
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

double refilled(double tokens, rate_limiter::clock::time_point last, const bucket_rule& rule,
                rate_limiter::clock::time_point now) {
  if (now <= last) return tokens;  // a clock that stalls or steps back grants nothing
  double seconds = std::chrono::duration<double>(now - last).count();
  return std::min(rule.capacity, tokens + seconds * rule.refill_per_second);
}

}  // namespace

rate_limiter::rate_limiter(size_t max_keys, size_t shards) : max_keys_(max_keys) {
  if (max_keys == 0) throw std::invalid_argument("rate_limiter needs room for at least one key");
  if (shards == 0) throw std::invalid_argument("rate_limiter needs at least one shard");
  size_t count = std::min(shards, max_keys);
  shards_.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    auto s = std::make_unique<shard>();
    // Split exactly: the first (max_keys % count) shards take one extra, so shares sum to max_keys.
    s->capacity = max_keys / count + (i < max_keys % count ? 1 : 0);
    s->index.reserve(s->capacity);
    shards_.push_back(std::move(s));
  }
}

rate_limiter::~rate_limiter() = default;

size_t rate_limiter::size() const {
  size_t total = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s->mu);
    total += s->index.size();
  }
  return total;
}

limit_decision rate_limiter::take(std::string_view key, const bucket_rule& rule, double cost, clock::time_point now) {
  return apply(key, rule, cost, now, false);
}

limit_decision rate_limiter::record(std::string_view key, const bucket_rule& rule, double cost, clock::time_point now) {
  return apply(key, rule, cost, now, true);
}

void rate_limiter::make_room(shard& s, clock::time_point now) {
  auto it = s.lru.end();
  for (size_t scanned = 0; scanned < kReclaimScan && it != s.lru.begin(); ++scanned) {
    --it;
    if (refilled(it->tokens, it->last, it->rule, now) >= it->rule.capacity - kEpsilon) {
      s.index.erase(it->key);
      s.lru.erase(it);
      reclaimed_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  s.index.erase(s.lru.back().key);
  s.lru.pop_back();
  evictions_.fetch_add(1, std::memory_order_relaxed);
}

rate_limiter::bucket& rate_limiter::find_or_insert(shard& s, std::string_view key, const bucket_rule& rule,
                                                   clock::time_point now) {
  if (auto found = s.index.find(key); found != s.index.end()) {
    s.lru.splice(s.lru.begin(), s.lru, found->second);  // iterators stay valid across splice
    return *found->second;
  }
  if (s.index.size() >= s.capacity) make_room(s, now);
  s.lru.push_front(bucket{std::string(key), rule.capacity, now, rule});
  // The map's key views the string inside the list node, which never moves.
  s.index.emplace(std::string_view(s.lru.front().key), s.lru.begin());
  return s.lru.front();
}

limit_decision rate_limiter::apply(std::string_view key, const bucket_rule& rule, double cost, clock::time_point now,
                                   bool allow_debt) {
  check_rule(rule, cost);
  shard& s = *shards_[std::hash<std::string_view>{}(key) % shards_.size()];
  std::lock_guard lock(s.mu);
  bucket& b = find_or_insert(s, key, rule, now);

  b.tokens = refilled(b.tokens, b.last, b.rule, now);
  if (now > b.last) b.last = now;
  b.rule = rule;  // the newest rule wins, e.g. after a key's limit was edited
  b.tokens = std::min(b.tokens, rule.capacity);

  limit_decision d;
  d.limit = rule.capacity;
  if (allow_debt) {
    b.tokens -= cost;
    d.allowed = b.tokens >= -kEpsilon;
  } else if (b.tokens + kEpsilon >= std::min(cost, rule.capacity)) {
    b.tokens -= cost;  // below zero only for a cost above capacity, admitted on a full bucket
    d.allowed = true;
  } else {
    d.allowed = false;
    d.retry_after = time_to_gain(std::min(cost, rule.capacity) - b.tokens, rule.refill_per_second);
  }
  d.remaining = std::max(0.0, b.tokens);
  d.reset_after = time_to_gain(rule.capacity - b.tokens, rule.refill_per_second);
  return d;
}

}  // namespace brokle::identity
