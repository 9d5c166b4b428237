#include "identity/token_bucket.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

namespace brokle::identity {
namespace {

using namespace std::chrono_literals;
using clock_type = rate_limiter::clock;

const clock_type::time_point t0 = clock_type::time_point() + 1000h;

TEST(rate_limiter, burst_then_deny_then_refill) {
  rate_limiter limiter(100);
  bucket_rule rule{5, 1};  // 5 burst, 1 per second
  for (int i = 0; i < 5; ++i) {
    auto d = limiter.take("ip:1", rule, 1, t0);
    ASSERT_TRUE(d.allowed) << i;
    EXPECT_DOUBLE_EQ(d.remaining, 4 - i);
    EXPECT_EQ(d.retry_after, 0ms);
    EXPECT_EQ(d.limit, 5);
  }
  auto denied = limiter.take("ip:1", rule, 1, t0);
  EXPECT_FALSE(denied.allowed);
  EXPECT_DOUBLE_EQ(denied.remaining, 0);
  EXPECT_EQ(denied.retry_after, 1000ms);
  EXPECT_EQ(denied.reset_after, 5000ms);

  EXPECT_FALSE(limiter.take("ip:1", rule, 1, t0 + 999ms).allowed);
  auto later = limiter.take("ip:1", rule, 1, t0 + 1000ms);
  EXPECT_TRUE(later.allowed);
  // A long pause refills only up to capacity.
  auto after_pause = limiter.take("ip:1", rule, 1, t0 + 1h);
  EXPECT_TRUE(after_pause.allowed);
  EXPECT_DOUBLE_EQ(after_pause.remaining, 4);
}

TEST(rate_limiter, retry_after_is_enough_to_succeed) {
  rate_limiter limiter(100);
  bucket_rule per_minute{10, 10.0 / 60.0};  // 10 requests per minute
  auto now = t0;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(limiter.take("k", per_minute, 1, now).allowed);
  for (int round = 0; round < 20; ++round) {
    auto d = limiter.take("k", per_minute, 1, now);
    ASSERT_FALSE(d.allowed);
    EXPECT_GE(d.retry_after, 5999ms);
    EXPECT_LE(d.retry_after, 6000ms);
    EXPECT_FALSE(limiter.take("k", per_minute, 1, now + d.retry_after - 2ms).allowed);
    now += d.retry_after;
    ASSERT_TRUE(limiter.take("k", per_minute, 1, now).allowed) << round;
  }
}

TEST(rate_limiter, weighted_costs) {
  rate_limiter limiter(100);
  bucket_rule rule{10, 2};
  EXPECT_TRUE(limiter.take("u", rule, 7, t0).allowed);
  auto d = limiter.take("u", rule, 7, t0);
  EXPECT_FALSE(d.allowed);
  EXPECT_DOUBLE_EQ(d.remaining, 3);
  EXPECT_EQ(d.retry_after, 2000ms);  // 4 tokens short at 2 per second
  EXPECT_EQ(d.reset_after, 3500ms);
  EXPECT_TRUE(limiter.take("u", rule, 3, t0).allowed);  // a smaller request still fits
}

TEST(rate_limiter, oversized_cost_needs_a_full_bucket_and_leaves_debt) {
  rate_limiter limiter(100);
  bucket_rule rule{10, 1};
  EXPECT_TRUE(limiter.take("big", rule, 1, t0).allowed);
  auto not_full = limiter.take("big", rule, 25, t0);
  EXPECT_FALSE(not_full.allowed);
  EXPECT_EQ(not_full.retry_after, 1000ms);  // until full, not until 25 tokens (never)
  auto full = limiter.take("big", rule, 25, t0 + 1s);
  EXPECT_TRUE(full.allowed);
  EXPECT_DOUBLE_EQ(full.remaining, 0);
  EXPECT_EQ(full.reset_after, 25000ms);  // from -15 to 10
  auto next = limiter.take("big", rule, 1, t0 + 1s);
  EXPECT_FALSE(next.allowed);
  EXPECT_EQ(next.retry_after, 16000ms);
}

TEST(rate_limiter, record_can_go_negative) {
  rate_limiter limiter(100);
  bucket_rule tpm{1000, 1000.0 / 60.0};  // 1000 tokens per minute
  ASSERT_TRUE(limiter.take("key:tpm", tpm, 0, t0).allowed);
  auto r = limiter.record("key:tpm", tpm, 2500, t0);
  EXPECT_FALSE(r.allowed);  // balance is now -1500
  EXPECT_DOUBLE_EQ(r.remaining, 0);
  EXPECT_EQ(r.reset_after, 150000ms);
  auto check = limiter.take("key:tpm", tpm, 0, t0 + 1s);
  EXPECT_FALSE(check.allowed);
  EXPECT_EQ(check.retry_after, 89000ms);  // 1500 tokens at 16.67/s = 90 s, one already passed
  EXPECT_TRUE(limiter.take("key:tpm", tpm, 0, t0 + 90s).allowed);
  // Recording within the balance stays allowed.
  auto small = limiter.record("key:tpm", tpm, 10, t0 + 200s);
  EXPECT_TRUE(small.allowed);
  EXPECT_DOUBLE_EQ(small.remaining, 990);
}

TEST(rate_limiter, keys_are_independent) {
  rate_limiter limiter(100);
  bucket_rule rule{1, 0.001};
  EXPECT_TRUE(limiter.take("a", rule, 1, t0).allowed);
  EXPECT_FALSE(limiter.take("a", rule, 1, t0).allowed);
  EXPECT_TRUE(limiter.take("b", rule, 1, t0).allowed);
  EXPECT_EQ(limiter.size(), 2u);
}

TEST(rate_limiter, fixed_quota_never_refills) {
  rate_limiter limiter(10);
  bucket_rule quota{2, 0};
  EXPECT_TRUE(limiter.take("q", quota, 1, t0).allowed);
  EXPECT_TRUE(limiter.take("q", quota, 1, t0).allowed);
  auto d = limiter.take("q", quota, 1, t0 + 24h);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, kNeverMs);
  EXPECT_EQ(d.reset_after, kNeverMs);
  // A tiny refill rate saturates at the same value instead of overflowing.
  auto slow = limiter.take("slow", {1e12, 1e-15}, 1e12, t0);
  EXPECT_TRUE(slow.allowed);
  EXPECT_EQ(limiter.take("slow", {1e12, 1e-15}, 1, t0).retry_after, kNeverMs);
}

TEST(rate_limiter, rule_changes_apply_and_clamp) {
  rate_limiter limiter(10);
  EXPECT_TRUE(limiter.take("k", {100, 1}, 1, t0).allowed);
  auto shrunk = limiter.take("k", {5, 1}, 1, t0);
  EXPECT_TRUE(shrunk.allowed);
  EXPECT_DOUBLE_EQ(shrunk.remaining, 4);
  EXPECT_EQ(shrunk.limit, 5);
}

TEST(rate_limiter, clock_stepping_back_grants_nothing) {
  rate_limiter limiter(10);
  bucket_rule rule{2, 1};
  EXPECT_TRUE(limiter.take("k", rule, 2, t0).allowed);
  EXPECT_FALSE(limiter.take("k", rule, 1, t0 - 10s).allowed);
  EXPECT_FALSE(limiter.take("k", rule, 1, t0 + 500ms).allowed);
  EXPECT_TRUE(limiter.take("k", rule, 1, t0 + 1s).allowed);
}

TEST(rate_limiter, invalid_arguments_are_bugs) {
  EXPECT_THROW(rate_limiter(0), std::invalid_argument);
  rate_limiter limiter(10);
  EXPECT_THROW((void)limiter.take("k", {0, 1}, 1, t0), std::invalid_argument);
  EXPECT_THROW((void)limiter.take("k", {1, -1}, 1, t0), std::invalid_argument);
  EXPECT_THROW((void)limiter.take("k", {1, 1}, -1, t0), std::invalid_argument);
  EXPECT_THROW((void)limiter.take("k", {NAN, 1}, 1, t0), std::invalid_argument);
  EXPECT_THROW((void)limiter.record("k", {1, INFINITY}, 1, t0), std::invalid_argument);
  EXPECT_EQ(limiter.size(), 0u);
}

TEST(rate_limiter, bound_holds_and_evicts_least_recently_used) {
  rate_limiter limiter(3, 1);  // one shard so the LRU order is fully visible
  bucket_rule rule{1, 0.001};
  for (const char* k : {"a", "b", "c"}) ASSERT_TRUE(limiter.take(k, rule, 1, t0).allowed);
  EXPECT_FALSE(limiter.take("a", rule, 1, t0 + 1ms).allowed);  // touch a: b is now the oldest
  EXPECT_TRUE(limiter.take("d", rule, 1, t0 + 2ms).allowed);
  EXPECT_EQ(limiter.size(), 3u);
  EXPECT_EQ(limiter.evictions(), 1u);
  EXPECT_FALSE(limiter.take("a", rule, 1, t0 + 3ms).allowed);  // a kept its state
  EXPECT_FALSE(limiter.take("c", rule, 1, t0 + 3ms).allowed);  // so did c
  // b was forgotten: documented overflow behaviour, it starts over with a full bucket.
  EXPECT_TRUE(limiter.take("b", rule, 1, t0 + 4ms).allowed);
  EXPECT_EQ(limiter.evictions(), 2u);
  EXPECT_EQ(limiter.size(), 3u);
}

TEST(rate_limiter, full_buckets_are_reclaimed_before_anything_is_evicted) {
  rate_limiter limiter(3, 1);
  bucket_rule rule{2, 1};
  ASSERT_TRUE(limiter.take("busy", rule, 2, t0).allowed);    // drained, still holds state
  ASSERT_TRUE(limiter.take("idle-1", rule, 0, t0).allowed);  // full buckets
  ASSERT_TRUE(limiter.take("idle-2", rule, 0, t0).allowed);
  ASSERT_FALSE(limiter.take("busy", rule, 1, t0).allowed);  // busy becomes most recent
  ASSERT_TRUE(limiter.take("new-1", rule, 1, t0).allowed);
  ASSERT_TRUE(limiter.take("new-2", rule, 1, t0).allowed);
  EXPECT_EQ(limiter.reclaimed(), 2u);
  EXPECT_EQ(limiter.evictions(), 0u);
  EXPECT_FALSE(limiter.take("busy", rule, 1, t0).allowed);  // its debt survived
}

TEST(rate_limiter, capacity_is_split_exactly_across_shards) {
  rate_limiter limiter(37);  // 16 shards: five with 3 slots, eleven with 2
  bucket_rule rule{1, 0.001};
  for (int i = 0; i < 2000; ++i) (void)limiter.take("key-" + std::to_string(i), rule, 1, t0);
  EXPECT_EQ(limiter.size(), 37u);
  EXPECT_EQ(limiter.evictions(), 2000u - 37u);
  rate_limiter tiny(5);  // fewer keys than shards
  for (int i = 0; i < 100; ++i) (void)tiny.take("key-" + std::to_string(i), rule, 1, t0);
  EXPECT_LE(tiny.size(), 5u);
}

TEST(rate_limiter, concurrent_takes_never_overspend) {
  rate_limiter limiter(64);
  bucket_rule rule{1000, 0};
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i)
        if (limiter.take("shared", rule, 1, t0).allowed) allowed.fetch_add(1);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(allowed.load(), 1000);
}

TEST(rate_limiter, concurrent_churn_respects_the_bound) {
  rate_limiter limiter(50);
  bucket_rule rule{3, 1};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&limiter, &rule, t] {
      for (int i = 0; i < 5000; ++i) {
        auto now = t0 + std::chrono::milliseconds(i);
        (void)limiter.take("t" + std::to_string(t) + "-" + std::to_string(i % 300), rule, 1, now);
        if (i % 7 == 0) (void)limiter.record("shared", rule, 0.5, now);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(limiter.size(), 50u);
  EXPECT_GT(limiter.evictions() + limiter.reclaimed(), 0u);
}

}  // namespace
}  // namespace brokle::identity
