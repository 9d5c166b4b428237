#include "identity/access_token.hpp"

#include <gtest/gtest.h>
#include <jwt.h>
#include <sodium.h>

#include <array>
#include <cstdlib>
#include <string>

namespace brokle::identity {
namespace {

using namespace std::chrono_literals;

const std::string kKey = "0123456789abcdef0123456789abcdef-test-key";
const std::string kIssuer = "https://brokle.test";
constexpr std::time_t kNow = 1'700'000'000;

access_claims alice() {
  access_claims c;
  c.user_id = "01HZUSERAAAAAAAAAAAAAAAAAA";
  c.session_id = "01HZSESSAAAAAAAAAAAAAAAAAA";
  return c;
}

std::string b64url(std::string_view data) {
  std::string out(sodium_base64_encoded_len(data.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.pop_back();
  return out;
}

std::string hs256(std::string_view key, std::string_view input) {
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac;
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  crypto_auth_hmacsha256_final(&st, mac.data());
  return b64url(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

// A token assembled by hand, so tests control every byte the attacker would.
std::string hand_token(std::string_view header_json, std::string_view payload_json, std::string_view key = kKey) {
  std::string input = b64url(header_json) + "." + b64url(payload_json);
  return input + "." + hs256(key, input);
}

std::string payload(std::string_view extra = "", std::time_t exp = kNow + 900) {
  std::string p = R"({"sub":"u1","sid":"s1","iss":")" + kIssuer + R"(","iat":)" + std::to_string(kNow) + R"(,"exp":)" +
                  std::to_string(exp);
  if (!extra.empty()) p += "," + std::string(extra);
  return p + "}";
}

constexpr std::string_view kHs256Header = R"({"alg":"HS256","typ":"JWT"})";

std::string rejection(const access_token_codec& codec, std::string_view token, std::time_t now = kNow) {
  auto r = codec.verify(token, now);
  if (r.ok()) return "<accepted>";
  EXPECT_EQ(r.err().code, errc::unauthenticated);
  return r.err().message;
}

bool mentions(const std::string& message, std::string_view what) { return message.find(what) != std::string::npos; }

TEST(access_token, issue_and_verify_round_trip) {
  access_token_codec codec(kKey, kIssuer, 900s);
  std::string token = codec.issue(alice(), kNow);
  auto claims = codec.verify(token, kNow + 10);
  ASSERT_TRUE(claims.ok()) << claims.err().message;
  EXPECT_EQ(claims->user_id, alice().user_id);
  EXPECT_EQ(claims->session_id, alice().session_id);
  EXPECT_EQ(claims->issued_at, kNow);
  EXPECT_EQ(claims->expires_at, kNow + 900);
  EXPECT_EQ(claims->token_id.size(), 26u);
  // Each token gets its own id.
  EXPECT_NE(codec.verify(codec.issue(alice(), kNow), kNow)->token_id, claims->token_id);
}

TEST(access_token, hand_built_token_is_accepted) {
  // Guards the test helpers themselves: a correct hand-made token must pass, so the rejections
  // below are about what each test changes.
  access_token_codec codec(kKey, kIssuer, 900s);
  EXPECT_EQ(rejection(codec, hand_token(kHs256Header, payload())), "<accepted>");
}

TEST(access_token, expiry_with_leeway) {
  access_token_codec codec(kKey, kIssuer, 900s);
  std::string token = codec.issue(alice(), kNow);
  EXPECT_EQ(rejection(codec, token, kNow + 900), "<accepted>");
  EXPECT_EQ(rejection(codec, token, kNow + 929), "<accepted>");
  EXPECT_EQ(rejection(codec, token, kNow + 930), "<accepted>");
  EXPECT_TRUE(mentions(rejection(codec, token, kNow + 931), "expired"));
  EXPECT_EQ(rejection(codec, hand_token(kHs256Header, payload("", INT64_MAX))), "<accepted>");
}

TEST(access_token, alg_none_is_rejected) {
  access_token_codec codec(kKey, kIssuer, 900s);
  std::string unsigned_token = b64url(R"({"alg":"none","typ":"JWT"})") + "." + b64url(payload()) + ".";
  EXPECT_TRUE(mentions(rejection(codec, unsigned_token), "alg none"));
  std::string shouting = b64url(R"({"alg":"NONE"})") + "." + b64url(payload()) + ".";
  EXPECT_TRUE(mentions(rejection(codec, shouting), "alg none"));
  // alg none with a signature attached (valid HMAC over the parts) is still refused.
  EXPECT_TRUE(mentions(rejection(codec, hand_token(R"({"alg":"none"})", payload())), "alg none"));
  // An HS256 header with the signature stripped.
  std::string stripped = b64url(kHs256Header) + "." + b64url(payload()) + ".";
  EXPECT_TRUE(mentions(rejection(codec, stripped), "not signed"));
}

TEST(access_token, other_algorithms_are_rejected) {
  access_token_codec codec(kKey, kIssuer, 900s);
  // A genuine HS512 token from libjwt with the same key: valid, but not the algorithm we use.
  jwt_t* j = nullptr;
  ASSERT_EQ(jwt_new(&j), 0);
  jwt_add_grant(j, "sub", "u1");
  jwt_add_grant(j, "sid", "s1");
  jwt_add_grant(j, "iss", kIssuer.c_str());
  jwt_add_grant_int(j, "exp", kNow + 900);
  jwt_set_alg(j, JWT_ALG_HS512, reinterpret_cast<const unsigned char*>(kKey.data()), static_cast<int>(kKey.size()));
  char* hs512 = jwt_encode_str(j);
  ASSERT_NE(hs512, nullptr);
  EXPECT_TRUE(mentions(rejection(codec, hs512), "only HS256"));
  std::free(hs512);
  jwt_free(j);

  EXPECT_TRUE(mentions(rejection(codec, hand_token(R"({"alg":"RS256"})", payload())), "only HS256"));
  EXPECT_TRUE(mentions(rejection(codec, hand_token(R"({"alg":"hs256"})", payload())), "only HS256"));
  EXPECT_TRUE(mentions(rejection(codec, hand_token(R"({"typ":"JWT"})", payload())), "no algorithm"));
  EXPECT_TRUE(mentions(rejection(codec, hand_token(R"({"alg":256})", payload())), "no algorithm"));
  EXPECT_TRUE(mentions(rejection(codec, hand_token(R"({"alg":"HS256","crit":["b64"]})", payload())), "critical"));
}

TEST(access_token, signature_must_match_our_key) {
  access_token_codec codec(kKey, kIssuer, 900s);
  access_token_codec other(std::string(40, 'k'), kIssuer, 900s);
  EXPECT_TRUE(mentions(rejection(codec, other.issue(alice(), kNow)), "bad signature"));
  EXPECT_TRUE(mentions(rejection(codec, hand_token(kHs256Header, payload(), std::string(40, 'x'))), "bad signature"));

  std::string token = codec.issue(alice(), kNow);
  // Swap the payload for one claiming another user, keeping the original signature.
  size_t d1 = token.find('.');
  size_t d2 = token.find('.', d1 + 1);
  std::string forged =
      token.substr(0, d1 + 1) +
      b64url(R"({"sub":"admin","sid":"s1","iss":")" + kIssuer + R"(","exp":)" + std::to_string(kNow + 900) + "}") +
      token.substr(d2);
  EXPECT_TRUE(mentions(rejection(codec, forged), "bad signature"));
  // Flip one character of the signature.
  std::string flipped = token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(codec.verify(flipped, kNow).ok());
  // Truncated signature.
  EXPECT_TRUE(mentions(rejection(codec, token.substr(0, token.size() - 1)), "bad signature"));
}

TEST(access_token, wrong_issuer_and_missing_claims) {
  access_token_codec codec(kKey, kIssuer, 900s);
  access_token_codec elsewhere(kKey, "https://other.test", 900s);
  EXPECT_TRUE(mentions(rejection(elsewhere, codec.issue(alice(), kNow)), "wrong issuer"));

  std::string exp = std::to_string(kNow + 900);
  std::string iss = R"("iss":")" + kIssuer + R"(")";
  EXPECT_TRUE(mentions(rejection(codec, hand_token(kHs256Header, R"({"sid":"s1",)" + iss + R"(,"exp":)" + exp + "}")),
                       "missing subject"));
  EXPECT_TRUE(
      mentions(rejection(codec, hand_token(kHs256Header, R"({"sub":"","sid":"s1",)" + iss + R"(,"exp":)" + exp + "}")),
               "missing subject"));
  EXPECT_TRUE(
      mentions(rejection(codec, hand_token(kHs256Header, R"({"sub":42,"sid":"s1",)" + iss + R"(,"exp":)" + exp + "}")),
               "missing subject"));
  EXPECT_TRUE(mentions(rejection(codec, hand_token(kHs256Header, R"({"sub":"u1",)" + iss + R"(,"exp":)" + exp + "}")),
                       "missing session"));
  EXPECT_TRUE(
      mentions(rejection(codec, hand_token(kHs256Header, R"({"sub":"u1","sid":"s1",)" + iss + "}")), "missing expiry"));
  EXPECT_TRUE(mentions(rejection(codec, hand_token(kHs256Header, R"({"sub":"u1","sid":"s1","exp":)" + exp + "}")),
                       "wrong issuer"));
  // libjwt reads a string exp as 0 without complaint; we must not.
  EXPECT_TRUE(mentions(
      rejection(codec, hand_token(kHs256Header, R"({"sub":"u1","sid":"s1",)" + iss + R"(,"exp":")" + exp + R"("})")),
      "not an integer"));
  EXPECT_TRUE(
      mentions(rejection(codec, hand_token(kHs256Header, R"({"sub":"u1","sid":"s1",)" + iss + R"(,"exp":1e12})")),
               "not an integer"));
}

TEST(access_token, future_iat_and_nbf) {
  access_token_codec codec(kKey, kIssuer, 900s);
  EXPECT_TRUE(mentions(rejection(codec, codec.issue(alice(), kNow + 60), kNow), "future"));
  EXPECT_EQ(rejection(codec, codec.issue(alice(), kNow + 20), kNow), "<accepted>");
  EXPECT_TRUE(mentions(rejection(codec, hand_token(kHs256Header, payload(R"("nbf":)" + std::to_string(kNow + 120)))),
                       "not valid yet"));
  EXPECT_EQ(rejection(codec, hand_token(kHs256Header, payload(R"("nbf":)" + std::to_string(kNow)))), "<accepted>");
}

TEST(access_token, malformed_and_overlong_tokens) {
  access_token_codec codec(kKey, kIssuer, 900s);
  std::string token = codec.issue(alice(), kNow);
  EXPECT_TRUE(mentions(rejection(codec, ""), "missing"));
  EXPECT_TRUE(mentions(rejection(codec, "abc"), "malformed"));
  EXPECT_TRUE(mentions(rejection(codec, "a.b"), "malformed"));
  EXPECT_TRUE(mentions(rejection(codec, "a.b.c.d"), "malformed"));
  EXPECT_TRUE(mentions(rejection(codec, ".."), "malformed"));
  EXPECT_TRUE(mentions(rejection(codec, token.substr(0, token.find('.'))), "malformed"));
  EXPECT_TRUE(mentions(rejection(codec, token.substr(0, token.rfind('.'))), "malformed"));
  EXPECT_TRUE(mentions(rejection(codec, token + "."), "malformed"));
  EXPECT_TRUE(mentions(rejection(codec, "Bearer " + token), "malformed"));
  EXPECT_TRUE(mentions(rejection(codec, std::string(token).insert(5, 1, '\0')), "malformed"));
  EXPECT_TRUE(mentions(rejection(codec, std::string(token).replace(3, 1, "+")), "malformed"));
  EXPECT_TRUE(mentions(rejection(codec, "e30.e30.sig"), "header has no algorithm"));  // {} header
  EXPECT_TRUE(mentions(rejection(codec, "!!!.e30.sig"), "malformed"));
  EXPECT_TRUE(mentions(rejection(codec, "A.e30.sig"), "malformed header"));
  EXPECT_TRUE(mentions(rejection(codec, std::string(5000, 'a')), "too long"));
  // A signed payload that is not a JSON object gets past the signature but not the claims.
  EXPECT_TRUE(mentions(rejection(codec, hand_token(kHs256Header, "[1,2,3]")), "malformed claims"));
  EXPECT_TRUE(mentions(rejection(codec, hand_token(kHs256Header, "not json")), "malformed claims"));
  // An otherwise valid token padded past the limit.
  std::string big = hand_token(kHs256Header, payload(R"("pad":")" + std::string(4000, 'x') + R"(")"));
  ASSERT_GT(big.size(), kMaxAccessTokenBytes);
  EXPECT_TRUE(mentions(rejection(codec, big), "too long"));
}

TEST(access_token, constructor_rejects_weak_configuration) {
  EXPECT_THROW(access_token_codec(std::string(31, 'k'), kIssuer, 900s), std::invalid_argument);
  EXPECT_THROW(access_token_codec(kKey, "", 900s), std::invalid_argument);
  EXPECT_THROW(access_token_codec(kKey, kIssuer, 0s), std::invalid_argument);
  access_token_codec codec(kKey, kIssuer, 900s);
  access_claims no_session = alice();
  no_session.session_id.clear();
  EXPECT_THROW((void)codec.issue(no_session, kNow), std::invalid_argument);
}

}  // namespace
}  // namespace brokle::identity
