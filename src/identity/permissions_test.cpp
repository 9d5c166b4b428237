#include "identity/permissions.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace brokle::identity {

TEST(permissions, roles_are_ordered_by_power) {
  for (int i = 0; i <= static_cast<int>(permission::telemetry_read); ++i) {
    auto p = static_cast<permission>(i);
    // Whatever a lower role may do, every higher role may do too.
    if (role_allows(org_role::viewer, p)) {
      EXPECT_TRUE(role_allows(org_role::developer, p)) << permission_name(p);
    }
    if (role_allows(org_role::developer, p)) {
      EXPECT_TRUE(role_allows(org_role::admin, p)) << permission_name(p);
    }
    if (role_allows(org_role::admin, p)) {
      EXPECT_TRUE(role_allows(org_role::owner, p)) << permission_name(p);
    }
    EXPECT_TRUE(role_allows(org_role::owner, p));
  }
}

TEST(permissions, key_rules_of_the_matrix) {
  EXPECT_FALSE(role_allows(org_role::admin, permission::org_delete));
  EXPECT_FALSE(role_allows(org_role::developer, permission::members_manage));
  EXPECT_TRUE(role_allows(org_role::developer, permission::keys_manage));
  EXPECT_FALSE(role_allows(org_role::viewer, permission::projects_write));
  EXPECT_FALSE(role_allows(org_role::developer, permission::audit_read));
}

TEST(permissions, parse_and_name_round_trip) {
  for (auto r : {org_role::owner, org_role::admin, org_role::developer, org_role::viewer})
    EXPECT_EQ(parse_role(role_name(r)), r);
  EXPECT_FALSE(parse_role("root"));
  EXPECT_FALSE(parse_role("Owner"));
}

TEST(permissions, docs_show_the_matrix_the_code_enforces) {
  std::ifstream f(std::string(BROKLE_SOURCE_DIR) + "/docs/identity.md");
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_NE(ss.str().find(permission_matrix_markdown()), std::string::npos)
      << "docs/identity.md is out of date; paste:\n"
      << permission_matrix_markdown();
}

}  // namespace brokle::identity
