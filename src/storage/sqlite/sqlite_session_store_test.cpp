#include "storage/sqlite/sqlite_session_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/ulid.hpp"
#include "storage/migration_runner.hpp"
#include "storage/sqlite/sqlite_test_support.hpp"
#include "storage/sqlite/sqlite_user_store.hpp"

namespace brokle::storage {

namespace {

struct sqlite_session_store_test : ::testing::Test {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("brokle-sessions-" + std::to_string(::getpid()) + "-" +
                                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::shared_ptr<sqlite::database> db;
  std::unique_ptr<sqlite::sqlite_session_store> sessions;
  std::string alice = new_ulid();
  std::string bob = new_ulid();

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
    for (const auto& [id, email] : {std::pair{alice, "alice@example.com"}, std::pair{bob, "bob@example.com"}}) {
      user_record u;
      u.id = id;
      u.email = email;
      u.password_hash = "h";
      u.created_at = 1;
      ASSERT_TRUE(users.create(u));
    }
    sessions = std::make_unique<sqlite::sqlite_session_store>(db);
  }
  void TearDown() override {
    sessions.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }

  // The stored session; a failure (and an empty record) when there is none.
  session_record stored(const std::string& id) {
    auto s = sessions->find(id);
    EXPECT_TRUE(s && s->has_value()) << "no session " << id;
    return s && s->has_value() ? **s : session_record{};
  }
  session_record add_session(const std::string& user_id, const std::string& hash) {
    session_record s{new_ulid(), user_id, hash, 1'000, 9'000, std::nullopt, "curl/8", "10.0.0.1"};
    EXPECT_TRUE(sessions->create(s));
    return s;
  }
};

}  // namespace

TEST_F(sqlite_session_store_test, create_then_find_by_id_and_by_hash) {
  auto s = add_session(alice, "h1");
  auto by_id = sessions->find(s.id);
  ASSERT_TRUE(by_id);
  ASSERT_TRUE(by_id->has_value());
  EXPECT_EQ((*by_id)->user_id, alice);
  EXPECT_EQ((*by_id)->refresh_hash, "h1");
  EXPECT_EQ((*by_id)->created_at, 1'000);
  EXPECT_EQ((*by_id)->expires_at, 9'000);
  EXPECT_FALSE((*by_id)->revoked_at.has_value());
  EXPECT_EQ((*by_id)->user_agent, "curl/8");
  EXPECT_EQ((*by_id)->ip, "10.0.0.1");

  auto by_hash = sessions->find_by_refresh_hash("h1");
  ASSERT_TRUE(by_hash->has_value());
  EXPECT_EQ((*by_hash)->id, s.id);

  EXPECT_FALSE(sessions->find("missing")->has_value());
  EXPECT_FALSE(sessions->find_by_refresh_hash("missing")->has_value());
}

TEST_F(sqlite_session_store_test, refresh_hashes_are_unique_and_sessions_need_a_user) {
  add_session(alice, "h1");
  auto dup = sessions->create({new_ulid(), bob, "h1", 1, 2, std::nullopt, "", ""});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.err().code, errc::conflict);
  EXPECT_FALSE(sessions->create({new_ulid(), "no-such-user", "h9", 1, 2, std::nullopt, "", ""}));
}

TEST_F(sqlite_session_store_test, rotate_is_a_compare_and_swap_on_the_old_hash) {
  auto s = add_session(alice, "h1");
  auto first = sessions->rotate(s.id, "h1", "h2", 20'000);
  ASSERT_TRUE(first);
  EXPECT_TRUE(*first);
  EXPECT_FALSE(sessions->find_by_refresh_hash("h1")->has_value());
  auto now_current = sessions->find_by_refresh_hash("h2");
  ASSERT_TRUE(now_current->has_value());
  EXPECT_EQ((*now_current)->expires_at, 20'000);

  // A replayed old token loses and changes nothing.
  auto replay = sessions->rotate(s.id, "h1", "h3", 30'000);
  ASSERT_TRUE(replay);
  EXPECT_FALSE(*replay);
  EXPECT_EQ(stored(s.id).refresh_hash, "h2");
  EXPECT_EQ(stored(s.id).expires_at, 20'000);

  EXPECT_FALSE(*sessions->rotate("missing", "h2", "h4", 1));

  // The spent hash still names its session, so a second use can be caught.
  auto spent = sessions->find_by_previous_hash("h1");
  ASSERT_TRUE(spent && spent->has_value());
  EXPECT_EQ((*spent)->id, s.id);
  EXPECT_FALSE(sessions->find_by_previous_hash("h2")->has_value());
}

TEST_F(sqlite_session_store_test, a_revoked_session_cannot_rotate) {
  auto s = add_session(alice, "h1");
  ASSERT_TRUE(sessions->revoke(s.id, 5'000));
  EXPECT_FALSE(*sessions->rotate(s.id, "h1", "h2", 20'000));
  EXPECT_EQ(stored(s.id).refresh_hash, "h1");
}

TEST_F(sqlite_session_store_test, revoke_keeps_the_first_time_and_reports_unknown_sessions) {
  auto s = add_session(alice, "h1");
  ASSERT_TRUE(sessions->revoke(s.id, 5'000));
  ASSERT_TRUE(sessions->revoke(s.id, 6'000));
  EXPECT_EQ(stored(s.id).revoked_at, 5'000);
  EXPECT_EQ(sessions->revoke("missing", 1).err().code, errc::not_found);
}

TEST_F(sqlite_session_store_test, revoke_all_for_user_touches_only_that_users_live_sessions) {
  auto a1 = add_session(alice, "a1");
  auto a2 = add_session(alice, "a2");
  auto b1 = add_session(bob, "b1");
  ASSERT_TRUE(sessions->revoke(a2.id, 3'000));

  ASSERT_TRUE(sessions->revoke_all_for_user(alice, 7'000));
  EXPECT_EQ(stored(a1.id).revoked_at, 7'000);
  EXPECT_EQ(stored(a2.id).revoked_at, 3'000);
  EXPECT_FALSE(stored(b1.id).revoked_at.has_value());

  ASSERT_TRUE(sessions->revoke_all_for_user("nobody", 8'000));
}

}  // namespace brokle::storage
