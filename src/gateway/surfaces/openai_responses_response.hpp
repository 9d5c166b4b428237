// The Responses API for providers that do not serve it, response side: the `response` object built
// from what the client asked (its settings echoed back, as the API does) and an OpenAI
// chat.completion (what the relay produces for every provider): a `reasoning` item first when the
// provider reasoned (openai_responses_reasoning.hpp), a `message` output item with output_text /
// refusal content, one `function_call` item per tool call, status `completed` or
// `incomplete` (max_output_tokens, content_filter), usage in the Responses shape. Translated
// responses are not stored (`store` false): there is nothing to retrieve later.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/result.hpp"
#include "gateway/pricing/price_table.hpp"

namespace brokle::gateway {

// A `response` in progress: id (resp_...), the model the client asked for, created_at, no output
// yet, usage null, and the request's settings (instructions, tools, tool_choice, text, sampling,
// max_output_tokens, reasoning, user, metadata) as the API reports them.
boost::json::object response_skeleton(const boost::json::object& request, std::string_view id, std::string_view model,
                                      int64_t created_at);

// The id of the output item at `index` of response `response_id`: prefix ("msg_", "fc_") + the
// response id's own part + index, so ids are unique and stable within a response.
std::string output_item_id(std::string_view prefix, std::string_view response_id, size_t index);

// Ends `response`: its output, status from the chat finish reason (`length` and `content_filter`
// make it `incomplete` with incomplete_details), and usage.
void complete_response(boost::json::object& response, boost::json::array output, std::string_view finish_reason,
                       const token_usage& usage);
// True when the finish reason leaves the response incomplete.
bool finish_leaves_incomplete(std::string_view finish_reason);

// The Responses usage object: input_tokens (cached included, as OpenAI counts them),
// input_tokens_details.cached_tokens, output_tokens, output_tokens_details.reasoning_tokens,
// total_tokens.
boost::json::object responses_usage_object(const token_usage& u);

// Chat's message.annotations (url_citation {url_citation: {start_index, end_index, url, title}})
// as output_text annotations ({type: url_citation, start_index, end_index, url, title}); other
// kinds are left out.
boost::json::array responses_annotations(const boost::json::value& chat_annotations);

// A chat.completion as the completed `response` (started from response_skeleton()).
// invalid_argument when the completion has no choices[0].message.
result<boost::json::object> chat_to_response(const boost::json::object& completion, boost::json::object response);

}  // namespace brokle::gateway
