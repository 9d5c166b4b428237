// Log search (filters plus full text) and a log's surrounding records.
#include <algorithm>

#include "storage/sqlite/fts5_query.hpp"
#include "storage/sqlite/sqlite_telemetry_query_store.hpp"
#include "storage/sqlite/trace_summary_state.hpp"
#include "storage/sqlite/telemetry_query_support.hpp"

namespace brokle::storage::sqlite {

namespace {

// Logs of a trace are looked for this far around the trace's own first and last span.
constexpr int64_t trace_log_slack_ns = 5 * ns_per_min;
constexpr int64_t context_window_ns = ns_per_min;
constexpr int max_context_per_side = 500;

constexpr const char* log_columns =
    "l.project_id, l.id, l.time_ns, l.observed_time_ns, l.severity_number, l.severity_text, l.body, l.trace_id,"
    " l.span_id, l.service_name, l.environment, l.scope_name, l.attributes_json, l.resource_json";

log_record read_log(const statement& s) {
  log_record l;
  l.project_id = s.column_text(0);
  l.id = s.column_text(1);
  l.time_ns = s.column_int(2);
  l.observed_time_ns = s.column_int(3);
  l.severity_number = static_cast<int>(s.column_int(4));
  l.severity_text = s.column_text(5);
  l.body = s.column_text(6);
  l.trace_id = s.column_text(7);
  l.span_id = s.column_text(8);
  l.service_name = s.column_text(9);
  l.environment = s.column_text(10);
  l.scope_name = s.column_text(11);
  l.attributes_json = s.column_text(12);
  l.resource_json = s.column_text(13);
  return l;
}

}  // namespace

result<page<log_record>> sqlite_telemetry_query_store::search_logs(const project_scope& sc, const log_query& q) {
  if (auto st = check_range(q.range); !st) return st.err();
  return db_->read([&](connection& c) -> result<page<log_record>> {
    time_range range = q.range;
    if (!q.trace_id.empty()) {
      // There is no index on the random trace id; the trace's summary says when to look.
      auto s = c.prepare(std::string("SELECT start_ns, end_ns FROM trace_summaries") + " WHERE" +
                         trace_summary_match);
      if (!s) return s.err();
      s->bind_all(sc.project_id(), q.trace_id);
      auto row = s->step();
      if (!row) return row.err();
      if (*row) {
        range.start_ns = std::max(range.start_ns, s->column_int(0) - trace_log_slack_ns);
        range.end_ns = std::min(range.end_ns, s->column_int(1) + trace_log_slack_ns);
        if (range.end_ns < range.start_ns) range.end_ns = range.start_ns;
      }
    }
    // Full-text search drives from the index, newest-ingested first, and stops at one page: the
    // time-ordered plan had to collect every match first (156 ms p95 for a common word among 1.8M
    // logs). Results with a search are therefore ordered by ingestion, which follows time for
    // logs that arrive in order.
    auto match = fts5_match_expression(q.text);
    query_builder b(std::string("SELECT ") + log_columns +
                    (match.empty() ? " FROM logs l WHERE l.project_id = ?"
                                   : " FROM logs_fts JOIN logs l ON l.seq = logs_fts.rowid WHERE logs_fts MATCH ?"
                                     " AND l.project_id = ?"));
    if (!match.empty()) b.arg(match);
    b.arg(sc.project_id());
    b.sql(" AND l.time_ns >= ? AND l.time_ns < ?").arg(range.start_ns).arg(range.end_ns);
    b.in_list("l.service_name", q.services);
    if (q.min_severity > 0) b.sql(" AND l.severity_number >= ?").arg(int64_t{q.min_severity});
    if (!q.trace_id.empty()) b.sql(" AND l.trace_id = ?").arg(q.trace_id);
    for (const auto& a : q.attributes) {
      auto path = json_member_path(a.key);
      if (!path) return path.err();
      b.sql(" AND CAST(json_extract(l.attributes_json, ?) AS TEXT) = ?").arg(*path).arg(a.value);
    }
    if (!match.empty())
      b.sql(q.order == sort_order::asc ? " ORDER BY logs_fts.rowid ASC" : " ORDER BY logs_fts.rowid DESC");
    else
      b.sql(q.order == sort_order::asc ? " ORDER BY l.time_ns ASC, l.seq ASC" : " ORDER BY l.time_ns DESC, l.seq DESC");
    return run_page<log_record>(c, b, q.page, read_log);
  });
}

result<std::vector<log_record>> sqlite_telemetry_query_store::log_context(const project_scope& sc,
                                                                          const std::string& log_id, int per_side) {
  per_side = std::clamp(per_side, 0, max_context_per_side);
  return db_->read([&](connection& c) -> result<std::vector<log_record>> {
    auto anchor = c.prepare(std::string("SELECT ") + log_columns + ", l.seq FROM logs l WHERE l.project_id = ? AND l.id = ?");
    if (!anchor) return anchor.err();
    anchor->bind_all(sc.project_id(), log_id);
    auto row = anchor->step();
    if (!row) return row.err();
    if (!*row) return make_error(errc::not_found, "log " + log_id);
    log_record center = read_log(*anchor);
    int64_t seq = anchor->column_int(14);

    auto side = [&](bool before) -> result<std::vector<log_record>> {
      std::string sql = std::string("SELECT ") + log_columns +
                        " FROM logs l WHERE l.project_id = ? AND l.service_name = ? AND l.time_ns >= ? AND l.time_ns <= ?";
      sql += before ? " AND (l.time_ns < ? OR (l.time_ns = ? AND l.seq < ?)) ORDER BY l.time_ns DESC, l.seq DESC"
                    : " AND (l.time_ns > ? OR (l.time_ns = ? AND l.seq > ?)) ORDER BY l.time_ns ASC, l.seq ASC";
      sql += " LIMIT ?";
      return query_all(c, sql, read_log, sc.project_id(), center.service_name, center.time_ns - context_window_ns,
                       center.time_ns + context_window_ns, center.time_ns, center.time_ns, seq, int64_t{per_side});
    };
    auto before = side(true);
    if (!before) return before.err();
    auto after = side(false);
    if (!after) return after.err();
    std::vector<log_record> out;
    out.reserve(before->size() + 1 + after->size());
    for (auto it = before->rbegin(); it != before->rend(); ++it) out.push_back(std::move(*it));
    out.push_back(std::move(center));
    for (auto& l : *after) out.push_back(std::move(l));
    return out;
  });
}

}  // namespace brokle::storage::sqlite
