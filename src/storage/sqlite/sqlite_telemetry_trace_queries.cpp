// Traces (span summaries and trace detail) and the LLM-level records: traces, observations, scores.
#include <algorithm>
#include <functional>
#include <unordered_map>

#include "storage/sqlite/json_string_array.hpp"
#include "storage/sqlite/sqlite_telemetry_query_store.hpp"
#include "storage/sqlite/telemetry_query_support.hpp"
#include "storage/sqlite/span_time_index.hpp"
#include "storage/sqlite/trace_summary_state.hpp"

namespace brokle::storage::sqlite {

namespace {

// How far past the end of the range a span filter looks for spans of traces that started inside it.
constexpr int64_t span_filter_slack_ns = 60 * ns_per_min;

constexpr const char* summary_columns =
    "t.trace_id, t.start_ns, t.end_ns, t.duration_ns, t.root_span_id, t.root_name, t.root_service, t.span_count,"
    " t.error_count, t.services";

trace_summary read_summary(const statement& s) {
  trace_summary t;
  t.trace_id = s.column_text(0);
  t.start_ns = s.column_int(1);
  t.end_ns = s.column_int(2);
  t.duration_ns = s.column_int(3);
  t.root_span_id = s.column_text(4);
  t.root_name = s.column_text(5);
  t.root_service = s.column_text(6);
  t.span_count = s.column_int(7);
  t.error_count = s.column_int(8);
  t.services = parse_json_string_array(s.column_text(9));
  return t;
}

constexpr const char* span_columns =
    "project_id, trace_id, span_id, parent_span_id, trace_state, name, kind, start_ns, end_ns, status,"
    " status_message, service_name, environment, scope_name, scope_version, attributes_json, resource_json,"
    " events_json, links_json";

span_record read_span(const statement& s) {
  span_record r;
  r.project_id = s.column_text(0);
  r.trace_id = s.column_text(1);
  r.span_id = s.column_text(2);
  r.parent_span_id = s.column_text(3);
  r.trace_state = s.column_text(4);
  r.name = s.column_text(5);
  r.kind = static_cast<span_kind>(s.column_int(6));
  r.start_ns = s.column_int(7);
  r.end_ns = s.column_int(8);
  r.status = static_cast<span_status>(s.column_int(9));
  r.status_message = s.column_text(10);
  r.service_name = s.column_text(11);
  r.environment = s.column_text(12);
  r.scope_name = s.column_text(13);
  r.scope_version = s.column_text(14);
  r.attributes_json = s.column_text(15);
  r.resource_json = s.column_text(16);
  r.events_json = s.column_text(17);
  r.links_json = s.column_text(18);
  return r;
}

constexpr const char* llm_trace_columns =
    "project_id, id, name, user_id, session_id, environment, release, version, input_json, output_json,"
    " metadata_json, tags_json, is_public, timestamp_ms, updated_at_ms";

trace_record read_llm_trace(const statement& s) {
  trace_record t;
  t.project_id = s.column_text(0);
  t.id = s.column_text(1);
  t.name = s.column_text(2);
  t.user_id = s.column_text(3);
  t.session_id = s.column_text(4);
  t.environment = s.column_text(5);
  t.release = s.column_text(6);
  t.version = s.column_text(7);
  t.input_json = s.column_text(8);
  t.output_json = s.column_text(9);
  t.metadata_json = s.column_text(10);
  t.tags = parse_json_string_array(s.column_text(11));
  t.is_public = s.column_int(12) != 0;
  t.timestamp_ms = s.column_int(13);
  t.updated_at_ms = s.column_int(14);
  return t;
}

constexpr const char* observation_columns =
    "project_id, id, trace_id, parent_observation_id, type, name, level, status_message, environment, version,"
    " start_time_ms, end_time_ms, completion_start_time_ms, model, model_requested, provider, key_id,"
    " model_parameters_json, input_json, output_json, metadata_json, input_tokens, output_tokens,"
    " cached_input_tokens, reasoning_tokens, cost_usd, http_status, streamed, cache_write_input_tokens";

observation_record read_observation(const statement& s) {
  observation_record o;
  o.project_id = s.column_text(0);
  o.id = s.column_text(1);
  o.trace_id = s.column_text(2);
  o.parent_observation_id = s.column_text(3);
  o.type = static_cast<observation_type>(s.column_int(4));
  o.name = s.column_text(5);
  o.level = s.column_text(6);
  o.status_message = s.column_text(7);
  o.environment = s.column_text(8);
  o.version = s.column_text(9);
  o.start_time_ms = s.column_int(10);
  o.end_time_ms = s.column_int(11);
  o.completion_start_time_ms = s.column_int(12);
  o.model = s.column_text(13);
  o.model_requested = s.column_text(14);
  o.provider = s.column_text(15);
  o.key_id = s.column_text(16);
  o.model_parameters_json = s.column_text(17);
  o.input_json = s.column_text(18);
  o.output_json = s.column_text(19);
  o.metadata_json = s.column_text(20);
  o.input_tokens = s.column_int(21);
  o.output_tokens = s.column_int(22);
  o.cached_input_tokens = s.column_int(23);
  o.reasoning_tokens = s.column_int(24);
  o.cost_usd = s.column_double(25);
  o.http_status = static_cast<int>(s.column_int(26));
  o.streamed = s.column_int(27) != 0;
  o.cache_write_input_tokens = s.column_int(28);
  return o;
}

constexpr const char* score_columns =
    "project_id, id, trace_id, observation_id, name, data_type, value, string_value, source, comment,"
    " environment, timestamp_ms";

score_record read_score(const statement& s) {
  score_record r;
  r.project_id = s.column_text(0);
  r.id = s.column_text(1);
  r.trace_id = s.column_text(2);
  r.observation_id = s.column_text(3);
  r.name = s.column_text(4);
  r.data_type = static_cast<score_data_type>(s.column_int(5));
  r.value = s.column_double(6);
  r.string_value = s.column_text(7);
  r.source = s.column_text(8);
  r.comment = s.column_text(9);
  r.environment = s.column_text(10);
  r.timestamp_ms = s.column_int(11);
  return r;
}

// Parent before children, siblings by start time; spans whose parent is missing become roots.
std::vector<tree_span> order_as_tree(std::vector<span_record> spans) {
  std::sort(spans.begin(), spans.end(), [](const span_record& a, const span_record& b) {
    return a.start_ns != b.start_ns ? a.start_ns < b.start_ns : a.span_id < b.span_id;
  });
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < spans.size(); ++i) index.emplace(spans[i].span_id, i);
  std::vector<std::vector<size_t>> children(spans.size());
  std::vector<size_t> roots;
  for (size_t i = 0; i < spans.size(); ++i) {
    auto p = spans[i].parent_span_id.empty() ? index.end() : index.find(spans[i].parent_span_id);
    if (p == index.end() || p->second == i) roots.push_back(i);
    else children[p->second].push_back(i);
  }
  std::vector<tree_span> out;
  out.reserve(spans.size());
  std::vector<bool> placed(spans.size(), false);
  // Iterative depth-first walk (a hostile trace could be deep enough to overflow a recursion).
  std::vector<std::pair<size_t, int>> stack;
  auto walk = [&](size_t root) {
    stack.push_back({root, 0});
    while (!stack.empty()) {
      auto [i, depth] = stack.back();
      stack.pop_back();
      if (placed[i]) continue;
      placed[i] = true;
      out.push_back({std::move(spans[i]), depth});
      for (auto it = children[i].rbegin(); it != children[i].rend(); ++it) stack.push_back({*it, depth + 1});
    }
  };
  for (size_t r : roots) walk(r);
  // Whatever is left sits on a parent cycle: list it flat rather than lose it.
  for (size_t i = 0; i < spans.size(); ++i) {
    if (!placed[i]) walk(i);
  }
  return out;
}

}  // namespace

namespace {

// Errors sorted by duration: walking the partial errors-by-duration index from its slow end and
// skipping traces outside the range stops after one page when the range holds most traces, but
// would wander far when the range is a sliver of a big store; then the time index plus a sort of
// the (few) traces in range wins. A capped count through the time index tells the two apart.
constexpr int64_t range_walk_cap = 20'000;

result<bool> walk_errors_by_duration(connection& c, const project_scope& sc, const trace_query& q) {
  if (q.status != trace_status_filter::error || q.sort != trace_sort::duration || q.order != sort_order::desc)
    return false;
  auto s = c.prepare(
      "SELECT count(*) FROM (SELECT 1 FROM trace_summaries INDEXED BY trace_summaries_time"
      " WHERE project_id = ? AND start_ns >= ? AND start_ns < ? LIMIT ?)");
  if (!s) return s.err();
  s->bind_all(sc.project_id(), q.range.start_ns, q.range.end_ns, range_walk_cap);
  auto row = s->step();
  if (!row) return row.err();
  return *row && s->column_int(0) >= range_walk_cap;
}

}  // namespace

result<page<trace_summary>> sqlite_telemetry_query_store::list_traces(const project_scope& sc, const trace_query& q) {
  if (auto st = check_range(q.range); !st) return st.err();
  auto by_duration = db_->read([&](connection& c) { return walk_errors_by_duration(c, sc, q); });
  if (!by_duration) return by_duration.err();
  query_builder b(std::string("SELECT ") + summary_columns + " FROM trace_summaries t" +
                  (*by_duration ? " INDEXED BY trace_summaries_errors_by_duration" : "") + " WHERE t.project_id = ?");
  b.arg(sc.project_id());
  b.sql(" AND t.start_ns >= ? AND t.start_ns < ?").arg(q.range.start_ns).arg(q.range.end_ns);
  if (!q.services.empty()) {
    b.sql(" AND EXISTS (SELECT 1 FROM json_each(t.services) j WHERE 1").in_list("j.value", q.services).sql(")");
  }
  if (q.status == trace_status_filter::error) b.sql(" AND t.error_count > 0");
  if (q.status == trace_status_filter::ok) b.sql(" AND t.error_count = 0");
  if (q.min_duration_ns > 0) b.sql(" AND t.duration_ns >= ?").arg(q.min_duration_ns);
  if (q.max_duration_ns > 0) b.sql(" AND t.duration_ns <= ?").arg(q.max_duration_ns);
  auto spans_in_range = [&] {
    const int64_t end_ns = q.range.end_ns + span_filter_slack_ns;
    b.sql(std::string(" AND t.trace_id IN (SELECT trace_id FROM spans WHERE project_id = ? AND ") + span_start_bucket +
          " BETWEEN ? AND ? AND start_ns >= ? AND start_ns < ?");
    b.arg(sc.project_id())
        .arg(span_start_bucket_of(q.range.start_ns))
        .arg(span_start_bucket_of(end_ns - 1))
        .arg(q.range.start_ns)
        .arg(end_ns);
  };
  if (!q.name_contains.empty()) {
    if (q.name_scope == match_scope::root_span) {
      b.sql(" AND t.root_name LIKE ? ESCAPE '\\'").arg(like_contains(q.name_contains));
    } else {
      spans_in_range();
      b.sql(" AND name LIKE ? ESCAPE '\\')").arg(like_contains(q.name_contains));
    }
  }
  for (const auto& a : q.attributes) {
    auto path = json_member_path(a.key);
    if (!path) return path.err();
    if (q.attribute_scope == match_scope::root_span) {
      b.sql(" AND EXISTS (SELECT 1 FROM spans r WHERE r.seq = t.root_seq AND r.project_id = t.project_id"
            " AND CAST(json_extract(r.attributes_json, ?) AS TEXT) = ?)");
      b.arg(*path).arg(a.value);
    } else {
      spans_in_range();
      b.sql(" AND CAST(json_extract(attributes_json, ?) AS TEXT) = ?)").arg(*path).arg(a.value);
    }
  }
  const char* dir = q.order == sort_order::asc ? " ASC" : " DESC";
  const char* key = q.sort == trace_sort::duration ? "t.duration_ns" : "t.start_ns";
  b.sql(std::string(" ORDER BY ") + key + dir + ", t.seq" + dir);
  return db_->read([&](connection& c) { return run_page<trace_summary>(c, b, q.page, read_summary); });
}

result<trace_detail> sqlite_telemetry_query_store::get_trace(const project_scope& sc, const std::string& trace_id) {
  return db_->read([&](connection& c) -> result<trace_detail> {
    trace_detail d;
    bool found = false;
    auto s = c.prepare(std::string("SELECT ") + summary_columns +
                       ", t.span_refs FROM trace_summaries t" + " WHERE" + trace_summary_match);
    if (!s) return s.err();
    s->bind_all(sc.project_id(), trace_id);
    auto row = s->step();
    if (!row) return row.err();
    std::vector<span_ref> refs;
    if (*row) {
      found = true;
      d.summary = read_summary(*s);
      refs = decode_span_refs(s->column_text(10));
    }
    if (!refs.empty()) {
      auto one = c.prepare(std::string("SELECT ") + span_columns + " FROM spans WHERE seq = ? AND project_id = ?");
      if (!one) return one.err();
      std::vector<span_record> spans;
      spans.reserve(refs.size());
      for (const auto& r : refs) {
        one->reset();
        one->bind_all(r.seq, sc.project_id());
        auto got = one->step();
        if (!got) return got.err();
        if (*got) spans.push_back(read_span(*one));  // absent: purged since
      }
      d.spans = order_as_tree(std::move(spans));
    }
    auto llm = query_all(c, std::string("SELECT ") + llm_trace_columns + " FROM llm_traces WHERE project_id = ? AND id = ?",
                         read_llm_trace, sc.project_id(), trace_id);
    if (!llm) return llm.err();
    if (!llm->empty()) {
      found = true;
      d.llm_trace = std::move(llm->front());
    }
    auto obs = query_all(c,
                         std::string("SELECT ") + observation_columns +
                             " FROM observations WHERE project_id = ? AND trace_id = ? ORDER BY start_time_ms, seq"
                             " LIMIT 10000",
                         read_observation, sc.project_id(), trace_id);
    if (!obs) return obs.err();
    d.observations = std::move(*obs);
    auto scores = query_all(c,
                            std::string("SELECT ") + score_columns +
                                " FROM scores WHERE project_id = ? AND trace_id = ? ORDER BY timestamp_ms, seq"
                                " LIMIT 10000",
                            read_score, sc.project_id(), trace_id);
    if (!scores) return scores.err();
    d.scores = std::move(*scores);
    if (!found && d.observations.empty()) return make_error(errc::not_found, "trace " + trace_id);
    return d;
  });
}

result<page<trace_record>> sqlite_telemetry_query_store::list_llm_traces(const project_scope& sc,
                                                                          const llm_trace_query& q) {
  if (auto st = check_range(q.range); !st) return st.err();
  query_builder b(std::string("SELECT ") + llm_trace_columns + " FROM llm_traces WHERE project_id = ?");
  b.arg(sc.project_id());
  b.sql(" AND timestamp_ms >= ? AND timestamp_ms < ?")
      .arg(floor_div(q.range.start_ns, ns_per_ms))
      .arg(ceil_div(q.range.end_ns, ns_per_ms));
  if (!q.user_id.empty()) b.sql(" AND user_id = ?").arg(q.user_id);
  if (!q.session_id.empty()) b.sql(" AND session_id = ?").arg(q.session_id);
  b.sql(" ORDER BY timestamp_ms DESC, seq DESC");
  return db_->read([&](connection& c) { return run_page<trace_record>(c, b, q.page, read_llm_trace); });
}

result<page<observation_record>> sqlite_telemetry_query_store::list_observations(const project_scope& sc,
                                                                                  const observation_query& q) {
  if (auto st = check_range(q.range); !st) return st.err();
  query_builder b(std::string("SELECT ") + observation_columns + " FROM observations WHERE project_id = ?");
  b.arg(sc.project_id());
  if (!q.trace_id.empty()) {
    b.sql(" AND trace_id = ?").arg(q.trace_id);
  } else {
    b.sql(" AND start_time_ms >= ? AND start_time_ms < ?")
        .arg(floor_div(q.range.start_ns, ns_per_ms))
        .arg(ceil_div(q.range.end_ns, ns_per_ms));
  }
  if (q.type) b.sql(" AND type = ?").arg(int64_t{static_cast<int>(*q.type)});
  b.sql(q.trace_id.empty() ? " ORDER BY start_time_ms DESC, seq DESC" : " ORDER BY start_time_ms, seq");
  return db_->read([&](connection& c) { return run_page<observation_record>(c, b, q.page, read_observation); });
}

result<page<score_record>> sqlite_telemetry_query_store::list_scores(const project_scope& sc, const score_query& q) {
  if (auto st = check_range(q.range); !st) return st.err();
  query_builder b(std::string("SELECT ") + score_columns + " FROM scores WHERE project_id = ?");
  b.arg(sc.project_id());
  if (!q.trace_id.empty()) {
    b.sql(" AND trace_id = ?").arg(q.trace_id);
  } else {
    b.sql(" AND timestamp_ms >= ? AND timestamp_ms < ?")
        .arg(floor_div(q.range.start_ns, ns_per_ms))
        .arg(ceil_div(q.range.end_ns, ns_per_ms));
  }
  if (!q.name.empty()) b.sql(" AND name = ?").arg(q.name);
  b.sql(" ORDER BY timestamp_ms DESC, seq DESC");
  return db_->read([&](connection& c) { return run_page<score_record>(c, b, q.page, read_score); });
}

}  // namespace brokle::storage::sqlite
