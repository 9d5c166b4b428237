// The inbound Anthropic Messages surface, request side: a Messages API request body (system
// prompt, turns of text / image / tool_use / tool_result blocks, tools, tool_choice, sampling,
// stop sequences, metadata) checked the way the Messages API checks it and rewritten as an OpenAI
// chat-completions body, so the one OpenAI relay serves it with whichever provider owns the model.
// Field names are facts of the two public APIs.
#pragma once

#include <boost/json/object.hpp>

#include "core/result.hpp"

namespace brokle::gateway {

struct messages_request_options {
  // OpenAI's own API wants max_completion_tokens (its reasoning models refuse max_tokens); most
  // OpenAI-compatible servers know only max_tokens. Every provider translator reads both.
  bool use_max_completion_tokens = false;
};

// The checks the Messages API makes on a request's shape (model, max_tokens, messages with user /
// assistant roles and string or block content, sampling, stop sequences, metadata, stream), any
// block type allowed: what a request relayed unchanged to an Anthropic provider must pass first.
// invalid_argument naming the field, as below.
// A token-count request (/v1/messages/count_tokens) is the same without max_tokens.
enum class messages_check { message, token_count };
status check_messages_request(const boost::json::object& request, messages_check kind = messages_check::message);

// invalid_argument, with a message naming the field ("messages.1.content.0.type: ..."), for a
// body the Messages API would refuse or that has no chat-completions equivalent (server tools,
// document blocks). A streamed request asks for usage (stream_options.include_usage) because the
// Messages stream always reports it.
result<boost::json::object> messages_to_chat(const boost::json::object& request,
                                             const messages_request_options& options = {});

}  // namespace brokle::gateway
