// Short-lived access tokens for the dashboard and API: HS256 JWTs signed with a server key.
// Claims: sub (user id), sid (session id, for revocation), iat, exp, iss, jti. Encoding and
// decoding go through libjwt; verification additionally pins the algorithm to HS256 before
// libjwt sees the token and checks the signature in constant time (libjwt 1.10 compares HMACs
// with strcmp), so alg=none and algorithm-confusion tokens never get as far as the claims.
#pragma once

#include <chrono>
#include <ctime>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace brokle::identity {

struct access_claims {
  std::string user_id;     // sub
  std::string session_id;  // sid
  std::time_t issued_at = 0;
  std::time_t expires_at = 0;
  std::string token_id;  // jti: set by issue(), returned by verify()
};

inline constexpr size_t kMaxAccessTokenBytes = 4096;
inline constexpr std::chrono::seconds kAccessTokenLeeway{30};

class access_token_codec {
 public:
  // `signing_key` must be at least 32 bytes and `ttl` positive; anything else is a configuration
  // bug (std::invalid_argument). The key is wiped from memory on destruction.
  access_token_codec(std::string signing_key, std::string issuer, std::chrono::seconds ttl);
  ~access_token_codec();
  access_token_codec(const access_token_codec&) = delete;
  access_token_codec& operator=(const access_token_codec&) = delete;

  // Uses claims.user_id and claims.session_id (both required: std::invalid_argument if empty);
  // iat = now, exp = now + ttl, and a fresh ULID as jti. The times in `claims` are ignored.
  std::string issue(const access_claims& claims, std::time_t now) const;

  // unauthenticated, with a message naming the reason, for: empty, over kMaxAccessTokenBytes,
  // malformed, alg other than HS256 (including none), bad signature, wrong issuer, missing sub,
  // sid or exp, expired (more than kAccessTokenLeeway past exp), or iat/nbf in the future
  // (beyond the same leeway).
  result<access_claims> verify(std::string_view token, std::time_t now) const;

  std::chrono::seconds ttl() const { return ttl_; }

 private:
  std::string key_;
  std::string issuer_;
  std::chrono::seconds ttl_;
};

}  // namespace brokle::identity
