#include "api/sdk_telemetry_routes.hpp"
#include "core/clock.hpp"

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

telemetry::decode_context context_of(const request_context& ctx, bool update = false) {
  return telemetry::decode_context{unix_now_ms(), environment_of(ctx), update};
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

// Decoders that add one record to a batch and answer its id (or why it is invalid).
template <class Record>
result<std::string> keep(result<Record> r, std::vector<Record>& into) {
  if (!r) return r.err();
  std::string id = r->id;
  into.push_back(std::move(*r));
  return id;
}
result<std::string> add_trace(const boost::json::object& o, const telemetry::decode_context& c, telemetry_batch& b) {
  return keep(telemetry::decode_trace(o, c), b.traces);
}
result<std::string> add_observation(const boost::json::object& o, const telemetry::decode_context& c,
                                    telemetry_batch& b) {
  return keep(telemetry::decode_observation(o, c), b.observations);
}
result<std::string> add_score(const boost::json::object& o, const telemetry::decode_context& c, telemetry_batch& b) {
  return keep(telemetry::decode_score(o, c), b.scores);
}
result<std::string> add_event(const boost::json::object& o, const telemetry::decode_context& c, telemetry_batch& b) {
  return keep(telemetry::decode_event(o, c), b.events);
}
result<std::string> add_route_decision(const boost::json::object& o, const telemetry::decode_context& c,
                                       telemetry_batch& b) {
  return keep(telemetry::decode_route_decision(o, c), b.events);
}
using add_fn = result<std::string> (*)(const boost::json::object&, const telemetry::decode_context&, telemetry_batch&);

// One record from the request body: 400 when invalid, answered once durable. `update` requires the
// id (taken from the path); `complete` closes an observation that names no end time.
asio::awaitable<http_response> ingest_one(request_context& ctx, sdk_telemetry_api& api, add_fn add,
                                          bool update = false, bool complete = false) {
  auto caller = require_api_key(ctx, api.id);
  auto body = complete && ctx.request.body.empty() ? boost::json::object{} : parse_json_object(ctx.request);
  if (update) put_path_id(body, ctx, "id");
  auto dctx = context_of(ctx, update);
  telemetry_batch b;
  auto id = add(body, dctx, b);
  if (!id) fail(400, "invalid_request", id.err().message);
  if (complete && !b.observations.empty() && b.observations.back().end_time_ms == 0)
    b.observations.back().end_time_ms = dctx.now_ms;
  co_await ingest_durably(api.ingest, caller.key.scope, std::move(b));
  if (!update) co_return created(*id);
  co_return json_ok(boost::json::object{{"id", *id}, {"status", complete ? "completed" : "accepted"}});
}

// A body that is an array (or holds `key`) is a batch; anything else one record.
asio::awaitable<http_response> ingest_one_or_many(request_context& ctx, sdk_telemetry_api& api, std::string_view key,
                                                  add_fn add) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(ctx.request.body, ec);
  bool many = !ec && (parsed.is_array() || (parsed.is_object() && parsed.as_object().contains(key)));
  if (!many) co_return co_await ingest_one(ctx, api, add);
  auto caller = require_api_key(ctx, api.id);
  co_return co_await ingest_items(ctx, api, caller, key, add);
}

asio::awaitable<http_response> batch_of(request_context& ctx, sdk_telemetry_api& api, std::string_view key, add_fn add) {
  auto caller = require_api_key(ctx, api.id);
  co_return co_await ingest_items(ctx, api, caller, key, add);
}

asio::awaitable<http_response> create_trace(request_context& ctx, sdk_telemetry_api& api) {
  if (looks_like_otlp(ctx)) {
    if (!api.otlp_traces) fail(415, "unsupported_media_type", "OTLP is not enabled on this server");
    co_return co_await api.otlp_traces(ctx);
  }
  co_return co_await ingest_one(ctx, api, add_trace);
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

}  // namespace

void add_sdk_telemetry_routes(net::router& r, sdk_telemetry_api& api) {
  auto one = [&api](add_fn add, bool update = false, bool complete = false) {
    return [&api, add, update, complete](request_context& ctx) { return ingest_one(ctx, api, add, update, complete); };
  };
  auto batch = [&api](std::string_view key, add_fn add) {
    return [&api, key, add](request_context& ctx) { return batch_of(ctx, api, key, add); };
  };
  auto one_or_many = [&api](std::string_view key, add_fn add) {
    return [&api, key, add](request_context& ctx) { return ingest_one_or_many(ctx, api, key, add); };
  };
  r.add(http_method::post, "/v1/traces", [&api](request_context& ctx) { return create_trace(ctx, api); });
  r.add(http_method::post, "/v1/traces/batch", batch("traces", add_trace));
  r.add(http_method::put, "/v1/traces/{id}", one(add_trace, true));
  r.add(http_method::del, "/v1/traces/{id}", [&api](request_context& ctx) { return delete_trace(ctx, api); });
  r.add(http_method::post, "/v1/observations", one(add_observation));
  r.add(http_method::post, "/v1/observations/batch", batch("observations", add_observation));
  r.add(http_method::put, "/v1/observations/{id}", one(add_observation, true));
  r.add(http_method::post, "/v1/observations/{id}/complete", one(add_observation, true, true));
  r.add(http_method::post, "/v1/quality-scores", one_or_many("scores", add_score));
  r.add(http_method::post, "/v1/scores", one_or_many("scores", add_score));
  r.add(http_method::post, "/v1/events", one_or_many("events", add_event));
  r.add(http_method::post, "/v1/route", one(add_route_decision));
}

}  // namespace brokle::api
