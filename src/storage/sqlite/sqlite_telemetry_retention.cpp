#include "storage/sqlite/sqlite_telemetry_retention.hpp"
#include "storage/sqlite/span_time_index.hpp"

#include <functional>
#include <map>
#include <set>
#include <string>

namespace brokle::storage::sqlite {

namespace {

constexpr int64_t ms_per_day = 86'400'000;
constexpr int64_t ns_per_ms = 1'000'000;
constexpr int64_t ms_per_minute = 60'000;

int64_t floor_minute(int64_t ms) { return ms >= 0 ? ms / ms_per_minute : (ms - ms_per_minute + 1) / ms_per_minute; }

// Runs `chunk_sql` (a DELETE of at most purge_chunk_rows rows, bound to `args`) in its own
// transaction until a chunk deletes fewer rows than the bound. Adds the rows to `rows`.
template <class... Args>
status delete_in_chunks(database& db, const std::string& chunk_sql, int64_t& rows, int64_t& transactions,
                        const Args&... args) {
  for (;;) {
    auto deleted = db.write([&](connection& c) -> result<int64_t> {
      transaction tx(c);
      if (auto st = tx.begin(); !st) return st.err();
      auto s = c.prepare(chunk_sql);
      if (!s) return s.err();
      s->bind_all(args..., purge_chunk_rows);
      if (auto st = s->run(); !st) return st.err();
      int64_t n = c.changes();
      if (auto st = tx.commit(); !st) return st.err();
      return n;
    });
    if (!deleted) return deleted.err();
    ++transactions;
    rows += *deleted;
    if (*deleted < purge_chunk_rows) return ok_v;
  }
}

// Logs leave the external-content FTS index first; it needs each row's original body.
status delete_logs_in_chunks(database& db, const std::string& project_id, int64_t cutoff_ns, purge_counts& counts) {
  for (;;) {
    auto deleted = db.write([&](connection& c) -> result<int64_t> {
      transaction tx(c);
      if (auto st = tx.begin(); !st) return st.err();
      auto pick = c.prepare("SELECT seq, body FROM logs WHERE project_id = ? AND time_ns < ? ORDER BY time_ns LIMIT ?");
      auto unindex = c.prepare("INSERT INTO logs_fts(logs_fts, rowid, body) VALUES ('delete', ?, ?)");
      auto remove = c.prepare("DELETE FROM logs WHERE seq = ?");
      if (!pick) return pick.err();
      if (!unindex) return unindex.err();
      if (!remove) return remove.err();
      pick->bind_all(project_id, cutoff_ns, purge_chunk_rows);
      int64_t n = 0;
      for (;;) {
        auto row = pick->step();
        if (!row) return row.err();
        if (!*row) break;
        int64_t seq = pick->column_int(0);
        unindex->reset();
        unindex->bind_all(seq, pick->column_text(1));
        if (auto st = unindex->run(); !st) return st.err();
        remove->reset();
        remove->bind_all(seq);
        if (auto st = remove->run(); !st) return st.err();
        ++n;
      }
      if (auto st = tx.commit(); !st) return st.err();
      return n;
    });
    if (!deleted) return deleted.err();
    ++counts.transactions;
    counts.logs += *deleted;
    if (*deleted < purge_chunk_rows) return ok_v;
  }
}

// Tables holding project rows, each with an index led by project_id.
constexpr const char* project_tables[] = {"spans",       "trace_summaries", "logs",         "llm_traces",
                                          "observations", "scores",          "telemetry_events", "span_rollups",
                                          "log_rollups", "llm_rollups",     "service_edge_rollups", "generations",
                                          "metric_points"};

}  // namespace

status sqlite_telemetry_retention::purge_project(const std::string& p, int64_t cutoff_ms, purge_counts& n) {
  const int64_t cutoff_ns = cutoff_ms * ns_per_ms;
  const int64_t cutoff_minute = floor_minute(cutoff_ms);
  auto& db = *db_;
  auto& tx = n.transactions;
  auto by_seq = [](const char* table, const char* time_column) {
    return std::string("DELETE FROM ") + table + " WHERE seq IN (SELECT seq FROM " + table +
           " WHERE project_id = ? AND " + time_column + " < ? LIMIT ?)";
  };
  auto rollup = [](const char* table, const char* key) {
    return std::string("DELETE FROM ") + table + " WHERE (" + key + ") IN (SELECT " + key + " FROM " + table +
           " WHERE project_id = ? AND minute < ? LIMIT ?)";
  };
  // Spans: through their start-time buckets (span_time_index.hpp), then the exact cutoff.
  const std::string spans_sql = std::string("DELETE FROM spans WHERE seq IN (SELECT seq FROM spans WHERE project_id = ? AND ") +
                                span_start_bucket + " <= ? AND start_ns < ? LIMIT ?)";
  if (auto st = delete_in_chunks(db, spans_sql, n.spans, tx, p, span_start_bucket_of(cutoff_ns), cutoff_ns); !st)
    return st;
  if (auto st = delete_in_chunks(db, by_seq("trace_summaries", "start_ns"), n.trace_summaries, tx, p, cutoff_ns); !st)
    return st;
  if (auto st = delete_logs_in_chunks(db, p, cutoff_ns, n); !st) return st;
  if (auto st = delete_in_chunks(db, by_seq("llm_traces", "timestamp_ms"), n.llm_traces, tx, p, cutoff_ms); !st)
    return st;
  if (auto st = delete_in_chunks(db, by_seq("observations", "start_time_ms"), n.observations, tx, p, cutoff_ms); !st)
    return st;
  if (auto st = delete_in_chunks(db, by_seq("scores", "timestamp_ms"), n.scores, tx, p, cutoff_ms); !st) return st;
  if (auto st = delete_in_chunks(db, by_seq("telemetry_events", "timestamp_ms"), n.events, tx, p, cutoff_ms); !st)
    return st;
  if (auto st = delete_in_chunks(db, by_seq("metric_points", "time_ns"), n.metric_points, tx, p, cutoff_ns); !st)
    return st;
  if (auto st = delete_in_chunks(db, rollup("span_rollups", "project_id, minute, service_name"), n.rollup_rows, tx, p,
                                 cutoff_minute);
      !st)
    return st;
  if (auto st = delete_in_chunks(db, rollup("log_rollups", "project_id, minute, service_name"), n.rollup_rows, tx, p,
                                 cutoff_minute);
      !st)
    return st;
  if (auto st = delete_in_chunks(db,
                                 rollup("llm_rollups", "project_id, minute, model, provider, environment, key_id"),
                                 n.rollup_rows, tx, p, cutoff_minute);
      !st)
    return st;
  if (auto st = delete_in_chunks(db,
                                 rollup("service_edge_rollups", "project_id, minute, client_service, server_service"),
                                 n.rollup_rows, tx, p, cutoff_minute);
      !st)
    return st;
  return delete_in_chunks(db,
                          "DELETE FROM generations WHERE id IN (SELECT id FROM generations WHERE project_id = ? AND"
                          " started_at < ? LIMIT ?)",
                          n.generations, tx, p, cutoff_ms);
}

result<purge_counts> sqlite_telemetry_retention::purge_project_older_than(const project_scope& s, int64_t cutoff_ms) {
  purge_counts n;
  if (auto st = purge_project(s.project_id(), cutoff_ms, n); !st) return st.err();
  return n;
}

result<purge_counts> sqlite_telemetry_retention::purge_all_older_than(int64_t cutoff_ms, int64_t now_ms) {
  return purge_all([cutoff_ms](const std::string&) { return cutoff_ms; }, now_ms);
}

result<purge_counts> sqlite_telemetry_retention::purge_by_retention(int default_days, int64_t now_ms) {
  auto overrides = db_->read([&](connection& c) {
    return query_all(c, "SELECT id, retention_days FROM projects WHERE retention_days > 0",
                     +[](const statement& s) { return std::pair{s.column_text(0), s.column_int(1)}; });
  });
  if (!overrides) return overrides.err();
  std::map<std::string, int64_t> days(overrides->begin(), overrides->end());
  return purge_all(
      [&](const std::string& project) -> int64_t {
        auto it = days.find(project);
        int64_t d = it != days.end() ? it->second : default_days;
        return d > 0 ? now_ms - d * ms_per_day : 0;  // 0: keep everything
      },
      now_ms);
}

result<purge_counts> sqlite_telemetry_retention::purge_all(const std::function<int64_t(const std::string&)>& cutoff_of,
                                                          int64_t now_ms) {
  // Every project with rows, found by seeking each table's project-led index from one id to the next.
  auto projects = db_->read([&](connection& c) -> result<std::set<std::string>> {
    std::set<std::string> out;
    for (const char* table : project_tables) {
      auto s = c.prepare(std::string("SELECT project_id FROM ") + table +
                         " WHERE project_id > ? ORDER BY project_id LIMIT 1");
      if (!s) return s.err();
      std::string last;
      for (;;) {
        s->reset();
        s->bind_all(last);
        auto row = s->step();
        if (!row) return row.err();
        if (!*row) break;
        last = s->column_text(0);
        out.insert(last);
      }
    }
    return out;
  });
  if (!projects) return projects.err();
  purge_counts n;
  for (const auto& p : *projects) {
    int64_t cutoff_ms = cutoff_of(p);
    if (cutoff_ms <= 0) continue;
    if (auto st = purge_project(p, cutoff_ms, n); !st) return st.err();
  }
  if (auto st = delete_in_chunks(*db_,
                                 "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < ? LIMIT ?)",
                                 n.sessions, n.transactions, now_ms);
      !st)
    return st.err();
  if (auto st = delete_in_chunks(*db_,
                                 "DELETE FROM api_key_tombstones WHERE id IN (SELECT id FROM api_key_tombstones WHERE"
                                 " deleted_at < ? LIMIT ?)",
                                 n.key_tombstones, n.transactions, now_ms - ms_per_day);
      !st)
    return st.err();
  return n;
}

status sqlite_telemetry_retention::vacuum() {
  return db_->write([](connection& c) -> status {
    if (auto st = c.exec("PRAGMA wal_checkpoint(TRUNCATE)"); !st) return st;
    return c.exec("VACUUM");
  });
}

}  // namespace brokle::storage::sqlite
