// /v1/messages for a model an Anthropic provider serves: relayed without translation (see
// gateway/providers/anthropic_passthrough.hpp), recorded like every other gateway call. Upstream
// errors that already are Anthropic errors pass as they are; anything else, and a stream that dies
// or ends before message_stop, becomes a Messages-shaped error (an `error` event mid-stream).
#include <boost/json/parse.hpp>

#include "api/gateway_call.hpp"
#include "api/gateway_routes.hpp"
#include "api/watched_stream_relay.hpp"
#include "gateway/providers/anthropic_passthrough.hpp"
#include "gateway/providers/openai_wire.hpp"
#include "gateway/surfaces/anthropic_messages_response.hpp"
#include "net/body_sink.hpp"

namespace brokle::api {

namespace asio = boost::asio;
using net::http_response;
using net::request_context;

namespace {

http_response error_answer(call_state& st, const gateway::provider_config& p, unsigned status, std::string body,
                           std::string_view retry_after, std::string_view request_id) {
  auto res = gateway::is_anthropic_error(body)
                 ? net::json_response(status, std::move(body))
                 : net::json_response(status, gateway::messages_error_body(
                                                  gateway::messages_error_type(status),
                                                  "provider '" + p.name + "' answered " + std::to_string(status),
                                                  request_id));
  if (!retry_after.empty()) res.headers.set("Retry-After", std::string(retry_after));
  st.finish(static_cast<int>(status), "upstream status " + std::to_string(status));
  return res;
}

std::string stream_error(std::string_view message) { return gateway::messages_error_event("api_error", message); }

}  // namespace

asio::awaitable<http_response> relay_messages_to_anthropic(request_context& ctx, gateway_api& gw, relay_call call) {
  const auto& p = *call.route.provider;
  gateway::anthropic_client_headers client{ctx.request.header("anthropic-version"), ctx.request.header("anthropic-beta")};
  auto req = gateway::build_anthropic_passthrough(p, std::move(call.body), call.route.upstream_model, client);
  if (!req) fail(400, "invalid_request", req.err().message);
  auto st = begin_call(ctx, gw, call);
  req->abort = st->abort;
  auto add_rate_headers = [&](http_response& r) {
    for (const auto& h : call.caller.rate_headers) r.headers.set(h.name, h.value);
  };

  if (!call.stream) {
    auto r = co_await st->send_upstream(std::move(*req));
    if (!r) {
      fail_upstream(*st, p.name, r.err());
    }
    if (r->status >= 400) {
      auto res = error_answer(*st, p, r->status, std::move(r->body), r->headers.get("Retry-After"), ctx.request_id);
      add_rate_headers(res);
      co_return res;
    }
    auto usage = gateway::anthropic_message_usage(r->body);
    if (!usage) {
      st->finish(502, "malformed provider response");
      fail(502, "upstream_error", "provider '" + p.name + "' sent a response that is not a message");
    }
    st->usage = *usage;
    auto res = net::json_response(200, std::move(r->body));
    st->finish_after_sent(res, 200);
    add_rate_headers(res);
    co_return res;
  }

  co_await open_upstream_stream(*st, std::move(*req), p.name);
  if (st->upstream->status() != 200) {
    std::string body = co_await read_error_body(*st->upstream);
    auto res = error_answer(*st, p, st->upstream->status(), std::move(body),
                            st->upstream->headers().get("Retry-After"), ctx.request_id);
    add_rate_headers(res);
    co_return res;
  }
  auto res = event_stream_response([st](net::body_sink& sink) {
    return relay_watched_stream<gateway::anthropic_stream_watch>(st, sink, {stream_error, "message_stop"});
  });
  add_rate_headers(res);
  co_return res;
}

}  // namespace brokle::api
