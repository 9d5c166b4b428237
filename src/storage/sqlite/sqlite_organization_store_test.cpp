#include "storage/sqlite/sqlite_organization_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/ulid.hpp"
#include "storage/migration_runner.hpp"
#include "storage/sqlite/sqlite_test_support.hpp"
#include "storage/sqlite/sqlite_user_store.hpp"


namespace brokle::storage {

namespace {

using scopes = scope_factory_for_tests;

struct sqlite_organization_store_test : ::testing::Test {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("brokle-orgs-" + std::to_string(::getpid()) + "-" +
                                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::shared_ptr<sqlite::database> db;
  std::unique_ptr<sqlite::sqlite_organization_store> orgs;
  std::unique_ptr<sqlite::sqlite_user_store> users;

  void SetUp() override {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto d = sqlite::database::open(dir / "t.db", 2);
    ASSERT_TRUE(d) << d.err().message;
    db = std::move(*d);
    sqlite::sqlite_migrations backend(*db);
    auto applied = migration_runner(backend, embedded_migration_files()).up();
    ASSERT_TRUE(applied) << applied.err().message;
    orgs = std::make_unique<sqlite::sqlite_organization_store>(db);
    users = std::make_unique<sqlite::sqlite_user_store>(db);
  }
  void TearDown() override {
    orgs.reset();
    users.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }

  std::string add_user(const std::string& email, const std::string& name = "") {
    user_record u;
    u.id = new_ulid();
    u.email = email;
    u.name = name;
    u.password_hash = "h";
    u.created_at = 1;
    EXPECT_TRUE(users->create(u));
    return u.id;
  }
  std::string add_org(const std::string& name, const std::string& owner) {
    organization_record o{new_ulid(), name, owner, 100};
    EXPECT_TRUE(orgs->create(o, owner));
    return o.id;
  }
  // The member's role, or "" when they are not a member.
  std::string role_of(const std::string& org, const std::string& user) {
    auto m = orgs->membership(org, user);
    EXPECT_TRUE(m) << m.err().message;
    return m && m->has_value() ? (*m)->role : "";
  }
  invitation_record add_invitation(const std::string& org, const std::string& email, const std::string& token,
                                   int64_t expires_at = 10'000) {
    invitation_record inv;
    inv.id = new_ulid();
    inv.email = email;
    inv.role = "developer";
    inv.token_hash = token;
    inv.invited_by = "someone";
    inv.created_at = 500;
    inv.expires_at = expires_at;
    EXPECT_TRUE(orgs->create_invitation(scopes::org(org, org_role::admin), inv));
    return inv;
  }
};

}  // namespace

TEST_F(sqlite_organization_store_test, create_makes_the_creator_owner_and_memberships_name_the_org) {
  auto ada = add_user("ada@example.com", "Ada");
  auto org = add_org("Analytical Engines", ada);

  auto got = orgs->get(scopes::org(org, org_role::owner));
  ASSERT_TRUE(got) << got.err().message;
  EXPECT_EQ(got->name, "Analytical Engines");
  EXPECT_EQ(got->created_by, ada);
  EXPECT_EQ(got->created_at, 100);

  auto mine = orgs->memberships_of_user(ada);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].org_id, org);
  EXPECT_EQ((*mine)[0].org_name, "Analytical Engines");
  EXPECT_EQ((*mine)[0].role, "owner");
  EXPECT_EQ((*mine)[0].email, "ada@example.com");
  EXPECT_EQ((*mine)[0].name, "Ada");

  EXPECT_EQ(role_of(org, ada), "owner");
  EXPECT_EQ(role_of(org, "someone-else"), "");
  EXPECT_EQ(*orgs->count_owners(scopes::org(org, org_role::owner)), 1);
}

TEST_F(sqlite_organization_store_test, create_with_an_unknown_owner_or_a_taken_id_leaves_nothing_behind) {
  organization_record o{new_ulid(), "Ghost", "ghost", 1};
  EXPECT_EQ(orgs->create(o, "no-such-user").err().code, errc::not_found);
  EXPECT_EQ(orgs->get(scopes::org(o.id, org_role::owner)).err().code, errc::not_found);

  auto ada = add_user("ada@example.com");
  auto bob = add_user("bob@example.com");
  auto org = add_org("First", ada);
  auto again = orgs->create({org, "Second", bob, 2}, bob);
  EXPECT_EQ(again.err().code, errc::conflict);
  EXPECT_TRUE(orgs->memberships_of_user(bob)->empty());
  EXPECT_EQ(orgs->get(scopes::org(org, org_role::owner))->name, "First");
}

TEST_F(sqlite_organization_store_test, members_roles_and_owner_counts) {
  auto ada = add_user("ada@example.com", "Ada");
  auto bob = add_user("bob@example.com", "Bob");
  auto eve = add_user("eve@example.com");
  auto org = add_org("Org", ada);
  auto s = scopes::org(org, org_role::owner);

  ASSERT_TRUE(orgs->add_member(s, bob, "developer", 200));
  EXPECT_EQ(orgs->add_member(s, bob, "viewer", 201).err().code, errc::conflict);
  EXPECT_EQ(orgs->add_member(s, eve, "emperor", 202).err().code, errc::invalid_argument);
  EXPECT_EQ(orgs->add_member(s, "no-such-user", "viewer", 203).err().code, errc::not_found);

  auto list = orgs->members(s);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].user_id, ada);
  EXPECT_EQ((*list)[1].user_id, bob);
  EXPECT_EQ((*list)[1].role, "developer");
  EXPECT_EQ((*list)[1].name, "Bob");
  EXPECT_EQ((*list)[1].org_name, "Org");
  EXPECT_EQ((*list)[1].created_at, 200);

  ASSERT_TRUE(orgs->set_role(s, bob, "owner"));
  EXPECT_EQ(*orgs->count_owners(s), 2);
  EXPECT_EQ(orgs->set_role(s, bob, "emperor").err().code, errc::invalid_argument);
  EXPECT_EQ(orgs->set_role(s, eve, "admin").err().code, errc::not_found);
  EXPECT_EQ(orgs->remove_member(s, eve).err().code, errc::not_found);

  ASSERT_TRUE(orgs->remove_member(s, bob));
  EXPECT_EQ(*orgs->count_owners(s), 1);
  EXPECT_EQ(role_of(org, bob), "");
}

TEST_F(sqlite_organization_store_test, rename_and_remove) {
  auto ada = add_user("ada@example.com");
  auto org = add_org("Old", ada);
  auto s = scopes::org(org, org_role::owner);
  ASSERT_TRUE(orgs->rename(s, "New", 300));
  EXPECT_EQ(orgs->get(s)->name, "New");
  auto mine = orgs->memberships_of_user(ada);
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ(mine->front().org_name, "New");

  ASSERT_TRUE(orgs->remove(s));
  EXPECT_EQ(orgs->get(s).err().code, errc::not_found);
  EXPECT_TRUE(orgs->memberships_of_user(ada)->empty());
  EXPECT_EQ(orgs->remove(s).err().code, errc::not_found);
  EXPECT_EQ(orgs->rename(s, "Again", 301).err().code, errc::not_found);
}

TEST_F(sqlite_organization_store_test, a_scope_for_one_org_never_reaches_another) {
  auto ada = add_user("ada@example.com");
  auto bob = add_user("bob@example.com");
  auto org_a = add_org("A", ada);
  auto org_b = add_org("B", bob);
  auto inv_b = add_invitation(org_b, "new@example.com", "tok-b");
  auto a = scopes::org(org_a, org_role::owner);

  auto members_a = orgs->members(a);
  ASSERT_EQ(members_a->size(), 1u);
  EXPECT_EQ(members_a->front().user_id, ada);
  EXPECT_TRUE(orgs->invitations(a)->empty());

  EXPECT_EQ(orgs->set_role(a, bob, "viewer").err().code, errc::not_found);
  EXPECT_EQ(orgs->remove_member(a, bob).err().code, errc::not_found);
  EXPECT_EQ(orgs->revoke_invitation(a, inv_b.id, 1).err().code, errc::not_found);
  EXPECT_EQ(*orgs->count_owners(a), 1);

  EXPECT_EQ(role_of(org_b, bob), "owner");
  auto b_invitations = orgs->invitations(scopes::org(org_b, org_role::owner));
  ASSERT_EQ(b_invitations->size(), 1u);
  EXPECT_FALSE(b_invitations->front().revoked_at.has_value());

  // A scope naming an organization that does not exist (e.g. deleted since) finds nothing.
  auto gone = scopes::org("01GONE", org_role::owner);
  EXPECT_EQ(orgs->get(gone).err().code, errc::not_found);
  EXPECT_EQ(orgs->rename(gone, "x", 1).err().code, errc::not_found);
  EXPECT_EQ(orgs->remove(gone).err().code, errc::not_found);
  EXPECT_EQ(orgs->get(scopes::org(org_b, org_role::owner))->name, "B");
}

TEST_F(sqlite_organization_store_test, invitations_are_validated_listed_and_revoked) {
  auto ada = add_user("ada@example.com");
  auto org = add_org("Org", ada);
  auto s = scopes::org(org, org_role::admin);

  invitation_record bad;
  bad.id = new_ulid();
  bad.email = "x@example.com";
  bad.role = "owner";
  bad.token_hash = "t-owner";
  bad.expires_at = 1;
  EXPECT_EQ(orgs->create_invitation(s, bad).err().code, errc::invalid_argument);
  bad.role = "viewer";
  bad.org_id = "another-org";
  EXPECT_EQ(orgs->create_invitation(s, bad).err().code, errc::invalid_argument);

  auto inv = add_invitation(org, "new@example.com", "tok");
  auto list = orgs->invitations(s);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().org_id, org);
  EXPECT_EQ(list->front().email, "new@example.com");
  EXPECT_EQ(list->front().role, "developer");
  EXPECT_EQ(list->front().expires_at, 10'000);

  ASSERT_TRUE(orgs->revoke_invitation(s, inv.id, 700));
  auto after = orgs->invitations(s);
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ(after->front().revoked_at, 700);
  EXPECT_EQ(orgs->revoke_invitation(s, inv.id, 701).err().code, errc::not_found);
}

TEST_F(sqlite_organization_store_test, accepting_needs_the_right_email_a_live_token_and_works_once) {
  auto ada = add_user("ada@example.com");
  auto org = add_org("Org", ada);
  auto s = scopes::org(org, org_role::admin);
  auto newbie = add_user("New@Example.com", "Newbie");
  auto inv = add_invitation(org, "new@example.com", "tok", 10'000);

  EXPECT_EQ(orgs->accept_invitation("tok", ada, "ada@example.com", 1'000).err().code, errc::not_found);
  EXPECT_EQ(orgs->accept_invitation("unknown", newbie, "new@example.com", 1'000).err().code, errc::not_found);
  EXPECT_EQ(orgs->accept_invitation("tok", newbie, "new@example.com", 10'000).err().code, errc::not_found);

  auto m = orgs->accept_invitation("tok", newbie, "NEW@example.COM", 2'000);
  ASSERT_TRUE(m) << m.err().message;
  EXPECT_EQ(m->org_id, org);
  EXPECT_EQ(m->org_name, "Org");
  EXPECT_EQ(m->user_id, newbie);
  EXPECT_EQ(m->role, "developer");
  EXPECT_EQ(m->name, "Newbie");
  EXPECT_EQ(m->created_at, 2'000);
  auto accepted = orgs->invitations(s);
  ASSERT_EQ(accepted->size(), 1u);
  EXPECT_EQ(accepted->front().accepted_at, 2'000);
  EXPECT_EQ(role_of(org, newbie), "developer");

  EXPECT_EQ(orgs->accept_invitation("tok", newbie, "new@example.com", 3'000).err().code, errc::not_found);
  EXPECT_EQ(orgs->revoke_invitation(s, inv.id, 3'000).err().code, errc::not_found);  // no longer pending

  auto late_inv = add_invitation(org, "late@example.com", "tok-revoked");
  auto late = add_user("late@example.com");
  ASSERT_TRUE(orgs->revoke_invitation(s, late_inv.id, 4'000));
  EXPECT_EQ(orgs->accept_invitation("tok-revoked", late, "late@example.com", 4'001).err().code, errc::not_found);
  EXPECT_EQ(role_of(org, late), "");
}

TEST_F(sqlite_organization_store_test, accepting_as_an_existing_member_changes_nothing) {
  auto ada = add_user("ada@example.com");
  auto org = add_org("Org", ada);
  auto s = scopes::org(org, org_role::owner);
  add_invitation(org, "ada@example.com", "tok");

  EXPECT_EQ(orgs->accept_invitation("tok", ada, "ada@example.com", 1'000).err().code, errc::conflict);
  auto pending = orgs->invitations(s);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_FALSE(pending->front().accepted_at.has_value());
  EXPECT_EQ(role_of(org, ada), "owner");
}

}  // namespace brokle::storage
