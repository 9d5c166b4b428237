// GCC 12 at -O3 reports results moved through call_blocking's coroutine frame as "maybe
// uninitialized" (a false positive; see provider_routes.cpp). Silenced for this file only.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "api/telemetry_query_routes.hpp"
#include "core/clock.hpp"

#include <chrono>

#include "api/identity_routes.hpp"
#include "api/json_body.hpp"
#include "api/telemetry_views.hpp"
#include "core/timestamp.hpp"
#include "core/units.hpp"

namespace brokle::api {

namespace asio = boost::asio;
using net::http_method;
using net::http_response;
using net::request_context;
namespace st = storage;

namespace {

std::optional<std::string> param(const request_context& ctx, std::string_view name) {
  std::string v;
  if (!ctx.request.query_param(name, v) || v.empty()) return std::nullopt;
  if (v.size() > 1024) fail(400, "invalid_parameter", "query parameter '" + std::string(name) + "' is too long");
  return v;
}

int64_t time_param(const request_context& ctx, std::string_view name, int64_t fallback) {
  auto v = param(ctx, name);
  if (!v) return fallback;
  if (auto ns = parse_query_time_ns(*v)) return *ns;
  fail(400, "invalid_parameter", "query parameter '" + std::string(name) + "' must be RFC 3339 or a unix time");
}

st::time_range range_of(const request_context& ctx, int64_t default_span_ns = 3600LL * 1'000'000'000) {
  int64_t end = time_param(ctx, "end", unix_now_ns() + 1);
  int64_t start = time_param(ctx, "start", end - default_span_ns);
  if (start >= end) fail(400, "invalid_parameter", "'start' must be before 'end'");
  return {start, end};
}

int64_t int_param(const request_context& ctx, std::string_view name, int64_t fallback, int64_t min, int64_t max) {
  auto v = param(ctx, name);
  if (!v) return fallback;
  auto n = parse_int(*v);
  if (!n || *n < min || *n > max)
    fail(400, "invalid_parameter",
         "query parameter '" + std::string(name) + "' must be an integer " + std::to_string(min) + "-" +
             std::to_string(max));
  return *n;
}

std::vector<std::string> list_param(const request_context& ctx, std::string_view name) {
  std::vector<std::string> out;
  auto v = param(ctx, name);
  if (!v) return out;
  std::string cur;
  for (char c : *v) {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  if (out.size() > 50) fail(400, "invalid_parameter", "at most 50 values in '" + std::string(name) + "'");
  return out;
}

st::page_request page_of(const request_context& ctx) {
  return {static_cast<int>(int_param(ctx, "limit", 50, 1, st::max_page_size)),
          static_cast<int>(int_param(ctx, "offset", 0, 0, st::max_page_offset))};
}

// attr=key:value (comma-separated for several)
std::vector<st::attribute_filter> attribute_params(const request_context& ctx) {
  std::vector<st::attribute_filter> out;
  for (const auto& kv : list_param(ctx, "attr")) {
    auto colon = kv.find(':');
    if (colon == std::string::npos || colon == 0 || kv.find('"') != std::string::npos)
      fail(400, "invalid_parameter", "'attr' takes key:value pairs");
    out.push_back({kv.substr(0, colon), kv.substr(colon + 1)});
  }
  return out;
}

st::sort_order order_of(const request_context& ctx) {
  auto v = param(ctx, "order_by").value_or(param(ctx, "order").value_or("desc"));
  if (v == "desc") return st::sort_order::desc;
  if (v == "asc") return st::sort_order::asc;
  fail(400, "invalid_parameter", "'order_by' must be asc or desc");
}

template <class T, class View>
boost::json::object page_json(const st::page<T>& p, View view) {
  boost::json::array items;
  for (const auto& i : p.items) items.push_back(view(i));
  boost::json::object out{{"data", std::move(items)}, {"has_more", p.has_more}};
  if (p.has_more) out["next_offset"] = p.next_offset;
  return out;
}

template <class T, class View>
boost::json::object list_json(const std::vector<T>& v, View view) {
  boost::json::array items;
  for (const auto& i : v) items.push_back(view(i));
  return {{"data", std::move(items)}};
}

// Authenticates the user, then runs fn(store, scope) on the blocking pool with the project's
// read permission checked.
template <class F>
auto read(request_context& ctx, telemetry_query_api& api, F fn)
    -> asio::awaitable<decltype(unwrap(fn(std::declval<st::telemetry_query_store&>(), std::declval<const project_scope&>())))> {
  auto who = co_await require_user(ctx, api.id);
  auto project_id = ulid_param(ctx, "project_id", "project");
  auto& reader = api.reader;
  co_return co_await call_blocking(api.id.blocking, [&] { return reader.read(who.user_id, project_id, fn); });
}

asio::awaitable<http_response> list_traces(request_context& ctx, telemetry_query_api& api) {
  st::trace_query q;
  q.range = range_of(ctx);
  q.services = list_param(ctx, "service_name");
  auto status = param(ctx, "status").value_or("any");
  if (status == "ok") q.status = st::trace_status_filter::ok;
  else if (status == "error") q.status = st::trace_status_filter::error;
  else if (status != "any") fail(400, "invalid_parameter", "'status' must be ok, error or any");
  q.min_duration_ns = int_param(ctx, "min_duration_ms", 0, 0, 86'400'000LL * 365) * 1'000'000;
  q.max_duration_ns = int_param(ctx, "max_duration_ms", 0, 0, 86'400'000LL * 365) * 1'000'000;
  q.attributes = attribute_params(ctx);
  q.name_contains = param(ctx, "search").value_or("");
  auto sort = param(ctx, "sort_by").value_or("start_time");
  if (sort == "duration") q.sort = st::trace_sort::duration;
  else if (sort != "start_time" && sort != "timestamp") fail(400, "invalid_parameter", "'sort_by' must be start_time or duration");
  q.order = order_of(ctx);
  q.page = page_of(ctx);
  auto p = co_await read(ctx, api, [&](st::telemetry_query_store& s, const project_scope& sc) { return s.list_traces(sc, q); });
  co_return json_ok(page_json(p, trace_summary_view));
}

asio::awaitable<http_response> get_trace(request_context& ctx, telemetry_query_api& api) {
  std::string trace_id(ctx.param("trace_id"));
  if (trace_id.empty() || trace_id.size() > 128) fail(404, "not_found", "trace not found");
  auto d = co_await read(ctx, api, [&](st::telemetry_query_store& s, const project_scope& sc) { return s.get_trace(sc, trace_id); });
  co_return json_ok(trace_detail_view(d));
}

asio::awaitable<http_response> search_logs(request_context& ctx, telemetry_query_api& api) {
  st::log_query q;
  q.range = range_of(ctx);
  q.services = list_param(ctx, "service_name");
  auto sev = param(ctx, "severity");
  if (sev) {
    static const std::pair<const char*, int> names[] = {{"trace", 1}, {"debug", 5}, {"info", 9},
                                                        {"warn", 13}, {"error", 17}, {"fatal", 21}};
    bool named = false;
    for (auto [n, v] : names)
      if (*sev == n || *sev == std::string(n) + "+") q.min_severity = v, named = true;
    if (!named) q.min_severity = static_cast<int>(int_param(ctx, "severity", 0, 0, 24));
  }
  q.trace_id = param(ctx, "trace_id").value_or("");
  q.text = param(ctx, "search").value_or("");
  q.attributes = attribute_params(ctx);
  q.order = order_of(ctx);
  q.page = page_of(ctx);
  auto p = co_await read(ctx, api, [&](st::telemetry_query_store& s, const project_scope& sc) { return s.search_logs(sc, q); });
  co_return json_ok(page_json(p, log_view));
}

asio::awaitable<http_response> log_context(request_context& ctx, telemetry_query_api& api) {
  std::string log_id(ctx.param("log_id"));
  if (log_id.empty() || log_id.size() > 128) fail(404, "not_found", "log not found");
  int per_side = static_cast<int>(int_param(ctx, "limit", 50, 1, 500));
  auto v = co_await read(ctx, api, [&](st::telemetry_query_store& s, const project_scope& sc) {
    return s.log_context(sc, log_id, per_side);
  });
  co_return json_ok(list_json(v, log_view));
}

st::metrics_query metrics_of(const request_context& ctx) {
  st::metrics_query q;
  q.range = range_of(ctx);
  q.services = list_param(ctx, "service_name");
  q.bucket_seconds = int_param(ctx, "bucket_seconds", 60, 60, 86'400);
  return q;
}

asio::awaitable<http_response> services(request_context& ctx, telemetry_query_api& api) {
  auto q = metrics_of(ctx);
  auto v = co_await read(ctx, api, [&](st::telemetry_query_store& s, const project_scope& sc) { return s.list_services(sc, q); });
  co_return json_ok(list_json(v, service_stats_view));
}

asio::awaitable<http_response> dashboard(request_context& ctx, telemetry_query_api& api) {
  auto q = metrics_of(ctx);
  auto d = co_await read(ctx, api, [&](st::telemetry_query_store& s, const project_scope& sc) { return s.dashboard(sc, q); });
  co_return json_ok(dashboard_view(d));
}

asio::awaitable<http_response> traffic(request_context& ctx, telemetry_query_api& api) {
  auto q = metrics_of(ctx);
  auto v = co_await read(ctx, api, [&](st::telemetry_query_store& s, const project_scope& sc) { return s.traffic(sc, q); });
  co_return json_ok(list_json(v, traffic_view));
}

asio::awaitable<http_response> heatmap(request_context& ctx, telemetry_query_api& api) {
  auto q = metrics_of(ctx);
  auto v = co_await read(ctx, api, [&](st::telemetry_query_store& s, const project_scope& sc) { return s.latency_heatmap(sc, q); });
  co_return json_ok(list_json(v, heatmap_view));
}

asio::awaitable<http_response> service_map(request_context& ctx, telemetry_query_api& api) {
  auto q = metrics_of(ctx);
  auto m = co_await read(ctx, api, [&](st::telemetry_query_store& s, const project_scope& sc) { return s.get_service_map(sc, q); });
  co_return json_ok(service_map_view(m));
}

st::llm_query llm_of(const request_context& ctx) {
  st::llm_query q;
  q.range = range_of(ctx);
  q.bucket_seconds = int_param(ctx, "bucket_seconds", 60, 60, 86'400);
  for (auto [name, dim] : {std::pair{"model", st::llm_dimension::model}, std::pair{"provider", st::llm_dimension::provider},
                           std::pair{"environment", st::llm_dimension::environment}, std::pair{"key_id", st::llm_dimension::key}})
    if (auto v = param(ctx, name)) q.filters.push_back({dim, *v});
  return q;
}

asio::awaitable<http_response> llm_breakdown(request_context& ctx, telemetry_query_api& api) {
  auto q = llm_of(ctx);
  auto g = param(ctx, "group_by").value_or("model");
  st::llm_dimension dim;
  if (g == "model") dim = st::llm_dimension::model;
  else if (g == "provider") dim = st::llm_dimension::provider;
  else if (g == "environment") dim = st::llm_dimension::environment;
  else if (g == "key" || g == "key_id") dim = st::llm_dimension::key;
  else fail(400, "invalid_parameter", "'group_by' must be model, provider, environment or key");
  auto v = co_await read(ctx, api, [&](st::telemetry_query_store& s, const project_scope& sc) { return s.llm_breakdown(sc, q, dim); });
  auto out = list_json(v, llm_group_view);
  out["group_by"] = g;
  co_return json_ok(std::move(out));
}

asio::awaitable<http_response> llm_series(request_context& ctx, telemetry_query_api& api) {
  auto q = llm_of(ctx);
  auto v = co_await read(ctx, api, [&](st::telemetry_query_store& s, const project_scope& sc) { return s.llm_series(sc, q); });
  co_return json_ok(list_json(v, llm_series_view));
}

asio::awaitable<http_response> llm_traces(request_context& ctx, telemetry_query_api& api) {
  st::llm_trace_query q;
  q.range = range_of(ctx, 24 * 3600LL * 1'000'000'000);
  q.user_id = param(ctx, "user_id").value_or("");
  q.session_id = param(ctx, "session_id").value_or("");
  q.page = page_of(ctx);
  auto p = co_await read(ctx, api, [&](st::telemetry_query_store& s, const project_scope& sc) { return s.list_llm_traces(sc, q); });
  co_return json_ok(page_json(p, llm_trace_view));
}

asio::awaitable<http_response> observations(request_context& ctx, telemetry_query_api& api) {
  st::observation_query q;
  q.range = range_of(ctx, 24 * 3600LL * 1'000'000'000);
  q.trace_id = param(ctx, "trace_id").value_or("");
  if (auto t = param(ctx, "type")) {
    if (*t == "GENERATION" || *t == "generation") q.type = st::observation_type::generation;
    else if (*t == "SPAN" || *t == "span") q.type = st::observation_type::span;
    else if (*t == "EVENT" || *t == "event") q.type = st::observation_type::event;
    else fail(400, "invalid_parameter", "'type' must be GENERATION, SPAN or EVENT");
  }
  q.page = page_of(ctx);
  auto p = co_await read(ctx, api, [&](st::telemetry_query_store& s, const project_scope& sc) { return s.list_observations(sc, q); });
  co_return json_ok(page_json(p, observation_view));
}

asio::awaitable<http_response> scores(request_context& ctx, telemetry_query_api& api) {
  st::score_query q;
  q.range = range_of(ctx, 24 * 3600LL * 1'000'000'000);
  q.trace_id = param(ctx, "trace_id").value_or("");
  q.name = param(ctx, "name").value_or("");
  q.page = page_of(ctx);
  auto p = co_await read(ctx, api, [&](st::telemetry_query_store& s, const project_scope& sc) { return s.list_scores(sc, q); });
  co_return json_ok(page_json(p, score_view));
}

boost::json::object purge_view(const st::purge_counts& c) {
  return {{"spans", c.spans},     {"logs", c.logs},           {"llm_traces", c.llm_traces},
          {"observations", c.observations}, {"scores", c.scores}, {"events", c.events},
          {"metric_points", c.metric_points},
          {"rollup_rows", c.rollup_rows}, {"generations", c.generations}, {"sessions", c.sessions},
          {"key_tombstones", c.key_tombstones}, {"transactions", c.transactions}};
}

asio::awaitable<http_response> purge_project(request_context& ctx, telemetry_query_api& api) {
  auto who = co_await require_user(ctx, api.id);
  auto project_id = ulid_param(ctx, "project_id", "project");
  if (!param(ctx, "days")) fail(400, "missing_parameter", "'days' is required (0 deletes everything)");
  int days = static_cast<int>(int_param(ctx, "days", 0, 0, 36500));
  auto& reader = api.reader;
  auto now = unix_now_ms();
  auto c = co_await call_blocking(api.id.blocking, [&] { return reader.purge_project(who.user_id, project_id, days, now); });
  co_return json_ok(boost::json::object{{"purged", purge_view(c)}, {"days", days}});
}

asio::awaitable<http_response> purge_all(request_context& ctx, telemetry_query_api& api) {
  auto who = co_await require_user(ctx, api.id);
  if (!param(ctx, "days")) fail(400, "missing_parameter", "'days' is required (0 deletes everything)");
  int days = static_cast<int>(int_param(ctx, "days", 0, 0, 36500));
  auto& reader = api.reader;
  auto now = unix_now_ms();
  auto c = co_await call_blocking(api.id.blocking, [&] { return reader.purge_all(who.user_id, days, now); });
  co_return json_ok(boost::json::object{{"purged", purge_view(c)}, {"days", days}});
}

asio::awaitable<http_response> vacuum(request_context& ctx, telemetry_query_api& api) {
  auto who = co_await require_user(ctx, api.id);
  auto& reader = api.reader;
  co_await call_blocking(api.id.blocking, [&] { return reader.vacuum(who.user_id); });
  co_return json_ok(boost::json::object{{"vacuumed", true}});
}

}  // namespace

void add_telemetry_query_routes(net::router& r, telemetry_query_api& api) {
  auto bind = [&api](auto fn) { return [&api, fn](request_context& ctx) { return fn(ctx, api); }; };
  const std::string p = "/api/v1/projects/{project_id}";
  r.add(http_method::get, p + "/traces", bind(list_traces));
  r.add(http_method::get, p + "/traces/{trace_id}", bind(get_trace));
  r.add(http_method::get, p + "/logs", bind(search_logs));
  r.add(http_method::get, p + "/logs/{log_id}/context", bind(log_context));
  r.add(http_method::get, p + "/services", bind(services));
  r.add(http_method::get, p + "/metrics/dashboard", bind(dashboard));
  r.add(http_method::get, p + "/metrics/traffic", bind(traffic));
  r.add(http_method::get, p + "/metrics/latency_heatmap", bind(heatmap));
  r.add(http_method::get, p + "/metrics/service-map", bind(service_map));
  r.add(http_method::get, p + "/analytics/llm", bind(llm_breakdown));
  r.add(http_method::get, p + "/analytics/llm/series", bind(llm_series));
  r.add(http_method::get, p + "/analytics/traces", bind(llm_traces));
  r.add(http_method::get, p + "/analytics/traces/{trace_id}", bind(get_trace));
  r.add(http_method::get, p + "/analytics/observations", bind(observations));
  r.add(http_method::get, p + "/analytics/quality-scores", bind(scores));
  r.add(http_method::del, p + "/telemetry", bind(purge_project));
  r.add(http_method::del, "/api/v1/admin/purge", bind(purge_all));
  r.add(http_method::post, "/api/v1/admin/vacuum", bind(vacuum));
}

}  // namespace brokle::api
