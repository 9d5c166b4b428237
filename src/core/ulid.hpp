// ULIDs: 26-character Crockford base32 ids (48-bit millisecond timestamp + 80 random bits) used as
// primary keys and request ids. They sort by creation time, which keeps B-tree inserts in order.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace brokle {

// A new id for "now". Monotonic within one process: ids made in the same millisecond (or while
// the wall clock steps backwards) are strictly increasing. Thread-safe.
std::string new_ulid();

// Canonical form only: 26 characters of the uppercase Crockford alphabet (no I, L, O, U) and a
// first character of at most '7' (anything larger would not fit in 128 bits).
bool is_valid_ulid(std::string_view s);

// The creation time in unix milliseconds; 0 when `s` is not a valid ULID.
uint64_t ulid_timestamp_ms(std::string_view s);

// Writes the canonical text of a 48-bit timestamp and 80 random bits. Exposed for tests and for
// callers that need an id for a given instant (e.g. backfills); `ms` above 2^48-1 is a bug.
std::string encode_ulid(uint64_t ms, const std::array<uint8_t, 10>& random);

// The state machine behind new_ulid(), with the clock passed in so tests can hold time still.
class ulid_generator {
 public:
  std::string next(uint64_t now_ms);
  // Test hook: sets the last-issued state, e.g. to exercise random-part overflow.
  void seed_for_test(uint64_t last_ms, const std::array<uint8_t, 10>& last_random);

 private:
  void fresh_random();  // under mu_

  std::mutex mu_;
  uint64_t last_ms_ = 0;
  std::array<uint8_t, 10> last_random_{};
  std::array<uint8_t, 250> pool_{};  // unused random bytes; bound: 25 ids' worth
  size_t pool_used_ = pool_.size();
};

}  // namespace brokle
