#include "core/ulid.hpp"

#include <sodium.h>

#include <array>
#include <chrono>
#include <mutex>

namespace brokle {

namespace {
constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int decode_char(char c) {
  for (int i = 0; i < 32; ++i)
    if (kAlphabet[i] == c) return i;
  return -1;
}

std::mutex g_mu;
uint64_t g_last_ms = 0;
std::array<uint8_t, 10> g_last_random{};
}  // namespace

std::string new_ulid() {
  static const bool init = [] { return sodium_init() >= 0; }();
  (void)init;
  uint64_t ms = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  std::array<uint8_t, 10> rnd;
  {
    std::lock_guard lock(g_mu);
    if (ms <= g_last_ms) {
      // Same (or earlier) millisecond: increment the previous random part so ids stay ordered.
      ms = g_last_ms;
      for (int i = 9; i >= 0; --i)
        if (++g_last_random[static_cast<size_t>(i)] != 0) break;
    } else {
      randombytes_buf(g_last_random.data(), g_last_random.size());
      g_last_ms = ms;
    }
    rnd = g_last_random;
  }
  // 128 bits: 48 time + 80 random, written as 26 base32 digits (the first carries 3 bits).
  std::array<uint8_t, 16> bytes{};
  for (int i = 0; i < 6; ++i) bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  for (size_t i = 0; i < 10; ++i) bytes[6 + i] = rnd[i];
  std::string out(26, '0');
  // Read 5 bits at a time from the 130-bit big-endian number (2 leading zero bits).
  for (int d = 0; d < 26; ++d) {
    int bit = d * 5 - 2;  // position of this digit's first bit within the 128 bits
    int v = 0;
    for (int b = 0; b < 5; ++b) {
      int pos = bit + b;
      int bitval = 0;
      if (pos >= 0) bitval = (bytes[static_cast<size_t>(pos / 8)] >> (7 - pos % 8)) & 1;
      v = (v << 1) | bitval;
    }
    out[static_cast<size_t>(d)] = kAlphabet[v];
  }
  return out;
}

bool is_valid_ulid(std::string_view s) {
  if (s.size() != 26 || s[0] > '7') return false;
  for (char c : s)
    if (decode_char(c) < 0) return false;
  return true;
}

uint64_t ulid_timestamp_ms(std::string_view s) {
  uint64_t v = 0;
  for (size_t i = 0; i < 10 && i < s.size(); ++i) v = (v << 5) | static_cast<uint64_t>(decode_char(s[i]) & 31);
  return v;
}

}  // namespace brokle
