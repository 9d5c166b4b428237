#include "storage/sqlite/sqlite_audit_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/ulid.hpp"
#include "storage/migration_runner.hpp"
#include "storage/sqlite/sqlite_test_support.hpp"


namespace brokle::storage {

namespace {

using scopes = scope_factory_for_tests;

struct sqlite_audit_store_test : ::testing::Test {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("brokle-audit-" + std::to_string(::getpid()) + "-" +
                                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::shared_ptr<sqlite::database> db;
  std::unique_ptr<sqlite::sqlite_audit_store> audit;

  void SetUp() override {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto d = sqlite::database::open(dir / "t.db", 2);
    ASSERT_TRUE(d) << d.err().message;
    db = std::move(*d);
    sqlite::sqlite_migrations backend(*db);
    auto applied = migration_runner(backend, embedded_migration_files()).up();
    ASSERT_TRUE(applied) << applied.err().message;
    audit = std::make_unique<sqlite::sqlite_audit_store>(db);
  }
  void TearDown() override {
    audit.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }

  // Ids come from new_ulid in call order, so later appends sort newer.
  audit_event add(const std::string& org, const std::string& action, int64_t at, const std::string& actor = "u1") {
    audit_event e;
    e.id = new_ulid();
    e.org_id = org;
    e.actor_id = actor;
    e.actor_ip = "10.0.0.1";
    e.action = action;
    e.target_type = "thing";
    e.target_id = "t-" + std::to_string(at);
    e.details = R"({"n":1})";
    e.created_at = at;
    EXPECT_TRUE(audit->append(e));
    return e;
  }
  static std::vector<std::string> actions(const std::vector<audit_event>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.action);
    return out;
  }
};

const auto org_a = scopes::org("org-a", org_role::admin);

}  // namespace

TEST_F(sqlite_audit_store_test, list_is_newest_first_and_only_the_scopes_org) {
  auto first = add("org-a", "auth.login", 100);
  add("org-b", "project.create", 150);
  add("", "auth.password_change", 175);
  add("org-a", "project.create", 200);

  auto got = audit->list(org_a, {});
  ASSERT_TRUE(got) << got.err().message;
  EXPECT_EQ(actions(*got), (std::vector<std::string>{"project.create", "auth.login"}));
  const auto& e = got->back();
  EXPECT_EQ(e.id, first.id);
  EXPECT_EQ(e.org_id, "org-a");
  EXPECT_EQ(e.actor_id, "u1");
  EXPECT_EQ(e.actor_ip, "10.0.0.1");
  EXPECT_EQ(e.target_type, "thing");
  EXPECT_EQ(e.target_id, "t-100");
  EXPECT_EQ(e.outcome, "success");
  EXPECT_EQ(e.details, R"({"n":1})");
  EXPECT_EQ(e.created_at, 100);

  EXPECT_TRUE(audit->list(scopes::org("org-c", org_role::owner), {})->empty());
}

TEST_F(sqlite_audit_store_test, since_and_until_bound_a_half_open_range) {
  for (int64_t t : {100, 200, 300, 400}) add("org-a", "e" + std::to_string(t), t);
  audit_query q;
  q.since = 200;
  q.until = 400;
  EXPECT_EQ(actions(*audit->list(org_a, q)), (std::vector<std::string>{"e300", "e200"}));
  q.until = 0;
  EXPECT_EQ(actions(*audit->list(org_a, q)), (std::vector<std::string>{"e400", "e300", "e200"}));
}

TEST_F(sqlite_audit_store_test, action_prefix_matches_literally) {
  add("org-a", "api_key.create", 1);
  add("org-a", "api_key.revoke", 2);
  add("org-a", "auth.login", 3);
  add("org-a", "apixkey.create", 4);
  audit_query q;
  q.action_prefix = "api_key.";
  EXPECT_EQ(actions(*audit->list(org_a, q)), (std::vector<std::string>{"api_key.revoke", "api_key.create"}));
  q.action_prefix = "%";  // not a wildcard
  EXPECT_TRUE(audit->list(org_a, q)->empty());
  q.action_prefix = "API_KEY.";  // case-sensitive
  EXPECT_TRUE(audit->list(org_a, q)->empty());
}

TEST_F(sqlite_audit_store_test, before_id_and_limit_page_through_everything_once) {
  for (int i = 0; i < 5; ++i) add("org-a", "e" + std::to_string(i), 100 + i);
  audit_query q;
  q.limit = 2;
  std::vector<std::string> seen;
  for (int page = 0; page < 10; ++page) {
    auto got = audit->list(org_a, q);
    ASSERT_TRUE(got);
    ASSERT_LE(got->size(), 2u);
    if (got->empty()) break;
    for (const auto& e : *got) seen.push_back(e.action);
    q.before_id = got->back().id;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"e4", "e3", "e2", "e1", "e0"}));

  audit_query all;
  all.limit = 0;  // clamped up to one
  EXPECT_EQ(audit->list(org_a, all)->size(), 1u);
  all.limit = 1'000'000;  // clamped down to max_page, which still covers these five
  EXPECT_EQ(audit->list(org_a, all)->size(), 5u);
}

TEST_F(sqlite_audit_store_test, list_for_actor_returns_that_users_account_level_events) {
  add("", "auth.login", 1, "u1");
  add("org-a", "project.create", 2, "u1");
  add("", "auth.login", 3, "u2");
  add("", "auth.mfa_enable", 4, "u1");
  auto got = audit->list_for_actor("u1", 10);
  ASSERT_TRUE(got);
  EXPECT_EQ(actions(*got), (std::vector<std::string>{"auth.mfa_enable", "auth.login"}));
  EXPECT_EQ(audit->list_for_actor("u1", 1)->size(), 1u);
}

TEST_F(sqlite_audit_store_test, append_fills_a_missing_id) {
  audit_event e;
  e.org_id = "org-a";
  e.action = "auth.login";
  e.created_at = 5;
  ASSERT_TRUE(audit->append(e));
  auto got = audit->list(org_a, {});
  ASSERT_EQ(got->size(), 1u);
  EXPECT_TRUE(is_valid_ulid(got->front().id));
  EXPECT_EQ(got->front().details, "{}");
}

TEST_F(sqlite_audit_store_test, rows_cannot_be_updated_or_deleted) {
  auto e = add("org-a", "auth.login", 100);
  auto update = db->write([&](sqlite::connection& c) -> status {
    auto s = c.prepare("UPDATE audit_log SET action = 'auth.logout' WHERE id = ?");
    if (!s) return s.err();
    s->bind(1, e.id);
    return s->run();
  });
  ASSERT_FALSE(update);
  EXPECT_NE(update.err().message.find("append-only"), std::string::npos) << update.err().message;

  auto remove = db->write([&](sqlite::connection& c) -> status {
    auto s = c.prepare("DELETE FROM audit_log WHERE id = ?");
    if (!s) return s.err();
    s->bind(1, e.id);
    return s->run();
  });
  ASSERT_FALSE(remove);
  EXPECT_NE(remove.err().message.find("append-only"), std::string::npos) << remove.err().message;

  auto got = audit->list(org_a, {});
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ(got->front().action, "auth.login");

  // The same id twice is refused rather than overwritten.
  EXPECT_EQ(audit->append(e).err().code, errc::conflict);
}

}  // namespace brokle::storage
