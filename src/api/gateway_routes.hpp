// Routes of the OpenAI-compatible gateway (API-key auth) and its dashboard view.
#pragma once

#include "api/identity_http.hpp"
#include "gateway/call_recorder.hpp"
#include "gateway/provider_directory.hpp"
#include "gateway/response_locator.hpp"
#include "gateway/pricing/price_table.hpp"
#include "gateway/providers/openai_wire.hpp"
#include "identity/access_policy.hpp"
#include "core/metrics.hpp"
#include "net/router.hpp"
#include "net/upstream_client.hpp"
#include "storage/generation_store.hpp"
#include "telemetry/ingest/ingest_service.hpp"

namespace brokle::api {

struct gateway_api {
  identity_http& id;
  gateway::provider_directory& directory;  // project providers first, then the TOML ones
  gateway::price_table& prices;
  net::upstream_client& upstream;
  gateway::call_recorder& recorder;
  identity::access_policy& policy;
  storage::generation_store& generations;
  gateway::response_locator& responses;  // which model created a stored Responses API response
  // Every call also becomes an LLM trace with a generation observation in the telemetry store
  // (built and submitted by the recorder's thread, which serve_command gives this pipeline too);
  // null leaves only the call record.
  telemetry::ingest_service* telemetry = nullptr;
  // brokle_gateway_overhead_seconds for answered and streamed calls (null: not observed).
  metrics::histogram* overhead_answered = nullptr;
  metrics::histogram* overhead_streamed = nullptr;
};

// Registers the OpenAI surface and, beside it, the Anthropic Messages surface (messages_routes.cpp).
void add_gateway_routes(net::router& r, gateway_api& gw);

// One call on its way to a provider, prepared by the OpenAI surface or by a surface translated to
// it (the Anthropic Messages one).
struct relay_call {
  explicit relay_call(sdk_caller c) : caller(std::move(c)) {}
  // With the body as parsed: moved in, so it keeps the storage it was parsed into (assigning it
  // to `body` later would copy it to the heap).
  relay_call(sdk_caller c, boost::json::object b) : caller(std::move(c)), body(std::move(b)) {}
  sdk_caller caller;
  gateway::model_route route;  // resolve_model()
  std::string model;           // as the client named it
  gateway::openai_endpoint endpoint = gateway::openai_endpoint::chat_completions;
  std::string recorded_endpoint;  // the call record's endpoint name
  boost::json::object body;       // OpenAI wire format, already validated
  std::string_view client_bytes;  // the body as the client sent it (OpenAI surfaces), if any
  std::string environment;        // environment_of()
  bool stream = false;
};

// The provider serving `model`; 404 model_not_found when none does.
gateway::model_route resolve_model(gateway_api& gw, const project_scope& scope, const std::string& model);
// The X-Environment header the call is recorded under; 400 when it holds odd characters.
std::string environment_of(const net::request_context& ctx);
// Sends the call to its provider (translated for Anthropic, Gemini and Cohere ones), answers in
// OpenAI's wire format — a body, or a producer streaming chat.completion.chunk events — and
// records the call. Aborts with a request_error (502) when the provider cannot be reached.
boost::asio::awaitable<net::http_response> relay_call_to_provider(net::request_context& ctx, gateway_api& gw,
                                                                  relay_call call);

// A legacy completions call (endpoint completions) to a provider with only a chat API, through the
// chat relay and back into the text_completion shape (text_completion_relay.cpp).
boost::asio::awaitable<net::http_response> relay_completion_through_chat(net::request_context& ctx, gateway_api& gw,
                                                                         relay_call call);

// A Messages API request (call.body, checked by check_messages_request) to the Anthropic provider
// serving its model, relayed without translation and answered in Anthropic's own shapes; recorded
// like every call (messages_passthrough.cpp).
boost::asio::awaitable<net::http_response> relay_messages_to_anthropic(net::request_context& ctx, gateway_api& gw,
                                                                       relay_call call);

void add_messages_routes(net::router& r, gateway_api& gw);

// OpenAI's Responses API: POST /v1/responses relayed to the OpenAI, Azure OpenAI or
// OpenAI-compatible provider serving the model, and the calls on a stored response (retrieve,
// delete, cancel, input items) to the provider that created it (responses_routes.cpp).
void add_responses_routes(net::router& r, gateway_api& gw);

}  // namespace brokle::api
