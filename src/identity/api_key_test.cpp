#include "identity/api_key.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/ulid.hpp"

namespace brokle::identity {
namespace {

constexpr std::string_view kProject = "01ARYZ6S41TSV4RRFFQ69G5FAV";
const std::string kPepper(32, 'p');

std::string valid_key() { return "bk_proj_01ARYZ6S41TSV4RRFFQ69G5FAV_abcdefghijklmnopqrstuvwxyzABCDEF"; }

std::string parse_error(std::string_view key) {
  auto p = parse_api_key(key);
  if (p.ok()) return "<accepted>";
  EXPECT_EQ(p.err().code, errc::unauthenticated);
  return p.err().message;
}

TEST(api_key, generated_keys_round_trip) {
  auto k = generate_api_key(kProject, kPepper);
  ASSERT_EQ(k.full_key.size(), kApiKeyLength);
  EXPECT_EQ(k.full_key.rfind("bk_proj_01ARYZ6S41TSV4RRFFQ69G5FAV_", 0), 0u);
  auto parsed = parse_api_key(k.full_key);
  ASSERT_TRUE(parsed.ok()) << parsed.err().message;
  EXPECT_EQ(parsed->project_id, kProject);
  EXPECT_EQ(parsed->secret, k.full_key.substr(35));
  EXPECT_EQ(k.key_hash, hash_api_key(k.full_key, kPepper));
  EXPECT_EQ(k.key_hash.size(), 64u);
  EXPECT_EQ(k.preview, "bk_proj_01AR..." + k.full_key.substr(63));
  EXPECT_EQ(k.preview.find(parsed->secret.substr(0, 28)), std::string::npos);
}

TEST(api_key, secrets_are_unique_and_use_the_whole_alphabet) {
  std::set<std::string> keys;
  std::set<char> seen;
  for (int i = 0; i < 2000; ++i) {
    auto k = generate_api_key(kProject);
    keys.insert(k.full_key);
    for (char c : k.full_key.substr(35)) seen.insert(c);
  }
  EXPECT_EQ(keys.size(), 2000u);
  // 64,000 draws from 62 symbols: every symbol shows up unless the generator is broken.
  EXPECT_EQ(seen.size(), 62u);
}

TEST(api_key, generate_rejects_a_bad_project_id) {
  EXPECT_THROW((void)generate_api_key("not-a-ulid"), std::invalid_argument);
}

TEST(api_key, parse_reports_what_is_wrong) {
  EXPECT_EQ(parse_error(valid_key()), "<accepted>");
  EXPECT_NE(parse_error("").find("empty"), std::string::npos);
  EXPECT_NE(parse_error("sk-proj-abc").find("must start with"), std::string::npos);
  EXPECT_NE(parse_error("bk_live_01ARYZ6S41TSV4RRFFQ69G5FAV_abcdefghijklmnopqrstuvwxyzABCDEF").find("must start with"),
            std::string::npos);
  EXPECT_NE(parse_error("bk_pr").find("truncated"), std::string::npos);
  EXPECT_NE(parse_error("bk_proj_01ARYZ").find("truncated"), std::string::npos);
  EXPECT_NE(parse_error("bk_proj_01ARYZ6S41TSV4RRFFQ69G5FAV").find("truncated"), std::string::npos);
  EXPECT_NE(parse_error(valid_key().substr(0, 66)).find("truncated (66 of 67"), std::string::npos);
  EXPECT_NE(parse_error(valid_key() + "x").find("too long"), std::string::npos);
  // Lowercase / ambiguous letters and an out-of-range first character make the project id invalid.
  EXPECT_NE(parse_error("bk_proj_01aryz6s41tsv4rrffq69g5fav_abcdefghijklmnopqrstuvwxyzABCDEF").find("project id"),
            std::string::npos);
  EXPECT_NE(parse_error("bk_proj_81ARYZ6S41TSV4RRFFQ69G5FAV_abcdefghijklmnopqrstuvwxyzABCDEF").find("project id"),
            std::string::npos);
  EXPECT_NE(parse_error("bk_proj_01ARYZ6S41TSV4RRFFQ69G5FAV-abcdefghijklmnopqrstuvwxyzABCDEF").find("'_'"),
            std::string::npos);
  EXPECT_NE(parse_error("bk_proj_01ARYZ6S41TSV4RRFFQ69G5FAV_abcdefghijklmnopqrstuvwxyzABCDE!").find("secret"),
            std::string::npos);
  EXPECT_NE(parse_error("bk_proj_01ARYZ6S41TSV4RRFFQ69G5FAV_abcdefghijklmnop_rstuvwxyzABCDEF").find("secret"),
            std::string::npos);
  EXPECT_NE(parse_error(std::string("bk_proj_01ARYZ6S41TSV4RRFFQ69G5FAV_abcdefghijklmnop\0rstuvwxyzABCDEF", 67))
                .find("secret"),
            std::string::npos);
}

TEST(api_key, errors_never_echo_the_key) {
  std::string key = valid_key();
  key.back() = '!';
  EXPECT_EQ(parse_error(key).find("abcdefghijklmnop"), std::string::npos);
  EXPECT_EQ(parse_error(key.substr(0, 60)).find("abcdefghijklmnop"), std::string::npos);
}

TEST(api_key, hash_is_keyed_and_deterministic) {
  std::string key = valid_key();
  std::string unkeyed = hash_api_key(key);
  EXPECT_EQ(unkeyed, hash_api_key(key));
  EXPECT_NE(unkeyed, hash_api_key(key, kPepper));
  EXPECT_NE(hash_api_key(key, kPepper), hash_api_key(key, std::string(32, 'q')));
  std::string other = key;
  other.back() = 'G';
  EXPECT_NE(hash_api_key(other, kPepper), hash_api_key(key, kPepper));
  for (char c : unkeyed) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  // BLAKE2b-256 of the empty string, a published value, pins the algorithm.
  EXPECT_EQ(hash_api_key(""), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_THROW((void)hash_api_key(key, "short pepper"), std::invalid_argument);
}

TEST(api_key, preview_of_invalid_keys_reveals_nothing) {
  EXPECT_EQ(api_key_preview(valid_key()), "bk_proj_01AR...CDEF");
  EXPECT_EQ(api_key_preview("garbage-secret-material"), "bk_proj_...");
}

TEST(api_key, hash_comparison) {
  std::string a = hash_api_key(valid_key());
  std::string b = a;
  EXPECT_TRUE(key_hash_equals(a, b));
  b[10] = b[10] == '0' ? '1' : '0';
  EXPECT_FALSE(key_hash_equals(a, b));
  EXPECT_FALSE(key_hash_equals(a, a.substr(1)));
  EXPECT_TRUE(key_hash_equals("", ""));
}

}  // namespace
}  // namespace brokle::identity
