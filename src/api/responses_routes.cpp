// OpenAI's Responses API for models an OpenAI, Azure OpenAI or OpenAI-compatible provider serves:
// POST /v1/responses relayed without translation (gateway/providers/openai_responses.hpp) and
// recorded like every gateway call (endpoint "responses"), and the calls on a stored response
// (retrieve, delete, cancel, input items, a streamed replay) relayed to the provider that created
// it. Models of providers without the API (Anthropic, Gemini, Cohere, and providers configured
// with responses = "translate") are served by translation: the request
// becomes a chat-completions call through the chat relay (and its provider translation), the
// answer or stream becomes a `response` and its events (gateway/surfaces/openai_responses_*.hpp);
// such responses are not stored. The request's shape is checked first, so bad input never goes
// upstream. Errors are OpenAI-shaped; a stream that dies or ends before its terminal event gets an
// `error` event.
#include <functional>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/gateway_call.hpp"
#include "api/gateway_routes.hpp"
#include "api/translating_sink.hpp"
#include "api/watched_stream_relay.hpp"
#include "core/ulid.hpp"
#include "gateway/providers/anthropic_wire.hpp"
#include "gateway/providers/gemini_wire.hpp"
#include "gateway/providers/openai_responses.hpp"
#include "gateway/providers/openai_shapes.hpp"
#include "gateway/surfaces/openai_responses_request.hpp"
#include "gateway/surfaces/openai_responses_response.hpp"
#include "gateway/surfaces/openai_responses_stream.hpp"

namespace brokle::api {

namespace asio = boost::asio;
using net::http_response;
using net::request_context;

namespace {

std::string stream_error(std::string_view message) { return gateway::responses_error_event("upstream_error", message); }

// The provider's error answer (OpenAI-shaped, or wrapped in that shape), its Retry-After kept; the
// call recorded with the provider's status.
http_response error_answer(call_state& st, const gateway::provider_config& p, unsigned status, std::string body,
                           std::string_view retry_after) {
  auto res = openai_error_answer(status, std::move(body), p.name);
  if (!retry_after.empty()) res.headers.set("Retry-After", std::string(retry_after));
  st.finish(static_cast<int>(status), "upstream status " + std::to_string(status));
  return res;
}

using relay_producer = std::function<asio::awaitable<void>(net::body_sink&)>;

asio::awaitable<void> stream_translated(relay_producer relay, boost::json::object response, net::body_sink& client) {
  gateway::responses_stream_translator translator(std::move(response));
  translating_sink sink(client, translator);
  co_await relay(sink);
  co_await sink.close();
}

// A provider without the Responses API: the request as a chat-completions call through the chat
// relay (recorded there, endpoint "responses"), its answer as a `response`, its stream as the
// Responses events. The relay's errors are OpenAI-shaped already, as this API's are.
asio::awaitable<http_response> translate_response(request_context& ctx, gateway_api& gw, relay_call call,
                                                  boost::json::object request) {
  gateway::responses_request_options options;
  options.use_max_completion_tokens = call.route.provider->type == gateway::provider_type::openai;
  auto body = gateway::responses_to_chat(request, options);
  if (!body) fail(400, "invalid_field", body.err().message);
  auto response = gateway::response_skeleton(request, "resp_" + new_ulid(), call.model, gateway::unix_seconds());
  call.body = std::move(*body);
  call.stream = optional_bool(call.body, "stream").value_or(false);
  call.endpoint = gateway::openai_endpoint::chat_completions;
  auto res = co_await relay_call_to_provider(ctx, gw, std::move(call));
  if (res.producer) {
    res.producer = [relay = std::move(res.producer), response = std::move(response)](net::body_sink& client) {
      return stream_translated(relay, response, client);
    };
    co_return res;
  }
  if (res.status >= 400) co_return res;
  record_if_abandoned recorded(res);  // the call is recorded even if reshaping its answer fails
  boost::system::error_code ec;
  auto completion = boost::json::parse(res.body, ec);
  std::optional<result<boost::json::object>> translated;
  if (!ec && completion.is_object()) translated.emplace(gateway::chat_to_response(completion.as_object(), std::move(response)));
  if (!translated || !*translated) fail(502, "upstream_error", "the provider sent a response that is not a chat completion");
  res.body = boost::json::serialize(**translated);
  res.headers.set("Content-Type", "application/json");
  co_return res;
}

// One non-streamed call that returns a Responses object of type `object` ("response", or
// "response.compaction"): sent; the provider's error answered OpenAI-shaped and recorded with its
// status; a 200 that is not such an object a 502 (recorded); else relayed as it came, its usage
// recorded once it has gone out. A `response` is one the provider keeps: its id is remembered.
asio::awaitable<http_response> send_recorded(call_state& st, const gateway::provider_config& p,
                                             net::upstream_request req, std::string_view object) {
  auto r = co_await st.send_upstream(std::move(req));
  if (!r) {
    fail_upstream(st, p.name, r.err());
  }
  if (r->status >= 400) co_return error_answer(st, p, r->status, std::move(r->body), r->headers.get("Retry-After"));
  auto facts = gateway::read_response_body(r->body, object);
  if (!facts) {
    st.finish(502, "malformed provider response");
    fail(502, "upstream_error", "provider '" + p.name + "' sent an answer that is not a " + std::string(object) + " object");
  }
  st.usage = facts->usage;
  if (object == "response") st.created_upstream_object(facts->id);
  auto res = net::json_response(r->status, std::move(r->body));
  st.finish_after_sent(res, static_cast<int>(res.status));
  co_return res;
}

// An input-token count for an Anthropic or Gemini model: the request translated as a create would
// be (to a chat body, then to the provider's own request), counted by the provider's counting API
// (Anthropic count_tokens, Gemini countTokens) and answered in the Responses shape.
asio::awaitable<http_response> count_by_translation(gateway_api& gw, const gateway::provider_config& p,
                                                    const std::string& upstream_model, const boost::json::object& request) {
  auto chat = gateway::responses_to_chat(request);
  if (!chat) fail(400, "invalid_field", chat.err().message);
  bool anthropic = p.type == gateway::provider_type::anthropic;
  auto req = anthropic ? gateway::build_anthropic_count_request(p, *chat, upstream_model)
                       : gateway::build_gemini_count_request(p, *chat, upstream_model);
  if (!req) fail(400, "invalid_field", req.err().message);
  auto r = co_await gw.upstream.send(std::move(*req));
  if (!r) fail(502, "upstream_error", "provider '" + p.name + "': " + r.err().message);
  http_response res;
  if (r->status >= 400) {
    res = net::json_response(r->status, anthropic ? gateway::anthropic_error_to_openai(r->body, r->status)
                                                  : gateway::gemini_error_to_openai(r->body, r->status));
  } else {
    auto n = anthropic ? gateway::anthropic_token_count(r->body) : gateway::gemini_token_count(r->body);
    if (!n) fail(502, "upstream_error", "provider '" + p.name + "' sent a token count that is not one");
    res = net::json_response(200, boost::json::serialize(boost::json::object{{"object", "response.input_tokens"}, {"input_tokens", *n}}));
  }
  if (auto ra = r->headers.get("Retry-After"); !ra.empty()) res.headers.set("Retry-After", std::string(ra));
  co_return res;
}

// POST /v1/responses/input_tokens (the SDK's responses.inputTokens.count) and
// POST /v1/responses/compact (responses.compact), for models whose provider relays the Responses
// API: the request goes to its {responses}/input_tokens or {responses}/compact unchanged but for
// the model name (which the API leaves optional; the gateway needs it to route). Counting
// generates nothing and is not recorded; a compaction is a model pass: recorded (endpoint
// "responses.compact") and priced from its usage. Counting for an Anthropic or Gemini model goes
// to its counting API by translation; other translated providers have no equivalent: 400, no
// upstream call.
asio::awaitable<http_response> relay_responses_utility(request_context& ctx, gateway_api& gw, std::string_view suffix) {
  relay_call call(require_api_key(ctx, gw.id));
  auto request = parse_json_object(ctx.request);
  call.model = required_string(request, "model", 256);
  if (auto input = request.find("input");
      input != request.end() && !input->value().is_null() && !input->value().is_string() && !input->value().is_array())
    fail(400, "invalid_field", "`input` must be a string or an array of input items");
  if (auto instructions = request.find("instructions");
      instructions != request.end() && !instructions->value().is_null() && !instructions->value().is_string())
    fail(400, "invalid_field", "`instructions` must be a string");
  call.environment = environment_of(ctx);
  call.route = resolve_model(gw, call.caller.key.scope, call.model);
  const auto& p = *call.route.provider;
  if (suffix == "/input_tokens" &&
      (p.type == gateway::provider_type::anthropic || p.type == gateway::provider_type::gemini)) {
    auto res = co_await count_by_translation(gw, p, call.route.upstream_model, request);
    for (const auto& h : call.caller.rate_headers) res.headers.set(h.name, h.value);
    co_return res;
  }
  if (!gateway::relays_responses(p))
    fail(400, "unsupported_endpoint",
         "`" + call.model + "` is served by '" + p.name + "' through translation, which has no /v1/responses" +
             std::string(suffix) + " equivalent");
  auto req = gateway::build_responses_request(p, std::move(request), call.route.upstream_model, ctx.request.body, suffix);
  http_response res;
  if (suffix == "/input_tokens") {
    auto r = co_await gw.upstream.send(std::move(req));
    if (!r) fail(502, "upstream_error", "provider '" + p.name + "': " + r.err().message);
    res = r->status >= 400 ? openai_error_answer(r->status, std::move(r->body), p.name)
                           : net::json_response(r->status, std::move(r->body));
    if (auto ra = r->headers.get("Retry-After"); !ra.empty()) res.headers.set("Retry-After", std::string(ra));
  } else {
    call.recorded_endpoint = "responses.compact";
    auto st = begin_call(ctx, gw, call);
    req.abort = st->abort;
    res = co_await send_recorded(*st, p, std::move(req), "response.compaction");
  }
  for (const auto& h : call.caller.rate_headers) res.headers.set(h.name, h.value);
  co_return res;
}

asio::awaitable<http_response> relay_response(request_context& ctx, gateway_api& gw) {
  relay_call call(require_api_key(ctx, gw.id));
  auto request = parse_json_object(ctx.request);
  if (auto checked = gateway::check_responses_request(request); !checked)
    fail(400, "invalid_field", checked.err().message);
  call.model = std::string(request.at("model").as_string());
  if (call.model.size() > 256) fail(400, "invalid_field", "`model` is longer than 256 characters");
  call.environment = environment_of(ctx);
  call.route = resolve_model(gw, call.caller.key.scope, call.model);
  const auto& p = *call.route.provider;
  call.recorded_endpoint = "responses";
  if (!gateway::relays_responses(p)) co_return co_await translate_response(ctx, gw, std::move(call), std::move(request));
  call.stream = optional_bool(request, "stream").value_or(false);
  auto st = begin_call(ctx, gw, call);
  auto req = gateway::build_responses_request(p, std::move(request), call.route.upstream_model, ctx.request.body);
  req.abort = st->abort;
  auto add_rate_headers = [&](http_response& r) {
    for (const auto& h : call.caller.rate_headers) r.headers.set(h.name, h.value);
  };

  if (!call.stream) {
    auto res = co_await send_recorded(*st, p, std::move(req), "response");
    add_rate_headers(res);
    co_return res;
  }

  co_await open_upstream_stream(*st, std::move(req), p.name);
  if (st->upstream->status() != 200) {
    std::string body = co_await read_error_body(*st->upstream);
    auto res = error_answer(*st, p, st->upstream->status(), std::move(body), st->upstream->headers().get("Retry-After"));
    add_rate_headers(res);
    co_return res;
  }
  auto res = event_stream_response([st](net::body_sink& sink) {
    return relay_watched_stream<gateway::responses_stream_watch>(st, sink, {stream_error, "response.completed"});
  });
  add_rate_headers(res);
  co_return res;
}

// A background response's usage is known only once it has ended, which the client learns by
// retrieving (or cancelling) it through the gateway, and so does the gateway: the call that created
// it gets its tokens and cost then, in the call record and in its generation observation (merged
// by id), once. Runs after the answer, off the response path; a failure is logged, and the next
// retrieval tries again.
asio::awaitable<void> settle_late_usage(gateway_api& gw, identity::key_principal key, std::string upstream_id,
                                        gateway::token_usage usage) {
  try {
    const auto& scope = key.scope;
    auto& store = gw.generations;
    auto& prices = gw.prices;
    storage::generation_record found;  // filled on the pool thread: only a bool crosses back
    storage::generation_store::late_usage late{usage.input_tokens, usage.output_tokens, usage.cached_input_tokens,
                                               usage.reasoning_tokens, 0};
    bool settled = co_await call_blocking(gw.id.blocking, [&]() -> result<bool> {
      auto r = store.find_by_upstream_id(scope, upstream_id);
      if (!r) return r.err();
      if (!*r || (*r)->input_tokens != 0 || (*r)->output_tokens != 0) return false;
      found = std::move(**r);
      late.cost_usd = prices.cost(found.model_used, usage);
      return store.record_late_usage(scope, found.id, late);
    });
    if (!settled) co_return;
    if (found.key_id == key.key_id) record_tokens(gw.id, key, usage.input_tokens + usage.output_tokens);
    if (!gw.telemetry) co_return;
    storage::telemetry_batch b;
    storage::observation_record o;  // only the numbers below are set: the stored row keeps the rest
    o.id = found.id;
    o.type = storage::observation_type::generation;
    o.input_tokens = usage.input_tokens;
    o.output_tokens = usage.output_tokens;
    o.cached_input_tokens = usage.cached_input_tokens;
    o.reasoning_tokens = usage.reasoning_tokens;
    o.cost_usd = late.cost_usd;
    b.observations.push_back(std::move(o));
    // As for every call's trace: a full ingest queue drops it, counted by the pipeline as
    // rejected rows; the call record above has the usage either way.
    (void)gw.telemetry->submit(scope, std::move(b), nullptr);
  } catch (const std::exception& e) {
    log::warn("recording a background response's usage failed", {{"response_id", upstream_id}, {"error", e.what()}});
  }
}

// A stored response's events replayed by the provider (GET .../{id}?stream=true, from
// starting_after: a background response's stream, resumed), relayed whole event by event. Not a
// model call, so nothing is recorded; but a replay that reaches the response's end settles its
// usage like a retrieval does. An upstream that dies or ends early gets our error event.
asio::awaitable<void> replay_stored_events(std::shared_ptr<net::upstream_stream> up, net::body_sink& sink, gateway_api& gw,
                                           identity::key_principal key, std::string id) {
  gateway::responses_stream_watch watch;
  const watched_stream_shape shape{stream_error, "response.completed"};
  auto nothing_to_record = [](bool) {};
  auto end = co_await relay_sse_events(*up, sink, shape, watch, nothing_to_record);
  auto usage = watch.usage();
  if (end.end == relayed_stream_end::how::relayed && watch.finished() && watch.error().empty() &&
      usage.input_tokens + usage.output_tokens > 0)
    co_await settle_late_usage(gw, std::move(key), std::move(id), usage);
}

asio::awaitable<http_response> relay_stored_stream(request_context& ctx, gateway_api& gw, const sdk_caller& caller,
                                                   const gateway::provider_config& p, net::upstream_request req,
                                                   std::string id) {
  auto abort = std::make_shared<net::upstream_abort>();
  ctx.on_client_gone([abort] { abort->trigger(); });
  req.abort = abort;
  auto opened = co_await gw.upstream.open(std::move(req));
  if (!opened) fail(502, "upstream_error", "provider '" + p.name + "': " + opened.err().message);
  std::shared_ptr<net::upstream_stream> up = std::move(*opened);
  http_response res;
  if (up->status() != 200) {
    std::string body = co_await read_error_body(*up);
    res = openai_error_answer(up->status(), std::move(body), p.name);
    if (auto ra = up->headers().get("Retry-After"); !ra.empty()) res.headers.set("Retry-After", std::string(ra));
  } else {
    res = event_stream_response([up, &gw, key = caller.key, id = std::move(id)](net::body_sink& sink) {
      return replay_stored_events(up, sink, gw, key, id);
    });
  }
  for (const auto& h : caller.rate_headers) res.headers.set(h.name, h.value);
  co_return res;
}

// What a query string passed on to the provider may hold: URL-safe characters only, bounded.
bool is_plain_query(std::string_view q) {
  if (q.size() > 2048) return false;
  for (char c : q)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
          c == '.' || c == '~' || c == '%' || c == '&' || c == '=' || c == '+' || c == '[' || c == ']'))
      return false;
  return true;
}

// GET/DELETE /v1/responses/{id}, POST .../cancel, GET .../input_items: relayed to the provider
// that created the response, found from the model the creating call asked for (this process's
// memory first, then the call records). Not a model call: not recorded, not priced.
asio::awaitable<http_response> relay_stored_response(request_context& ctx, gateway_api& gw, net::http_method method,
                                                     std::string_view suffix) {
  auto caller = require_api_key(ctx, gw.id);
  std::string id(ctx.param("response_id"));
  if (!gateway::is_response_id(id)) fail(400, "invalid_field", "a response id is 1-128 letters, digits, '_' or '-'");
  if (!is_plain_query(ctx.request.query)) fail(400, "invalid_field", "the query string holds characters that cannot be passed on");
  std::string stream_param;
  const bool stream = method == net::http_method::get && suffix.empty() &&
                      ctx.request.query_param("stream", stream_param) && stream_param == "true";
  const auto& scope = caller.key.scope;
  std::string model;
  if (auto remembered = gw.responses.find(scope.project_id(), id)) {
    model = std::move(*remembered);
  } else {
    auto& store = gw.generations;
    model = co_await call_blocking(gw.id.blocking, [&]() -> result<std::string> {
      auto r = store.find_by_upstream_id(scope, id);
      if (!r) return r.err();
      return *r ? (*r)->model_requested : std::string();
    });
  }
  if (model.empty())
    fail(404, "not_found", "No response with id '" + id + "' was created through this gateway for this project.");
  auto route = resolve_model(gw, scope, model);
  if (!gateway::relays_responses(*route.provider))
    fail(400, "unsupported_endpoint", "`" + model + "` is now served by '" + route.provider->name +
                                          "', whose Responses calls are translated and not stored");
  auto req = gateway::build_stored_response_request(*route.provider, method, id, suffix, ctx.request.query);
  if (stream) co_return co_await relay_stored_stream(ctx, gw, caller, *route.provider, std::move(req), std::move(id));
  auto r = co_await gw.upstream.send(std::move(req));
  if (!r) fail(502, "upstream_error", "provider '" + route.provider->name + "': " + r.err().message);
  if (r->status == 200 && suffix != "/input_items" && method != net::http_method::del) {
    if (auto facts = gateway::read_response_body(r->body);
        facts && facts->id == id && gateway::response_has_ended(facts->status) &&
        facts->usage.input_tokens + facts->usage.output_tokens > 0) {
      auto executor = co_await asio::this_coro::executor;
      asio::co_spawn(executor, settle_late_usage(gw, caller.key, id, facts->usage), asio::detached);
    }
  }
  auto res = r->status >= 400 ? openai_error_answer(r->status, std::move(r->body), route.provider->name)
                              : net::json_response(r->status, std::move(r->body));
  if (auto ra = r->headers.get("Retry-After"); !ra.empty()) res.headers.set("Retry-After", std::string(ra));
  for (const auto& h : caller.rate_headers) res.headers.set(h.name, h.value);
  co_return res;
}

}  // namespace

void add_responses_routes(net::router& r, gateway_api& gw) {
  using net::http_method;
  r.add(http_method::post, "/v1/responses", [&gw](request_context& ctx) { return relay_response(ctx, gw); });
  r.add(http_method::post, "/v1/responses/input_tokens",
        [&gw](request_context& ctx) { return relay_responses_utility(ctx, gw, "/input_tokens"); });
  r.add(http_method::post, "/v1/responses/compact",
        [&gw](request_context& ctx) { return relay_responses_utility(ctx, gw, "/compact"); });
  r.add(http_method::get, "/v1/responses/{response_id}",
        [&gw](request_context& ctx) { return relay_stored_response(ctx, gw, http_method::get, ""); });
  r.add(http_method::del, "/v1/responses/{response_id}",
        [&gw](request_context& ctx) { return relay_stored_response(ctx, gw, http_method::del, ""); });
  r.add(http_method::post, "/v1/responses/{response_id}/cancel",
        [&gw](request_context& ctx) { return relay_stored_response(ctx, gw, http_method::post, "/cancel"); });
  r.add(http_method::get, "/v1/responses/{response_id}/input_items",
        [&gw](request_context& ctx) { return relay_stored_response(ctx, gw, http_method::get, "/input_items"); });
}

}  // namespace brokle::api
