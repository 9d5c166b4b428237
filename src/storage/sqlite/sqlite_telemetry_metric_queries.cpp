// Aggregates over the per-minute rollups: services, dashboard totals, traffic, latency heatmap,
// service map and LLM analytics. Percentiles come from the rollups' latency buckets
// (storage/telemetry_latency_buckets.hpp).
#include <array>
#include <map>
#include <span>

#include "storage/sqlite/sqlite_telemetry_query_store.hpp"
#include "storage/sqlite/telemetry_query_support.hpp"
#include "storage/telemetry_latency_buckets.hpp"

namespace brokle::storage::sqlite {

namespace {

using bucket_counts = std::array<int64_t, latency_bucket_count>;

std::string bucket_sums() {
  std::string s;
  for (int i = 0; i < latency_bucket_count; ++i) s += ", SUM(b" + std::to_string(i) + ")";
  return s;
}

bucket_counts read_buckets(const statement& s, int first_col) {
  bucket_counts b{};
  for (int i = 0; i < latency_bucket_count; ++i) b[static_cast<size_t>(i)] = s.column_int(first_col + i);
  return b;
}

double ratio(int64_t part, int64_t whole) { return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0; }

// "FROM <table> WHERE project_id = ? AND minute >= ? AND minute < ?" plus the service filter.
void rollup_range(query_builder& b, const char* table, const project_scope& sc, const minute_span& m,
                  const std::vector<std::string>& services, const char* service_column = "service_name") {
  b.sql(std::string(" FROM ") + table + " WHERE project_id = ? AND minute >= ? AND minute < ?");
  b.arg(sc.project_id()).arg(m.first).arg(m.last);
  b.in_list(service_column, services);
}

const char* llm_column(llm_dimension d) {
  switch (d) {
    case llm_dimension::model: return "model";
    case llm_dimension::provider: return "provider";
    case llm_dimension::environment: return "environment";
    case llm_dimension::key: return "key_id";
  }
  return "model";
}

void llm_filters(query_builder& b, const llm_query& q) {
  for (const auto& f : q.filters) b.sql(std::string(" AND ") + llm_column(f.dimension) + " = ?").arg(f.value);
}

}  // namespace

result<std::vector<service_stats>> sqlite_telemetry_query_store::list_services(const project_scope& sc,
                                                                               const metrics_query& q) {
  if (auto st = check_range(q.range); !st) return st.err();
  query_builder b("SELECT service_name, SUM(span_count), SUM(error_count), SUM(duration_sum_ns)" + bucket_sums());
  rollup_range(b, "span_rollups", sc, minutes_of(q.range), q.services);
  b.sql(" GROUP BY service_name ORDER BY service_name LIMIT 10000");
  return db_->read([&](connection& c) -> result<std::vector<service_stats>> {
    auto s = b.prepare(c);
    if (!s) return s.err();
    std::vector<service_stats> out;
    for (;;) {
      auto row = s->step();
      if (!row) return row.err();
      if (!*row) return out;
      service_stats v;
      v.name = s->column_text(0);
      v.span_count = s->column_int(1);
      v.error_count = s->column_int(2);
      v.error_rate = ratio(v.error_count, v.span_count);
      v.avg_duration_ns = v.span_count > 0 ? s->column_int(3) / v.span_count : 0;
      auto buckets = read_buckets(*s, 4);
      v.p50_ns = latency_quantile_ns(buckets, 0.50);
      v.p95_ns = latency_quantile_ns(buckets, 0.95);
      v.p99_ns = latency_quantile_ns(buckets, 0.99);
      out.push_back(std::move(v));
    }
  });
}

result<dashboard_stats> sqlite_telemetry_query_store::dashboard(const project_scope& sc, const metrics_query& q) {
  if (auto st = check_range(q.range); !st) return st.err();
  auto m = minutes_of(q.range);
  query_builder spans("SELECT COALESCE(SUM(span_count), 0), COALESCE(SUM(error_count), 0), COALESCE(SUM(root_count), 0),"
                      " COALESCE(SUM(duration_sum_ns), 0), COUNT(DISTINCT service_name)" + bucket_sums());
  rollup_range(spans, "span_rollups", sc, m, q.services);
  query_builder logs("SELECT COALESCE(SUM(log_count), 0), COALESCE(SUM(error_count), 0)");
  rollup_range(logs, "log_rollups", sc, m, q.services);
  // LLM calls are not per service: the service filter does not apply to them.
  query_builder llm("SELECT COALESCE(SUM(calls), 0), COALESCE(SUM(errors), 0), COALESCE(SUM(input_tokens), 0),"
                    " COALESCE(SUM(output_tokens), 0), COALESCE(SUM(cost_usd), 0)");
  rollup_range(llm, "llm_rollups", sc, m, {});
  return db_->read([&](connection& c) -> result<dashboard_stats> {
    dashboard_stats d;
    auto s = spans.prepare(c);
    if (!s) return s.err();
    if (auto row = s->step(); !row) return row.err();
    d.spans = s->column_int(0);
    d.errors = s->column_int(1);
    d.traces = s->column_int(2);
    d.avg_duration_ns = d.spans > 0 ? s->column_int(3) / d.spans : 0;
    d.services = s->column_int(4);
    d.error_rate = ratio(d.errors, d.spans);
    d.p95_duration_ns = latency_quantile_ns(read_buckets(*s, 5), 0.95);
    auto l = logs.prepare(c);
    if (!l) return l.err();
    if (auto row = l->step(); !row) return row.err();
    d.logs = l->column_int(0);
    d.error_logs = l->column_int(1);
    auto g = llm.prepare(c);
    if (!g) return g.err();
    if (auto row = g->step(); !row) return row.err();
    d.llm_calls = g->column_int(0);
    d.llm_errors = g->column_int(1);
    d.llm_input_tokens = g->column_int(2);
    d.llm_output_tokens = g->column_int(3);
    d.llm_cost_usd = g->column_double(4);
    return d;
  });
}

result<std::vector<traffic_point>> sqlite_telemetry_query_store::traffic(const project_scope& sc,
                                                                         const metrics_query& q) {
  if (auto st = check_range(q.range); !st) return st.err();
  auto m = minutes_of(q.range);
  int64_t width = bucket_minutes(m, q.bucket_seconds);
  query_builder b("SELECT (minute - ?) / ?, SUM(span_count), SUM(error_count)");
  b.arg(m.first).arg(width);
  rollup_range(b, "span_rollups", sc, m, q.services);
  b.sql(" GROUP BY 1");
  return db_->read([&](connection& c) -> result<std::vector<traffic_point>> {
    // Every bucket of the range is present, empty ones with zeros, so charts need no gap filling.
    std::vector<traffic_point> out;
    for (int64_t first = m.first; first < m.last; first += width) out.push_back({first * ns_per_min, 0, 0});
    auto s = b.prepare(c);
    if (!s) return s.err();
    for (;;) {
      auto row = s->step();
      if (!row) return row.err();
      if (!*row) return out;
      auto i = static_cast<size_t>(s->column_int(0));
      if (i >= out.size()) continue;
      out[i].span_count = s->column_int(1);
      out[i].error_count = s->column_int(2);
    }
  });
}

result<std::vector<heatmap_cell>> sqlite_telemetry_query_store::latency_heatmap(const project_scope& sc,
                                                                                const metrics_query& q) {
  if (auto st = check_range(q.range); !st) return st.err();
  auto m = minutes_of(q.range);
  int64_t width = bucket_minutes(m, q.bucket_seconds);
  query_builder b("SELECT (minute - ?) / ?" + bucket_sums());
  b.arg(m.first).arg(width);
  rollup_range(b, "span_rollups", sc, m, q.services);
  b.sql(" GROUP BY 1 ORDER BY 1");
  return db_->read([&](connection& c) -> result<std::vector<heatmap_cell>> {
    std::vector<heatmap_cell> out;
    auto s = b.prepare(c);
    if (!s) return s.err();
    for (;;) {
      auto row = s->step();
      if (!row) return row.err();
      if (!*row) return out;
      int64_t start = (m.first + s->column_int(0) * width) * ns_per_min;
      auto counts = read_buckets(*s, 1);
      for (int i = 0; i < latency_bucket_count; ++i) {
        if (counts[static_cast<size_t>(i)] > 0)
          out.push_back({start, i, latency_bucket_upper_ns(i), counts[static_cast<size_t>(i)]});
      }
    }
  });
}

result<service_map> sqlite_telemetry_query_store::get_service_map(const project_scope& sc, const metrics_query& q) {
  if (auto st = check_range(q.range); !st) return st.err();
  auto m = minutes_of(q.range);
  query_builder nodes("SELECT service_name, SUM(span_count), SUM(error_count), SUM(duration_sum_ns)");
  rollup_range(nodes, "span_rollups", sc, m, q.services);
  nodes.sql(" GROUP BY service_name ORDER BY service_name LIMIT 10000");
  query_builder edges("SELECT client_service, server_service, SUM(call_count), SUM(error_count), SUM(duration_sum_ns)");
  rollup_range(edges, "service_edge_rollups", sc, m, {});
  if (!q.services.empty()) {
    // An edge shows when either end is one of the chosen services.
    edges.sql(" AND (client_service IN ").list(q.services);
    edges.sql(" OR server_service IN ").list(q.services).sql(")");
  }
  edges.sql(" GROUP BY client_service, server_service ORDER BY client_service, server_service LIMIT 100000");
  return db_->read([&](connection& c) -> result<service_map> {
    service_map out;
    auto n = nodes.prepare(c);
    if (!n) return n.err();
    for (;;) {
      auto row = n->step();
      if (!row) return row.err();
      if (!*row) break;
      int64_t spans = n->column_int(1);
      out.nodes.push_back({n->column_text(0), spans, n->column_int(2), spans > 0 ? n->column_int(3) / spans : 0});
    }
    auto e = edges.prepare(c);
    if (!e) return e.err();
    for (;;) {
      auto row = e->step();
      if (!row) return row.err();
      if (!*row) break;
      int64_t calls = e->column_int(2);
      out.edges.push_back({e->column_text(0), e->column_text(1), calls, e->column_int(3),
                           calls > 0 ? e->column_int(4) / calls : 0});
    }
    return out;
  });
}

result<std::vector<llm_group_stats>> sqlite_telemetry_query_store::llm_breakdown(const project_scope& sc,
                                                                                 const llm_query& q,
                                                                                 llm_dimension group_by) {
  if (auto st = check_range(q.range); !st) return st.err();
  std::string col = llm_column(group_by);
  query_builder b("SELECT " + col +
                  ", SUM(calls), SUM(errors), SUM(input_tokens), SUM(output_tokens), SUM(cached_tokens),"
                  " SUM(reasoning_tokens), SUM(cost_usd), SUM(latency_sum_ms), SUM(latency_count), SUM(ttft_sum_ms),"
                  " SUM(ttft_count), SUM(cache_write_tokens)" + bucket_sums());
  rollup_range(b, "llm_rollups", sc, minutes_of(q.range), {});
  llm_filters(b, q);
  b.sql(" GROUP BY " + col + " HAVING SUM(calls) > 0 ORDER BY SUM(calls) DESC, " + col + " LIMIT 10000");
  return db_->read([&](connection& c) -> result<std::vector<llm_group_stats>> {
    auto s = b.prepare(c);
    if (!s) return s.err();
    std::vector<llm_group_stats> out;
    for (;;) {
      auto row = s->step();
      if (!row) return row.err();
      if (!*row) return out;
      llm_group_stats g;
      g.value = s->column_text(0);
      g.calls = s->column_int(1);
      g.errors = s->column_int(2);
      g.error_rate = ratio(g.errors, g.calls);
      g.input_tokens = s->column_int(3);
      g.output_tokens = s->column_int(4);
      g.cached_input_tokens = s->column_int(5);
      g.reasoning_tokens = s->column_int(6);
      g.cost_usd = s->column_double(7);
      int64_t latency_count = s->column_int(9);
      g.avg_latency_ms = latency_count > 0 ? static_cast<double>(s->column_int(8)) / static_cast<double>(latency_count) : 0;
      int64_t ttft_count = s->column_int(11);
      g.avg_time_to_first_token_ms = ttft_count > 0 ? static_cast<double>(s->column_int(10)) / static_cast<double>(ttft_count) : 0;
      g.cache_write_input_tokens = s->column_int(12);
      auto buckets = read_buckets(*s, 13);
      g.p50_latency_ms = static_cast<double>(latency_quantile_ns(buckets, 0.50)) / 1e6;
      g.p95_latency_ms = static_cast<double>(latency_quantile_ns(buckets, 0.95)) / 1e6;
      g.p99_latency_ms = static_cast<double>(latency_quantile_ns(buckets, 0.99)) / 1e6;
      out.push_back(std::move(g));
    }
  });
}

result<std::vector<llm_series_point>> sqlite_telemetry_query_store::llm_series(const project_scope& sc,
                                                                               const llm_query& q) {
  if (auto st = check_range(q.range); !st) return st.err();
  auto m = minutes_of(q.range);
  int64_t width = bucket_minutes(m, q.bucket_seconds);
  query_builder b("SELECT (minute - ?) / ?, SUM(calls), SUM(errors), SUM(input_tokens), SUM(output_tokens),"
                  " SUM(cost_usd), SUM(latency_sum_ms), SUM(latency_count)");
  b.arg(m.first).arg(width);
  rollup_range(b, "llm_rollups", sc, m, {});
  llm_filters(b, q);
  b.sql(" GROUP BY 1");
  return db_->read([&](connection& c) -> result<std::vector<llm_series_point>> {
    std::vector<llm_series_point> out;
    for (int64_t first = m.first; first < m.last; first += width) out.push_back({first * ns_per_min});
    auto s = b.prepare(c);
    if (!s) return s.err();
    for (;;) {
      auto row = s->step();
      if (!row) return row.err();
      if (!*row) return out;
      auto i = static_cast<size_t>(s->column_int(0));
      if (i >= out.size()) continue;
      auto& p = out[i];
      p.calls = s->column_int(1);
      p.errors = s->column_int(2);
      p.input_tokens = s->column_int(3);
      p.output_tokens = s->column_int(4);
      p.cost_usd = s->column_double(5);
      int64_t n = s->column_int(7);
      p.avg_latency_ms = n > 0 ? static_cast<double>(s->column_int(6)) / static_cast<double>(n) : 0;
    }
  });
}

}  // namespace brokle::storage::sqlite
