// Reasoning ("thinking") across providers, in the chat-completions shape every translator shares.
//
// Asking: a chat request's `reasoning_effort` (OpenAI's names) becomes Anthropic's
// thinking.budget_tokens, Gemini's thinkingConfig and Cohere's thinking.token_budget; the Messages
// surface maps a budget back to an effort.
//
// Answering: the reasoning text travels as the assistant message's `reasoning_content` (and
// `delta.reasoning_content` in streams), the field DeepSeek, vLLM and other OpenAI-compatible
// servers use. What a provider needs back on the next turn travels beside it:
// - Anthropic's signed blocks as the message's `thinking_blocks` ([{"type":"thinking","thinking",
//   "signature"}] or [{"type":"redacted_thinking","data"}]), sent back as the assistant turn's
//   first content blocks (the API rejects a tool-use turn without them when thinking is on);
// - Gemini's thought signatures as a tool call's `extra_content.google.thought_signature` (the
//   name Google's own OpenAI-compatible endpoint uses), and on the message's `extra_content` for a
//   text reply, sent back on the functionCall / text part they came on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/result.hpp"

namespace brokle::gateway {

enum class reasoning_effort { none, minimal, low, medium, high, xhigh };

// The request's reasoning_effort; nullopt when absent or null, invalid_argument for anything but
// none | minimal | low | medium | high | xhigh.
result<std::optional<reasoning_effort>> read_reasoning_effort(const boost::json::object& chat_body);
std::string_view reasoning_effort_name(reasoning_effort e);

// Thinking tokens for an effort (minimal 1,024 — Anthropic's minimum — low 2,048, medium 8,192,
// high 16,384, xhigh 32,768; none 0), and the effort a budget reads as (below 4,096 low, below
// 16,384 medium, else high: the three every reasoning model accepts).
int64_t thinking_budget(reasoning_effort e);
reasoning_effort effort_for_budget(int64_t budget_tokens);

// Gemini thought signatures carried on chat shapes: {"extra_content":{"google":{"thought_signature":S}}}.
std::string google_thought_signature(const boost::json::object& carrier);  // "" when absent
void set_google_thought_signature(boost::json::object& carrier, std::string_view signature);

// Anthropic's thinking / redacted_thinking content blocks as kept in `thinking_blocks`: the
// block's own fields, nothing else. nullopt for any other block.
std::optional<boost::json::object> thinking_block_of(const boost::json::object& anthropic_block);

// The `thinking_blocks` of an assistant message as Anthropic content blocks; invalid_argument
// when it is not an array of thinking / redacted_thinking blocks with their string fields.
result<boost::json::array> anthropic_blocks_of_thinking(const boost::json::object& message);

}  // namespace brokle::gateway
