#include "identity/totp.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace brokle::identity {
namespace {

// RFC 6238 appendix B uses the ASCII secret "12345678901234567890"; this is its base32 form.
constexpr std::string_view kRfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

struct vector {
  std::time_t time;
  const char* eight_digits;
};

// The SHA1 rows of RFC 6238 appendix B.
constexpr vector kVectors[] = {
    {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
    {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
};

TEST(totp, rfc6238_sha1_vectors_eight_digits) {
  for (const auto& v : kVectors) EXPECT_EQ(totp_code_at(kRfcSecret, v.time, 8), v.eight_digits) << v.time;
}

TEST(totp, rfc6238_sha1_vectors_six_digits) {
  // Truncation is modulo 10^digits, so 6-digit codes are the last six digits of the 8-digit ones.
  for (const auto& v : kVectors) {
    std::string six = std::string(v.eight_digits).substr(2);
    EXPECT_EQ(totp_code_at(kRfcSecret, v.time), six) << v.time;
    auto m = verify_totp(kRfcSecret, six, v.time, 0);
    ASSERT_TRUE(m.ok()) << m.err().message;
    EXPECT_TRUE(m->accepted) << v.time;
    EXPECT_EQ(m->matched_step, totp_step_of(v.time));
  }
}

TEST(totp, secret_spelling_is_forgiving) {
  EXPECT_EQ(totp_code_at("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", 59), "287082");
  EXPECT_EQ(totp_code_at("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ====", 59), "287082");
}

TEST(totp, window_accepts_neighbouring_steps_only) {
  const std::time_t now = 1'700'000'000;
  const int64_t step = totp_step_of(now);
  std::string previous = totp_code_at(kRfcSecret, now - 30);
  std::string next = totp_code_at(kRfcSecret, now + 30);
  std::string two_back = totp_code_at(kRfcSecret, now - 60);

  auto prev_match = verify_totp(kRfcSecret, previous, now, 1);
  ASSERT_TRUE(prev_match.ok());
  EXPECT_TRUE(prev_match->accepted);
  EXPECT_EQ(prev_match->matched_step, step - 1);

  auto next_match = verify_totp(kRfcSecret, next, now, 1);
  ASSERT_TRUE(next_match.ok());
  EXPECT_TRUE(next_match->accepted);
  EXPECT_EQ(next_match->matched_step, step + 1);

  auto too_old = verify_totp(kRfcSecret, two_back, now, 1);
  ASSERT_TRUE(too_old.ok());
  EXPECT_FALSE(too_old->accepted);
  EXPECT_FALSE(too_old->matched_step.has_value());

  auto strict = verify_totp(kRfcSecret, previous, now, 0);
  ASSERT_TRUE(strict.ok());
  EXPECT_FALSE(strict->accepted);
}

TEST(totp, replay_of_a_used_step_is_refused) {
  const std::time_t now = 1'700'000'000;
  std::string code = totp_code_at(kRfcSecret, now);
  auto first = verify_totp(kRfcSecret, code, now, 1);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->accepted);
  int64_t used = *first->matched_step;

  auto again = verify_totp(kRfcSecret, code, now + 5, 1, used);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->accepted);
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->matched_step, used);

  // An older code, still inside the window, is a replay too once a newer step was used.
  std::string older = totp_code_at(kRfcSecret, now - 30);
  auto older_match = verify_totp(kRfcSecret, older, now, 1, used);
  ASSERT_TRUE(older_match.ok());
  EXPECT_FALSE(older_match->accepted);
  EXPECT_TRUE(older_match->replayed);

  // The next step's code is fine.
  auto later = verify_totp(kRfcSecret, totp_code_at(kRfcSecret, now + 30), now + 30, 1, used);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->accepted);
  EXPECT_FALSE(later->replayed);
}

TEST(totp, malformed_codes_are_just_wrong) {
  const std::time_t now = 1'700'000'000;
  std::string code = totp_code_at(kRfcSecret, now);
  auto spaced = verify_totp(kRfcSecret, code.substr(0, 3) + " " + code.substr(3), now);
  ASSERT_TRUE(spaced.ok());
  EXPECT_TRUE(spaced->accepted);
  for (std::string bad : {std::string(), std::string("12345"), std::string("1234567"), std::string("12a456"),
                          code + "0", std::string("-") + code.substr(1)}) {
    auto m = verify_totp(kRfcSecret, bad, now);
    ASSERT_TRUE(m.ok()) << bad;
    EXPECT_FALSE(m->accepted) << bad;
  }
  std::string wrong = code;
  wrong[5] = wrong[5] == '9' ? '0' : static_cast<char>(wrong[5] + 1);
  auto m = verify_totp(kRfcSecret, wrong, now);
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->accepted);
}

TEST(totp, bad_secrets_and_windows_are_errors) {
  EXPECT_FALSE(verify_totp("not base32!", "123456", 0).ok());
  EXPECT_FALSE(verify_totp("GEZDGNBV", "123456", 0).ok());  // 40 bits
  EXPECT_FALSE(verify_totp("", "123456", 0).ok());
  auto w = verify_totp(kRfcSecret, "123456", 0, 11);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.err().code, errc::invalid_argument);
  EXPECT_FALSE(verify_totp(kRfcSecret, "123456", 0, -1).ok());
  EXPECT_THROW((void)totp_code_at("!!", 0), std::invalid_argument);
  EXPECT_THROW((void)totp_code_at(kRfcSecret, 0, 9), std::invalid_argument);
}

TEST(totp, new_secrets_are_random_base32_of_160_bits) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string s = new_totp_secret();
    ASSERT_EQ(s.size(), 32u);
    for (char c : s) EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')) << c;
    seen.insert(s);
    const std::time_t now = 1'700'000'000 + i;
    auto m = verify_totp(s, totp_code_at(s, now), now);
    ASSERT_TRUE(m.ok());
    EXPECT_TRUE(m->accepted);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(totp, step_of_floors) {
  EXPECT_EQ(totp_step_of(0), 0);
  EXPECT_EQ(totp_step_of(29), 0);
  EXPECT_EQ(totp_step_of(30), 1);
  EXPECT_EQ(totp_step_of(-1), -1);
  EXPECT_EQ(totp_step_of(59), 1);
}

TEST(totp, otpauth_uri_encodes_label_and_issuer) {
  EXPECT_EQ(otpauth_uri("Brokle", "alice@example.com", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/Brokle:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Brokle"
            "&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(otpauth_uri("Acme Corp: EU", "bob smith&co/x?y", "ABC"),
            "otpauth://totp/Acme%20Corp%3A%20EU:bob%20smith%26co%2Fx%3Fy?secret=ABC&issuer=Acme%20Corp%3A%20EU"
            "&algorithm=SHA1&digits=6&period=30");
  // Non-ASCII is percent-encoded byte by byte (UTF-8).
  EXPECT_EQ(otpauth_uri("Ünï", "a", "ABC").substr(0, 30), "otpauth://totp/%C3%9Cn%C3%AF:a");
}

}  // namespace
}  // namespace brokle::identity
