#include "identity/api_key.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

#include "core/sodium_init.hpp"
#include "core/ulid.hpp"

namespace brokle::identity {

namespace {

constexpr std::string_view kBase62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr size_t kProjectStart = kApiKeyPrefix.size();  // 8
constexpr size_t kSeparator = kProjectStart + 26;       // 34
constexpr size_t kSecretStart = kSeparator + 1;         // 35
constexpr size_t kPepperBytes = 32;

bool is_base62(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
// Crockford's base32 alphabet: digits and upper-case letters except I, L, O and U.
bool is_crockford(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' && c != 'U');
}

error key_error(std::string message) { return make_error(errc::unauthenticated, "API key " + std::move(message)); }

error truncated(size_t got) {
  return key_error("is truncated (" + std::to_string(got) + " of " + std::to_string(kApiKeyLength) + " characters)");
}

}  // namespace

generated_api_key generate_api_key(std::string_view project_id, std::string_view pepper) {
  if (!is_valid_ulid(project_id)) throw std::invalid_argument("generate_api_key: project id is not a ULID");
  ensure_sodium();
  std::string key;
  key.reserve(kApiKeyLength);
  key.append(kApiKeyPrefix).append(project_id).push_back('_');
  // randombytes_uniform() rejects out-of-range draws, so every character is equally likely.
  for (size_t i = 0; i < kApiKeySecretLength; ++i) key.push_back(kBase62[randombytes_uniform(kBase62.size())]);
  generated_api_key out;
  out.key_hash = hash_api_key(key, pepper);
  out.preview = api_key_preview(key);
  out.full_key = std::move(key);
  return out;
}

result<parsed_api_key> parse_api_key(std::string_view key) {
  if (key.empty()) return key_error("is empty");
  // Walk the format left to right so the first thing wrong is the thing reported; running out
  // of characters where the format expects more is "truncated".
  for (size_t i = 0; i < kApiKeyPrefix.size(); ++i) {
    if (i == key.size()) return truncated(key.size());
    if (key[i] != kApiKeyPrefix[i]) return key_error("must start with \"bk_proj_\"");
  }
  if (key.size() > kApiKeyLength)
    return key_error("is too long (" + std::to_string(key.size()) + " characters; expected " +
                     std::to_string(kApiKeyLength) + ")");
  for (size_t i = kProjectStart; i < kSeparator; ++i) {
    if (i == key.size()) return truncated(key.size());
    if (!is_crockford(key[i])) return key_error("contains an invalid project id");
  }
  std::string_view project = key.substr(kProjectStart, 26);
  if (!is_valid_ulid(project)) return key_error("contains an invalid project id");
  if (key.size() == kSeparator) return truncated(key.size());
  if (key[kSeparator] != '_') return key_error("is malformed: expected '_' after the project id");
  for (size_t i = kSecretStart; i < kApiKeyLength; ++i) {
    if (i == key.size()) return truncated(key.size());
    if (!is_base62(key[i])) return key_error("secret contains characters other than letters and digits");
  }
  return parsed_api_key{project, key.substr(kSecretStart)};
}

std::string hash_api_key(std::string_view full_key, std::string_view pepper) {
  if (!pepper.empty() && pepper.size() != kPepperBytes)
    throw std::invalid_argument("hash_api_key: pepper must be empty or exactly 32 bytes");
  ensure_sodium();  // selects the fastest BLAKE2b implementation for this CPU
  std::array<unsigned char, crypto_generichash_BYTES> digest;  // 32 bytes = BLAKE2b-256
  crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(full_key.data()),
                     full_key.size(), reinterpret_cast<const unsigned char*>(pepper.data()), pepper.size());
  // The digest is what the store keeps (not a secret): a plain table lookup encodes it.
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex(digest.size() * 2, '\0');
  for (size_t i = 0; i < digest.size(); ++i) {
    hex[2 * i] = digits[digest[i] >> 4];
    hex[2 * i + 1] = digits[digest[i] & 0xf];
  }
  return hex;
}

std::string api_key_preview(std::string_view full_key) {
  if (!parse_api_key(full_key).ok()) return std::string(kApiKeyPrefix) + "...";
  std::string out(kApiKeyPrefix);
  out.append(full_key.substr(kProjectStart, 4)).append("...").append(full_key.substr(kApiKeyLength - 4));
  return out;
}

bool key_hash_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace brokle::identity
