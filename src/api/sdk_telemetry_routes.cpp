#include "api/sdk_telemetry_routes.hpp"

#include <boost/json.hpp>

#include "api/identity_routes.hpp"
#include "api/json_body.hpp"
#include "api/gateway_routes.hpp"
#include "api/telemetry_http.hpp"
#include "telemetry/ingest/llm_payloads.hpp"

namespace brokle::api {

namespace asio = boost::asio;
using net::http_method;
using net::http_response;
using net::request_context;
using storage::telemetry_batch;

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

telemetry::decode_context context_of(const request_context& ctx, bool update = false) {
  return telemetry::decode_context{now_ms(), environment_of(ctx), update};
}

template <class T>
T value_or_400(result<T> r) {
  if (!r) fail(400, "invalid_request", r.err().message);
  return std::move(*r);
}

// The path id wins over (and must agree with) an id in the body.
void put_path_id(boost::json::object& body, const request_context& ctx, std::string_view param) {
  std::string id(ctx.param(param));
  if (id.empty() || id.size() > 128) fail(400, "invalid_request", "the id in the path must be 1-128 bytes");
  if (auto* v = body.if_contains("id"); v && v->is_string() && v->as_string() != id)
    fail(400, "invalid_request", "the id in the body does not match the path");
  body["id"] = id;
}

bool looks_like_otlp(const request_context& ctx) {
  auto ct = ctx.request.header("Content-Type");
  if (ct.find("protobuf") != std::string_view::npos) return true;
  // OTLP/JSON names its top-level array; the SDK's create-trace JSON never does.
  return ctx.request.body.find("\"resourceSpans\"") != std::string::npos ||
         ctx.request.body.find("\"resource_spans\"") != std::string::npos;
}

http_response created(const std::string& id) { return json_ok(boost::json::object{{"id", id}, {"status", "accepted"}}, 201); }

// A batch body: {"<key>": [...]} or a bare array. Every item is decoded on its own; valid items
// are ingested, and the answer is 201 when all were valid, 207 with per-item results otherwise.
template <class Decode>
asio::awaitable<http_response> ingest_items(request_context& ctx, sdk_telemetry_api& api, const sdk_caller& caller,
                                            std::string_view key, Decode decode) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(ctx.request.body, ec);
  if (ec) fail(400, "invalid_json", "the body is not valid JSON");
  const boost::json::array* items = nullptr;
  if (parsed.is_array()) {
    items = &parsed.as_array();
  } else if (parsed.is_object()) {
    auto* v = parsed.as_object().if_contains(key);
    if (v && v->is_array()) items = &v->as_array();
  }
  if (!items) fail(400, "invalid_request", "expected an array '" + std::string(key) + "'");
  if (items->empty()) fail(400, "invalid_request", "'" + std::string(key) + "' is empty");
  if (items->size() > api.max_batch_items)
    fail(413, "batch_too_large", "at most " + std::to_string(api.max_batch_items) + " items per batch");
  auto dctx = context_of(ctx);
  telemetry_batch batch;
  boost::json::array results;
  size_t failed = 0;
  for (size_t i = 0; i < items->size(); ++i) {
    const auto& item = (*items)[i];
    if (!item.is_object()) {
      ++failed;
      results.push_back({{"index", i}, {"status", 400}, {"error", "item is not an object"}});
      continue;
    }
    auto id = decode(item.as_object(), dctx, batch);
    if (!id) {
      ++failed;
      results.push_back({{"index", i}, {"status", 400}, {"error", id.err().message}});
    } else {
      results.push_back({{"index", i}, {"status", 201}, {"id", *id}});
    }
  }
  if (!batch.empty()) co_await ingest_durably(api.ingest, caller.key.scope, std::move(batch));
  co_return json_ok(boost::json::object{{"results", std::move(results)},
                                        {"accepted", items->size() - failed},
                                        {"rejected", failed}},
                    failed ? 207 : 201);
}

result<std::string> add_trace(const boost::json::object& o, const telemetry::decode_context& c, telemetry_batch& b) {
  auto t = telemetry::decode_trace(o, c);
  if (!t) return t.err();
  std::string id = t->id;
  b.traces.push_back(std::move(*t));
  return id;
}

result<std::string> add_observation(const boost::json::object& o, const telemetry::decode_context& c,
                                    telemetry_batch& b) {
  auto r = telemetry::decode_observation(o, c);
  if (!r) return r.err();
  std::string id = r->id;
  b.observations.push_back(std::move(*r));
  return id;
}

asio::awaitable<http_response> batch_traces(request_context& ctx, sdk_telemetry_api& api) {
  auto caller = require_api_key(ctx, api.id);
  co_return co_await ingest_items(ctx, api, caller, "traces", add_trace);
}

asio::awaitable<http_response> batch_observations(request_context& ctx, sdk_telemetry_api& api) {
  auto caller = require_api_key(ctx, api.id);
  co_return co_await ingest_items(ctx, api, caller, "observations", add_observation);
}

asio::awaitable<http_response> create_trace(request_context& ctx, sdk_telemetry_api& api) {
  if (looks_like_otlp(ctx)) {
    if (!api.otlp_traces) fail(415, "unsupported_media_type", "OTLP is not enabled on this server");
    co_return co_await api.otlp_traces(ctx);
  }
  auto caller = require_api_key(ctx, api.id);
  auto body = parse_json_object(ctx.request);
  telemetry_batch b;
  b.traces.push_back(value_or_400(telemetry::decode_trace(body, context_of(ctx))));
  auto id = b.traces.back().id;
  co_await ingest_durably(api.ingest, caller.key.scope, std::move(b));
  co_return created(id);
}

asio::awaitable<http_response> update_trace(request_context& ctx, sdk_telemetry_api& api) {
  auto caller = require_api_key(ctx, api.id);
  auto body = parse_json_object(ctx.request);
  put_path_id(body, ctx, "id");
  telemetry_batch b;
  b.traces.push_back(value_or_400(telemetry::decode_trace(body, context_of(ctx, true))));
  auto id = b.traces.back().id;
  co_await ingest_durably(api.ingest, caller.key.scope, std::move(b));
  co_return json_ok(boost::json::object{{"id", id}, {"status", "accepted"}});
}

asio::awaitable<http_response> delete_trace(request_context& ctx, sdk_telemetry_api& api) {
  auto caller = require_api_key(ctx, api.id);
  std::string id(ctx.param("id"));
  if (id.empty() || id.size() > 128) fail(404, "not_found", "trace not found");
  auto& del = api.delete_trace;
  auto& scope = caller.key.scope;
  co_await call_blocking(api.id.blocking, [&] { return del(scope, id); });
  co_return json_ok(boost::json::object{{"deleted", true}, {"id", id}});
}

asio::awaitable<http_response> create_observation(request_context& ctx, sdk_telemetry_api& api) {
  auto caller = require_api_key(ctx, api.id);
  auto body = parse_json_object(ctx.request);
  telemetry_batch b;
  b.observations.push_back(value_or_400(telemetry::decode_observation(body, context_of(ctx))));
  auto id = b.observations.back().id;
  co_await ingest_durably(api.ingest, caller.key.scope, std::move(b));
  co_return created(id);
}

asio::awaitable<http_response> update_observation(request_context& ctx, sdk_telemetry_api& api, bool complete) {
  auto caller = require_api_key(ctx, api.id);
  auto body = ctx.request.body.empty() && complete ? boost::json::object{} : parse_json_object(ctx.request);
  put_path_id(body, ctx, "id");
  auto dctx = context_of(ctx, true);
  auto r = value_or_400(telemetry::decode_observation(body, dctx));
  if (complete && r.end_time_ms == 0) r.end_time_ms = dctx.now_ms;
  telemetry_batch b;
  b.observations.push_back(std::move(r));
  auto id = b.observations.back().id;
  co_await ingest_durably(api.ingest, caller.key.scope, std::move(b));
  co_return json_ok(boost::json::object{{"id", id}, {"status", complete ? "completed" : "accepted"}});
}

asio::awaitable<http_response> create_score(request_context& ctx, sdk_telemetry_api& api) {
  auto caller = require_api_key(ctx, api.id);
  boost::system::error_code ec;
  auto parsed = boost::json::parse(ctx.request.body, ec);
  if (!ec && parsed.is_array()) co_return co_await ingest_items(ctx, api, caller, "scores", [](auto& o, auto& c, auto& b) -> result<std::string> {
    auto s = telemetry::decode_score(o, c);
    if (!s) return s.err();
    std::string id = s->id;
    b.scores.push_back(std::move(*s));
    return id;
  });
  auto body = parse_json_object(ctx.request);
  telemetry_batch b;
  b.scores.push_back(value_or_400(telemetry::decode_score(body, context_of(ctx))));
  auto id = b.scores.back().id;
  co_await ingest_durably(api.ingest, caller.key.scope, std::move(b));
  co_return created(id);
}

asio::awaitable<http_response> create_events(request_context& ctx, sdk_telemetry_api& api) {
  auto caller = require_api_key(ctx, api.id);
  boost::system::error_code ec;
  auto parsed = boost::json::parse(ctx.request.body, ec);
  bool many = !ec && (parsed.is_array() || (parsed.is_object() && parsed.as_object().contains("events")));
  if (many)
    co_return co_await ingest_items(ctx, api, caller, "events", [](auto& o, auto& c, auto& b) -> result<std::string> {
      auto e = telemetry::decode_event(o, c);
      if (!e) return e.err();
      std::string id = e->id;
      b.events.push_back(std::move(*e));
      return id;
    });
  auto body = parse_json_object(ctx.request);
  telemetry_batch b;
  b.events.push_back(value_or_400(telemetry::decode_event(body, context_of(ctx))));
  auto id = b.events.back().id;
  co_await ingest_durably(api.ingest, caller.key.scope, std::move(b));
  co_return created(id);
}

asio::awaitable<http_response> create_route_decision(request_context& ctx, sdk_telemetry_api& api) {
  auto caller = require_api_key(ctx, api.id);
  auto body = parse_json_object(ctx.request);
  telemetry_batch b;
  b.events.push_back(value_or_400(telemetry::decode_route_decision(body, context_of(ctx))));
  auto id = b.events.back().id;
  co_await ingest_durably(api.ingest, caller.key.scope, std::move(b));
  co_return created(id);
}

}  // namespace

void add_sdk_telemetry_routes(net::router& r, sdk_telemetry_api& api) {
  auto bind = [&api](auto fn) { return [&api, fn](request_context& ctx) { return fn(ctx, api); }; };
  r.add(http_method::post, "/v1/traces", bind(create_trace));
  r.add(http_method::post, "/v1/traces/batch", bind(batch_traces));
  r.add(http_method::put, "/v1/traces/{id}", bind(update_trace));
  r.add(http_method::del, "/v1/traces/{id}", bind(delete_trace));
  r.add(http_method::post, "/v1/observations", bind(create_observation));
  r.add(http_method::post, "/v1/observations/batch", bind(batch_observations));
  r.add(http_method::put, "/v1/observations/{id}",
        [&api](request_context& ctx) { return update_observation(ctx, api, false); });
  r.add(http_method::post, "/v1/observations/{id}/complete",
        [&api](request_context& ctx) { return update_observation(ctx, api, true); });
  r.add(http_method::post, "/v1/quality-scores", bind(create_score));
  r.add(http_method::post, "/v1/scores", bind(create_score));
  r.add(http_method::post, "/v1/events", bind(create_events));
  r.add(http_method::post, "/v1/route", bind(create_route_decision));
}

}  // namespace brokle::api
