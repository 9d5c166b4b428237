#include "identity/access_token.hpp"

#include <jwt.h>
#include <sodium.h>

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>

#include "core/sodium_init.hpp"
#include "core/ulid.hpp"

namespace brokle::identity {

namespace {

constexpr size_t kMinKeyBytes = 32;
constexpr int kBase64Url = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

struct jwt_deleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using jwt_ptr = std::unique_ptr<jwt_t, jwt_deleter>;

struct c_string_deleter {
  void operator()(char* s) const { std::free(s); }
};
using c_string = std::unique_ptr<char, c_string_deleter>;

error rejected(std::string why) {
  return make_error(errc::unauthenticated, "access token rejected: " + std::move(why));
}

bool is_base64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &len, &end, kBase64Url) != 0 ||
      end != text.data() + text.size())
    return std::nullopt;
  out.resize(len);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// The header decides which checks apply, so it is read before anything trusts the token. Only a
// JSON object whose "alg" is exactly "HS256" gets through.
status check_header(std::string_view encoded) {
  auto json_text = base64url_decode(encoded);
  if (!json_text) return rejected("malformed header");
  boost::system::error_code ec;
  boost::json::value header = boost::json::parse(*json_text, ec);
  if (ec || !header.is_object()) return rejected("malformed header");
  const auto& obj = header.get_object();
  const auto* alg = obj.if_contains("alg");
  if (alg == nullptr || !alg->is_string()) return rejected("header has no algorithm");
  std::string_view name = alg->get_string();
  if (iequals(name, "none")) return rejected("unsigned tokens (alg none) are not accepted");
  if (name != "HS256") return rejected("only HS256 tokens are accepted");
  // RFC 7515 4.1.11: extensions we do not understand must not be ignored.
  if (obj.contains("crit")) return rejected("unsupported critical header");
  return ok_v;
}

// Constant-time HMAC-SHA256 check over "header.payload": libjwt 1.10's own check uses strcmp.
bool signature_matches(std::string_view key, std::string_view signing_input, std::string_view encoded_signature) {
  auto signature = base64url_decode(encoded_signature);
  if (!signature || signature->size() != crypto_auth_hmacsha256_BYTES) return false;
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(signing_input.data()),
                                signing_input.size());
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> expected;
  crypto_auth_hmacsha256_final(&state, expected.data());
  sodium_memzero(&state, sizeof state);
  return crypto_verify_32(expected.data(), reinterpret_cast<const unsigned char*>(signature->data())) == 0;
}

enum class claim_state { missing, invalid, present };

// libjwt's jwt_get_grant_int() answers 0 without an error for strings and floats, so read the
// claim's JSON text and accept only an integer.
claim_state int_claim(jwt_t* jwt, const char* name, int64_t& out) {
  c_string text(jwt_get_grants_json(jwt, name));
  if (!text) return claim_state::missing;
  std::string_view s(text.get());
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || end != s.data() + s.size()) return claim_state::invalid;
  return claim_state::present;
}

// jwt_get_grant() returns null for absent and for non-string claims alike.
std::optional<std::string> string_claim(jwt_t* jwt, const char* name) {
  const char* v = jwt_get_grant(jwt, name);
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

}  // namespace

access_token_codec::access_token_codec(std::string signing_key, std::string issuer, std::chrono::seconds ttl)
    : key_(std::move(signing_key)), issuer_(std::move(issuer)), ttl_(ttl) {
  if (key_.size() < kMinKeyBytes) {
    sodium_memzero(key_.data(), key_.size());
    throw std::invalid_argument("access token signing key must be at least 32 bytes");
  }
  if (issuer_.empty() || issuer_.find('\0') != std::string::npos)
    throw std::invalid_argument("access token issuer must be a non-empty string");
  if (ttl_ <= std::chrono::seconds::zero()) throw std::invalid_argument("access token ttl must be positive");
  ensure_sodium();
}

access_token_codec::~access_token_codec() { sodium_memzero(key_.data(), key_.size()); }

std::string access_token_codec::issue(const access_claims& claims, std::time_t now) const {
  auto usable = [](const std::string& s) { return !s.empty() && s.find('\0') == std::string::npos; };
  if (!usable(claims.user_id) || !usable(claims.session_id))
    throw std::invalid_argument("access token needs a user id and a session id");
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::bad_alloc();
  jwt_ptr jwt(raw);
  std::string jti = new_ulid();
  int rc = jwt_add_grant(jwt.get(), "sub", claims.user_id.c_str());
  if (rc == 0) rc = jwt_add_grant(jwt.get(), "sid", claims.session_id.c_str());
  if (rc == 0) rc = jwt_add_grant(jwt.get(), "iss", issuer_.c_str());
  if (rc == 0) rc = jwt_add_grant(jwt.get(), "jti", jti.c_str());
  if (rc == 0) rc = jwt_add_grant_int(jwt.get(), "iat", static_cast<long>(now));
  if (rc == 0) rc = jwt_add_grant_int(jwt.get(), "exp", static_cast<long>(now + ttl_.count()));
  if (rc == 0)
    rc = jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(key_.data()),
                     static_cast<int>(key_.size()));
  if (rc != 0) throw std::runtime_error("libjwt could not build an access token (error " + std::to_string(rc) + ")");
  c_string encoded(jwt_encode_str(jwt.get()));
  if (!encoded) throw std::runtime_error("libjwt could not encode an access token");
  return std::string(encoded.get());
}

result<access_claims> access_token_codec::verify(std::string_view token, std::time_t now) const {
  if (token.empty()) return rejected("missing token");
  if (token.size() > kMaxAccessTokenBytes) return rejected("token is too long");

  size_t first_dot = token.find('.');
  size_t second_dot = first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos)
    return rejected("malformed token (expected three dot-separated parts)");
  for (char c : token)
    if (c != '.' && !is_base64url(c)) return rejected("malformed token (unexpected characters)");
  std::string_view header = token.substr(0, first_dot);
  std::string_view payload = token.substr(first_dot + 1, second_dot - first_dot - 1);
  std::string_view signature = token.substr(second_dot + 1);
  if (header.empty() || payload.empty()) return rejected("malformed token (empty part)");

  if (auto st = check_header(header); !st) return st.err();
  if (signature.empty()) return rejected("token is not signed");
  if (!signature_matches(key_, token.substr(0, second_dot), signature)) return rejected("bad signature");

  // Only now, with the algorithm and signature settled, does libjwt parse the claims (and check
  // the signature once more itself).
  std::string token_text(token);
  jwt_t* raw = nullptr;
  int rc = jwt_decode(&raw, token_text.c_str(), reinterpret_cast<const unsigned char*>(key_.data()),
                      static_cast<int>(key_.size()));
  jwt_ptr jwt(raw);
  if (rc != 0 || !jwt) return rejected("malformed claims");
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) return rejected("only HS256 tokens are accepted");
  // libjwt 1.10 takes any JSON value as the claim set (an array decodes "successfully").
  c_string all_claims(jwt_get_grants_json(jwt.get(), nullptr));
  if (!all_claims || all_claims.get()[0] != '{') return rejected("malformed claims");

  auto iss = string_claim(jwt.get(), "iss");
  if (!iss || *iss != issuer_) return rejected("wrong issuer");

  access_claims claims;
  auto sub = string_claim(jwt.get(), "sub");
  if (!sub || sub->empty()) return rejected("missing subject (sub)");
  claims.user_id = std::move(*sub);
  auto sid = string_claim(jwt.get(), "sid");
  if (!sid || sid->empty()) return rejected("missing session id (sid)");
  claims.session_id = std::move(*sid);
  claims.token_id = string_claim(jwt.get(), "jti").value_or("");

  const int64_t leeway = kAccessTokenLeeway.count();
  const auto now64 = static_cast<int64_t>(now);
  int64_t exp = 0;
  switch (int_claim(jwt.get(), "exp", exp)) {
    case claim_state::missing:
      return rejected("missing expiry (exp)");
    case claim_state::invalid:
      return rejected("expiry (exp) is not an integer");
    case claim_state::present:
      break;
  }
  if (now64 - leeway > exp) return rejected("token expired");
  int64_t iat = 0;
  switch (int_claim(jwt.get(), "iat", iat)) {
    case claim_state::missing:
      iat = 0;
      break;
    case claim_state::invalid:
      return rejected("issued-at (iat) is not an integer");
    case claim_state::present:
      if (iat > now64 + leeway) return rejected("token issued in the future");
      break;
  }
  int64_t nbf = 0;
  switch (int_claim(jwt.get(), "nbf", nbf)) {
    case claim_state::missing:
      break;
    case claim_state::invalid:
      return rejected("not-before (nbf) is not an integer");
    case claim_state::present:
      if (nbf > now64 + leeway) return rejected("token not valid yet");
      break;
  }
  claims.issued_at = static_cast<std::time_t>(iat);
  claims.expires_at = static_cast<std::time_t>(exp);
  return claims;
}

}  // namespace brokle::identity
