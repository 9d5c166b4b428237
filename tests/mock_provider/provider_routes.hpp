// The mock's provider endpoints. Each provider's file turns its own request shape into a
// `conversation`, asks `plan_reply` what to say, and writes the answer (plain or streamed) in that
// provider's wire format. The router (mock_router.cpp) has already checked auth, applied the status
// fault and parsed the body, so these only see well-formed JSON objects.
#pragma once

#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "fault_plan.hpp"
#include "http_request_parser.hpp"
#include "http_response.hpp"

namespace brokle::mock {

enum class provider_kind { openai, anthropic, gemini, cohere };

struct route_call {
  const http_request& request;
  const boost::json::object& body;  // empty object for GET routes
  const fault_plan& faults;
  mock_response& response;
  boost::json::storage_ptr storage;  // request-scoped arena for JSON the route builds
};

// An error body in the provider's own shape, with the matching status (429 adds retry-after).
// `param` names the offending request field where the shape has a place for it (OpenAI's
// error.param); empty means null.
void write_provider_error(provider_kind provider, int status, std::string_view message, mock_response& response,
                          std::string_view param = {});

// Sets the response up as a stream and appends one SSE event; `event` empty means a data-only event.
void begin_sse(mock_response& response);
void add_sse_event(mock_response& response, std::string_view event, const boost::json::value& data);
void add_sse_data(mock_response& response, std::string_view raw_data);  // e.g. OpenAI's "[DONE]"
void write_json_body(mock_response& response, const boost::json::value& body);

// OpenAI: /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/models[/{id}].
void answer_openai_chat(route_call& call);
void answer_openai_completion(route_call& call);
void answer_openai_embeddings(route_call& call);
void answer_openai_models(route_call& call, std::string_view model_id);  // empty id lists all

// OpenAI Responses API: POST /v1/responses (plain or streamed; function_call items).
void answer_openai_responses(route_call& call);
// A stored response, `rest` = "{id}", "{id}/cancel" or "{id}/input_items" (GET, DELETE, POST
// cancel, GET input items). The mock keeps nothing: any id it could have issued (resp_mock_N)
// exists, as a completed response; other ids are a 404.
void answer_openai_stored_response(route_call& call, std::string_view rest);

// Anthropic: /v1/messages.
void answer_anthropic_messages(route_call& call);
// POST /v1/messages/count_tokens: {"input_tokens": N}, N estimated from the prompt's text as the
// mock's replies report it.
void answer_anthropic_count_tokens(route_call& call);

// Gemini: /v1beta/models/{model}:generateContent, :streamGenerateContent and :batchEmbedContents.
void answer_gemini_generate(route_call& call, std::string_view model, bool stream);
void answer_gemini_embed(route_call& call, std::string_view model);
// Gemini: models/{model}:countTokens, of `contents` or a `generateContentRequest`: {"totalTokens": N}.
void answer_gemini_count_tokens(route_call& call, std::string_view model);

// Cohere: /v2/chat and /v2/embed.
void answer_cohere_chat(route_call& call);
void answer_cohere_embed(route_call& call);

}  // namespace brokle::mock
