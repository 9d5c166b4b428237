// POST /v1/completions for a model whose provider has only a chat API (Anthropic, Gemini, Cohere):
// the legacy body goes through the chat relay (one call record, endpoint "completions") and its
// answer, or stream, comes back in the text_completion shape the openai SDKs expect.
#include <functional>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/gateway_call.hpp"
#include "api/gateway_routes.hpp"
#include "api/translating_sink.hpp"
#include "gateway/surfaces/text_completion.hpp"

namespace brokle::api {

namespace asio = boost::asio;
using net::http_response;
using net::request_context;

namespace {

using relay_producer = std::function<asio::awaitable<void>(net::body_sink&)>;

asio::awaitable<void> stream_text_completion(relay_producer relay, std::string echo, net::body_sink& client) {
  gateway::text_completion_stream_translator translator(std::move(echo));
  translating_sink sink(client, translator);
  co_await relay(sink);
  co_await sink.close();
}

}  // namespace

asio::awaitable<http_response> relay_completion_through_chat(request_context& ctx, gateway_api& gw, relay_call call) {
  auto request = gateway::completion_to_chat(call.body);
  if (!request) fail(400, "invalid_request", request.err().message);
  call.body = std::move(request->chat_body);
  call.client_bytes = {};
  call.endpoint = gateway::openai_endpoint::chat_completions;
  std::string echo = std::move(request->echo);

  auto res = co_await relay_call_to_provider(ctx, gw, std::move(call));
  if (res.producer) {
    res.producer = [relay = std::move(res.producer), echo](net::body_sink& client) {
      return stream_text_completion(relay, echo, client);
    };
    co_return res;
  }
  if (res.status >= 400) co_return res;  // already an OpenAI error
  record_if_abandoned recorded(res);  // the call is recorded even if reshaping its answer fails
  boost::system::error_code ec;
  auto chat = boost::json::parse(res.body, ec);
  std::optional<result<boost::json::object>> completion;
  if (!ec && chat.is_object()) completion.emplace(gateway::chat_to_text_completion(chat.as_object(), echo));
  if (!completion || !*completion) fail(502, "upstream_error", "the provider sent a response that is not a completion");
  res.body = boost::json::serialize(**completion);
  co_return res;
}

}  // namespace brokle::api
