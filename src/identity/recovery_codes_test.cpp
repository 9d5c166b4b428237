#include "identity/recovery_codes.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <set>

namespace brokle::identity {
namespace {

constexpr std::string_view kUser = "01HZX3V6F2K9Q8W7E5R4T3Y2U1";

TEST(recovery_codes, format_and_uniqueness) {
  auto codes = new_recovery_codes();
  ASSERT_EQ(codes.size(), 10u);
  std::set<std::string> unique(codes.begin(), codes.end());
  EXPECT_EQ(unique.size(), 10u);
  for (const auto& c : codes) {
    ASSERT_EQ(c.size(), 14u) << c;
    EXPECT_EQ(c[4], '-');
    EXPECT_EQ(c[9], '-');
    for (size_t i = 0; i < c.size(); ++i) {
      if (i == 4 || i == 9) continue;
      EXPECT_NE(std::string_view("0123456789abcdefghjkmnpqrstvwxyz").find(c[i]), std::string_view::npos) << c;
    }
    EXPECT_TRUE(looks_like_recovery_code(c));
  }
  EXPECT_EQ(new_recovery_codes(3).size(), 3u);
  EXPECT_THROW((void)new_recovery_codes(0), std::invalid_argument);
  EXPECT_THROW((void)new_recovery_codes(101), std::invalid_argument);
}

TEST(recovery_codes, alphabet_avoids_ambiguous_letters) {
  std::set<char> seen;
  for (int i = 0; i < 50; ++i)
    for (const auto& c : new_recovery_codes(100))
      for (char ch : c) seen.insert(ch);
  for (char banned : {'i', 'l', 'o', 'u', 'I', 'L', 'O', 'U'}) EXPECT_EQ(seen.count(banned), 0u) << banned;
  EXPECT_EQ(seen.size(), 33u);  // 32 symbols plus '-'
}

TEST(recovery_codes, hashing_normalises_user_input) {
  std::string h = hash_recovery_code(kUser, "ab12-cd34-ef56");
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(hash_recovery_code(kUser, "AB12-CD34-EF56"), h);
  EXPECT_EQ(hash_recovery_code(kUser, "ab12cd34ef56"), h);
  EXPECT_EQ(hash_recovery_code(kUser, " ab12 cd34 ef56 "), h);
  EXPECT_EQ(hash_recovery_code(kUser, "abl2-cd34-ef56"), h);  // l read as 1
  EXPECT_EQ(hash_recovery_code(kUser, "abI2-cd34-ef56"), h);  // I read as 1
  EXPECT_NE(hash_recovery_code(kUser, "ab12-cd34-ef57"), h);
  EXPECT_EQ(hash_recovery_code(kUser, "0000-0000-0000"), hash_recovery_code(kUser, "oooo-OOOO-0000"));
}

TEST(recovery_codes, hashes_are_salted_by_user) {
  EXPECT_NE(hash_recovery_code(kUser, "ab12-cd34-ef56"),
            hash_recovery_code("01HZX3V6F2K9Q8W7E5R4T3Y2U2", "ab12-cd34-ef56"));
  // The length prefix keeps the boundary between user id and code unambiguous.
  EXPECT_NE(hash_recovery_code("a", "b0000000000"), hash_recovery_code("ab", "0000000000"));
}

TEST(recovery_codes, find_matches_the_right_entry) {
  auto codes = new_recovery_codes();
  std::vector<std::string> stored;
  for (const auto& c : codes) stored.push_back(hash_recovery_code(kUser, c));
  for (size_t i = 0; i < codes.size(); ++i) EXPECT_EQ(find_recovery_code(kUser, codes[i], stored), i);
  std::string upper = codes[7];
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(find_recovery_code(kUser, upper, stored), 7u);
  EXPECT_FALSE(find_recovery_code(kUser, new_recovery_codes(1)[0], stored).has_value());
  EXPECT_FALSE(find_recovery_code(kUser, "", stored).has_value());
  // Another user's id never matches this user's codes.
  EXPECT_FALSE(find_recovery_code("01HZX3V6F2K9Q8W7E5R4T3Y2U2", codes[0], stored).has_value());
  // Used codes are removed from the store: they stop matching.
  stored.erase(stored.begin() + 3);
  EXPECT_FALSE(find_recovery_code(kUser, codes[3], stored).has_value());
  EXPECT_FALSE(find_recovery_code(kUser, codes[0], {}).has_value());
}

TEST(recovery_codes, shape_check) {
  EXPECT_TRUE(looks_like_recovery_code("ab12-cd34-ef56"));
  EXPECT_TRUE(looks_like_recovery_code("AB12 CD34 EF56"));
  EXPECT_FALSE(looks_like_recovery_code("ab12-cd34-ef5"));
  EXPECT_FALSE(looks_like_recovery_code("ab12-cd34-ef56-7"));
  EXPECT_FALSE(looks_like_recovery_code("ab12-cd34-ef5u"));
  EXPECT_FALSE(looks_like_recovery_code("ab12-cd34-ef5!"));
}

}  // namespace
}  // namespace brokle::identity
