// The Anthropic-compatible surface: POST /v1/messages in the Messages API's wire format, served by
// whichever provider owns the model, and POST /v1/messages/count_tokens for Anthropic providers.
// An Anthropic provider gets the request as it is (messages_passthrough.cpp); for any other the
// request is translated to a chat-completions body, sent through the same relay (and call record)
// as chat completions, and the relay's answer or stream translated back to the Messages shapes.
// Everything this surface answers is Messages-shaped, errors included
// ({"type":"error","error":{...}}), and bad input is refused before any upstream call.
#include <functional>
#include <optional>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/gateway_call.hpp"
#include "api/gateway_routes.hpp"
#include "api/translating_sink.hpp"
#include "core/log.hpp"
#include "core/ulid.hpp"
#include "gateway/providers/anthropic_passthrough.hpp"
#include "gateway/surfaces/anthropic_messages_request.hpp"
#include "gateway/surfaces/anthropic_messages_response.hpp"
#include "gateway/surfaces/anthropic_messages_stream.hpp"

namespace brokle::api {

namespace asio = boost::asio;
using net::http_response;
using net::request_context;

namespace {

using relay_producer = std::function<asio::awaitable<void>(net::body_sink&)>;

asio::awaitable<void> stream_messages(relay_producer relay, std::string id, std::string model, net::body_sink& client) {
  gateway::messages_stream_translator translator(std::move(id), std::move(model));
  translating_sink sink(client, translator);
  co_await relay(sink);
  co_await sink.close();
}

http_response error_reply(unsigned status, std::string_view message, std::string_view request_id) {
  return net::json_response(
      status, gateway::messages_error_body(gateway::messages_error_type(status), message, request_id));
}

asio::awaitable<http_response> relay_message(request_context& ctx, gateway_api& gw) {
  relay_call call(require_api_key(ctx, gw.id));
  auto request = parse_json_object(ctx.request);
  call.model = required_string(request, "model", 256);
  call.environment = environment_of(ctx);
  call.route = resolve_model(gw, call.caller.key.scope, call.model);
  call.recorded_endpoint = "messages";
  if (call.route.provider->type == gateway::provider_type::anthropic) {
    // Anthropic speaks this API itself: relayed as the client wrote it, nothing lost in translation.
    if (auto checked = gateway::check_messages_request(request); !checked) fail(400, "invalid_request", checked.err().message);
    call.stream = optional_bool(request, "stream").value_or(false);
    call.body = std::move(request);
    auto res = co_await relay_messages_to_anthropic(ctx, gw, std::move(call));
    res.headers.set("request-id", ctx.request_id);
    co_return res;
  }
  gateway::messages_request_options options;
  options.use_max_completion_tokens = call.route.provider->type == gateway::provider_type::openai;
  auto body = gateway::messages_to_chat(request, options);
  if (!body) fail(400, "invalid_request", body.err().message);
  call.body = std::move(*body);
  call.stream = optional_bool(call.body, "stream").value_or(false);
  call.endpoint = gateway::openai_endpoint::chat_completions;
  std::string id = "msg_" + new_ulid();
  std::string model = call.model;

  auto res = co_await relay_call_to_provider(ctx, gw, std::move(call));
  res.headers.set("request-id", ctx.request_id);
  if (res.producer) {
    res.producer = [relay = std::move(res.producer), id, model](net::body_sink& client) {
      return stream_messages(relay, id, model, client);
    };
    co_return res;
  }
  if (res.status >= 400) {
    res.body = gateway::chat_error_to_messages(res.body, res.status, ctx.request_id);
    res.headers.set("Content-Type", "application/json");
    co_return res;
  }
  record_if_abandoned recorded(res);  // the call is recorded even if reshaping its answer fails
  boost::system::error_code ec;
  auto completion = boost::json::parse(res.body, ec);
  std::optional<result<boost::json::object>> message;
  if (!ec && completion.is_object()) message.emplace(gateway::chat_to_message(completion.as_object(), id, model));
  if (!message || !*message) fail(502, "upstream_error", "the provider sent a response that is not a chat completion");
  res.body = boost::json::serialize(**message);
  res.headers.set("Content-Type", "application/json");
  co_return res;
}

// POST /v1/messages/count_tokens: Anthropic counts; the request goes to the Anthropic provider
// serving the model, unchanged but for the model name, and is not recorded (nothing is generated
// or billed). No other provider has a counting API, so their models get a 400 saying so.
asio::awaitable<http_response> count_message_tokens(request_context& ctx, gateway_api& gw) {
  auto caller = require_api_key(ctx, gw.id);
  auto request = parse_json_object(ctx.request);
  std::string model = required_string(request, "model", 256);
  auto route = resolve_model(gw, caller.key.scope, model);
  if (route.provider->type != gateway::provider_type::anthropic)
    fail(400, "invalid_request",
         "counting tokens needs a model an Anthropic provider serves; `" + model + "` is served by '" +
             route.provider->name + "' (" + std::string(gateway::provider_type_name(route.provider->type)) + ")");
  if (auto checked = gateway::check_messages_request(request, gateway::messages_check::token_count); !checked)
    fail(400, "invalid_request", checked.err().message);
  gateway::anthropic_client_headers client{ctx.request.header("anthropic-version"), ctx.request.header("anthropic-beta")};
  auto req = gateway::build_anthropic_count_tokens(*route.provider, std::move(request), route.upstream_model, client);
  if (!req) fail(400, "invalid_request", req.err().message);
  auto r = co_await gw.upstream.send(std::move(*req));
  if (!r) fail(502, "upstream_error", "provider '" + route.provider->name + "': " + r.err().message);
  http_response res;
  if (r->status >= 400 && !gateway::is_anthropic_error(r->body)) {
    res = error_reply(r->status, "provider '" + route.provider->name + "' answered " + std::to_string(r->status),
                      ctx.request_id);
  } else {
    res = net::json_response(r->status, std::move(r->body));
  }
  if (auto ra = r->headers.get("Retry-After"); !ra.empty()) res.headers.set("Retry-After", std::string(ra));
  for (const auto& h : caller.rate_headers) res.headers.set(h.name, h.value);
  res.headers.set("request-id", ctx.request_id);
  co_return res;
}

using messages_handler = std::function<asio::awaitable<http_response>(request_context&, gateway_api&)>;

asio::awaitable<http_response> in_messages_shape(request_context& ctx, gateway_api& gw, messages_handler handler) {
  std::optional<net::request_error> failure;
  try {
    co_return co_await handler(ctx, gw);
  } catch (const net::request_error& e) {
    failure = e;
  } catch (const std::exception& e) {
    log::error("messages handler failed", {{"request_id", ctx.request_id}, {"error", e.what()}});
    failure = net::request_error{500, "internal_error", "internal server error (request id " + ctx.request_id + ")", ""};
  }
  // Every failure, ours or the relay's, answered in the Messages error shape with its headers
  // (Retry-After, x-ratelimit-*).
  auto res = error_reply(failure->status, failure->message, ctx.request_id);
  for (const auto& h : failure->headers) res.headers.set(h.name, h.value);
  res.headers.set("request-id", ctx.request_id);
  co_return res;
}

}  // namespace

void add_messages_routes(net::router& r, gateway_api& gw) {
  r.add(net::http_method::post, "/v1/messages",
        [&gw](request_context& ctx) { return in_messages_shape(ctx, gw, relay_message); });
  r.add(net::http_method::post, "/v1/messages/count_tokens",
        [&gw](request_context& ctx) { return in_messages_shape(ctx, gw, count_message_tokens); });
}

}  // namespace brokle::api
