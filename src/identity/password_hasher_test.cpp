#include "identity/password_hasher.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

namespace brokle::identity {
namespace {

// The smallest parameters libsodium accepts keep these tests fast; one test uses the defaults.
argon2_params fast_params() {
  return argon2_params{crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

TEST(password_hasher, round_trip_and_wrong_password) {
  password_hasher hasher(fast_params());
  auto h = hasher.hash("correct horse battery staple");
  ASSERT_TRUE(h.ok()) << h.err().message;
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(hasher.verify(*h, "correct horse battery staple"));
  EXPECT_FALSE(hasher.verify(*h, "correct horse battery stapl"));
  EXPECT_FALSE(hasher.verify(*h, "Correct horse battery staple"));
  EXPECT_FALSE(hasher.verify(*h, ""));
}

TEST(password_hasher, salts_make_every_hash_different) {
  password_hasher hasher(fast_params());
  auto a = hasher.hash("same password twice");
  auto b = hasher.hash("same password twice");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(hasher.verify(*a, "same password twice"));
  EXPECT_TRUE(hasher.verify(*b, "same password twice"));
}

TEST(password_hasher, embedded_nul_is_part_of_the_password) {
  password_hasher hasher(fast_params());
  std::string with_nul("abc\0def", 7);
  auto h = hasher.hash(with_nul);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(hasher.verify(*h, with_nul));
  EXPECT_FALSE(hasher.verify(*h, "abc"));
}

TEST(password_hasher, garbage_stored_hashes_never_verify) {
  password_hasher hasher(fast_params());
  EXPECT_FALSE(hasher.verify("", "password"));
  EXPECT_FALSE(hasher.verify("not a hash", "not a hash"));
  EXPECT_FALSE(hasher.verify(std::string(500, '$'), "password"));
  auto h = hasher.hash("tamper with me please");
  ASSERT_TRUE(h.ok());
  std::string tampered = *h;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(hasher.verify(tampered, "tamper with me please"));
  std::string with_nul = *h;
  with_nul.insert(with_nul.begin() + 5, '\0');
  EXPECT_FALSE(hasher.verify(with_nul, "tamper with me please"));
}

TEST(password_hasher, overlong_passwords_are_refused) {
  password_hasher hasher(fast_params());
  std::string longest(kMaxPasswordBytes, 'x');
  auto ok = hasher.hash(longest);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(hasher.verify(*ok, longest));
  auto too_long = hasher.hash(longest + "x");
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.err().code, errc::invalid_argument);
  EXPECT_FALSE(hasher.verify(*ok, longest + "x"));
}

TEST(password_hasher, needs_rehash_when_parameters_change) {
  password_hasher weak(fast_params());
  password_hasher stronger(argon2_params{crypto_pwhash_argon2id_OPSLIMIT_MIN + 1, crypto_pwhash_argon2id_MEMLIMIT_MIN});
  auto h = weak.hash("a reasonably long password");
  ASSERT_TRUE(h.ok());
  EXPECT_FALSE(weak.needs_rehash(*h));
  EXPECT_TRUE(stronger.needs_rehash(*h));
  // A hash made with other parameters still verifies: the string carries its own parameters.
  EXPECT_TRUE(stronger.verify(*h, "a reasonably long password"));
  EXPECT_TRUE(weak.needs_rehash("$2b$12$somebcrypthashfromanimportxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
  EXPECT_TRUE(weak.needs_rehash(""));
}

TEST(password_hasher, dummy_verify_runs_without_matching) {
  password_hasher hasher(fast_params());
  hasher.verify_dummy("anything at all");
  hasher.verify_dummy("");
  hasher.verify_dummy(std::string(1000, 'y'));
  SUCCEED();
}

TEST(password_hasher, invalid_parameters_are_rejected) {
  EXPECT_FALSE(check_argon2_params(argon2_params{0, crypto_pwhash_argon2id_MEMLIMIT_MIN}).ok());
  EXPECT_FALSE(check_argon2_params(argon2_params{1, 1024}).ok());
  EXPECT_TRUE(check_argon2_params(argon2_params{}).ok());
  EXPECT_THROW(password_hasher(argon2_params{1, 1024}), std::invalid_argument);
}

TEST(password_hasher, default_parameters_follow_owasp) {
  argon2_params defaults;
  EXPECT_EQ(defaults.ops_limit, 2u);
  EXPECT_EQ(defaults.mem_limit_bytes, 19u * 1024 * 1024);
  password_hasher hasher;
  auto h = hasher.hash("default parameters work");
  ASSERT_TRUE(h.ok());
  EXPECT_NE(h->find("$m=19456,t=2,p=1$"), std::string::npos) << *h;
  EXPECT_TRUE(hasher.verify(*h, "default parameters work"));
  EXPECT_FALSE(hasher.needs_rehash(*h));
}

TEST(password_policy, length_rules) {
  EXPECT_FALSE(check_password_policy("").ok());
  EXPECT_FALSE(check_password_policy("elevenchars").ok());
  EXPECT_TRUE(check_password_policy("twelve chars").ok());
  auto short_err = check_password_policy("short");
  ASSERT_FALSE(short_err.ok());
  EXPECT_EQ(short_err.err().code, errc::invalid_argument);
  EXPECT_NE(short_err.err().message.find("at least 12"), std::string::npos);

  EXPECT_TRUE(check_password_policy(std::string(256, 'a')).ok());
  auto long_err = check_password_policy(std::string(257, 'a'));
  ASSERT_FALSE(long_err.ok());
  EXPECT_NE(long_err.err().message.find("at most 256"), std::string::npos);
}

TEST(password_policy, counts_characters_not_bytes) {
  // Twelve Cyrillic letters: 24 bytes, 12 characters.
  EXPECT_TRUE(check_password_policy("пароль пароль").ok());
  // Six two-byte letters are 12 bytes but only 6 characters.
  EXPECT_FALSE(check_password_policy("пароль").ok());
}

TEST(password_policy, rejects_nul_and_blank_passwords) {
  EXPECT_FALSE(check_password_policy(std::string("abcdefghijk\0lmn", 15)).ok());
  EXPECT_FALSE(check_password_policy(std::string(20, ' ')).ok());
}

}  // namespace
}  // namespace brokle::identity
