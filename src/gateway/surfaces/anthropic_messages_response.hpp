// The inbound Anthropic Messages surface, response side: an OpenAI chat.completion (what the relay
// produces for every provider) rewritten as a Messages `message`, usage in the Messages shape, and
// errors as the Messages error envelope {"type":"error","error":{"type","message"}}.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/result.hpp"
#include "gateway/pricing/price_table.hpp"

namespace brokle::gateway {

// A chat.completion as a `message` with id `id` (msg_...) naming `model` (what the client asked
// for). invalid_argument when the completion has no choices[0].message.
result<boost::json::object> chat_to_message(const boost::json::object& completion, std::string_view id,
                                            std::string_view model);

// end_turn, max_tokens, tool_use or refusal for an OpenAI finish_reason; stop_sequence when the
// server named the stop string that matched (choices[].stop_reason, as vLLM and our Anthropic
// translation report it).
std::string_view stop_reason_of(std::string_view finish_reason, bool stop_sequence_matched);

// The Messages usage object: input_tokens counts only uncached input (OpenAI's prompt_tokens
// include cached ones), cache reads are reported beside it.
boost::json::object messages_usage(const token_usage& u);
// A Messages web_search_result_location citation for an OpenAI url_citation annotation's
// {url, title} (encrypted_index empty: the page was not found by Anthropic).
boost::json::object messages_web_citation(const boost::json::object& url_citation, std::string_view cited_text);

// invalid_request_error, authentication_error, permission_error, not_found_error,
// request_too_large, rate_limit_error, api_error or overloaded_error for an HTTP status.
std::string_view messages_error_type(unsigned status);
std::string messages_error_body(std::string_view type, std::string_view message, std::string_view request_id = {});
// The same error as a Messages stream event ("event: error\ndata: {...}\n\n").
std::string messages_error_event(std::string_view type, std::string_view message);
// An OpenAI error body as a Messages error body of the same status; an error type that already
// is a Messages one (an Anthropic upstream's overloaded_error) is kept.
std::string chat_error_to_messages(std::string_view body, unsigned status, std::string_view request_id = {});

}  // namespace brokle::gateway
