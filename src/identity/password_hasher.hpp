// Password storage for user accounts: Argon2id hashes in libsodium's self-describing string
// format ($argon2id$v=19$m=...,t=...,p=1$salt$hash), so parameters can be raised later and old
// hashes upgraded at the next successful login (needs_rehash).
// Hashing is deliberately slow (tens of milliseconds, ~19 MiB each with the defaults): run it on
// the blocking pool, never on an I/O thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace brokle::identity {

// Defaults follow OWASP's Argon2id minimum (m=19 MiB, t=2, p=1).
struct argon2_params {
  unsigned long long ops_limit = 2;
  size_t mem_limit_bytes = size_t{19} * 1024 * 1024;
};

// invalid_argument when a limit is outside what libsodium accepts.
status check_argon2_params(const argon2_params& params);

// Rules for new passwords (sign-up, change, reset); not applied at login so that a later policy
// change never locks anyone out. Length limits: at least 12 characters (UTF-8 code points), at
// most 256 bytes; no NUL bytes (some clients truncate there).
status check_password_policy(std::string_view password);

inline constexpr size_t kMaxPasswordBytes = 256;

class password_hasher {
 public:
  // Computes one hash up front for verify_dummy(), so construction costs one Argon2 run.
  // Parameters that fail check_argon2_params() are a configuration bug: std::invalid_argument.
  explicit password_hasher(argon2_params params = {});

  // invalid_argument for passwords over kMaxPasswordBytes; unavailable when the memory for
  // Argon2 cannot be allocated.
  result<std::string> hash(std::string_view password) const;

  // False for a wrong password and for anything that is not a libsodium Argon2 hash string.
  bool verify(std::string_view stored_hash, std::string_view password) const;

  // True when `stored_hash` was made with other parameters (or is not ours at all) and should be
  // replaced after the next successful verify().
  bool needs_rehash(std::string_view stored_hash) const;

  // Spends the same time as verify() against a real hash. Call it when the account does not exist
  // so response times do not reveal which emails are registered.
  void verify_dummy(std::string_view password) const;

  const argon2_params& params() const { return params_; }

 private:
  argon2_params params_;
  std::string dummy_hash_;
};

}  // namespace brokle::identity
