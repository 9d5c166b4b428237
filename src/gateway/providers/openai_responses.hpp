// The OpenAI Responses API (POST /v1/responses) passthrough: a request for a model an OpenAI,
// Azure OpenAI or OpenAI-compatible provider serves goes upstream as the client wrote it (only the model
// replaced), and the answer, plain or streamed, comes back byte for byte: the API's items, tools,
// reasoning and state (previous_response_id, store) are the provider's own, and nothing is lost
// in a translation. What the call record needs (usage, how a stream ended) is read on the way.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/result.hpp"
#include "gateway/pricing/price_table.hpp"
#include "gateway/provider_config.hpp"
#include "gateway/providers/stream_watch.hpp"
#include "net/upstream_client.hpp"

namespace brokle::gateway {

// True for the provider types that serve the Responses API: OpenAI and OpenAI-compatible at
// {base_url}/responses, Azure OpenAI at {base_url}/openai/v1/responses.
bool serves_responses_api(provider_type t);
// True when POST /v1/responses for this provider's models is relayed to its own Responses API
// (a type that serves it, and not configured `responses = "translate"`); false: by translation.
inline bool relays_responses(const provider_config& p) { return serves_responses_api(p.type) && !p.translate_responses; }

// invalid_argument naming the field when the request cannot be a Responses API request: `model`
// must be a string, `input` a string or an array (or absent when `previous_response_id` or
// `prompt` carries the conversation), `stream` and `background` booleans, `instructions` a string.
status check_responses_request(const boost::json::object& request);

// The upstream call, with the provider's key and `model` set to upstream_model (for Azure, the
// deployment).
// `client_bytes`, when given, is the body exactly as the client sent it: forwarded as is when the
// model name does not change (and is the body's only "model" key), sparing a reserialization.
// `path_suffix`: "" for a create, "/input_tokens" (count a request's input) or "/compact".
net::upstream_request build_responses_request(const provider_config& p, boost::json::object request,
                                              const std::string& upstream_model, std::string_view client_bytes = {},
                                              std::string_view path_suffix = {});

// Usage of a `response` object ({"object":"response", "usage":{input_tokens, output_tokens,
// input_tokens_details.cached_tokens, output_tokens_details.reasoning_tokens}}); zero when the
// object has no usage yet. nullopt when it is not an object of type `object` ("response", or
// "response.compaction" for POST /responses/compact, whose usage has the same shape).
std::optional<token_usage> responses_usage(const boost::json::object& response, std::string_view object = "response");
// A whole response body: its id, usage and status; nullopt when the body is not a JSON response
// object.
struct response_facts {
  std::string id;
  token_usage usage;
  std::string status;  // queued, in_progress, completed, incomplete, failed, cancelled
};
// True for the statuses after which a response changes no more (its usage is final).
bool response_has_ended(std::string_view status);
std::optional<response_facts> read_response_body(std::string_view body, std::string_view object = "response");

// Watches a relayed Responses stream one whole SSE event at a time. The stream ends with
// response.completed, response.incomplete or response.failed (there is no [DONE]); usage rides
// on the response those carry. An `error` event or response.failed is the provider's error. Only
// those events are parsed; deltas pass untouched.
class responses_stream_watch : public stream_watch {
 public:
  void on_event(std::string_view event);
  // The response's id, from response.created (the first event) or the terminal event.
  const std::string& response_id() const { return id_; }

 private:
  std::string id_;
};

// A stored response's id as a path segment can carry it: 1-128 of [A-Za-z0-9_-].
bool is_response_id(std::string_view id);

// A call on a response the provider keeps: GET/DELETE {responses}/{id}, POST {responses}/{id}/cancel,
// GET {responses}/{id}/input_items (`suffix` "", "/cancel" or "/input_items"), with the client's
// query string (already checked) passed on.
net::upstream_request build_stored_response_request(const provider_config& p, net::http_method method,
                                                    std::string_view id, std::string_view suffix,
                                                    std::string_view query);

// A Responses-shaped `error` stream event, for a stream that failed on our side.
std::string responses_error_event(std::string_view code, std::string_view message);

}  // namespace brokle::gateway
