#include "identity/totp.hpp"

#include <liboath/oath.h>
#include <sodium.h>

#include <array>
#include <cstdlib>
#include <stdexcept>

#include "core/sodium_init.hpp"

namespace brokle::identity {

namespace {

constexpr size_t kSecretBytes = 20;
constexpr size_t kMinSecretBytes = 16;  // RFC 4226 section 4, requirement R6: at least 128 bits

void ensure_oath() {
  static const bool ready = [] {
    if (oath_init() != OATH_OK) throw std::runtime_error("liboath failed to initialise");
    return true;
  }();
  (void)ready;
}

// Decoded secret bytes, wiped when done.
struct secret_bytes {
  std::string bytes;
  ~secret_bytes() { sodium_memzero(bytes.data(), bytes.size()); }
};

// Authenticator apps and users write base32 in lowercase, with spaces or padding: accept all.
status decode_secret(std::string_view text, secret_bytes& out) {
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) {
    if (c == ' ' || c == '-' || c == '=') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'))) {
      sodium_memzero(clean.data(), clean.size());
      return make_error(errc::invalid_argument, "TOTP secret is not valid base32");
    }
    clean.push_back(c);
  }
  ensure_oath();
  char* raw = nullptr;
  size_t raw_len = 0;
  int rc = oath_base32_decode(clean.data(), clean.size(), &raw, &raw_len);
  sodium_memzero(clean.data(), clean.size());
  if (rc != OATH_OK) {
    std::free(raw);
    return make_error(errc::invalid_argument, "TOTP secret is not valid base32");
  }
  if (raw_len > 0) {
    out.bytes.assign(raw, raw_len);
    sodium_memzero(raw, raw_len);
  }
  std::free(raw);
  if (out.bytes.size() < kMinSecretBytes)
    return make_error(errc::invalid_argument, "TOTP secret is shorter than 128 bits");
  return ok_v;
}

// liboath compares codes with strcmp by default; this callback compares in constant time so a
// timing side channel cannot reveal how many leading digits were right. 0 means "match".
int constant_time_code_compare(void* handle, const char* candidate) {
  const auto* code = static_cast<const std::string*>(handle);
  std::string_view other(candidate);
  if (other.size() != code->size()) return 1;
  return sodium_memcmp(code->data(), other.data(), other.size()) == 0 ? 0 : 1;
}

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (char c : s) {
    if (is_unreserved(c)) {
      out.push_back(c);
    } else {
      auto b = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 15]);
    }
  }
  return out;
}

}  // namespace

std::string new_totp_secret() {
  ensure_sodium();
  ensure_oath();
  std::array<char, kSecretBytes> raw;
  randombytes_buf(raw.data(), raw.size());
  char* encoded = nullptr;
  size_t encoded_len = 0;
  int rc = oath_base32_encode(raw.data(), raw.size(), &encoded, &encoded_len);
  sodium_memzero(raw.data(), raw.size());
  if (rc != OATH_OK) {
    std::free(encoded);
    throw std::bad_alloc();  // the only way base32 encoding of 20 bytes fails
  }
  std::string out(encoded, encoded_len);
  sodium_memzero(encoded, encoded_len);
  std::free(encoded);
  while (!out.empty() && out.back() == '=') out.pop_back();  // 160 bits needs none, but be sure
  return out;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view base32_secret) {
  std::string uri = "otpauth://totp/";
  uri += percent_encode(issuer);
  uri += ':';
  uri += percent_encode(account);
  uri += "?secret=";
  uri += percent_encode(base32_secret);
  uri += "&issuer=";
  uri += percent_encode(issuer);
  uri += "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) + "&period=" + std::to_string(kTotpPeriodSeconds);
  return uri;
}

int64_t totp_step_of(std::time_t now) {
  auto t = static_cast<int64_t>(now);
  int64_t step = t / kTotpPeriodSeconds;
  if (t % kTotpPeriodSeconds < 0) --step;  // floor for times before 1970
  return step;
}

result<totp_match> verify_totp(std::string_view base32_secret, std::string_view code, std::time_t now, int window_steps,
                               std::optional<int64_t> last_used_step) {
  if (window_steps < 0 || window_steps > kTotpMaxWindowSteps)
    return make_error(errc::invalid_argument,
                      "TOTP window must be between 0 and " + std::to_string(kTotpMaxWindowSteps) + " steps");
  secret_bytes secret;
  if (auto st = decode_secret(base32_secret, secret); !st) return st.err();

  std::string digits;
  for (char c : code) {
    if (c == ' ') continue;
    if (c < '0' || c > '9' || digits.size() == kTotpDigits) return totp_match{};
    digits.push_back(c);
  }
  if (digits.size() != kTotpDigits) return totp_match{};

  int position = 0;
  uint64_t counter = 0;
  int rc = oath_totp_validate3_callback(secret.bytes.data(), secret.bytes.size(), now, kTotpPeriodSeconds, 0,
                                        kTotpDigits, static_cast<size_t>(window_steps), &position, &counter,
                                        constant_time_code_compare, &digits);
  if (rc == OATH_INVALID_OTP) return totp_match{};
  if (rc < 0) return make_error(errc::internal, std::string("TOTP check failed: ") + oath_strerror(rc));

  totp_match m;
  m.matched_step = static_cast<int64_t>(counter);
  m.replayed = last_used_step && *m.matched_step <= *last_used_step;
  m.accepted = !m.replayed;
  return m;
}

std::string totp_code_at(std::string_view base32_secret, std::time_t now, unsigned digits) {
  if (digits < 6 || digits > 8) throw std::invalid_argument("totp_code_at: digits must be 6, 7 or 8");
  secret_bytes secret;
  if (auto st = decode_secret(base32_secret, secret); !st) throw std::invalid_argument(st.err().message);
  std::array<char, 9> out{};
  int rc = oath_totp_generate(secret.bytes.data(), secret.bytes.size(), now, kTotpPeriodSeconds, 0, digits, out.data());
  if (rc != OATH_OK) throw std::runtime_error(std::string("oath_totp_generate: ") + oath_strerror(rc));
  return std::string(out.data());
}

}  // namespace brokle::identity
