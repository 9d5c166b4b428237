#include "storage/sqlite/wal_checkpointer.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/ulid.hpp"

namespace brokle::storage::sqlite {

namespace {

struct wal_fixture : ::testing::Test {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("brokle-wal-" + new_ulid());
  std::filesystem::path file = dir / "w.db";
  connection writer;
  int64_t page_size = 0;
  int64_t page = 0;  // a WAL frame: header and page

  void SetUp() override {
    std::filesystem::create_directories(dir);
    writer = connection::open(file.string(), false).value();
    ASSERT_TRUE(writer.exec("CREATE TABLE rows(id INTEGER PRIMARY KEY, body BLOB NOT NULL)"));
    auto q = writer.prepare("PRAGMA page_size").value();
    ASSERT_TRUE(q.step().value());
    page_size = q.column_int(0);
    page = page_size + 24;
  }
  void TearDown() override {
    writer = connection();
    std::filesystem::remove_all(dir);
  }

  // One transaction of `n` rows of nearly a page each: about one WAL frame each.
  void commit_rows(int n) {
    ASSERT_TRUE(writer.exec("BEGIN IMMEDIATE"));
    auto ins = writer.prepare("INSERT INTO rows(body) VALUES (randomblob(" + std::to_string(page_size - 100) + "))").value();
    for (int i = 0; i < n; ++i) {
      ins.reset();
      ASSERT_TRUE(ins.run());
    }
    ASSERT_TRUE(writer.exec("COMMIT"));
  }
  uintmax_t wal_bytes() const {
    std::error_code ec;
    auto n = std::filesystem::file_size(dir / "w.db-wal", ec);
    return ec ? 0 : n;
  }
  int64_t count_rows() {
    auto q = writer.prepare("SELECT COUNT(*) FROM rows").value();
    EXPECT_TRUE(q.step().value());
    return q.column_int(0);
  }
};

// Thresholds small enough that a few hundred commits go through several WAL cycles.
wal_checkpointer::options small_thresholds(int64_t page_size, int64_t limit_pages) {
  wal_checkpointer::options o;
  o.background_bytes = 64 * page_size;
  o.restart_bytes = 256 * page_size;
  o.catch_up_bytes = 64 * page_size;
  o.limit_bytes = limit_pages * page_size;
  return o;
}

TEST_F(wal_fixture, background_and_writer_checkpoints_keep_the_wal_bounded_and_lose_nothing) {
  const int64_t limit_pages = 1024;
  auto o = small_thresholds(page_size, limit_pages);
  auto cp = wal_checkpointer::attach(writer, file, o).value();
  for (int i = 0; i < 400; ++i) {
    commit_rows(20);  // ~8,000 frames in all, 8x the limit
    ASSERT_LE(wal_bytes(), static_cast<uintmax_t>((limit_pages + 64) * page)) << "after commit " << i;
  }
  EXPECT_GT(cp->background_passes(), 0u);
  // Only a writer checkpoint that reaches the last commit lets the WAL start over; the size bound
  // above is what shows that it did.
  EXPECT_GT(cp->writer_checkpoints(), 1u);
  EXPECT_EQ(count_rows(), 8000);
  cp.reset();
  // Another connection sees every committed row.
  auto other = connection::open(file.string(), true).value();
  auto q = other.prepare("SELECT COUNT(*) FROM rows").value();
  ASSERT_TRUE(q.step().value());
  EXPECT_EQ(q.column_int(0), 8000);
}

TEST_F(wal_fixture, a_reader_holding_an_old_snapshot_delays_the_restart_and_nothing_breaks) {
  const int64_t limit_pages = 512;
  auto o = small_thresholds(page_size, limit_pages);
  auto cp = wal_checkpointer::attach(writer, file, o).value();
  commit_rows(10);
  auto reader = connection::open(file.string(), true).value();
  ASSERT_TRUE(reader.exec("BEGIN"));
  auto q = reader.prepare("SELECT COUNT(*) FROM rows").value();
  ASSERT_TRUE(q.step().value());
  EXPECT_EQ(q.column_int(0), 10);
  q.reset();
  for (int i = 0; i < 60; ++i) commit_rows(20);
  // The reader's snapshot pins the WAL: it grew past the limit but the reader still reads.
  EXPECT_GT(wal_bytes(), static_cast<uintmax_t>(limit_pages * page));
  ASSERT_TRUE(q.step().value());
  EXPECT_EQ(q.column_int(0), 10);
  q = statement();
  ASSERT_TRUE(reader.exec("COMMIT"));
  // Released: the WAL starts over, so the next cycle reuses the file instead of growing it.
  auto before = wal_bytes();
  for (int i = 0; i < 60; ++i) commit_rows(20);
  EXPECT_LE(wal_bytes(), before + static_cast<uintmax_t>(64 * page));  // at most the first commit's frames
  EXPECT_EQ(count_rows(), 10 + 2 * 60 * 20);
}

TEST_F(wal_fixture, destroying_the_checkpointer_removes_the_hook) {
  {
    auto cp = wal_checkpointer::attach(writer, file).value();
    commit_rows(5);
  }
  commit_rows(5);  // would call into a destroyed object if the hook were left behind (ASan)
  EXPECT_EQ(count_rows(), 10);
}

}  // namespace

}  // namespace brokle::storage::sqlite
