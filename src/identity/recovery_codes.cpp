#include "identity/recovery_codes.hpp"

#include <sodium.h>

#include <array>
#include <cstdint>
#include <stdexcept>

#include "core/sodium_init.hpp"

namespace brokle::identity {

namespace {

constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr size_t kGroups = 3;
constexpr size_t kGroupLength = 4;
constexpr size_t kCodeLength = kGroups * kGroupLength;

std::string normalise(std::string_view code) {
  std::string out;
  out.reserve(code.size());
  for (char c : code) {
    if (c == '-' || c == ' ' || c == '\t') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == 'i' || c == 'l') c = '1';
    if (c == 'o') c = '0';
    out.push_back(c);
  }
  return out;
}

bool is_code_text(std::string_view normalised) {
  if (normalised.size() != kCodeLength) return false;
  for (char c : normalised)
    if (kAlphabet.find(c) == std::string_view::npos) return false;
  return true;
}

}  // namespace

std::vector<std::string> new_recovery_codes(int n) {
  if (n < 1 || n > 100) throw std::invalid_argument("new_recovery_codes: n must be between 1 and 100");
  ensure_sodium();
  std::vector<std::string> codes;
  codes.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    std::string code;
    code.reserve(kCodeLength + kGroups - 1);
    for (size_t g = 0; g < kGroups; ++g) {
      if (g > 0) code.push_back('-');
      for (size_t j = 0; j < kGroupLength; ++j) code.push_back(kAlphabet[randombytes_uniform(kAlphabet.size())]);
    }
    codes.push_back(std::move(code));
  }
  return codes;
}

std::string hash_recovery_code(std::string_view user_id, std::string_view code) {
  static constexpr std::string_view kDomain = "brokle recovery code v1";
  ensure_sodium();
  std::string clean = normalise(code);
  // Length-prefix the user id so (user, code) pairs cannot run into each other.
  std::array<unsigned char, 8> id_length;
  uint64_t n = user_id.size();
  for (size_t i = 0; i < id_length.size(); ++i) id_length[i] = static_cast<unsigned char>(n >> (8 * i));
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, crypto_generichash_BYTES);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(kDomain.data()), kDomain.size());
  crypto_generichash_update(&state, id_length.data(), id_length.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(user_id.data()), user_id.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(clean.data()), clean.size());
  std::array<unsigned char, crypto_generichash_BYTES> digest;
  crypto_generichash_final(&state, digest.data(), digest.size());
  sodium_memzero(clean.data(), clean.size());
  sodium_memzero(&state, sizeof state);
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

bool looks_like_recovery_code(std::string_view code) { return is_code_text(normalise(code)); }

std::optional<size_t> find_recovery_code(std::string_view user_id, std::string_view code,
                                         const std::vector<std::string>& stored_hashes) {
  std::string candidate = hash_recovery_code(user_id, code);
  std::optional<size_t> found;
  for (size_t i = 0; i < stored_hashes.size(); ++i) {
    const std::string& stored = stored_hashes[i];
    bool equal =
        stored.size() == candidate.size() && sodium_memcmp(stored.data(), candidate.data(), stored.size()) == 0;
    if (equal && !found) found = i;
  }
  return found;
}

}  // namespace brokle::identity
