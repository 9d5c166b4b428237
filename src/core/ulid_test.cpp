#include "core/ulid.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

namespace brokle {
namespace {

TEST(ulid, new_ids_are_valid_and_carry_the_current_time) {
  auto before = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  std::string id = new_ulid();
  auto after = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  ASSERT_EQ(id.size(), 26u);
  EXPECT_TRUE(is_valid_ulid(id));
  uint64_t ts = ulid_timestamp_ms(id);
  // The generator may have borrowed a millisecond from an earlier test, never more than a few.
  EXPECT_GE(ts, before);
  EXPECT_LE(ts, after + 5);
}

TEST(ulid, decodes_the_reference_timestamp) {
  // The example from the ULID specification.
  EXPECT_EQ(ulid_timestamp_ms("01ARYZ6S41TSV4RRFFQ69G5FAV"), 1469918176385u);
}

TEST(ulid, encode_places_time_then_randomness) {
  std::array<uint8_t, 10> zeros{};
  EXPECT_EQ(encode_ulid(0, zeros), "00000000000000000000000000");
  std::array<uint8_t, 10> ones;
  ones.fill(0xFF);
  EXPECT_EQ(encode_ulid((uint64_t{1} << 48) - 1, ones), "7ZZZZZZZZZZZZZZZZZZZZZZZZZ");
  std::array<uint8_t, 10> last_bit{};
  last_bit[9] = 1;
  EXPECT_EQ(encode_ulid(1469918176385u, last_bit), "01ARYZ6S410000000000000001");
  EXPECT_THROW((void)encode_ulid(uint64_t{1} << 48, zeros), std::invalid_argument);
}

TEST(ulid, validation_rejects_non_canonical_text) {
  EXPECT_TRUE(is_valid_ulid("01ARYZ6S41TSV4RRFFQ69G5FAV"));
  EXPECT_FALSE(is_valid_ulid(""));
  EXPECT_FALSE(is_valid_ulid("01ARYZ6S41TSV4RRFFQ69G5FA"));    // 25 chars
  EXPECT_FALSE(is_valid_ulid("01ARYZ6S41TSV4RRFFQ69G5FAVV"));  // 27 chars
  EXPECT_FALSE(is_valid_ulid("01aryz6s41tsv4rrffq69g5fav"));   // lowercase
  EXPECT_FALSE(is_valid_ulid("01ARYZ6S41TSV4RRFFQ69G5FAU"));   // U is not in the alphabet
  EXPECT_FALSE(is_valid_ulid("01ARYZ6S41TSV4RRFFQ69G5FAI"));
  EXPECT_FALSE(is_valid_ulid("01ARYZ6S41TSV4RRFFQ69G5FAO"));
  EXPECT_FALSE(is_valid_ulid("81ARYZ6S41TSV4RRFFQ69G5FAV"));  // overflows 128 bits
  EXPECT_TRUE(is_valid_ulid("7ZZZZZZZZZZZZZZZZZZZZZZZZZ"));
  EXPECT_EQ(ulid_timestamp_ms("not-a-ulid"), 0u);
}

TEST(ulid, same_millisecond_ids_are_strictly_increasing) {
  ulid_generator gen;
  std::string prev = gen.next(1000);
  for (int i = 0; i < 1000; ++i) {
    std::string next = gen.next(1000);
    ASSERT_LT(prev, next);
    ASSERT_EQ(ulid_timestamp_ms(next), 1000u);
    prev = next;
  }
  // A clock stepping backwards must not break ordering either.
  std::string after_step_back = gen.next(500);
  EXPECT_LT(prev, after_step_back);
  EXPECT_EQ(ulid_timestamp_ms(after_step_back), 1000u);
  // A later millisecond starts fresh randomness under the new time.
  EXPECT_EQ(ulid_timestamp_ms(gen.next(2000)), 2000u);
}

TEST(ulid, random_part_overflow_borrows_the_next_millisecond) {
  ulid_generator gen;
  std::array<uint8_t, 10> ones;
  ones.fill(0xFF);
  gen.seed_for_test(1000, ones);
  std::string id = gen.next(1000);
  EXPECT_EQ(ulid_timestamp_ms(id), 1001u);
  EXPECT_LT(encode_ulid(1000, ones), id);
}

TEST(ulid, unique_and_ordered_across_threads) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5000;
  std::vector<std::vector<std::string>> per_thread(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&per_thread, t] {
      auto& mine = per_thread[static_cast<size_t>(t)];
      mine.reserve(kPerThread);
      for (int i = 0; i < kPerThread; ++i) mine.push_back(new_ulid());
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  for (const auto& ids : per_thread) {
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
    EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace brokle
