#include "identity/password_hasher.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

#include "core/sodium_init.hpp"

namespace brokle::identity {

namespace {

// crypto_pwhash_str_verify() wants a NUL-terminated string inside a crypto_pwhash_STRBYTES
// buffer; anything longer cannot be one of our hashes.
bool copy_hash_string(std::string_view stored, std::array<char, crypto_pwhash_STRBYTES>& out) {
  if (stored.empty() || stored.size() >= out.size()) return false;
  if (stored.find('\0') != std::string_view::npos) return false;
  out.fill('\0');
  stored.copy(out.data(), stored.size());
  return true;
}

}  // namespace

status check_argon2_params(const argon2_params& p) {
  if (p.ops_limit < crypto_pwhash_argon2id_OPSLIMIT_MIN || p.ops_limit > crypto_pwhash_argon2id_OPSLIMIT_MAX)
    return make_error(errc::invalid_argument, "argon2 ops limit must be between " +
                                                  std::to_string(crypto_pwhash_argon2id_OPSLIMIT_MIN) + " and " +
                                                  std::to_string(crypto_pwhash_argon2id_OPSLIMIT_MAX));
  if (p.mem_limit_bytes < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      p.mem_limit_bytes > crypto_pwhash_argon2id_MEMLIMIT_MAX)
    return make_error(errc::invalid_argument, "argon2 memory limit must be between " +
                                                  std::to_string(crypto_pwhash_argon2id_MEMLIMIT_MIN) + " and " +
                                                  std::to_string(crypto_pwhash_argon2id_MEMLIMIT_MAX) + " bytes");
  return ok_v;
}

status check_password_policy(std::string_view password) {
  if (password.size() > kMaxPasswordBytes)
    return make_error(errc::invalid_argument,
                      "password must be at most " + std::to_string(kMaxPasswordBytes) + " bytes");
  if (password.find('\0') != std::string_view::npos)
    return make_error(errc::invalid_argument, "password must not contain NUL characters");
  // Count code points, not bytes, so a 12-character passphrase in any script qualifies; UTF-8
  // continuation bytes (10xxxxxx) do not start a character.
  size_t characters = 0;
  for (char c : password)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++characters;
  if (characters < 12) return make_error(errc::invalid_argument, "password must be at least 12 characters long");
  bool all_space = true;
  for (char c : password)
    if (c != ' ' && c != '\t') all_space = false;
  if (all_space) return make_error(errc::invalid_argument, "password must not be only spaces");
  return ok_v;
}

password_hasher::password_hasher(argon2_params params) : params_(params) {
  if (auto st = check_argon2_params(params_); !st) throw std::invalid_argument(st.err().message);
  ensure_sodium();
  // The dummy's password is random and immediately forgotten: nothing can ever match it.
  std::array<unsigned char, 32> random_password;
  randombytes_buf(random_password.data(), random_password.size());
  std::array<char, crypto_pwhash_STRBYTES> out{};
  int rc =
      crypto_pwhash_str_alg(out.data(), reinterpret_cast<const char*>(random_password.data()), random_password.size(),
                            params_.ops_limit, params_.mem_limit_bytes, crypto_pwhash_ALG_ARGON2ID13);
  sodium_memzero(random_password.data(), random_password.size());
  if (rc != 0) throw std::runtime_error("argon2id: cannot allocate memory for the dummy hash");
  dummy_hash_ = out.data();
}

result<std::string> password_hasher::hash(std::string_view password) const {
  if (password.size() > kMaxPasswordBytes)
    return make_error(errc::invalid_argument,
                      "password must be at most " + std::to_string(kMaxPasswordBytes) + " bytes");
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), params_.ops_limit, params_.mem_limit_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    return make_error(errc::unavailable, "password hashing failed: not enough memory");
  return std::string(out.data());
}

bool password_hasher::verify(std::string_view stored_hash, std::string_view password) const {
  // hash() refuses longer passwords, so no stored hash can match one; answering early spares the
  // pool from attacker-sized inputs.
  if (password.size() > kMaxPasswordBytes) return false;
  std::array<char, crypto_pwhash_STRBYTES> stored{};
  if (!copy_hash_string(stored_hash, stored)) return false;
  // The comparison of the derived hash is constant-time inside libsodium.
  return crypto_pwhash_str_verify(stored.data(), password.data(), password.size()) == 0;
}

bool password_hasher::needs_rehash(std::string_view stored_hash) const {
  std::array<char, crypto_pwhash_STRBYTES> stored{};
  if (!copy_hash_string(stored_hash, stored)) return true;
  // 0: same algorithm and parameters; 1: different parameters; -1: not an Argon2id string.
  return crypto_pwhash_argon2id_str_needs_rehash(stored.data(), params_.ops_limit, params_.mem_limit_bytes) != 0;
}

void password_hasher::verify_dummy(std::string_view password) const {
  if (password.size() > kMaxPasswordBytes) return;  // mirrors verify()'s early answer
  (void)verify(dummy_hash_, password);
}

}  // namespace brokle::identity
