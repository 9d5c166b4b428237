#include "identity/opaque_token.hpp"

#include <sodium.h>

#include <array>

namespace brokle::identity {

std::string new_opaque_token() {
  static const bool ready = sodium_init() >= 0;
  (void)ready;
  std::array<unsigned char, 32> raw;
  randombytes_buf(raw.data(), raw.size());
  std::array<char, 64> b64;
  sodium_bin2base64(b64.data(), b64.size(), raw.data(), raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string(b64.data());
}

std::string hash_opaque_token(std::string_view token) {
  std::array<unsigned char, 32> h;
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr, 0);
  std::array<char, 65> hex;
  sodium_bin2hex(hex.data(), hex.size(), h.data(), h.size());
  return std::string(hex.data());
}

bool looks_like_opaque_token(std::string_view token) {
  if (token.size() != 43) return false;
  for (char c : token)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

}  // namespace brokle::identity
