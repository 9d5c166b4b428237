#include "api/telemetry_views.hpp"

#include <boost/json/parse.hpp>

#include "api/json_views.hpp"

namespace brokle::api {

namespace json = boost::json;

json::value embedded_json(const std::string& text) {
  if (text.empty()) return nullptr;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec) return json::value(text);  // stored verbatim: show it as text rather than lose it
  return v;
}

std::string iso_time_ns(int64_t unix_ns) { return iso_time(unix_ns / 1'000'000); }

namespace {

std::string_view kind_name(storage::span_kind k) {
  switch (k) {
    case storage::span_kind::internal: return "internal";
    case storage::span_kind::server: return "server";
    case storage::span_kind::client: return "client";
    case storage::span_kind::producer: return "producer";
    case storage::span_kind::consumer: return "consumer";
    default: return "unspecified";
  }
}

std::string_view status_name(storage::span_status s) {
  switch (s) {
    case storage::span_status::ok: return "ok";
    case storage::span_status::error: return "error";
    default: return "unset";
  }
}

std::string_view observation_type_name(storage::observation_type t) {
  switch (t) {
    case storage::observation_type::generation: return "GENERATION";
    case storage::observation_type::event: return "EVENT";
    default: return "SPAN";
  }
}

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

}  // namespace

json::object span_view(const storage::span_record& s) {
  return {{"trace_id", s.trace_id},
          {"span_id", s.span_id},
          {"parent_span_id", s.parent_span_id},
          {"name", s.name},
          {"kind", kind_name(s.kind)},
          {"service_name", s.service_name},
          {"environment", s.environment},
          {"start_time_ns", s.start_ns},
          {"end_time_ns", s.end_ns},
          {"duration_ns", s.duration_ns()},
          {"start_time", iso_time_ns(s.start_ns)},
          {"status", status_name(s.status)},
          {"status_message", s.status_message},
          {"scope", {{"name", s.scope_name}, {"version", s.scope_version}}},
          {"attributes", embedded_json(s.attributes_json)},
          {"resource", embedded_json(s.resource_json)},
          {"events", embedded_json(s.events_json)},
          {"links", embedded_json(s.links_json)}};
}

json::object trace_summary_view(const storage::trace_summary& t) {
  return {{"trace_id", t.trace_id},
          {"start_time_ns", t.start_ns},
          {"end_time_ns", t.end_ns},
          {"duration_ns", t.duration_ns},
          {"start_time", iso_time_ns(t.start_ns)},
          {"root_span_id", t.root_span_id},
          {"root_name", t.root_name},
          {"root_service", t.root_service},
          {"span_count", t.span_count},
          {"error_count", t.error_count},
          {"status", t.error_count > 0 ? "error" : "ok"},
          {"services", strings(t.services)}};
}

json::object trace_detail_view(const storage::trace_detail& d) {
  json::array spans;
  for (const auto& ts : d.spans) {
    auto v = span_view(ts.span);
    v["depth"] = ts.depth;
    spans.push_back(std::move(v));
  }
  json::array observations, scores;
  for (const auto& o : d.observations) observations.push_back(observation_view(o));
  for (const auto& s : d.scores) scores.push_back(score_view(s));
  json::object out{{"trace", trace_summary_view(d.summary)},
                   {"spans", std::move(spans)},
                   {"observations", std::move(observations)},
                   {"scores", std::move(scores)}};
  out["llm_trace"] = d.llm_trace ? json::value(llm_trace_view(*d.llm_trace)) : json::value(nullptr);
  return out;
}

json::object log_view(const storage::log_record& l) {
  return {{"id", l.id},
          {"time_ns", l.time_ns},
          {"time", iso_time_ns(l.time_ns)},
          {"observed_time_ns", l.observed_time_ns},
          {"severity_number", l.severity_number},
          {"severity_text", l.severity_text},
          {"body", l.body},
          {"trace_id", l.trace_id},
          {"span_id", l.span_id},
          {"service_name", l.service_name},
          {"environment", l.environment},
          {"scope_name", l.scope_name},
          {"attributes", embedded_json(l.attributes_json)},
          {"resource", embedded_json(l.resource_json)}};
}

json::object service_stats_view(const storage::service_stats& s) {
  return {{"name", s.name},           {"span_count", s.span_count}, {"error_count", s.error_count},
          {"error_rate", s.error_rate}, {"avg_duration_ns", s.avg_duration_ns}, {"p50_ns", s.p50_ns},
          {"p95_ns", s.p95_ns},       {"p99_ns", s.p99_ns}};
}

json::object dashboard_view(const storage::dashboard_stats& d) {
  return {{"spans", d.spans},
          {"traces", d.traces},
          {"errors", d.errors},
          {"error_rate", d.error_rate},
          {"avg_duration_ns", d.avg_duration_ns},
          {"p95_duration_ns", d.p95_duration_ns},
          {"logs", d.logs},
          {"error_logs", d.error_logs},
          {"services", d.services},
          {"llm", {{"calls", d.llm_calls},
                   {"errors", d.llm_errors},
                   {"input_tokens", d.llm_input_tokens},
                   {"output_tokens", d.llm_output_tokens},
                   {"cost_usd", d.llm_cost_usd}}}};
}

json::object traffic_view(const storage::traffic_point& p) {
  return {{"time_ns", p.bucket_start_ns}, {"time", iso_time_ns(p.bucket_start_ns)}, {"count", p.span_count},
          {"error_count", p.error_count}};
}

json::object heatmap_view(const storage::heatmap_cell& c) {
  return {{"time_ns", c.bucket_start_ns}, {"latency_bucket", c.latency_bucket},
          {"latency_upper_ns", c.latency_upper_ns}, {"count", c.count}};
}

json::object service_map_view(const storage::service_map& m) {
  json::array nodes, edges;
  for (const auto& n : m.nodes)
    nodes.push_back({{"service", n.service},
                     {"span_count", n.span_count},
                     {"error_count", n.error_count},
                     {"avg_duration_ns", n.avg_duration_ns}});
  for (const auto& e : m.edges)
    edges.push_back({{"source", e.client_service},
                     {"target", e.server_service},
                     {"call_count", e.call_count},
                     {"error_count", e.error_count},
                     {"avg_duration_ns", e.avg_duration_ns}});
  return {{"nodes", std::move(nodes)}, {"edges", std::move(edges)}};
}

json::object llm_group_view(const storage::llm_group_stats& g) {
  return {{"value", g.value},
          {"calls", g.calls},
          {"errors", g.errors},
          {"error_rate", g.error_rate},
          {"input_tokens", g.input_tokens},
          {"output_tokens", g.output_tokens},
          {"cached_input_tokens", g.cached_input_tokens},
          {"cache_write_input_tokens", g.cache_write_input_tokens},
          {"reasoning_tokens", g.reasoning_tokens},
          {"cost_usd", g.cost_usd},
          {"avg_latency_ms", g.avg_latency_ms},
          {"p50_latency_ms", g.p50_latency_ms},
          {"p95_latency_ms", g.p95_latency_ms},
          {"p99_latency_ms", g.p99_latency_ms},
          {"avg_time_to_first_token_ms", g.avg_time_to_first_token_ms}};
}

json::object llm_series_view(const storage::llm_series_point& p) {
  return {{"time_ns", p.bucket_start_ns},         {"time", iso_time_ns(p.bucket_start_ns)},
          {"calls", p.calls},                     {"errors", p.errors},
          {"input_tokens", p.input_tokens},       {"output_tokens", p.output_tokens},
          {"cost_usd", p.cost_usd},               {"avg_latency_ms", p.avg_latency_ms}};
}

json::object llm_trace_view(const storage::trace_record& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"user_id", t.user_id},
          {"session_id", t.session_id},
          {"environment", t.environment},
          {"release", t.release},
          {"version", t.version},
          {"input", embedded_json(t.input_json)},
          {"output", embedded_json(t.output_json)},
          {"metadata", embedded_json(t.metadata_json)},
          {"tags", strings(t.tags)},
          {"public", t.is_public},
          {"timestamp", iso_time(t.timestamp_ms)},
          {"updated_at", iso_time(t.updated_at_ms)}};
}

json::object observation_view(const storage::observation_record& o) {
  return {{"id", o.id},
          {"trace_id", o.trace_id},
          {"parent_observation_id", o.parent_observation_id},
          {"type", observation_type_name(o.type)},
          {"name", o.name},
          {"level", o.level.empty() ? "DEFAULT" : o.level},
          {"status_message", o.status_message},
          {"environment", o.environment},
          {"version", o.version},
          {"start_time", iso_time(o.start_time_ms)},
          {"end_time", iso_time(o.end_time_ms)},
          {"completion_start_time", iso_time(o.completion_start_time_ms)},
          {"latency_ms", o.end_time_ms > o.start_time_ms ? o.end_time_ms - o.start_time_ms : 0},
          {"model", o.model},
          {"model_requested", o.model_requested},
          {"provider", o.provider},
          {"key_id", o.key_id},
          {"model_parameters", embedded_json(o.model_parameters_json)},
          {"input", embedded_json(o.input_json)},
          {"output", embedded_json(o.output_json)},
          {"metadata", embedded_json(o.metadata_json)},
          {"usage", {{"input_tokens", o.input_tokens},
                     {"output_tokens", o.output_tokens},
                     {"cached_input_tokens", o.cached_input_tokens},
                     {"cache_write_input_tokens", o.cache_write_input_tokens},
                     {"reasoning_tokens", o.reasoning_tokens},
                     {"total_tokens", o.input_tokens + o.output_tokens}}},
          {"cost_usd", o.cost_usd},
          {"http_status", o.http_status},
          {"streamed", o.streamed}};
}

json::object score_view(const storage::score_record& s) {
  std::string_view type = s.data_type == storage::score_data_type::categorical ? "CATEGORICAL"
                          : s.data_type == storage::score_data_type::boolean   ? "BOOLEAN"
                                                                               : "NUMERIC";
  json::object v{{"id", s.id},         {"trace_id", s.trace_id}, {"observation_id", s.observation_id},
                 {"name", s.name},     {"data_type", type},      {"source", s.source},
                 {"comment", s.comment}, {"environment", s.environment}, {"timestamp", iso_time(s.timestamp_ms)}};
  if (s.data_type == storage::score_data_type::categorical)
    v["value"] = s.string_value;
  else
    v["value"] = s.value;
  return v;
}

}  // namespace brokle::api
