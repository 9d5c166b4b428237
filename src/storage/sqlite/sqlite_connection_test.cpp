#include "storage/sqlite/sqlite_connection.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "core/ulid.hpp"

namespace brokle::storage::sqlite {

namespace {

struct connection_fixture : ::testing::Test {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("brokle-conn-" + new_ulid());
  void SetUp() override { std::filesystem::create_directories(dir); }
  void TearDown() override { std::filesystem::remove_all(dir); }
};

int64_t page_size_of(connection& c) {
  auto q = c.prepare("PRAGMA page_size").value();
  EXPECT_TRUE(q.step().value());
  return q.column_int(0);
}

std::string journal_mode_of(connection& c) {
  auto q = c.prepare("PRAGMA journal_mode").value();
  EXPECT_TRUE(q.step().value());
  return q.column_text(0);
}

TEST_F(connection_fixture, a_new_database_gets_the_large_page_size_and_wal) {
  auto c = connection::open((dir / "new.db").string(), false).value();
  ASSERT_TRUE(c.exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)"));
  EXPECT_EQ(page_size_of(c), connection::new_database_page_size);
  EXPECT_EQ(journal_mode_of(c), "wal");
  // Reopened, it keeps it.
  c = connection();
  auto again = connection::open((dir / "new.db").string(), false).value();
  EXPECT_EQ(page_size_of(again), connection::new_database_page_size);
}

TEST_F(connection_fixture, an_existing_database_keeps_its_page_size_and_its_rows) {
  auto file = (dir / "old.db").string();
  {
    // Written the way earlier versions created it: 4 KiB pages, WAL.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw,
                           "PRAGMA page_size=4096; PRAGMA journal_mode=WAL; CREATE TABLE t(x);"
                           "INSERT INTO t VALUES (1), (2), (3);",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  auto c = connection::open(file, false).value();
  EXPECT_EQ(page_size_of(c), 4096);
  ASSERT_TRUE(c.exec("INSERT INTO t VALUES (4)"));
  auto q = c.prepare("SELECT COUNT(*), SUM(x) FROM t").value();
  ASSERT_TRUE(q.step().value());
  EXPECT_EQ(q.column_int(0), 4);
  EXPECT_EQ(q.column_int(1), 10);
}

}  // namespace

}  // namespace brokle::storage::sqlite
