#include "storage/sqlite/sqlite_telemetry_writer.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "storage/sqlite/json_string_array.hpp"
#include "storage/sqlite/trace_summary_state.hpp"
#include "storage/telemetry_latency_buckets.hpp"

namespace brokle::storage::sqlite {

namespace {

constexpr int64_t ns_per_minute = 60'000'000'000;
constexpr int64_t ms_per_minute = 60'000;
constexpr int error_severity = 17;  // OTLP SEVERITY_NUMBER_ERROR

int64_t minute_of_ns(int64_t ns) { return ns >= 0 ? ns / ns_per_minute : (ns - ns_per_minute + 1) / ns_per_minute; }
int64_t minute_of_ms(int64_t ms) { return ms >= 0 ? ms / ms_per_minute : (ms - ms_per_minute + 1) / ms_per_minute; }

std::string bucket_columns() {
  std::string s;
  for (int i = 0; i < latency_bucket_count; ++i) s += ", b" + std::to_string(i);
  return s;
}
std::string bucket_placeholders() {
  std::string s;
  for (int i = 0; i < latency_bucket_count; ++i) s += ",?";
  return s;
}
std::string bucket_additions() {
  std::string s;
  for (int i = 0; i < latency_bucket_count; ++i) s += ", b" + std::to_string(i) + " = b" + std::to_string(i) + " + excluded.b" + std::to_string(i);
  return s;
}

// "INSERT ... ON CONFLICT(project_id, id) DO UPDATE" where a set field of the new row overwrites:
// a text column when non-empty, a number when non-zero (the merge rule of telemetry_writer.hpp).
struct merge_column {
  const char* name;
  bool text;
  bool earliest = false;  // a time that only moves back (a trace's start, whichever update says it)
};
std::string merge_upsert_sql(const char* table, std::initializer_list<merge_column> cols) {
  std::string names = "project_id, id";
  std::string marks = "?,?";
  std::string sets;
  for (const auto& c : cols) {
    names += std::string(", ") + c.name;
    marks += ",?";
    if (!sets.empty()) sets += ", ";
    std::string n = c.name;
    if (c.earliest)
      sets += n + " = CASE WHEN excluded." + n + " <> 0 AND (" + n + " = 0 OR excluded." + n + " < " + n +
              ") THEN excluded." + n + " ELSE " + n + " END";
    else
      sets += n + " = CASE WHEN excluded." + n + (c.text ? " <> ''" : " <> 0") + " THEN excluded." + n + " ELSE " +
              n + " END";
  }
  return std::string("INSERT INTO ") + table + "(" + names + ") VALUES (" + marks +
         ") ON CONFLICT(project_id, id) DO UPDATE SET " + sets;
}

// The same columns as merge_upsert_sql, inserted only when the row is new: most rows are (gateway
// calls, OTel-derived generations), and for them one statement replaces read + upsert + read.
std::string insert_new_sql(const char* table, std::initializer_list<merge_column> cols) {
  std::string names = "project_id, id";
  std::string marks = "?,?";
  for (const auto& c : cols) {
    names += std::string(", ") + c.name;
    marks += ",?";
  }
  return std::string("INSERT INTO ") + table + "(" + names + ") VALUES (" + marks +
         ") ON CONFLICT(project_id, id) DO NOTHING";
}

struct span_rollup {
  int64_t spans = 0, errors = 0, roots = 0, duration_sum = 0;
  std::array<int64_t, latency_bucket_count> buckets{};
};
struct edge_rollup {
  int64_t calls = 0, errors = 0, duration_sum = 0;
};
struct log_rollup {
  int64_t logs = 0, errors = 0;
};
struct llm_rollup {
  int64_t calls = 0, errors = 0, input = 0, output = 0, cached = 0, cache_write = 0, reasoning = 0;
  double cost = 0;
  int64_t latency_sum = 0, latency_count = 0, ttft_sum = 0, ttft_count = 0;
  std::array<int64_t, latency_bucket_count> buckets{};
};

using minute_service_key = std::tuple<std::string, int64_t, std::string>;
using edge_key = std::tuple<std::string, int64_t, std::string, std::string>;
using llm_key = std::tuple<std::string, int64_t, std::string, std::string, std::string, std::string>;

bool is_client_side(int kind) {
  return kind == static_cast<int>(span_kind::client) || kind == static_cast<int>(span_kind::producer);
}
bool is_server_side(int kind) {
  return kind == static_cast<int>(span_kind::server) || kind == static_cast<int>(span_kind::consumer);
}

}  // namespace

struct sqlite_telemetry_writer::statements {
  statement find_summary, find_summary_at, insert_summary, update_summary;
  statement index_unindexed_summaries, advance_indexed_upto;
  statement insert_span, span_id_at;
  statement insert_log, insert_log_fts;
  statement upsert_span_rollup, upsert_edge_rollup, upsert_log_rollup, upsert_llm_rollup;
  statement upsert_trace, upsert_observation, insert_new_observation, upsert_score, upsert_event;
  statement insert_metric_point;
  statement observation_rollup_fields, set_observation_cost;
};

result<std::unique_ptr<sqlite_telemetry_writer>> sqlite_telemetry_writer::open(const std::filesystem::path& file,
                                                                           generation_pricer price,
                                                                           int busy_timeout_ms) {
  auto c = connection::open(file.string(), false);
  if (!c) return c.err();
  std::unique_ptr<sqlite_telemetry_writer> w(new sqlite_telemetry_writer());
  w->c_ = std::move(*c);
  w->price_ = std::move(price);
  // The trace-summary index is the one random-key B-tree the writer touches; a larger cache keeps
  // more of it in memory.
  if (auto st = w->c_.exec("PRAGMA cache_size=-65536; PRAGMA busy_timeout=" + std::to_string(busy_timeout_ms)); !st)
    return st.err();
  // Checkpoints run beside the writer, not in its commits (wal_checkpointer.hpp). The WAL is let
  // grow to 32,768 pages (128 MiB) before it starts over, not SQLite's 1,000: hot pages (B-tree
  // edges, rollups) are then copied into the database once per cycle rather than every few
  // commits. Span ingestion measured 52-53k -> 66k (20,000 pages) -> 75k spans/s (50,000) on
  // 2 cores with SQLite's own checkpoint at those sizes.
  auto cp = wal_checkpointer::attach(w->c_, file);
  if (!cp) return cp.err();
  w->checkpointer_ = std::move(*cp);
  auto st = std::make_unique<statements>();
  auto prep = [&](statement& s, const std::string& sql) -> status {
    auto p = w->c_.prepare(sql);
    if (!p) return p.err();
    s = std::move(*p);
    return ok_v;
  };
  const std::initializer_list<merge_column> observation_columns = {{"trace_id", true},
      {"parent_observation_id", true},
      {"type", false},
      {"name", true},
      {"level", true},
      {"status_message", true},
      {"environment", true},
      {"version", true},
      {"start_time_ms", false},
      {"end_time_ms", false},
      {"completion_start_time_ms", false},
      {"model", true},
      {"model_requested", true},
      {"provider", true},
      {"key_id", true},
      {"model_parameters_json", true},
      {"input_json", true},
      {"output_json", true},
      {"metadata_json", true},
      {"input_tokens", false},
      {"output_tokens", false},
      {"cached_input_tokens", false},
      {"reasoning_tokens", false},
      {"cost_usd", false},
      {"http_status", false},
      {"streamed", false},
      {"cache_write_input_tokens", false}};
  const std::string summary_columns =
      "SELECT seq, start_ns, end_ns, duration_ns, root_span_id, root_name, root_service, root_seq, span_count,"
      " error_count, services, span_refs, pending_edges FROM trace_summaries";
  const std::string buckets = bucket_columns();
  const std::string bucket_marks = bucket_placeholders();
  const std::string bucket_adds = bucket_additions();
  std::initializer_list<std::pair<statement*, std::string>> sqls = {
      {&st->find_summary, summary_columns + " WHERE" + trace_summary_indexed_match},
      {&st->find_summary_at, summary_columns + " WHERE seq = ?3 AND +project_id = ?1 AND +trace_id = ?2"},
      {&st->index_unindexed_summaries,
       "INSERT OR IGNORE INTO trace_lookup(key, seq) SELECT substr(trace_id, -12), seq FROM trace_summaries"
       " WHERE seq > (SELECT indexed_upto FROM trace_lookup_state) ORDER BY 1, 2"},
      {&st->advance_indexed_upto,
       "UPDATE trace_lookup_state SET indexed_upto = (SELECT COALESCE(MAX(seq), 0) FROM trace_summaries)"},
      {&st->insert_summary,
       "INSERT INTO trace_summaries(project_id, trace_id, start_ns, end_ns, duration_ns, root_span_id, root_name,"
       " root_service, root_seq, span_count, error_count, services, span_refs, pending_edges)"
       " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"},
      {&st->update_summary,
       "UPDATE trace_summaries SET start_ns = ?, end_ns = ?, duration_ns = ?, root_span_id = ?, root_name = ?,"
       " root_service = ?, root_seq = ?, span_count = ?, error_count = ?, services = ?, span_refs = ?,"
       " pending_edges = ? WHERE seq = ?"},
      {&st->insert_span,
       "INSERT INTO spans(project_id, trace_id, span_id, parent_span_id, trace_state, name, kind, start_ns, end_ns,"
       " duration_ns, status, status_message, service_name, environment, scope_name, scope_version,"
       " attributes_json, resource_json, events_json, links_json) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"},
      {&st->span_id_at, "SELECT span_id FROM spans WHERE seq = ?"},
      {&st->insert_log,
       "INSERT INTO logs(project_id, id, time_ns, observed_time_ns, severity_number, severity_text, body, trace_id,"
       " span_id, service_name, environment, scope_name, attributes_json, resource_json)"
       " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(project_id, id) DO NOTHING"},
      {&st->insert_log_fts, "INSERT INTO logs_fts(rowid, body) VALUES (?, ?)"},
      {&st->upsert_span_rollup,
       "INSERT INTO span_rollups(project_id, minute, service_name, span_count, error_count, root_count,"
       " duration_sum_ns" + buckets + ") VALUES (?,?,?,?,?,?,?" + bucket_marks +
           ") ON CONFLICT(project_id, minute, service_name) DO UPDATE SET span_count = span_count +"
           " excluded.span_count, error_count = error_count + excluded.error_count, root_count = root_count +"
           " excluded.root_count, duration_sum_ns = duration_sum_ns + excluded.duration_sum_ns" + bucket_adds},
      {&st->upsert_edge_rollup,
       "INSERT INTO service_edge_rollups(project_id, minute, client_service, server_service, call_count,"
       " error_count, duration_sum_ns) VALUES (?,?,?,?,?,?,?) ON CONFLICT(project_id, minute, client_service,"
       " server_service) DO UPDATE SET call_count = call_count + excluded.call_count, error_count = error_count +"
       " excluded.error_count, duration_sum_ns = duration_sum_ns + excluded.duration_sum_ns"},
      {&st->upsert_log_rollup,
       "INSERT INTO log_rollups(project_id, minute, service_name, log_count, error_count) VALUES (?,?,?,?,?)"
       " ON CONFLICT(project_id, minute, service_name) DO UPDATE SET log_count = log_count + excluded.log_count,"
       " error_count = error_count + excluded.error_count"},
      {&st->upsert_llm_rollup,
       "INSERT INTO llm_rollups(project_id, minute, model, provider, environment, key_id, calls, errors,"
       " input_tokens, output_tokens, cached_tokens, reasoning_tokens, cost_usd, latency_sum_ms, latency_count,"
       " ttft_sum_ms, ttft_count, cache_write_tokens" + buckets + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?" +
           bucket_marks +
           ") ON CONFLICT(project_id, minute, model, provider, environment, key_id) DO UPDATE SET calls = calls +"
           " excluded.calls, errors = errors + excluded.errors, input_tokens = input_tokens + excluded.input_tokens,"
           " output_tokens = output_tokens + excluded.output_tokens, cached_tokens = cached_tokens +"
           " excluded.cached_tokens, reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens, cost_usd ="
           " cost_usd + excluded.cost_usd, latency_sum_ms = latency_sum_ms + excluded.latency_sum_ms,"
           " latency_count = latency_count + excluded.latency_count, ttft_sum_ms = ttft_sum_ms +"
           " excluded.ttft_sum_ms, ttft_count = ttft_count + excluded.ttft_count, cache_write_tokens ="
           " cache_write_tokens + excluded.cache_write_tokens" + bucket_adds},
      {&st->upsert_trace, merge_upsert_sql("llm_traces", {{"name", true},
                                                          {"user_id", true},
                                                          {"session_id", true},
                                                          {"environment", true},
                                                          {"release", true},
                                                          {"version", true},
                                                          {"input_json", true},
                                                          {"output_json", true},
                                                          {"metadata_json", true},
                                                          {"tags_json", true},
                                                          {"is_public", false},
                                                          {"timestamp_ms", false, true},
                                                          {"updated_at_ms", false}})},
      {&st->upsert_observation, merge_upsert_sql("observations", observation_columns)},
      {&st->insert_new_observation, insert_new_sql("observations", observation_columns)},
      {&st->upsert_score, merge_upsert_sql("scores", {{"trace_id", true},
                                                      {"observation_id", true},
                                                      {"name", true},
                                                      {"data_type", false},
                                                      {"value", false},
                                                      {"string_value", true},
                                                      {"source", true},
                                                      {"comment", true},
                                                      {"environment", true},
                                                      {"timestamp_ms", false}})},
      {&st->upsert_event, merge_upsert_sql("telemetry_events", {{"trace_id", true},
                                                                {"type", true},
                                                                {"name", true},
                                                                {"body_json", true},
                                                                {"timestamp_ms", false}})},
      {&st->insert_metric_point,
       "INSERT INTO metric_points(project_id, name, description, unit, type, service_name, environment, scope_name,"
       " start_time_ns, time_ns, value, count, sum, aggregation_temporality, is_monotonic, attributes_json,"
       " resource_json) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"},
      {&st->observation_rollup_fields,
       "SELECT type, start_time_ms, end_time_ms, completion_start_time_ms, model, model_requested, provider,"
       " environment, key_id, level, http_status, input_tokens, output_tokens, cached_input_tokens,"
       " reasoning_tokens, cost_usd, cache_write_input_tokens FROM observations WHERE project_id = ? AND id = ?"},
      {&st->set_observation_cost, "UPDATE observations SET cost_usd = ? WHERE project_id = ? AND id = ?"},
  };
  for (const auto& [s, sql] : sqls) {
    if (auto r = prep(*s, sql); !r) return r.err();
  }
  w->st_ = std::move(st);
  // Summaries stored before a crash or stop may still wait for their lookup entries.
  if (auto flushed = w->flush_trace_lookup(); !flushed) return flushed.err();
  return w;
}

bool sqlite_telemetry_writer::lookup_flush_due() const {
  if (unindexed_count_ == 0) return false;
  return unindexed_count_ >= trace_lookup_flush_rows ||
         std::chrono::steady_clock::now() - last_lookup_flush_ >= std::chrono::seconds(2);
}

status sqlite_telemetry_writer::flush_trace_lookup_in_transaction() {
  for (auto* s : {&st_->index_unindexed_summaries, &st_->advance_indexed_upto}) {
    s->reset();
    if (auto r = s->run(); !r) return r;
  }
  return ok_v;
}

status sqlite_telemetry_writer::flush_trace_lookup() {
  transaction tx(c_);
  if (auto st = tx.begin(); !st) return st;
  if (auto st = flush_trace_lookup_in_transaction(); !st) return st;
  if (auto st = tx.commit(); !st) return st;
  unindexed_.clear();
  unindexed_count_ = 0;
  last_lookup_flush_ = std::chrono::steady_clock::now();
  return ok_v;
}

void sqlite_telemetry_writer::remember_unindexed(const std::string& trace_id, int64_t seq) {
  unindexed_[std::string(trace_lookup_key(trace_id))].push_back(seq);
  ++unindexed_count_;
}

sqlite_telemetry_writer::~sqlite_telemetry_writer() = default;

status sqlite_telemetry_writer::write(const telemetry_batch& batch) {
  if (batch.empty()) return ok_v;
  transaction tx(c_);
  if (auto st = tx.begin(); !st) return st;
  fresh_.clear();
  // The lookup entries of the summaries stored so far go in with this batch: one sorted pass.
  const bool flushing = lookup_flush_due();
  if (flushing)
    if (auto st = flush_trace_lookup_in_transaction(); !st) return st;
  if (auto st = write_spans(batch); !st) return st;
  if (auto st = write_logs(batch); !st) return st;
  if (auto st = write_llm_records(batch); !st) return st;
  for (const auto& m : batch.metrics) {
    auto& ins = st_->insert_metric_point;
    ins.reset();
    ins.bind_all(m.project_id, m.name, m.description, m.unit, int64_t{static_cast<int>(m.type)}, m.service_name,
                 m.environment, m.scope_name, m.start_time_ns, m.time_ns, m.value, m.count, m.sum,
                 int64_t{m.aggregation_temporality}, int64_t{m.is_monotonic ? 1 : 0}, m.attributes_json,
                 m.resource_json);
    if (auto r = ins.run(); !r) return r;
  }
  if (fail_next_commit_) {
    fail_next_commit_ = false;
    return make_error(errc::unavailable, "injected failure before commit");
  }
  if (auto st = tx.commit(); !st) return st;
  // Only now are the flush and this batch's summaries real; a rolled-back write changed nothing.
  if (flushing) {
    unindexed_.clear();
    unindexed_count_ = 0;
    last_lookup_flush_ = std::chrono::steady_clock::now();
  }
  for (const auto& [trace_id, seq] : fresh_) remember_unindexed(trace_id, seq);
  fresh_.clear();
  return ok_v;
}

namespace {

// One trace's summary while a batch is applied to it.
struct trace_state {
  bool stored = false;
  int64_t seq = 0;
  int64_t start_ns = 0, end_ns = 0, duration_ns = 0;
  std::string root_span_id, root_name, root_service;
  int64_t root_seq = 0;
  int64_t span_count = 0, error_count = 0;
  std::vector<std::string> services;
  std::vector<span_ref> refs;
  std::vector<edge_half> halves;
};

}  // namespace

std::vector<writer_gauge> sqlite_telemetry_writer::gauges() const {
  const auto& cp = *checkpointer_;
  return {{"brokle_store_wal_bytes",
           "Bytes of the telemetry store's write-ahead log in use (bounded at 512 MiB unless a reader holds an old "
           "snapshot).",
           false, static_cast<double>(cp.wal_bytes())},
          {"brokle_store_checkpoints_background_total", "WAL checkpoint passes run beside the telemetry writer.", true,
           static_cast<double>(cp.background_passes())},
          {"brokle_store_checkpoints_writer_total",
           "WAL checkpoints the telemetry writer finished itself so that the log could start over.", true,
           static_cast<double>(cp.writer_checkpoints())}};
}

status sqlite_telemetry_writer::write_spans(const telemetry_batch& batch) {
  if (batch.spans.empty()) return ok_v;
  auto& st = *st_;
  // Spans grouped by trace, in batch order, so each trace summary is read and written once.
  std::unordered_map<std::string, size_t> group_of;
  std::vector<std::vector<const span_record*>> groups;
  for (const auto& s : batch.spans) {
    std::string key = s.project_id;
    key.push_back('\0');
    key += s.trace_id;
    auto [it, fresh] = group_of.try_emplace(std::move(key), groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(&s);
  }

  std::map<minute_service_key, span_rollup> rollups;
  std::map<edge_key, edge_rollup> edges;

  for (const auto& group : groups) {
    const auto& project = group.front()->project_id;
    const auto& trace_id = group.front()->trace_id;
    trace_state t;
    // A summary stored since the last lookup flush is found by its seq, any other through trace_lookup.
    statement* finder = &st.find_summary;
    result<bool> found = false;
    if (auto it = unindexed_.find(std::string(trace_lookup_key(trace_id))); it != unindexed_.end()) {
      for (int64_t seq : it->second) {
        st.find_summary_at.reset();
        st.find_summary_at.bind_all_borrowed(project, trace_id, seq);
        found = st.find_summary_at.step();
        if (!found) return found.err();
        if (*found) {
          finder = &st.find_summary_at;
          break;
        }
        st.find_summary_at.reset();
      }
    }
    if (!*found) {
      st.find_summary.reset();
      st.find_summary.bind_all_borrowed(project, trace_id);
      found = st.find_summary.step();
      if (!found) return found.err();
    }
    if (*found) {
      auto& f = *finder;
      t.stored = true;
      t.seq = f.column_int(0);
      t.start_ns = f.column_int(1);
      t.end_ns = f.column_int(2);
      t.duration_ns = f.column_int(3);
      t.root_span_id = f.column_text(4);
      t.root_name = f.column_text(5);
      t.root_service = f.column_text(6);
      t.root_seq = f.column_int(7);
      t.span_count = f.column_int(8);
      t.error_count = f.column_int(9);
      t.services = parse_json_string_array(f.column_text(10));
      t.refs = decode_span_refs(f.column_text(11));
      t.halves = decode_edge_halves(f.column_text(12));
    }
    finder->reset();

    std::unordered_multimap<uint64_t, int64_t> known;
    known.reserve(t.refs.size() + group.size());
    for (const auto& r : t.refs) known.emplace(r.key, r.seq);

    for (const span_record* sp : group) {
      const auto& s = *sp;
      auto key = span_key_of(s.span_id);
      bool duplicate = false;
      auto [lo, hi] = known.equal_range(key.value);
      for (auto it = lo; it != hi && !duplicate; ++it) {
        if (key.exact) {
          duplicate = true;
          break;
        }
        // A hashed key: only the stored id can say whether this is the same span.
        st.span_id_at.reset();
        st.span_id_at.bind(1, it->second);
        auto row = st.span_id_at.step();
        if (!row) return row.err();
        duplicate = *row && st.span_id_at.column_text(0) == s.span_id;
        st.span_id_at.reset();
      }
      if (duplicate) continue;

      int64_t duration = s.duration_ns();
      bool error = s.status == span_status::error;
      auto& ins = st.insert_span;
      ins.reset();
      ins.bind_all_borrowed(s.project_id, s.trace_id, s.span_id, s.parent_span_id, s.trace_state, s.name,
                   int64_t{static_cast<int>(s.kind)}, s.start_ns, s.end_ns, duration,
                   int64_t{static_cast<int>(s.status)}, s.status_message, s.service_name, s.environment,
                   s.scope_name, s.scope_version, s.attributes_json, s.resource_json, s.events_json, s.links_json);
      if (auto r = ins.run(); !r) return r;
      int64_t seq = c_.last_insert_rowid();
      known.emplace(key.value, seq);
      t.refs.push_back({key.value, seq});

      if (t.span_count == 0) {
        t.start_ns = s.start_ns;
        t.end_ns = s.end_ns;
      } else {
        t.start_ns = std::min(t.start_ns, s.start_ns);
        t.end_ns = std::max(t.end_ns, s.end_ns);
      }
      ++t.span_count;
      if (error) ++t.error_count;
      if (std::find(t.services.begin(), t.services.end(), s.service_name) == t.services.end()) {
        t.services.push_back(s.service_name);
      }
      bool root = s.parent_span_id.empty();
      if (root && t.root_span_id.empty()) {
        t.root_span_id = s.span_id;
        t.root_name = s.name;
        t.root_service = s.service_name;
        t.root_seq = seq;
        t.duration_ns = duration;
      }

      auto& r = rollups[{s.project_id, minute_of_ns(s.start_ns), s.service_name}];
      ++r.spans;
      if (error) ++r.errors;
      if (root) ++r.roots;
      r.duration_sum += duration;
      ++r.buckets[static_cast<size_t>(latency_bucket_of_ns(duration))];

      // Service-map pairs: complete with a waiting half, or wait for the other side.
      int kind = static_cast<int>(s.kind);
      auto count_edge = [&](const edge_half& client, const std::string& server_service, bool server_error) {
        if (client.service == server_service) return;
        auto& e = edges[{s.project_id, minute_of_ns(client.start_ns), client.service, server_service}];
        ++e.calls;
        if (client.error || server_error) ++e.errors;
        e.duration_sum += client.duration_ns;
      };
      if (is_client_side(kind)) {
        edge_half me{s.span_id, s.parent_span_id, s.service_name, kind, s.start_ns, duration, error};
        std::erase_if(t.halves, [&](const edge_half& h) {
          if (!is_server_side(h.kind) || h.parent_span_id != s.span_id) return false;
          count_edge(me, h.service, h.error);
          return true;
        });
        t.halves.push_back(std::move(me));
      } else if (is_server_side(kind) && !s.parent_span_id.empty()) {
        auto client = std::find_if(t.halves.begin(), t.halves.end(), [&](const edge_half& h) {
          return is_client_side(h.kind) && h.span_id == s.parent_span_id;
        });
        if (client != t.halves.end()) {
          count_edge(*client, s.service_name, error);
        } else {
          t.halves.push_back({s.span_id, s.parent_span_id, s.service_name, kind, s.start_ns, duration, error});
        }
      }
    }
    if (t.halves.size() > max_pending_edge_halves) {
      t.halves.erase(t.halves.begin(), t.halves.end() - static_cast<std::ptrdiff_t>(max_pending_edge_halves));
    }
    if (t.root_span_id.empty()) t.duration_ns = t.end_ns > t.start_ns ? t.end_ns - t.start_ns : 0;

    std::string services = to_json_string_array(t.services);
    std::string refs = encode_span_refs(t.refs);
    std::string halves = encode_edge_halves(t.halves);
    if (t.stored) {
      auto& u = st.update_summary;
      u.reset();
      u.bind_all_borrowed(t.start_ns, t.end_ns, t.duration_ns, t.root_span_id, t.root_name, t.root_service, t.root_seq,
                 t.span_count, t.error_count, services);
      u.bind_blob_borrowed(11, refs.data(), refs.size());
      u.bind_blob_borrowed(12, halves.data(), halves.size());
      u.bind(13, t.seq);
      if (auto r = u.run(); !r) return r;
    } else if (t.span_count > 0) {
      auto& i = st.insert_summary;
      i.reset();
      i.bind_all_borrowed(project, trace_id, t.start_ns, t.end_ns, t.duration_ns, t.root_span_id, t.root_name,
                 t.root_service, t.root_seq, t.span_count, t.error_count, services);
      i.bind_blob_borrowed(13, refs.data(), refs.size());
      i.bind_blob_borrowed(14, halves.data(), halves.size());
      if (auto r = i.run(); !r) return r;
      fresh_.emplace_back(trace_id, c_.last_insert_rowid());
    }
  }

  for (const auto& [k, r] : rollups) {
    auto& u = st.upsert_span_rollup;
    u.reset();
    u.bind_all(std::get<0>(k), std::get<1>(k), std::get<2>(k), r.spans, r.errors, r.roots, r.duration_sum);
    for (int b = 0; b < latency_bucket_count; ++b) u.bind(8 + b, r.buckets[static_cast<size_t>(b)]);
    if (auto st2 = u.run(); !st2) return st2;
  }
  for (const auto& [k, e] : edges) {
    auto& u = st.upsert_edge_rollup;
    u.reset();
    u.bind_all(std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k), e.calls, e.errors, e.duration_sum);
    if (auto st2 = u.run(); !st2) return st2;
  }
  return ok_v;
}

status sqlite_telemetry_writer::write_logs(const telemetry_batch& batch) {
  if (batch.logs.empty()) return ok_v;
  auto& st = *st_;
  std::map<minute_service_key, log_rollup> rollups;
  for (const auto& l : batch.logs) {
    auto& ins = st.insert_log;
    ins.reset();
    ins.bind_all_borrowed(l.project_id, l.id, l.time_ns, l.observed_time_ns, int64_t{l.severity_number}, l.severity_text,
                 l.body, l.trace_id, l.span_id, l.service_name, l.environment, l.scope_name, l.attributes_json,
                 l.resource_json);
    if (auto r = ins.run(); !r) return r;
    if (c_.changes() == 0) continue;  // a repeat of a stored log
    auto& fts = st.insert_log_fts;
    fts.reset();
    fts.bind_all_borrowed(c_.last_insert_rowid(), l.body);
    if (auto r = fts.run(); !r) return r;
    auto& r = rollups[{l.project_id, minute_of_ns(l.time_ns), l.service_name}];
    ++r.logs;
    if (l.severity_number >= error_severity) ++r.errors;
  }
  for (const auto& [k, r] : rollups) {
    auto& u = st.upsert_log_rollup;
    u.reset();
    u.bind_all(std::get<0>(k), std::get<1>(k), std::get<2>(k), r.logs, r.errors);
    if (auto st2 = u.run(); !st2) return st2;
  }
  return ok_v;
}

namespace {

// What one stored generation adds to the LLM rollups; merged repeats replace the old contribution
// with the new one.
struct generation_contribution {
  llm_key key;
  llm_rollup values;
};

// The stored fields a generation's rollup contribution depends on, read back from a merged row or
// taken from a record that was inserted as it is.
struct rollup_fields {
  int type = 0;
  int64_t start = 0, end = 0, first_token = 0;
  std::string model, model_requested, provider, environment, key_id, level;
  int64_t http_status = 0, input = 0, output = 0, cached = 0, reasoning = 0;
  double cost = 0;
  int64_t cache_write = 0;
};

rollup_fields rollup_fields_of(const statement& s) {
  return {static_cast<int>(s.column_int(0)), s.column_int(1),  s.column_int(2),  s.column_int(3),
          s.column_text(4),                  s.column_text(5), s.column_text(6), s.column_text(7),
          s.column_text(8),                  s.column_text(9), s.column_int(10), s.column_int(11),
          s.column_int(12),                  s.column_int(13), s.column_int(14), s.column_double(15),
          s.column_int(16)};
}

rollup_fields rollup_fields_of(const observation_record& o) {
  return {static_cast<int>(o.type), o.start_time_ms, o.end_time_ms, o.completion_start_time_ms, o.model,
          o.model_requested, o.provider, o.environment, o.key_id, o.level, o.http_status, o.input_tokens,
          o.output_tokens, o.cached_input_tokens, o.reasoning_tokens, o.cost_usd, o.cache_write_input_tokens};
}

std::optional<generation_contribution> contribution_of(const std::string& project, const rollup_fields& f) {
  if (f.type != static_cast<int>(observation_type::generation)) return std::nullopt;
  generation_contribution g;
  g.key = {project, minute_of_ms(f.start), f.model.empty() ? f.model_requested : f.model, f.provider, f.environment,
           f.key_id};
  auto& v = g.values;
  v.calls = 1;
  v.errors = (f.level == "ERROR" || f.http_status >= 400) ? 1 : 0;
  v.input = f.input;
  v.output = f.output;
  v.cached = f.cached;
  v.cache_write = f.cache_write;
  v.reasoning = f.reasoning;
  v.cost = f.cost;
  if (f.end > 0 && f.end >= f.start) {
    v.latency_sum = f.end - f.start;
    v.latency_count = 1;
    ++v.buckets[static_cast<size_t>(latency_bucket_of_ns((f.end - f.start) * 1'000'000))];
  }
  if (f.first_token > 0 && f.first_token >= f.start) {
    v.ttft_sum = f.first_token - f.start;
    v.ttft_count = 1;
  }
  return g;
}

void add_into(llm_rollup& to, const llm_rollup& v, int64_t sign) {
  to.calls += sign * v.calls;
  to.errors += sign * v.errors;
  to.input += sign * v.input;
  to.output += sign * v.output;
  to.cached += sign * v.cached;
  to.cache_write += sign * v.cache_write;
  to.reasoning += sign * v.reasoning;
  to.cost += static_cast<double>(sign) * v.cost;
  to.latency_sum += sign * v.latency_sum;
  to.latency_count += sign * v.latency_count;
  to.ttft_sum += sign * v.ttft_sum;
  to.ttft_count += sign * v.ttft_count;
  for (size_t b = 0; b < v.buckets.size(); ++b) to.buckets[b] += sign * v.buckets[b];
}

}  // namespace

status sqlite_telemetry_writer::write_llm_records(const telemetry_batch& batch) {
  auto& st = *st_;
  for (const auto& t : batch.traces) {
    auto& u = st.upsert_trace;
    u.reset();
    std::string tags = t.tags.empty() ? std::string() : to_json_string_array(t.tags);
    u.bind_all(t.project_id, t.id, t.name, t.user_id, t.session_id, t.environment, t.release, t.version,
               t.input_json, t.output_json, t.metadata_json, tags, int64_t{t.is_public ? 1 : 0}, t.timestamp_ms,
               t.updated_at_ms);
    if (auto r = u.run(); !r) return r;
  }

  std::map<llm_key, llm_rollup> deltas;
  auto read_contribution = [&](const observation_record& o) -> result<std::optional<generation_contribution>> {
    auto& q = st.observation_rollup_fields;
    q.reset();
    q.bind_all(o.project_id, o.id);
    auto row = q.step();
    if (!row) return row.err();
    std::optional<generation_contribution> g;
    if (*row) g = contribution_of(o.project_id, rollup_fields_of(q));
    q.reset();
    return g;
  };
  // A generation without a cost gets one once the merged row has a model and tokens, whichever
  // events brought them; a cost the producer sent is never replaced.
  auto price_merged = [&](const observation_record& o, generation_contribution& g) -> status {
    const std::string& model = std::get<2>(g.key);
    if (!price_ || g.values.cost != 0 || model.empty() || (g.values.input <= 0 && g.values.output <= 0)) return ok_v;
    observation_record merged;
    merged.model = model;
    merged.input_tokens = g.values.input;
    merged.output_tokens = g.values.output;
    merged.cached_input_tokens = g.values.cached;
    merged.cache_write_input_tokens = g.values.cache_write;
    merged.reasoning_tokens = g.values.reasoning;
    double cost = price_(merged);
    if (!(cost > 0)) return ok_v;
    auto& u = st.set_observation_cost;
    u.reset();
    u.bind_all(cost, o.project_id, o.id);
    if (auto r = u.run(); !r) return r;
    g.values.cost = cost;
    return ok_v;
  };
  auto bind_observation = [](statement& u, const observation_record& o) {
    u.reset();
    u.bind_all_borrowed(o.project_id, o.id, o.trace_id, o.parent_observation_id, int64_t{static_cast<int>(o.type)}, o.name,
               o.level, o.status_message, o.environment, o.version, o.start_time_ms, o.end_time_ms,
               o.completion_start_time_ms, o.model, o.model_requested, o.provider, o.key_id,
               o.model_parameters_json, o.input_json, o.output_json, o.metadata_json, o.input_tokens,
               o.output_tokens, o.cached_input_tokens, o.reasoning_tokens, o.cost_usd, int64_t{o.http_status},
               int64_t{o.streamed ? 1 : 0}, o.cache_write_input_tokens);
  };
  for (const auto& o : batch.observations) {
    // A new row is stored exactly as sent, so its contribution is the record's own.
    bind_observation(st.insert_new_observation, o);
    if (auto r = st.insert_new_observation.run(); !r) return r;
    if (c_.changes() == 1) {
      if (auto g = contribution_of(o.project_id, rollup_fields_of(o))) {
        if (auto st2 = price_merged(o, *g); !st2) return st2;
        add_into(deltas[g->key], g->values, +1);
      }
      continue;
    }
    // An update merges into the stored row: its old contribution is replaced by the merged one.
    auto before = read_contribution(o);
    if (!before) return before.err();
    bind_observation(st.upsert_observation, o);
    if (auto r = st.upsert_observation.run(); !r) return r;
    auto after = read_contribution(o);
    if (!after) return after.err();
    if (*after) {
      if (auto st2 = price_merged(o, **after); !st2) return st2;
    }
    if (*before) add_into(deltas[(*before)->key], (*before)->values, -1);
    if (*after) add_into(deltas[(*after)->key], (*after)->values, +1);
  }
  for (const auto& [k, d] : deltas) {
    auto& u = st.upsert_llm_rollup;
    u.reset();
    u.bind_all(std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k), std::get<4>(k), std::get<5>(k),
               d.calls, d.errors, d.input, d.output, d.cached, d.reasoning, d.cost, d.latency_sum, d.latency_count,
               d.ttft_sum, d.ttft_count, d.cache_write);
    for (int b = 0; b < latency_bucket_count; ++b) u.bind(19 + b, d.buckets[static_cast<size_t>(b)]);
    if (auto r = u.run(); !r) return r;
  }

  for (const auto& s : batch.scores) {
    auto& u = st.upsert_score;
    u.reset();
    u.bind_all(s.project_id, s.id, s.trace_id, s.observation_id, s.name, int64_t{static_cast<int>(s.data_type)},
               s.value, s.string_value, s.source, s.comment, s.environment, s.timestamp_ms);
    if (auto r = u.run(); !r) return r;
  }
  for (const auto& e : batch.events) {
    auto& u = st.upsert_event;
    u.reset();
    u.bind_all(e.project_id, e.id, e.trace_id, e.type, e.name, e.body_json, e.timestamp_ms);
    if (auto r = u.run(); !r) return r;
  }
  return ok_v;
}

}  // namespace brokle::storage::sqlite
