// sqlite_telemetry_retention::delete_trace: one transaction on the shared writer connection.
#include "storage/sqlite/sqlite_telemetry_retention.hpp"
#include "storage/sqlite/trace_summary_state.hpp"

namespace brokle::storage::sqlite {

status sqlite_telemetry_retention::delete_trace(const project_scope& sc, const std::string& trace_id) {
  return db_->write([&](connection& c) -> status {
    transaction tx(c);
    if (auto st = tx.begin(); !st) return st;
    int64_t removed = 0;
    // Spans are found through their summary's span_refs (spans have no trace-id index).
    auto summary = c.prepare(std::string("SELECT span_refs FROM trace_summaries") + " WHERE" +
                             trace_summary_match);
    if (!summary) return summary.err();
    summary->bind_all(sc.project_id(), trace_id);
    auto row = summary->step();
    if (!row) return row.err();
    if (*row) {
      auto refs = decode_span_refs(summary->column_text(0));
      auto del_span = c.prepare("DELETE FROM spans WHERE seq = ? AND project_id = ?");
      if (!del_span) return del_span.err();
      for (const auto& r : refs) {
        del_span->reset();
        del_span->bind_all(r.seq, sc.project_id());
        if (auto st = del_span->run(); !st) return st;
      }
      removed += 1;
    }
    const std::string summary_delete =
        std::string("DELETE FROM trace_summaries") + " WHERE" + trace_summary_match;
    for (const char* sql : {summary_delete.c_str(),
                            "DELETE FROM llm_traces WHERE project_id = ? AND id = ?",
                            "DELETE FROM observations WHERE project_id = ? AND trace_id = ?",
                            "DELETE FROM scores WHERE project_id = ? AND trace_id = ?"}) {
      auto s = c.prepare(sql);
      if (!s) return s.err();
      s->bind_all(sc.project_id(), trace_id);
      if (auto st = s->run(); !st) return st;
      removed += c.changes();
    }
    if (removed == 0) return make_error(errc::not_found, "trace not found");
    return tx.commit();
  });
}

}  // namespace brokle::storage::sqlite
