// Time-based one-time passwords (RFC 6238) for two-factor login, as authenticator apps expect
// them: HMAC-SHA1, 6 digits, 30-second steps, secrets shown as unpadded base32. The HOTP core is
// liboath's; this file adds secret generation, the enrolment URI, input normalisation, a
// constant-time code comparison and replay refusal.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace brokle::identity {

inline constexpr unsigned kTotpDigits = 6;
inline constexpr unsigned kTotpPeriodSeconds = 30;
inline constexpr int kTotpMaxWindowSteps = 10;

// 160 random bits (the RFC 4226 recommendation), as 32 characters of uppercase base32.
std::string new_totp_secret();

// otpauth://totp/Issuer:account?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30 with the
// label and issuer percent-encoded (RFC 3986 unreserved characters kept), for the QR code.
std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view base32_secret);

// The time step a unix time falls in: floor(now / 30).
int64_t totp_step_of(std::time_t now);

struct totp_match {
  bool accepted = false;                // the code is right and not a replay: let the user in
  std::optional<int64_t> matched_step;  // set whenever the code matched some step in the window
  bool replayed = false;                // it matched, but at or before last_used_step
};

// Checks `code` against the steps now-window_steps .. now+window_steps (1 = accept one step of
// clock skew each way). Spaces in the code are ignored; a code that is not 6 digits is simply not
// accepted. Replay: pass the step stored after the user's last successful login; any match at or
// before it is refused (replayed = true). After success, store *matched_step as the new value.
// Errors (invalid_argument) only for a secret that is not base32 of at least 128 bits, or a
// window outside 0..kTotpMaxWindowSteps.
result<totp_match> verify_totp(std::string_view base32_secret, std::string_view code, std::time_t now,
                               int window_steps = 1, std::optional<int64_t> last_used_step = std::nullopt);

// The code for `now`, with 6 to 8 digits (RFC 6238's test vectors use 8). For tests and tools:
// an invalid secret or digit count is a bug here (std::invalid_argument).
std::string totp_code_at(std::string_view base32_secret, std::time_t now, unsigned digits = kTotpDigits);

}  // namespace brokle::identity
