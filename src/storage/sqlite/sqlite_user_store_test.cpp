#include "storage/sqlite/sqlite_user_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/ulid.hpp"
#include "storage/migration_runner.hpp"
#include "storage/sqlite/sqlite_test_support.hpp"
#include "storage/sqlite/sqlite_organization_store.hpp"
#include "storage/sqlite/sqlite_session_store.hpp"

namespace brokle::storage {

namespace {

struct sqlite_user_store_test : ::testing::Test {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("brokle-users-" + std::to_string(::getpid()) + "-" +
                                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::shared_ptr<sqlite::database> db;
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
    users = std::make_unique<sqlite::sqlite_user_store>(db);
  }
  void TearDown() override {
    users.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }

  user_record add_user(const std::string& email) {
    user_record u;
    u.id = new_ulid();
    u.email = email;
    u.name = "Someone";
    u.password_hash = "argon2id$hash";
    u.created_at = 1'000;
    EXPECT_TRUE(users->create(u));
    return u;
  }

  // The stored user; a failure (and an empty record) when there is none.
  user_record stored(const std::string& id) {
    auto u = users->find_by_id(id);
    EXPECT_TRUE(u && u->has_value()) << "no user " << id;
    return u && u->has_value() ? **u : user_record{};
  }

  int64_t rows_of_user(const char* table, const std::string& user_id) {
    std::string sql = std::string("SELECT count(*) FROM ") + table + " WHERE user_id = ?";
    return db->read([&](sqlite::connection& c) {
      auto s = c.prepare(sql);
      s->bind(1, user_id);
      (void)s->step();
      return s->column_int(0);
    });
  }
};

}  // namespace

TEST_F(sqlite_user_store_test, create_then_find_by_id_and_by_email_in_any_case) {
  user_record u;
  u.id = new_ulid();
  u.email = "Ada@Example.com";
  u.name = "Ada";
  u.password_hash = "h1";
  u.is_admin = true;
  u.created_at = 42;
  ASSERT_TRUE(users->create(u));

  auto by_id = users->find_by_id(u.id);
  ASSERT_TRUE(by_id);
  ASSERT_TRUE(by_id->has_value());
  EXPECT_EQ((*by_id)->email, "Ada@Example.com");
  EXPECT_EQ((*by_id)->name, "Ada");
  EXPECT_EQ((*by_id)->password_hash, "h1");
  EXPECT_TRUE((*by_id)->is_admin);
  EXPECT_FALSE((*by_id)->mfa_secret.has_value());
  EXPECT_FALSE((*by_id)->mfa_enabled);
  EXPECT_EQ((*by_id)->created_at, 42);

  auto by_email = users->find_by_email("ada@EXAMPLE.COM");
  ASSERT_TRUE(by_email);
  ASSERT_TRUE(by_email->has_value());
  EXPECT_EQ((*by_email)->id, u.id);

  EXPECT_FALSE(users->find_by_email("nobody@example.com")->has_value());
  EXPECT_FALSE(users->find_by_id("01NOSUCHUSER")->has_value());
  EXPECT_EQ(*users->count(), 1);
}

TEST_F(sqlite_user_store_test, email_uniqueness_ignores_case) {
  add_user("grace@example.com");
  user_record dup;
  dup.id = new_ulid();
  dup.email = "GRACE@example.COM";
  dup.password_hash = "h";
  dup.created_at = 1;
  auto st = users->create(dup);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.err().code, errc::conflict);
  EXPECT_EQ(*users->count(), 1);
}

TEST_F(sqlite_user_store_test, profile_and_password_updates_and_unknown_users) {
  auto u = add_user("a@example.com");
  ASSERT_TRUE(users->update_profile(u.id, "New Name", 2'000));
  ASSERT_TRUE(users->update_password(u.id, "h2", 2'000));
  auto got = stored(u.id);
  EXPECT_EQ(got.name, "New Name");
  EXPECT_EQ(got.password_hash, "h2");

  EXPECT_EQ(users->update_profile("missing", "x", 1).err().code, errc::not_found);
  EXPECT_EQ(users->update_password("missing", "x", 1).err().code, errc::not_found);
  EXPECT_EQ(users->clear_login_failures("missing").err().code, errc::not_found);
  EXPECT_EQ(users->record_login_failure("missing", 1, {}).err().code, errc::not_found);
}

TEST_F(sqlite_user_store_test, lockout_after_max_failures_inside_the_window) {
  auto u = add_user("a@example.com");
  login_failure_policy p{3, 1'000, 5'000};
  int64_t t = 10'000;
  EXPECT_EQ(*users->record_login_failure(u.id, t, p), 0);
  EXPECT_EQ(*users->record_login_failure(u.id, t + 100, p), 0);
  EXPECT_EQ(*users->record_login_failure(u.id, t + 999, p), t + 999 + 5'000);

  auto got = stored(u.id);
  EXPECT_EQ(got.failed_logins, 3);
  EXPECT_EQ(got.first_failed_at, t);
  EXPECT_EQ(got.locked_until, t + 999 + 5'000);

  // Failures while locked do not push the lock further out.
  EXPECT_EQ(*users->record_login_failure(u.id, t + 3'000, p), t + 999 + 5'000);

  ASSERT_TRUE(users->clear_login_failures(u.id));
  got = stored(u.id);
  EXPECT_EQ(got.failed_logins, 0);
  EXPECT_EQ(got.locked_until, 0);
}

TEST_F(sqlite_user_store_test, a_failure_after_the_window_restarts_the_count) {
  auto u = add_user("a@example.com");
  login_failure_policy p{3, 1'000, 5'000};
  int64_t t = 10'000;
  EXPECT_EQ(*users->record_login_failure(u.id, t, p), 0);
  EXPECT_EQ(*users->record_login_failure(u.id, t + 500, p), 0);
  // The window is counted from the first failure: at t + 1000 it has closed.
  EXPECT_EQ(*users->record_login_failure(u.id, t + 1'000, p), 0);
  auto got = stored(u.id);
  EXPECT_EQ(got.failed_logins, 1);
  EXPECT_EQ(got.first_failed_at, t + 1'000);

  EXPECT_EQ(*users->record_login_failure(u.id, t + 1'100, p), 0);
  EXPECT_EQ(*users->record_login_failure(u.id, t + 1'200, p), t + 1'200 + 5'000);
}

TEST_F(sqlite_user_store_test, an_expired_lock_starts_a_fresh_count) {
  auto u = add_user("a@example.com");
  login_failure_policy p{2, 60'000, 1'000};
  int64_t t = 10'000;
  (void)users->record_login_failure(u.id, t, p);
  EXPECT_EQ(*users->record_login_failure(u.id, t + 1, p), t + 1 + 1'000);
  // Still inside the 60 s window, but the lock has run out: one failure must not re-lock.
  EXPECT_EQ(*users->record_login_failure(u.id, t + 2'000, p), 0);
  auto got = stored(u.id);
  EXPECT_EQ(got.failed_logins, 1);
  EXPECT_EQ(got.locked_until, 0);
}

TEST_F(sqlite_user_store_test, mfa_enrolment_steps_and_single_use_recovery_codes) {
  auto u = add_user("a@example.com");
  EXPECT_EQ(users->enable_mfa(u.id, {"r1"}, 1).err().code, errc::conflict);  // nothing pending

  ASSERT_TRUE(users->set_pending_mfa(u.id, "sealed-secret", 2'000));
  auto got = stored(u.id);
  EXPECT_EQ(got.mfa_secret, "sealed-secret");
  EXPECT_FALSE(got.mfa_enabled);

  ASSERT_TRUE(users->enable_mfa(u.id, {"r1", "r2", "r3"}, 3'000));
  EXPECT_TRUE(stored(u.id).mfa_enabled);
  EXPECT_EQ(*users->unused_recovery_codes(u.id), 3);
  EXPECT_EQ(users->set_pending_mfa(u.id, "other", 4'000).err().code, errc::conflict);
  EXPECT_EQ(stored(u.id).mfa_secret, "sealed-secret");

  EXPECT_TRUE(*users->advance_mfa_step(u.id, 100));
  EXPECT_FALSE(*users->advance_mfa_step(u.id, 100));  // replay of the same code
  EXPECT_FALSE(*users->advance_mfa_step(u.id, 99));
  EXPECT_TRUE(*users->advance_mfa_step(u.id, 101));
  EXPECT_EQ(stored(u.id).mfa_last_step, 101);
  EXPECT_EQ(users->advance_mfa_step("missing", 1).err().code, errc::not_found);

  EXPECT_TRUE(*users->use_recovery_code(u.id, "r2", 5'000));
  EXPECT_FALSE(*users->use_recovery_code(u.id, "r2", 5'001));
  EXPECT_FALSE(*users->use_recovery_code(u.id, "unknown", 5'002));
  EXPECT_EQ(*users->unused_recovery_codes(u.id), 2);

  // Re-enabling replaces the whole set.
  ASSERT_TRUE(users->enable_mfa(u.id, {"n1", "n2"}, 6'000));
  EXPECT_EQ(*users->unused_recovery_codes(u.id), 2);
  EXPECT_FALSE(*users->use_recovery_code(u.id, "r1", 6'001));
  EXPECT_TRUE(*users->use_recovery_code(u.id, "n1", 6'002));

  ASSERT_TRUE(users->disable_mfa(u.id, 7'000));
  got = stored(u.id);
  EXPECT_FALSE(got.mfa_enabled);
  EXPECT_FALSE(got.mfa_secret.has_value());
  EXPECT_EQ(got.mfa_last_step, 0);
  EXPECT_EQ(*users->unused_recovery_codes(u.id), 0);
  EXPECT_EQ(rows_of_user("recovery_codes", u.id), 0);
  EXPECT_EQ(users->disable_mfa("missing", 1).err().code, errc::not_found);
}

TEST_F(sqlite_user_store_test, duplicate_recovery_codes_roll_back_the_whole_enable) {
  auto u = add_user("a@example.com");
  ASSERT_TRUE(users->set_pending_mfa(u.id, "s", 1));
  auto st = users->enable_mfa(u.id, {"same", "same"}, 2);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.err().code, errc::conflict);
  EXPECT_FALSE(stored(u.id).mfa_enabled);
  EXPECT_EQ(*users->unused_recovery_codes(u.id), 0);
}

TEST_F(sqlite_user_store_test, delete_user_removes_sessions_memberships_and_codes_but_nobody_elses) {
  auto gone = add_user("gone@example.com");
  auto kept = add_user("kept@example.com");
  sqlite::sqlite_session_store sessions(db);
  sqlite::sqlite_organization_store orgs(db);
  for (const auto& u : {gone, kept}) {
    ASSERT_TRUE(sessions.create({new_ulid(), u.id, "refresh-" + u.id, 1, 2, std::nullopt, "ua", "ip"}));
    ASSERT_TRUE(orgs.create({new_ulid(), "org of " + u.email, u.id, 1}, u.id));
    ASSERT_TRUE(users->set_pending_mfa(u.id, "s", 1));
    ASSERT_TRUE(users->enable_mfa(u.id, {"c1", "c2"}, 1));
  }

  ASSERT_TRUE(users->delete_user(gone.id));
  EXPECT_FALSE(users->find_by_id(gone.id)->has_value());
  EXPECT_EQ(rows_of_user("sessions", gone.id), 0);
  EXPECT_EQ(rows_of_user("memberships", gone.id), 0);
  EXPECT_EQ(rows_of_user("recovery_codes", gone.id), 0);
  EXPECT_TRUE(orgs.memberships_of_user(gone.id)->empty());

  EXPECT_EQ(rows_of_user("sessions", kept.id), 1);
  EXPECT_EQ(rows_of_user("memberships", kept.id), 1);
  EXPECT_EQ(rows_of_user("recovery_codes", kept.id), 2);
  EXPECT_EQ(*users->count(), 1);

  EXPECT_EQ(users->delete_user(gone.id).err().code, errc::not_found);
}

}  // namespace brokle::storage
