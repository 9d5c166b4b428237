// Single-use recovery codes: the way back into an account when the TOTP device is lost.
// Shown once as xxxx-xxxx-xxxx (12 characters of lowercase Crockford base32: no i, l, o, u, so
// nothing reads ambiguously); stored only as hashes; each hash is deleted when its code is used.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace brokle::identity {

inline constexpr int kRecoveryCodeCount = 10;

// `n` codes (1..100; anything else is a bug: std::invalid_argument), 60 random bits each.
std::vector<std::string> new_recovery_codes(int n = kRecoveryCodeCount);

// Normalises what a user typed (case, dashes, spaces; i/l read as 1 and o as 0, as Crockford
// base32 does) and returns lowercase hex BLAKE2b-256 over a domain tag, `user_id` and the code.
// A fast hash is acceptable because each code carries 60 random bits, is single-use, and login
// attempts are rate limited. The user id is the salt: without it, one leaked table of every
// user's hashes could be attacked all at once (a guess would hit any of millions of codes); with
// it, each guess tests one user's ten codes, ~2^56 guesses expected per account.
std::string hash_recovery_code(std::string_view user_id, std::string_view code);

// True when `code` normalises to 12 characters of the code alphabet.
bool looks_like_recovery_code(std::string_view code);

// The index in `stored_hashes` whose code this is, or nullopt. Compares against every entry in
// constant time per entry, without stopping at a match, so timing does not reveal which one hit.
std::optional<size_t> find_recovery_code(std::string_view user_id, std::string_view code,
                                         const std::vector<std::string>& stored_hashes);

}  // namespace brokle::identity
