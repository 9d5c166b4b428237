#include "storage/sqlite/sqlite_generation_store.hpp"

namespace brokle::storage::sqlite {

status sqlite_generation_store::append_batch(const std::vector<generation_record>& batch) {
  if (batch.empty()) return ok_v;
  return db_->write([&](connection& c) -> status {
    transaction tx(c);
    if (auto st = tx.begin(); !st) return st;
    auto s = c.prepare(
        "INSERT OR IGNORE INTO generations(id, request_id, org_id, project_id, key_id, environment, endpoint,"
        " model_requested, model_used, provider, status, error, input_tokens, output_tokens, cached_tokens,"
        " reasoning_tokens, cost_usd, latency_ms, ttft_ms, streamed, started_at, cache_write_tokens, upstream_id)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!s) return s.err();
    for (const auto& g : batch) {
      s->reset();
      s->bind_all(g.id, g.request_id, g.org_id, g.project_id, g.key_id, g.environment, g.endpoint,
                  g.model_requested, g.model_used, g.provider, int64_t{g.status}, g.error, g.input_tokens,
                  g.output_tokens, g.cached_input_tokens, g.reasoning_tokens, g.cost_usd, g.latency_ms,
                  g.time_to_first_token_ms, int64_t{g.streamed ? 1 : 0}, g.started_at, g.cache_write_input_tokens,
                  g.upstream_id);
      if (auto st = s->run(); !st) return st;
    }
    return tx.commit();
  });
}

namespace {

constexpr const char* generation_columns =
    "id, request_id, org_id, project_id, key_id, environment, endpoint, model_requested, model_used,"
    " provider, status, error, input_tokens, output_tokens, cached_tokens, reasoning_tokens, cost_usd,"
    " latency_ms, ttft_ms, streamed, started_at, cache_write_tokens, upstream_id";

// One row selected with generation_columns, in that order.
generation_record generation_at(statement& s) {
  generation_record g;
  g.id = s.column_text(0);
  g.request_id = s.column_text(1);
  g.org_id = s.column_text(2);
  g.project_id = s.column_text(3);
  g.key_id = s.column_text(4);
  g.environment = s.column_text(5);
  g.endpoint = s.column_text(6);
  g.model_requested = s.column_text(7);
  g.model_used = s.column_text(8);
  g.provider = s.column_text(9);
  g.status = static_cast<int>(s.column_int(10));
  g.error = s.column_text(11);
  g.input_tokens = s.column_int(12);
  g.output_tokens = s.column_int(13);
  g.cached_input_tokens = s.column_int(14);
  g.reasoning_tokens = s.column_int(15);
  g.cost_usd = s.column_double(16);
  g.latency_ms = s.column_int(17);
  g.time_to_first_token_ms = s.column_int(18);
  g.streamed = s.column_int(19) != 0;
  g.started_at = s.column_int(20);
  g.cache_write_input_tokens = s.column_int(21);
  g.upstream_id = s.column_text(22);
  return g;
}

}  // namespace

result<std::vector<generation_record>> sqlite_generation_store::recent(const project_scope& sc, int limit) {
  return db_->read([&](connection& c) -> result<std::vector<generation_record>> {
    auto s = c.prepare(std::string("SELECT ") + generation_columns +
                       " FROM generations WHERE project_id = ? AND org_id = ? ORDER BY started_at DESC, id DESC LIMIT ?");
    if (!s) return s.err();
    s->bind_all(sc.project_id(), sc.org_id(), int64_t{limit});
    std::vector<generation_record> out;
    for (;;) {
      auto row = s->step();
      if (!row) return row.err();
      if (!*row) break;
      out.push_back(generation_at(*s));
    }
    return out;
  });
}

result<std::optional<generation_record>> sqlite_generation_store::find_by_upstream_id(const project_scope& sc,
                                                                                      std::string_view upstream_id) {
  if (upstream_id.empty()) return std::optional<generation_record>();
  return db_->read([&](connection& c) -> result<std::optional<generation_record>> {
    auto s = c.prepare(std::string("SELECT ") + generation_columns +
                       " FROM generations WHERE project_id = ? AND upstream_id = ? AND upstream_id <> '' AND org_id = ?"
                       " ORDER BY started_at DESC LIMIT 1");
    if (!s) return s.err();
    s->bind_all(sc.project_id(), std::string(upstream_id), sc.org_id());
    auto row = s->step();
    if (!row) return row.err();
    if (!*row) return std::optional<generation_record>();
    return std::optional<generation_record>(generation_at(*s));
  });
}

result<bool> sqlite_generation_store::record_late_usage(const project_scope& sc, std::string_view id, const late_usage& u) {
  return db_->write([&](connection& c) -> result<bool> {
    auto s = c.prepare(
        "UPDATE generations SET input_tokens = ?, output_tokens = ?, cached_tokens = ?, reasoning_tokens = ?, cost_usd = ?"
        " WHERE project_id = ? AND org_id = ? AND id = ? AND input_tokens = 0 AND output_tokens = 0");
    if (!s) return s.err();
    s->bind_all(u.input_tokens, u.output_tokens, u.cached_input_tokens, u.reasoning_tokens, u.cost_usd, sc.project_id(),
                sc.org_id(), std::string(id));
    if (auto st = s->run(); !st) return st.err();
    return c.changes() == 1;
  });
}

}  // namespace brokle::storage::sqlite
