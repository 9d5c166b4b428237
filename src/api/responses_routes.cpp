// POST /v1/responses: OpenAI's Responses API for models an OpenAI, Azure OpenAI or
// OpenAI-compatible provider serves, relayed without translation (gateway/providers/openai_responses.hpp) and recorded like
// every gateway call (endpoint "responses"). The request's shape is checked first, so bad input
// never goes upstream; other providers' models get a 400 naming the provider (their APIs have no
// Responses equivalent to relay to, and the API's server-side state cannot be translated).
// Errors are OpenAI-shaped; a stream that dies or ends before its terminal event gets an `error`
// event.
#include "api/gateway_call.hpp"
#include "api/gateway_routes.hpp"
#include "api/watched_stream_relay.hpp"
#include "gateway/providers/openai_responses.hpp"

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
  if (!gateway::serves_responses_api(p.type))
    fail(400, "unsupported_endpoint",
         "the Responses API is relayed to OpenAI, Azure OpenAI and OpenAI-compatible providers; `" + call.model + "` is served by '" +
             p.name + "' (" + std::string(gateway::provider_type_name(p.type)) + "): use /v1/chat/completions");
  call.recorded_endpoint = "responses";
  call.stream = optional_bool(request, "stream").value_or(false);
  auto st = begin_call(ctx, gw, call);
  auto req = gateway::build_responses_request(p, std::move(request), call.route.upstream_model);
  req.abort = st->abort;
  auto add_rate_headers = [&](http_response& r) {
    for (const auto& h : call.caller.rate_headers) r.headers.set(h.name, h.value);
  };

  if (!call.stream) {
    auto r = co_await gw.upstream.send(std::move(req));
    if (!r) {
      st->finish(st->failure_status(), r.err().message);
      fail_upstream(*st, p.name, r.err().message);
    }
    if (r->status >= 400) {
      auto res = error_answer(*st, p, r->status, std::move(r->body), r->headers.get("Retry-After"));
      add_rate_headers(res);
      co_return res;
    }
    auto usage = gateway::responses_body_usage(r->body);
    if (!usage) {
      st->finish(502, "malformed provider response");
      fail(502, "upstream_error", "provider '" + p.name + "' sent a response that is not a response object");
    }
    st->usage = *usage;
    auto res = net::json_response(r->status, std::move(r->body));
    st->finish_after_sent(res, static_cast<int>(res.status));
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

}  // namespace

void add_responses_routes(net::router& r, gateway_api& gw) {
  r.add(net::http_method::post, "/v1/responses", [&gw](request_context& ctx) { return relay_response(ctx, gw); });
}

}  // namespace brokle::api
