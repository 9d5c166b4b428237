#include "storage/migration_runner.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "storage/sqlite/sqlite_database.hpp"
#include "storage/sqlite/sqlite_migrations.hpp"

namespace brokle::storage {

namespace {
struct sqlite_fixture : ::testing::Test {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("brokle-migr-" + std::to_string(::getpid()) + "-" +
                                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::unique_ptr<sqlite::database> db;
  void SetUp() override {
    std::filesystem::create_directories(dir);
    auto d = sqlite::database::open(dir / "t.db", 2);
    ASSERT_TRUE(d) << d.err().message;
    db = std::move(*d);
  }
  void TearDown() override {
    db.reset();
    std::filesystem::remove_all(dir);
  }
  bool table_exists(const std::string& name) {
    return db->read([&](sqlite::connection& c) {
      auto s = c.prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?");
      s->bind(1, name);
      (void)s->step();
      return s->column_int(0) == 1;
    });
  }
};

const std::vector<migration_file> files = {
    {"sqlite", 1, "a", "up", "CREATE TABLE a(x INTEGER);"},
    {"sqlite", 1, "a", "down", "DROP TABLE a;"},
    {"sqlite", 2, "b", "up", "CREATE TABLE b(y INTEGER);"},
    {"sqlite", 2, "b", "down", "DROP TABLE b;"},
    {"postgres", 1, "ignored", "up", "THIS IS NOT SQLITE"},
};
}  // namespace

TEST_F(sqlite_fixture, applies_pending_in_order_and_reports_status) {
  sqlite::sqlite_migrations backend(*db);
  migration_runner runner(backend, files);
  auto before = runner.status_rows();
  ASSERT_TRUE(before);
  ASSERT_EQ(before->size(), 2u);
  EXPECT_EQ((*before)[0].st, migration_status_row::state::pending);
  EXPECT_FALSE(runner.check_ready());

  std::vector<int> seen;
  auto n = runner.up([&](int v, std::string_view) { seen.push_back(v); });
  ASSERT_TRUE(n) << n.err().message;
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(seen, (std::vector<int>{1, 2}));
  EXPECT_TRUE(table_exists("a"));
  EXPECT_TRUE(table_exists("b"));
  EXPECT_TRUE(runner.check_ready());
  EXPECT_EQ(*runner.up(), 0);  // idempotent
}

TEST_F(sqlite_fixture, down_reverts_newest_first) {
  sqlite::sqlite_migrations backend(*db);
  migration_runner runner(backend, files);
  ASSERT_TRUE(runner.up());
  auto n = runner.down(1);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1);
  EXPECT_TRUE(table_exists("a"));
  EXPECT_FALSE(table_exists("b"));
  auto rows = runner.status_rows();
  EXPECT_EQ((*rows)[1].st, migration_status_row::state::pending);
}

TEST_F(sqlite_fixture, a_failing_migration_rolls_back_and_leaves_nothing_half_done) {
  std::vector<migration_file> bad = {
      {"sqlite", 1, "ok", "up", "CREATE TABLE ok(x);"},
      {"sqlite", 2, "broken", "up", "CREATE TABLE half(x); THIS IS NOT SQL;"},
  };
  sqlite::sqlite_migrations backend(*db);
  migration_runner runner(backend, bad);
  auto n = runner.up();
  ASSERT_FALSE(n);
  EXPECT_NE(n.err().message.find("migration 2 (broken) failed"), std::string::npos);
  EXPECT_TRUE(table_exists("ok"));
  EXPECT_FALSE(table_exists("half"));
  auto rows = runner.status_rows();
  EXPECT_EQ((*rows)[1].st, migration_status_row::state::pending);
}

TEST_F(sqlite_fixture, a_dirty_mark_blocks_start_up) {
  sqlite::sqlite_migrations backend(*db);
  migration_runner runner(backend, files);
  ASSERT_TRUE(runner.up());
  ASSERT_TRUE(db->write(
      [](sqlite::connection& c) { return c.exec("UPDATE schema_migrations SET dirty = 1 WHERE version = 2"); }));
  auto ready = runner.check_ready();
  ASSERT_FALSE(ready);
  EXPECT_NE(ready.err().message.find("dirty"), std::string::npos);
  EXPECT_FALSE(runner.up());
}

TEST_F(sqlite_fixture, a_newer_database_is_refused) {
  sqlite::sqlite_migrations backend(*db);
  migration_runner runner(backend, files);
  ASSERT_TRUE(runner.up());
  std::vector<migration_file> older(files.begin(), files.begin() + 2);
  migration_runner old_runner(backend, older);
  auto ready = old_runner.check_ready();
  ASSERT_FALSE(ready);
  EXPECT_NE(ready.err().message.find("newer"), std::string::npos);
}

TEST(embedded_migrations, every_sqlite_migration_has_up_and_down) {
  std::map<int, int> seen;
  for (const auto& f : embedded_migration_files())
    if (f.backend == "sqlite") seen[f.version] += f.direction == "up" ? 1 : 10;
  ASSERT_FALSE(seen.empty());
  for (auto [v, mask] : seen) EXPECT_EQ(mask, 11) << "migration " << v;
}

}  // namespace brokle::storage
