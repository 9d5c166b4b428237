// Encryption at rest for secrets the server must read back (provider API keys, TOTP seeds,
// webhook secrets): XSalsa20-Poly1305 (libsodium secretbox) under one 32-byte master key.
//
// Sealed format, as text safe for SQL, env files and URLs:
//   base64url-without-padding( version byte 0x01 || 24-byte random nonce || ciphertext+16-byte MAC )
// The version byte lets a future key rotation or algorithm change coexist with old rows.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace brokle::identity {

// 32 secret bytes, wiped from memory when destroyed. Move-only so copies do not linger.
class master_key {
 public:
  static constexpr size_t size = 32;

  explicit master_key(const std::array<unsigned char, size>& bytes);
  master_key(master_key&& other) noexcept;
  master_key& operator=(master_key&& other) noexcept;
  master_key(const master_key&) = delete;
  master_key& operator=(const master_key&) = delete;
  ~master_key();

  const unsigned char* data() const { return bytes_.data(); }

 private:
  std::array<unsigned char, size> bytes_{};
};

// Where the key comes from, in order:
//  1. `env_value` (e.g. BROKLE_MASTER_KEY), when present and not blank: 64 hex characters, or
//     base64 (standard or URL-safe, padding optional) of exactly 32 bytes. Anything else is an
//     invalid_argument error; the value is never echoed.
//  2. `data_dir/master.key`: 64 hex characters (a trailing newline is fine) or exactly 32 raw
//     bytes. The file must be a regular file with no permission bits beyond 0600 (owner
//     read/write); wider permissions are refused (permission_denied) rather than silently fixed.
//  3. Otherwise a new random key is written there as hex with mode 0600 and *created_file is set,
//     so the caller can warn that losing this file makes sealed data unreadable. Creation is
//     atomic and never clobbers: temp file (0600) + fsync + link(2) to the final name; if another
//     process won the race, its key is loaded instead.
result<master_key> load_master_key(std::optional<std::string> env_value, const std::filesystem::path& data_dir,
                                   bool* created_file);

class secret_box {
 public:
  explicit secret_box(const master_key& key);
  ~secret_box();
  secret_box(const secret_box&) = delete;
  secret_box& operator=(const secret_box&) = delete;

  // A fresh random nonce per call: sealing the same plaintext twice gives different text.
  std::string seal(std::string_view plaintext) const;

  // invalid_argument when `sealed` is not in the format above (bad base64, too short, unknown
  // version); internal when the MAC does not verify (tampered data or a different master key).
  result<std::string> open(std::string_view sealed) const;

 private:
  std::array<unsigned char, master_key::size> key_{};
};

}  // namespace brokle::identity
