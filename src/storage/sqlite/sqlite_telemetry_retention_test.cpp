#include "storage/sqlite/sqlite_telemetry_retention.hpp"

#include <gtest/gtest.h>

#include "storage/sqlite/sqlite_telemetry_test_support.hpp"

namespace brokle::storage::sqlite {

namespace {

struct sqlite_telemetry_retention_test : sqlite_telemetry_fixture {
  std::unique_ptr<sqlite_telemetry_retention> retention;
  void SetUp() override {
    sqlite_telemetry_fixture::SetUp();
    retention = std::make_unique<sqlite_telemetry_retention>(db);
  }
  void TearDown() override {
    retention.reset();
    sqlite_telemetry_fixture::TearDown();
  }

  // `n` one-span traces and `n` logs per project, a minute apart from `start_ns` on, plus one of
  // every LLM record at `start_ns`.
  void fill(const std::string& project, int n, int64_t start_ns, const std::string& tag) {
    telemetry_batch b;
    for (int i = 0; i < n; ++i) {
      int64_t at = start_ns + (i % 10) * minute_ns + i;
      b.spans.push_back(make_span(project, trace_hex(static_cast<uint64_t>(i)) + tag, span_hex(1), "", "svc", at, ms_ns));
      b.logs.push_back(make_log(project, tag + std::to_string(1'000'000 + i), "svc", at, "entry " + tag));
    }
    b.traces.push_back({project, "tr" + tag});
    b.traces.back().timestamp_ms = start_ns / ms_ns;
    b.observations.push_back(make_generation(project, "g" + tag, "tr" + tag, "m", start_ns / ms_ns, 10));
    b.scores.push_back({project, "s" + tag, "tr" + tag, "", "q"});
    b.scores.back().timestamp_ms = start_ns / ms_ns;
    b.events.push_back({project, "e" + tag, "tr" + tag, "event", "x", "{}", start_ns / ms_ns});
    write(b);
  }
};

TEST_F(sqlite_telemetry_retention_test, the_background_purge_honours_each_projects_retention_days) {
  const int64_t day = 24 * 60 * minute_ns;
  // Projects rows so retention_days has somewhere to live (the ids the fixture writes under).
  auto seeded = db->write([](connection& c) {
    return c.exec(
        "INSERT INTO organizations(id, name, created_by, created_at, updated_at) VALUES ('org', 'o', '', 0, 0);"
        "INSERT INTO projects(id, org_id, name, created_at, updated_at, retention_days) VALUES"
        " ('proj-alpha', 'org', 'a', 0, 0, 1), ('proj-beta', 'org', 'b', 0, 0, 0);");
  });
  ASSERT_TRUE(seeded) << seeded.err().message;
  fill("proj-alpha", 10, t0_ns - 3 * day, "a-old");
  fill("proj-beta", 10, t0_ns - 3 * day, "b-old");
  // Instance default 0 (keep forever): only alpha, which keeps 1 day, loses its old rows.
  auto n = retention->purge_by_retention(0, t0_ns / ms_ns);
  ASSERT_TRUE(n) << n.err().message;
  EXPECT_EQ(count("SELECT COUNT(*) FROM spans WHERE project_id = 'proj-alpha'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM spans WHERE project_id = 'proj-beta'"), 10);
  // Instance default 2 days: beta goes too.
  ASSERT_TRUE(retention->purge_by_retention(2, t0_ns / ms_ns));
  EXPECT_EQ(count("SELECT COUNT(*) FROM spans WHERE project_id = 'proj-beta'"), 0);
}

TEST_F(sqlite_telemetry_retention_test, purges_one_project_in_chunks_and_keeps_newer_rows) {
  const int64_t day = 24 * 60 * minute_ns;
  fill("proj-alpha", 12'000, t0_ns - 2 * day, "old");
  fill("proj-alpha", 10, t0_ns, "new");
  fill("proj-beta", 10, t0_ns - 2 * day, "beta");
  auto n = retention->purge_project_older_than(alpha, (t0_ns - day) / ms_ns);
  ASSERT_TRUE(n) << n.err().message;
  EXPECT_EQ(n->spans, 12'000);
  EXPECT_EQ(n->trace_summaries, 12'000);
  EXPECT_EQ(n->logs, 12'000);
  EXPECT_EQ(n->observations, 1);
  EXPECT_EQ(n->scores, 1);
  EXPECT_EQ(n->events, 1);
  EXPECT_EQ(n->llm_traces, 1);
  EXPECT_GT(n->rollup_rows, 0);
  // 12,000 rows need three chunks each for spans, summaries and logs.
  EXPECT_GE(n->transactions, 9);
  EXPECT_EQ(count("SELECT COUNT(*) FROM spans WHERE project_id = 'proj-alpha'"), 10);
  EXPECT_EQ(count("SELECT COUNT(*) FROM logs WHERE project_id = 'proj-alpha'"), 10);
  EXPECT_EQ(count("SELECT COUNT(*) FROM spans WHERE project_id = 'proj-beta'"), 10);
  EXPECT_EQ(count("SELECT COUNT(*) FROM logs_fts WHERE logs_fts MATCH 'old'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM logs_fts WHERE logs_fts MATCH 'beta'"), 10);
  EXPECT_EQ(count("SELECT COUNT(*) FROM logs_fts WHERE logs_fts MATCH 'new'"), 10);
  EXPECT_EQ(count("SELECT SUM(span_count) FROM span_rollups WHERE project_id = 'proj-alpha'"), 10);
  // The FTS index still agrees with its content table.
  EXPECT_TRUE(db->write([](connection& c) { return c.exec("INSERT INTO logs_fts(logs_fts) VALUES ('integrity-check')"); }));

  auto d = queries->dashboard(alpha, {all});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->spans, 10);
  EXPECT_EQ(d->llm_calls, 1);
}

TEST_F(sqlite_telemetry_retention_test, purge_all_covers_every_project_sessions_and_tombstones) {
  const int64_t day = 24 * 60 * minute_ns;
  fill("proj-alpha", 20, t0_ns - 2 * day, "a");
  fill("proj-beta", 20, t0_ns - 2 * day, "b");
  fill("proj-beta", 5, t0_ns, "c");
  const int64_t now_ms = t0_ms;
  ASSERT_TRUE(db->write([&](connection& c) -> status {
    auto st = c.exec(
        "INSERT INTO users(id, email, password_hash, created_at, updated_at) VALUES ('u1', 'a@example.com', 'h', 1, 1);"
        "INSERT INTO api_key_tombstones(id, project_id, key_hash, deleted_at) VALUES"
        " ('k-old', 'proj-alpha', 'h1', " + std::to_string(now_ms - 2 * 86'400'000) + "),"
        " ('k-new', 'proj-alpha', 'h2', " + std::to_string(now_ms - 1000) + ");"
        "INSERT INTO sessions(id, user_id, refresh_hash, created_at, expires_at) VALUES"
        " ('s-old', 'u1', 'r1', 1, " + std::to_string(now_ms - 1) + "),"
        " ('s-live', 'u1', 'r2', 1, " + std::to_string(now_ms + 1000) + ");"
        "INSERT INTO generations(id, request_id, org_id, project_id, key_id, endpoint, model_requested, model_used,"
        " provider, status, started_at) VALUES ('gen-old', 'r', 'o', 'proj-beta', 'k', 'chat', 'm', 'm', 'p', 200, " +
        std::to_string(now_ms - 3 * 86'400'000) + ");");
    return st;
  }));
  auto n = retention->purge_all_older_than(t0_ms - 86'400'000, now_ms);
  ASSERT_TRUE(n) << n.err().message;
  EXPECT_EQ(n->spans, 40);
  EXPECT_EQ(n->logs, 40);
  EXPECT_EQ(n->generations, 1);
  EXPECT_EQ(n->sessions, 1);
  EXPECT_EQ(n->key_tombstones, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM spans"), 5);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM api_key_tombstones"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM observations"), 1);

  ASSERT_TRUE(retention->vacuum());
  EXPECT_EQ(count("SELECT COUNT(*) FROM spans"), 5);
}

}  // namespace

}  // namespace brokle::storage::sqlite
