#include "storage/sqlite/sqlite_project_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/ulid.hpp"
#include "storage/migration_runner.hpp"
#include "storage/sqlite/sqlite_test_support.hpp"
#include "storage/sqlite/sqlite_organization_store.hpp"
#include "storage/sqlite/sqlite_user_store.hpp"


namespace brokle::storage {

namespace {

using scopes = scope_factory_for_tests;

struct sqlite_project_store_test : ::testing::Test {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("brokle-projects-" + std::to_string(::getpid()) + "-" +
                                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::shared_ptr<sqlite::database> db;
  std::unique_ptr<sqlite::sqlite_project_store> projects;
  std::string org_a = new_ulid();
  std::string org_b = new_ulid();

  void SetUp() override {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto d = sqlite::database::open(dir / "t.db", 2);
    ASSERT_TRUE(d) << d.err().message;
    db = std::move(*d);
    sqlite::sqlite_migrations backend(*db);
    auto applied = migration_runner(backend, embedded_migration_files()).up();
    ASSERT_TRUE(applied) << applied.err().message;
    sqlite::sqlite_user_store users(db);
    sqlite::sqlite_organization_store orgs(db);
    user_record owner;
    owner.id = new_ulid();
    owner.email = "owner@example.com";
    owner.password_hash = "h";
    ASSERT_TRUE(users.create(owner));
    ASSERT_TRUE(orgs.create({org_a, "A", owner.id, 1}, owner.id));
    ASSERT_TRUE(orgs.create({org_b, "B", owner.id, 1}, owner.id));
    projects = std::make_unique<sqlite::sqlite_project_store>(db);
  }
  void TearDown() override {
    projects.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }

  project_record add_project(const std::string& org, const std::string& name) {
    project_record p;
    p.id = new_ulid();
    p.name = name;
    p.description = "about " + name;
    p.rpm_limit = 60;
    p.tpm_limit = 1'000;
    p.created_at = 100;
    EXPECT_TRUE(projects->create(scopes::org(org, org_role::admin), p));
    p.org_id = org;
    return p;
  }
  api_key_record add_key(const project_record& p, const std::string& hash, int64_t at = 200) {
    api_key_record k;
    k.id = new_ulid();
    k.name = "key " + hash;
    k.key_hash = hash;
    k.preview = "bk_..." + hash;
    k.rpm_limit = 10;
    k.tpm_limit = 20;
    k.created_by = "owner";
    k.created_at = at;
    EXPECT_TRUE(projects->create_key(scopes::project(p.org_id, p.id), k));
    return k;
  }
};

}  // namespace

TEST_F(sqlite_project_store_test, create_list_get) {
  auto p = add_project(org_a, "chatbot");
  add_project(org_a, "search");
  auto got = projects->get(scopes::org(org_a, org_role::viewer), p.id);
  ASSERT_TRUE(got) << got.err().message;
  EXPECT_EQ(got->org_id, org_a);
  EXPECT_EQ(got->name, "chatbot");
  EXPECT_EQ(got->description, "about chatbot");
  EXPECT_EQ(got->rpm_limit, 60);
  EXPECT_EQ(got->tpm_limit, 1'000);
  EXPECT_EQ(got->created_at, 100);
  auto list = projects->list(scopes::org(org_a, org_role::viewer));
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ(projects->get(scopes::org(org_a, org_role::viewer), "missing").err().code, errc::not_found);

  project_record other;
  other.id = new_ulid();
  other.org_id = org_b;
  other.name = "x";
  EXPECT_EQ(projects->create(scopes::org(org_a, org_role::admin), other).err().code, errc::invalid_argument);
}

TEST_F(sqlite_project_store_test, names_are_unique_within_an_org_only) {
  add_project(org_a, "chatbot");
  project_record dup;
  dup.id = new_ulid();
  dup.name = "chatbot";
  EXPECT_EQ(projects->create(scopes::org(org_a, org_role::admin), dup).err().code, errc::conflict);
  add_project(org_b, "chatbot");
  EXPECT_EQ(projects->list(scopes::org(org_b, org_role::viewer))->size(), 1u);
}

TEST_F(sqlite_project_store_test, update_changes_only_the_fields_given) {
  auto p = add_project(org_a, "chatbot");
  add_project(org_a, "search");
  auto ps = scopes::project(org_a, p.id);
  project_update u;
  u.description = "new words";
  u.tpm_limit = 5'000;
  ASSERT_TRUE(projects->update(ps, u, 300));
  auto got = projects->get(scopes::org(org_a, org_role::viewer), p.id);
  EXPECT_EQ(got->name, "chatbot");
  EXPECT_EQ(got->description, "new words");
  EXPECT_EQ(got->rpm_limit, 60);
  EXPECT_EQ(got->tpm_limit, 5'000);

  project_update rename;
  rename.name = "search";
  EXPECT_EQ(projects->update(ps, rename, 301).err().code, errc::conflict);
  rename.name = "assistant";
  ASSERT_TRUE(projects->update(ps, rename, 302));
  EXPECT_EQ(projects->get(scopes::org(org_a, org_role::viewer), p.id)->name, "assistant");
}

TEST_F(sqlite_project_store_test, keys_are_created_listed_and_revoked) {
  auto p = add_project(org_a, "chatbot");
  auto ps = scopes::project(org_a, p.id);
  auto k = add_key(p, "hash-1");
  auto keys = projects->list_keys(ps);
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 1u);
  const auto& got = keys->front();
  EXPECT_EQ(got.id, k.id);
  EXPECT_EQ(got.project_id, p.id);
  EXPECT_EQ(got.org_id, org_a);
  EXPECT_EQ(got.name, "key hash-1");
  EXPECT_EQ(got.key_hash, "hash-1");
  EXPECT_EQ(got.preview, k.preview);
  EXPECT_EQ(got.rpm_limit, 10);
  EXPECT_EQ(got.tpm_limit, 20);
  EXPECT_EQ(got.created_by, "owner");
  EXPECT_EQ(got.created_at, 200);
  EXPECT_EQ(got.expires_at, 0);
  EXPECT_FALSE(got.revoked_at.has_value());
  EXPECT_EQ(got.updated_at, 200);

  api_key_record dup = k;
  dup.id = new_ulid();
  EXPECT_EQ(projects->create_key(ps, dup).err().code, errc::conflict);  // same key_hash
  dup.key_hash = "hash-2";
  dup.project_id = "another-project";
  EXPECT_EQ(projects->create_key(ps, dup).err().code, errc::invalid_argument);

  ASSERT_TRUE(projects->revoke_key(ps, k.id, 400));
  ASSERT_TRUE(projects->revoke_key(ps, k.id, 500));  // idempotent
  auto listed = projects->list_keys(ps);
  ASSERT_EQ(listed->size(), 1u);
  const auto& after = listed->front();
  EXPECT_EQ(after.revoked_at, 400);
  EXPECT_EQ(after.updated_at, 400);
  EXPECT_EQ(projects->revoke_key(ps, "missing", 1).err().code, errc::not_found);
}

TEST_F(sqlite_project_store_test, keys_changed_since_feeds_the_index_with_orgs_and_revocations) {
  auto pa = add_project(org_a, "a");
  auto pb = add_project(org_b, "b");
  auto ka = add_key(pa, "ha", 200);
  auto kb = add_key(pb, "hb", 300);

  auto all = projects->keys_changed_since(0);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, ka.id);
  EXPECT_EQ((*all)[0].org_id, org_a);
  EXPECT_EQ((*all)[1].id, kb.id);
  EXPECT_EQ((*all)[1].org_id, org_b);

  auto later = projects->keys_changed_since(200);
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ(later->front().id, kb.id);

  // Revoked in the same millisecond it was last seen: the feed still moves it forward.
  ASSERT_TRUE(projects->revoke_key(scopes::project(org_b, pb.id), kb.id, 300));
  auto revoked = projects->keys_changed_since(300);
  ASSERT_EQ(revoked->size(), 1u);
  EXPECT_EQ(revoked->front().id, kb.id);
  EXPECT_EQ(revoked->front().org_id, org_b);
  EXPECT_EQ(revoked->front().revoked_at, 300);
  EXPECT_GT(revoked->front().updated_at, 300);
}

TEST_F(sqlite_project_store_test, remove_takes_the_keys_with_it) {
  auto p = add_project(org_a, "chatbot");
  add_key(p, "h1");
  auto ps = scopes::project(org_a, p.id);
  ASSERT_TRUE(projects->remove(ps));
  EXPECT_EQ(projects->get(scopes::org(org_a, org_role::viewer), p.id).err().code, errc::not_found);
  EXPECT_TRUE(projects->list_keys(ps)->empty());
  // The deleted key comes back from the change feed as revoked (a tombstone), so every replica's
  // key index drops it.
  auto feed = projects->keys_changed_since(0);
  ASSERT_TRUE(feed);
  ASSERT_EQ(feed->size(), 1u);
  EXPECT_EQ(feed->front().key_hash, "h1");
  EXPECT_TRUE(feed->front().revoked_at.has_value());
  EXPECT_EQ(projects->remove(ps).err().code, errc::not_found);
  EXPECT_EQ(projects->update(ps, {}, 1).err().code, errc::not_found);
}

TEST_F(sqlite_project_store_test, a_scope_for_one_org_never_reaches_another_orgs_projects_or_keys) {
  auto pa = add_project(org_a, "a");
  auto pb = add_project(org_b, "b");
  add_key(pa, "ha");
  auto kb = add_key(pb, "hb");
  auto a = scopes::org(org_a, org_role::owner);
  auto a_claims_b = scopes::project(org_a, pb.id);  // org A's scope naming org B's project

  EXPECT_EQ(projects->get(a, pb.id).err().code, errc::not_found);
  auto listed = projects->list(a);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, pa.id);

  project_update u;
  u.name = "stolen";
  u.rpm_limit = 1;
  EXPECT_EQ(projects->update(a_claims_b, u, 999).err().code, errc::not_found);
  EXPECT_EQ(projects->remove(a_claims_b).err().code, errc::not_found);
  EXPECT_TRUE(projects->list_keys(a_claims_b)->empty());
  EXPECT_EQ(projects->revoke_key(a_claims_b, kb.id, 999).err().code, errc::not_found);
  EXPECT_EQ(projects->revoke_key(scopes::project(org_a, pa.id), kb.id, 999).err().code, errc::not_found);

  api_key_record planted;
  planted.id = new_ulid();
  planted.name = "planted";
  planted.key_hash = "planted";
  planted.preview = "p";
  planted.created_at = 999;
  EXPECT_EQ(projects->create_key(a_claims_b, planted).err().code, errc::not_found);

  // Org B's rows are exactly as they were.
  auto b = scopes::org(org_b, org_role::owner);
  auto pb_now = projects->get(b, pb.id);
  ASSERT_TRUE(pb_now);
  EXPECT_EQ(pb_now->name, "b");
  EXPECT_EQ(pb_now->rpm_limit, 60);
  auto b_keys = projects->list_keys(scopes::project(org_b, pb.id));
  ASSERT_EQ(b_keys->size(), 1u);
  EXPECT_EQ(b_keys->front().id, kb.id);
  EXPECT_FALSE(b_keys->front().revoked_at.has_value());
  EXPECT_EQ(b_keys->front().updated_at, 200);
  EXPECT_EQ(projects->keys_changed_since(0)->size(), 2u);
  auto a_keys = projects->list_keys(scopes::project(org_a, pa.id));
  ASSERT_EQ(a_keys->size(), 1u);
  EXPECT_FALSE(a_keys->front().revoked_at.has_value());
}

}  // namespace brokle::storage
