// JSON mode for Anthropic models, which have no response_format: the answer is asked for as the
// input of one forced tool, `anthropic_json_tool`, whose input schema is the client's (any object
// for json_object), and the translators turn that tool's input back into the message text. The
// name is reserved: a client tool may not use it.
#pragma once

#include <string_view>

#include <boost/json/object.hpp>

#include "core/result.hpp"

namespace brokle::gateway {

inline constexpr std::string_view anthropic_json_tool = "json_response";

// Adds the JSON tool to `anthropic_body` (the Messages request being built, its tools and thinking
// already set) and forces it, when the chat body's response_format asks for JSON; nothing for text.
// invalid_argument for another format, a non-object schema, or JSON beside the client's own tools
// or thinking (Anthropic does not think when a tool is forced).
status add_json_mode(const boost::json::object& chat_body, boost::json::object& anthropic_body);

}  // namespace brokle::gateway
