// The Responses API for providers that do not serve it (Anthropic, Gemini, Cohere), request side:
// a POST /v1/responses body rewritten as an OpenAI chat-completions body, so the one chat relay
// (and its provider translation) serves it. What translates: `instructions`, `input` as a string
// or items (messages with input_text / input_image / output_text / refusal parts, function_call
// and function_call_output items; reasoning items this gateway wrote give their provider back its
// thinking and signatures, others are dropped), function tools, tool_choice,
// parallel_tool_calls, max_output_tokens, temperature, top_p, text.format (JSON mode and schemas),
// reasoning.effort, user, stream (with usage). What needs the provider's own server-side state or
// tools cannot be translated and is refused: previous_response_id, conversation, prompt,
// background, built-in tools, file inputs, item references. Field names are facts of the public
// Responses and Chat Completions references.
#pragma once

#include <boost/json/object.hpp>

#include "core/result.hpp"

namespace brokle::gateway {

struct responses_request_options {
  // As for the Messages surface: max_completion_tokens for OpenAI's own API, else max_tokens.
  // Every provider translator reads both.
  bool use_max_completion_tokens = false;
};

// invalid_argument naming the field ("input.2.content.0.type: ...") for what has no
// chat-completions equivalent; the request is assumed to have passed check_responses_request.
result<boost::json::object> responses_to_chat(const boost::json::object& request,
                                              const responses_request_options& options = {});

}  // namespace brokle::gateway
