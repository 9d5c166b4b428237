#include "core/ulid.hpp"

#include <cstring>

#include <sodium.h>

#include <chrono>
#include <stdexcept>

#include "core/sodium_init.hpp"

namespace brokle {

namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr uint64_t kMaxTimestamp = (uint64_t{1} << 48) - 1;

// Lookup table from character to 5-bit value; -1 for anything outside the canonical alphabet.
constexpr std::array<int8_t, 256> make_decode_table() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (size_t i = 0; i < kAlphabet.size(); ++i) t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr auto kDecode = make_decode_table();

int decode_char(char c) { return kDecode[static_cast<unsigned char>(c)]; }

// Adds one to the 80-bit big-endian number; returns false when it wraps to zero.
bool increment(std::array<uint8_t, 10>& r) {
  for (size_t i = r.size(); i-- > 0;) {
    if (++r[i] != 0) return true;
  }
  return false;
}

uint64_t wall_clock_ms() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

}  // namespace

std::string encode_ulid(uint64_t ms, const std::array<uint8_t, 10>& random) {
  if (ms > kMaxTimestamp) throw std::invalid_argument("ulid timestamp exceeds 48 bits");
  std::string out(26, '0');
  for (size_t i = 10; i-- > 0;) {
    out[i] = kAlphabet[ms & 31];
    ms >>= 5;
  }
  // 80 random bits = two 40-bit halves, each exactly eight base32 digits.
  for (size_t half = 0; half < 2; ++half) {
    uint64_t v = 0;
    for (size_t b = 0; b < 5; ++b) v = (v << 8) | random[half * 5 + b];
    for (size_t i = 8; i-- > 0;) {
      out[10 + half * 8 + i] = kAlphabet[v & 31];
      v >>= 5;
    }
  }
  return out;
}

void ulid_generator::fresh_random() {
  // Random bytes come from the kernel 256 at a time: one getrandom(2) per id (each new
  // millisecond) showed up as a system call per gateway request at low concurrency.
  if (pool_used_ + last_random_.size() > pool_.size()) {
    ensure_sodium();
    randombytes_buf(pool_.data(), pool_.size());
    pool_used_ = 0;
  }
  std::memcpy(last_random_.data(), pool_.data() + pool_used_, last_random_.size());
  sodium_memzero(pool_.data() + pool_used_, last_random_.size());
  pool_used_ += last_random_.size();
}

std::string ulid_generator::next(uint64_t now_ms) {
  std::array<uint8_t, 10> random;
  uint64_t ms;
  {
    std::lock_guard lock(mu_);
    if (now_ms > last_ms_) {
      fresh_random();
      last_ms_ = now_ms;
    } else if (!increment(last_random_)) {
      // 2^80 ids in one millisecond cannot happen by chance; borrowing the next millisecond keeps
      // ids ordered and unique instead of failing.
      ++last_ms_;
      fresh_random();
    }
    ms = last_ms_ > kMaxTimestamp ? kMaxTimestamp : last_ms_;
    random = last_random_;
  }
  return encode_ulid(ms, random);
}

void ulid_generator::seed_for_test(uint64_t last_ms, const std::array<uint8_t, 10>& last_random) {
  std::lock_guard lock(mu_);
  last_ms_ = last_ms;
  last_random_ = last_random;
}

std::string new_ulid() {
  static ulid_generator generator;
  return generator.next(wall_clock_ms());
}

bool is_valid_ulid(std::string_view s) {
  if (s.size() != 26 || s[0] > '7') return false;
  for (char c : s)
    if (decode_char(c) < 0) return false;
  return true;
}

uint64_t ulid_timestamp_ms(std::string_view s) {
  if (!is_valid_ulid(s)) return 0;
  uint64_t v = 0;
  for (size_t i = 0; i < 10; ++i) v = (v << 5) | static_cast<uint64_t>(decode_char(s[i]));
  return v;
}

}  // namespace brokle
