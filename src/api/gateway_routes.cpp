// The OpenAI-compatible gateway surface: /v1/chat/completions, /v1/completions, /v1/embeddings
// (streaming relayed chunk by chunk), /v1/models[/{model}], and the dashboard's view of recorded
// calls. Bad input is refused before any upstream call. The relay itself (relay_call_to_provider)
// is shared with the Anthropic Messages surface (messages_routes.cpp) and the legacy completions
// of chat-only providers (text_completion_relay.cpp); it translates chat and embeddings for
// Anthropic, Gemini and Cohere providers.
#include "api/gateway_routes.hpp"

#include <cstring>
#include <functional>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/gateway_call.hpp"
#include "api/identity_routes.hpp"
#include "api/json_views.hpp"
#include "gateway/providers/anthropic_wire.hpp"
#include "gateway/providers/cohere_wire.hpp"
#include "gateway/providers/gemini_wire.hpp"
#include "net/body_sink.hpp"

namespace brokle::api {

namespace asio = boost::asio;
using net::http_method;
using net::http_response;
using net::request_context;

namespace {

void require_array(const boost::json::object& body, std::string_view key, bool non_empty) {
  auto it = body.find(key);
  if (it == body.end() || it->value().is_null())
    fail(400, "missing_field", "you must provide '" + std::string(key) + "'");
  if (!it->value().is_array())
    fail(400, "invalid_field", "'" + std::string(key) + "' must be an array");
  if (non_empty && it->value().as_array().empty())
    fail(400, "invalid_field", "'" + std::string(key) + "' must not be empty");
}

void validate(gateway::openai_endpoint e, const boost::json::object& body) {
  switch (e) {
    case gateway::openai_endpoint::chat_completions: {
      require_array(body, "messages", true);
      for (const auto& m : body.at("messages").as_array()) {
        if (!m.is_object() || !m.as_object().contains("role") || !m.at("role").is_string())
          fail(400, "invalid_field", "each message must be an object with a string 'role'");
      }
      break;
    }
    case gateway::openai_endpoint::completions:
      if (!body.contains("prompt")) fail(400, "missing_field", "you must provide 'prompt'");
      break;
    case gateway::openai_endpoint::embeddings: {
      auto it = body.find("input");
      if (it == body.end() || !(it->value().is_string() || it->value().is_array()))
        fail(400, "missing_field", "you must provide 'input' as a string or an array");
      break;
    }
  }
  if (auto it = body.find("stream"); it != body.end() && !it->value().is_bool() && !it->value().is_null())
    fail(400, "invalid_field", "'stream' must be a boolean");
}

}  // namespace

std::string environment_of(const request_context& ctx) {
  std::string env(ctx.request.header("X-Environment").substr(0, 64));
  for (char c : env)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      fail(400, "invalid_header", "X-Environment may hold letters, digits, '-', '_' and '.'");
  return env;
}

namespace {

std::string upstream_error_event(std::string_view message) {
  boost::json::object err{{"message", message}, {"type", "api_error"}, {"code", "upstream_error"}};
  return "data: " + boost::json::serialize(boost::json::object{{"error", std::move(err)}}) + "\n\n";
}

// True when a chunk's "usage" holds an object. With include_usage every chunk carries
// "usage": null until the last; those are relayed without a JSON parse.
bool carries_usage(std::string_view data) {
  // memmem, not string_view::find (which restarts at every '"' of the chunk).
  static constexpr std::string_view needle = "\"usage\"";
  size_t pos = 0;
  while (pos < data.size()) {
    const void* hit = memmem(data.data() + pos, data.size() - pos, needle.data(), needle.size());
    if (!hit) break;
    pos = static_cast<size_t>(static_cast<const char*>(hit) - data.data()) + needle.size();
    size_t v = data.find_first_not_of(" \t\r\n:", pos);
    if (v != std::string_view::npos && data[v] == '{') return true;
  }
  return false;
}

// A stream chunk that carries usage: the call's usage taken from it. false when the chunk is to be
// hidden: the usage-only chunk we asked for on the client's behalf when the client did not.
bool take_usage_chunk(std::string_view data, call_state& st) {
  auto c = gateway::read_usage_chunk(data);
  if (!c) return true;
  if (c->usage) st.usage = *c->usage;
  return st.client_wants_usage || !c->usage_only;
}

asio::awaitable<void> relay_stream(std::shared_ptr<call_state> st, net::body_sink& sink) {
  gateway::sse_splitter splitter;
  std::vector<std::string_view> events;
  std::string out, scratch;
  // The client gets the response head now unless the first events are already here to share
  // its write: a slow first token must not hold back the head the provider already sent.
  if (!st->upstream->has_buffered_body()) co_await sink.flush();
  for (;;) {
    auto chunk = co_await st->upstream->next();
    if (!chunk) {
      // The upstream died mid-stream: say so in-band, never end with a silent success.
      co_await sink.write(upstream_error_event(chunk.err().message));
      st->finish(st->failure_status(chunk.err().code),
                 st->abort->triggered() ? "client disconnected" : chunk.err().message);
      co_return;
    }
    if (!*chunk) break;
    st->first_bytes_arrived();
    events.clear();
    // Whole events in, whole events out: the chunk can go to the client as it came.
    bool verbatim = splitter.pending().empty();
    if (!splitter.feed(**chunk, events)) {
      co_await sink.write(upstream_error_event("upstream sent an oversized stream event"));
      st->finish(502, "oversized stream event");
      co_return;
    }
    verbatim = verbatim && splitter.pending().empty();
    out.clear();
    for (size_t i = 0; i < events.size(); ++i) {
      auto ev = events[i];
      auto data = gateway::sse_data(ev, scratch);
      // Only chunks that carry usage need parsing; content deltas are relayed untouched.
      if (!data.empty() && data != "[DONE]" && carries_usage(data) && !take_usage_chunk(data, *st)) {
        if (verbatim) {  // from here on the events are written out one by one
          verbatim = false;
          for (size_t j = 0; j < i; ++j) (out += events[j]) += "\n\n";
        }
        continue;
      }
      if (!verbatim) (out += ev) += "\n\n";
    }
    std::string_view payload = verbatim ? std::string_view(**chunk) : std::string_view(out);
    // The upstream's last bytes and the end of the client's body leave in one write.
    bool last = st->upstream->finished();
    bool delivered = true;
    if (last) {
      st->charge_budget();
      delivered = co_await sink.write_last(payload);
    } else if (!payload.empty()) delivered = co_await sink.write(payload);
    if (!delivered) {
      st->finish(499, "client disconnected");
      co_return;  // dropping the upstream stream cancels the upstream request
    }
    if (last) break;
  }
  st->finish(200);
}

// Stream translators behind one shape: on(event name, data, out), done(), end(out) -> ended well.
struct anthropic_stream {
  gateway::anthropic_stream_translator t;
  void on(std::string_view name, const boost::json::object& d, std::string& out) { t.on_event(name, d, out); }
  bool done() const { return t.finished(); }
  bool end(std::string&) const { return t.finished() && !t.failed(); }
  const gateway::token_usage& usage() const { return t.usage(); }
};
struct gemini_stream {
  gateway::gemini_stream_translator t;
  void on(std::string_view, const boost::json::object& d, std::string& out) { t.on_chunk(d, out); }
  bool done() const { return false; }  // Gemini's stream simply ends
  bool end(std::string& out) {
    t.finish(out);
    return true;
  }
  const gateway::token_usage& usage() const { return t.usage(); }
};
struct cohere_stream {
  gateway::cohere_stream_translator t;
  void on(std::string_view, const boost::json::object& d, std::string& out) { t.on_event(d, out); }
  bool done() const { return t.finished(); }
  bool end(std::string&) const { return t.finished(); }
  const gateway::token_usage& usage() const { return t.usage(); }
};

// A provider's event stream, re-emitted as OpenAI chat.completion.chunk events.
template <class Stream>
asio::awaitable<void> relay_translated_stream(std::shared_ptr<call_state> st, Stream translator, net::body_sink& sink) {
  gateway::sse_splitter splitter;
  std::vector<std::string_view> events;
  std::string scratch;
  if (!st->upstream->has_buffered_body()) co_await sink.flush();  // as in relay_stream
  for (;;) {
    auto chunk = co_await st->upstream->next();
    if (!chunk) {
      co_await sink.write(upstream_error_event(chunk.err().message));
      st->usage = translator.usage();
      st->finish(st->failure_status(chunk.err().code),
                 st->abort->triggered() ? "client disconnected" : chunk.err().message);
      co_return;
    }
    if (!*chunk) break;
    st->first_bytes_arrived();
    events.clear();
    std::string out;
    bool bad = !splitter.feed(**chunk, events);
    for (auto& ev : events) {
      boost::system::error_code ec;
      auto data = boost::json::parse(gateway::sse_data(ev, scratch), ec);
      if (ec || !data.is_object()) continue;
      try {
        translator.on(gateway::sse_event_name(ev), data.as_object(), out);
      } catch (const std::exception&) {
        bad = true;  // an event missing the fields its type promises
      }
    }
    if (bad) {
      out += upstream_error_event("provider sent a malformed stream event");
      co_await sink.write(out);
      st->usage = translator.usage();
      st->finish(502, "malformed stream event");
      co_return;
    }
    if (!out.empty() && !co_await sink.write(out)) {
      st->usage = translator.usage();
      st->finish(499, "client disconnected");
      co_return;
    }
    if (translator.done()) break;
  }
  std::string out;
  bool ok = translator.end(out);
  if (!ok && !translator.done()) out += upstream_error_event("provider stream ended early");
  st->usage = translator.usage();
  st->charge_budget();
  if (!out.empty()) co_await sink.write(out);
  st->finish(ok ? 200 : 502, ok ? "" : "provider stream did not finish cleanly");
}

// A provider's whole answer as an OpenAI body (chat completion or embedding list); nullopt, or an
// exception, when the answer is malformed.
using response_translator =
    std::function<std::optional<gateway::translated_response>(const boost::json::object& response)>;

asio::awaitable<http_response> relay_translated(std::shared_ptr<call_state> st, const gateway::provider_config& p,
                                               net::upstream_request req, bool stream,
                                               const std::vector<net::header_map::entry>& rate_headers,
                                               response_translator translate) {
  auto add_rate_headers = [&](http_response& r) {
    for (const auto& h : rate_headers) r.headers.set(h.name, h.value);
  };
  auto error_reply = [&](unsigned status, const std::string& body, std::string_view retry_after) {
    auto res = net::json_response(status, p.type == gateway::provider_type::gemini
                                              ? gateway::gemini_error_to_openai(body, status)
                                          : p.type == gateway::provider_type::cohere
                                              ? gateway::cohere_error_to_openai(body, status)
                                              : gateway::anthropic_error_to_openai(body, status));
    if (!retry_after.empty()) res.headers.set("Retry-After", std::string(retry_after));
    st->finish(static_cast<int>(status), "upstream status " + std::to_string(status));
    add_rate_headers(res);
    return res;
  };
  if (!stream) {
    auto r = co_await st->send_upstream(std::move(req));
    if (!r) {
      fail_upstream(*st, p.name, r.err());
    }
    if (r->status >= 400) co_return error_reply(r->status, r->body, r->headers.get("Retry-After"));
    boost::system::error_code ec;
    auto parsed = boost::json::parse(r->body, ec);
    std::optional<gateway::translated_response> t;
    if (!ec && parsed.is_object()) {
      try {
        t = translate(parsed.as_object());
      } catch (const std::exception&) {
      }
    }
    if (!t) {
      st->finish(502, "malformed provider response");
      fail(502, "upstream_error", "provider '" + p.name + "' sent a malformed response");
    }
    st->usage = t->usage;
    auto res = net::json_response(200, boost::json::serialize(t->body));
    st->finish_after_sent(res, 200);
    add_rate_headers(res);
    co_return res;
  }
  co_await open_upstream_stream(*st, std::move(req), p.name);
  if (st->upstream->status() != 200) {
    std::string body = co_await read_error_body(*st->upstream);
    co_return error_reply(st->upstream->status(), body, st->upstream->headers().get("Retry-After"));
  }
  const auto& m = st->rec.model_requested;
  bool usage = st->client_wants_usage;
  http_response res;
  if (p.type == gateway::provider_type::gemini)
    res = event_stream_response([st, t = gemini_stream{{m, usage, st->web_search}}](net::body_sink& sink) {
      return relay_translated_stream(st, t, sink);
    });
  else if (p.type == gateway::provider_type::cohere)
    res = event_stream_response([st, t = cohere_stream{{m, usage}}](net::body_sink& sink) { return relay_translated_stream(st, t, sink); });
  else
    res = event_stream_response([st, t = anthropic_stream{{m, usage}}](net::body_sink& sink) { return relay_translated_stream(st, t, sink); });
  add_rate_headers(res);
  co_return res;
}

asio::awaitable<http_response> relay(request_context& ctx, gateway_api& gw, gateway::openai_endpoint e) {
  auto caller = require_api_key(ctx, gw.id);
  // The body parsed into one arena sized from it: a chat request is dozens of strings, objects and
  // arrays, each a heap allocation otherwise. Bounded by the body limit; freed with the call.
  relay_call call(std::move(caller),
                  parse_json_object(ctx.request, boost::json::make_shared_resource<boost::json::monotonic_resource>(
                                                     2 * ctx.request.body.size() + 256)));
  call.client_bytes = ctx.request.body;
  call.model = required_string(call.body, "model", 256);
  validate(e, call.body);
  call.environment = environment_of(ctx);
  call.endpoint = e;
  call.recorded_endpoint = std::string(gateway::endpoint_name(e));
  call.stream = e != gateway::openai_endpoint::embeddings && optional_bool(call.body, "stream").value_or(false);
  call.route = resolve_model(gw, call.caller.key.scope, call.model);
  if (e == gateway::openai_endpoint::completions && !gateway::speaks_openai_wire(call.route.provider->type))
    co_return co_await relay_completion_through_chat(ctx, gw, std::move(call));
  co_return co_await relay_call_to_provider(ctx, gw, std::move(call));
}

}  // namespace

gateway::model_route resolve_model(gateway_api& gw, const project_scope& scope, const std::string& model) {
  auto route = gw.directory.resolve(scope, model);
  if (!route.provider)
    fail(404, "model_not_found", "The model `" + model + "` does not exist or you do not have access to it.");
  return route;
}

asio::awaitable<http_response> relay_call_to_provider(request_context& ctx, gateway_api& gw, relay_call call) {
  auto& caller = call.caller;
  auto& body = call.body;
  const auto& model = call.model;
  const auto& route = call.route;
  auto e = call.endpoint;
  bool stream = call.stream;

  auto st = begin_call(ctx, gw, call);
  if (auto so = body.find("stream_options"); so != body.end() && so->value().is_object()) {
    auto iu = so->value().as_object().find("include_usage");
    st->client_wants_usage = iu != so->value().as_object().end() && iu->value().is_bool() && iu->value().as_bool();
  }

  auto type = route.provider->type;
  if (!gateway::speaks_openai_wire(type)) {
    using gateway::provider_type;
    if (e == gateway::openai_endpoint::embeddings) {
      if (type == provider_type::anthropic)
        fail(400, "unsupported_endpoint",
             "model `" + model + "` is served by an Anthropic provider, and Anthropic has no embeddings API");
      bool gemini = type == provider_type::gemini;
      auto request = gateway::read_embedding_request(body, provider_type_name(type),
                                                     gemini ? gateway::gemini_max_embed_texts
                                                            : gateway::cohere_max_embed_texts);
      if (!request) fail(400, "invalid_request", request.err().message);
      auto req = gemini ? gateway::build_gemini_embed_request(*route.provider, *request, route.upstream_model)
                        : gateway::build_cohere_embed_request(*route.provider, *request, body, route.upstream_model);
      if (!req) fail(400, "invalid_request", req.err().message);
      req->abort = st->abort;
      // A named translator, not a temporary inside the co_await: GCC 12 destroys such
      // temporaries twice in coroutines.
      response_translator translate = [request = std::move(*request), gemini, model](const boost::json::object& r) {
        return gemini ? gateway::gemini_embeddings_to_openai(r, request, model)
                      : gateway::cohere_embeddings_to_openai(r, request, model);
      };
      co_return co_await relay_translated(st, *route.provider, std::move(*req), false, caller.rate_headers,
                                          std::move(translate));
    }
    // Legacy completions arrive here already rewritten as chat (relay_completion_through_chat).
    auto req = type == provider_type::gemini
                   ? gateway::build_gemini_request(*route.provider, body, route.upstream_model, stream)
               : type == provider_type::cohere
                   ? gateway::build_cohere_request(*route.provider, body, route.upstream_model)
                   : gateway::build_anthropic_request(*route.provider, body, route.upstream_model);
    if (!req) fail(400, "invalid_request", req.err().message);
    req->abort = st->abort;
    if (auto it = body.find("web_search_options"); it != body.end() && !it->value().is_null()) st->web_search = true;
    response_translator translate = [type, model](const boost::json::object& r) -> std::optional<gateway::translated_response> {
      return type == provider_type::gemini   ? gateway::gemini_to_openai(r, model)
             : type == provider_type::cohere ? gateway::cohere_to_openai(r, model)
                                             : gateway::anthropic_to_openai(r, model);
    };
    co_return co_await relay_translated(st, *route.provider, std::move(*req), stream, caller.rate_headers,
                                        std::move(translate));
  }
  auto upstream_req =
      gateway::build_openai_request(*route.provider, e, std::move(body), route.upstream_model, call.client_bytes);
  upstream_req.abort = st->abort;
  auto add_rate_headers = [&](http_response& r) {
    for (const auto& h : caller.rate_headers) r.headers.set(h.name, h.value);
  };

  if (!stream) {
    auto r = co_await st->send_upstream(std::move(upstream_req));
    if (!r) {
      fail_upstream(*st, route.provider->name, r.err());
    }
    unsigned status = r->status;
    if (status < 300)
      if (auto u = gateway::usage_in_body(r->body)) st->usage = *u;
    http_response res;
    if (status >= 400) {
      res = openai_error_answer(status, std::move(r->body), route.provider->name);
    } else {
      res.status = status;
      res.headers.set("Content-Type", "application/json");
      res.body = std::move(r->body);
    }
    if (auto ra = r->headers.get("Retry-After"); !ra.empty()) res.headers.set("Retry-After", std::string(ra));
    st->finish_after_sent(res, static_cast<int>(status), status >= 400 ? "upstream status " + std::to_string(status) : "");
    add_rate_headers(res);
    co_return res;
  }

  co_await open_upstream_stream(*st, std::move(upstream_req), route.provider->name);
  if (st->upstream->status() != 200) {
    // An error before the stream began: answer it as a normal (bounded) error response.
    std::string err_body = co_await read_error_body(*st->upstream);
    unsigned status = st->upstream->status();
    http_response res = openai_error_answer(status, std::move(err_body), route.provider->name);
    if (auto ra = st->upstream->headers().get("Retry-After"); !ra.empty())
      res.headers.set("Retry-After", std::string(ra));
    st->finish(static_cast<int>(status), "upstream status " + std::to_string(status));
    add_rate_headers(res);
    co_return res;
  }
  auto res = event_stream_response([st](net::body_sink& sink) { return relay_stream(st, sink); });
  add_rate_headers(res);
  co_return res;
}

namespace {

boost::json::object model_object(const gateway::model_catalog::listed& m) {
  return {{"id", m.id}, {"object", "model"}, {"created", 0}, {"owned_by", m.owned_by}};
}

asio::awaitable<http_response> list_models(request_context& ctx, gateway_api& gw) {
  auto caller = require_api_key(ctx, gw.id);
  boost::json::array data;
  for (const auto& m : gw.directory.models(caller.key.scope)) data.push_back(model_object(m));
  auto res = json_ok(boost::json::object{{"object", "list"}, {"data", std::move(data)}});
  for (const auto& h : caller.rate_headers) res.headers.set(h.name, h.value);
  co_return res;
}

asio::awaitable<http_response> get_model(request_context& ctx, gateway_api& gw) {
  auto caller = require_api_key(ctx, gw.id);
  std::string id(ctx.param("model"));
  for (const auto& m : gw.directory.models(caller.key.scope))
    if (m.id == id) co_return json_ok(model_object(m));
  fail(404, "model_not_found", "The model `" + id + "` does not exist or you do not have access to it.");
}

asio::awaitable<http_response> recent_generations(request_context& ctx, gateway_api& gw) {
  auto who = co_await require_user(ctx, gw.id);
  auto project_id = ulid_param(ctx, "project_id", "project");
  auto& policy = gw.policy;
  auto& store = gw.generations;
  auto rows = co_await call_blocking(gw.id.blocking, [&]() -> result<std::vector<storage::generation_record>> {
    auto scope = policy.authorize_project(who.user_id, project_id, identity::permission::telemetry_read);
    if (!scope) return scope.err();
    return store.recent(*scope, 100);
  });
  boost::json::array out;
  for (const auto& g : rows)
    out.push_back(boost::json::object{{"id", g.id},
                                      {"request_id", g.request_id},
                                      {"key_id", g.key_id},
                                      {"environment", g.environment},
                                      {"endpoint", g.endpoint},
                                      {"model_requested", g.model_requested},
                                      {"model", g.model_used},
                                      {"provider", g.provider},
                                      {"status", g.status},
                                      {"error", g.error},
                                      {"input_tokens", g.input_tokens},
                                      {"output_tokens", g.output_tokens},
                                      {"cached_input_tokens", g.cached_input_tokens},
                                      {"cache_write_input_tokens", g.cache_write_input_tokens},
                                      {"reasoning_tokens", g.reasoning_tokens},
                                      {"cost_usd", g.cost_usd},
                                      {"latency_ms", g.latency_ms},
                                      {"time_to_first_token_ms", g.time_to_first_token_ms},
                                      {"streamed", g.streamed},
                                      {"started_at", iso_time(g.started_at)},
                                      {"upstream_id", g.upstream_id}});
  co_return json_ok(boost::json::object{{"data", std::move(out)}});
}

}  // namespace

void add_gateway_routes(net::router& r, gateway_api& gw) {
  using gateway::openai_endpoint;
  r.add(http_method::post, "/v1/chat/completions",
        [&gw](request_context& ctx) { return relay(ctx, gw, openai_endpoint::chat_completions); });
  r.add(http_method::post, "/v1/completions",
        [&gw](request_context& ctx) { return relay(ctx, gw, openai_endpoint::completions); });
  r.add(http_method::post, "/v1/embeddings",
        [&gw](request_context& ctx) { return relay(ctx, gw, openai_endpoint::embeddings); });
  r.add(http_method::get, "/v1/models", [&gw](request_context& ctx) { return list_models(ctx, gw); });
  r.add(http_method::get, "/v1/models/{model}", [&gw](request_context& ctx) { return get_model(ctx, gw); });
  r.add(http_method::get, "/api/v1/projects/{project_id}/generations",
        [&gw](request_context& ctx) { return recent_generations(ctx, gw); });
  add_messages_routes(r, gw);
  add_responses_routes(r, gw);
}

}  // namespace brokle::api
