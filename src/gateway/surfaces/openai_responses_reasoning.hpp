// The Responses API for providers that do not serve it, reasoning side: a translated provider's
// reasoning as a `reasoning` output item (its text as reasoning_text content), and what that
// provider needs on the next turn — Anthropic's signed thinking blocks, Gemini's thought
// signatures (see gateway/providers/reasoning.hpp) — carried in the item's `encrypted_content`,
// the field stateless Responses clients already send back with the item. Translated responses are
// never stored, so this is how a tool loop with thinking keeps working across turns.
//
// The carried value is opaque to clients: "brokle.r1." + base64 of a JSON object
// {"thinking_blocks": [...], "call_signatures": {call_id: signature}, "text_signature": S}. It
// holds only what the provider itself returned (its signatures authenticate it).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace brokle::gateway {

struct reasoning_carry {
  std::string text;                     // the reasoning text (shown as reasoning_text, not carried)
  boost::json::array thinking_blocks;   // Anthropic's, as chat's `thinking_blocks`
  boost::json::object call_signatures;  // Gemini's, by the function call's call_id
  std::string text_signature;           // Gemini's, for a text reply
  bool has_state() const { return !thinking_blocks.empty() || !call_signatures.empty() || !text_signature.empty(); }
  bool empty() const { return text.empty() && !has_state(); }
};

// Reads what an assistant chat message carries (reasoning_content, thinking_blocks, the text's and
// each tool call's extra_content signature) into `carry`.
void read_chat_reasoning(const boost::json::object& message, reasoning_carry& carry);

// encrypted_content for the carry's state; "" when there is none.
std::string encode_reasoning_carry(const reasoning_carry& carry);
// The state back from an encrypted_content this gateway wrote; nullopt for anything else (another
// provider's encrypted reasoning, which no translated provider could use).
std::optional<reasoning_carry> decode_reasoning_carry(std::string_view encrypted_content);

// The `reasoning` output item: {"type":"reasoning","id","summary":[],"content":[reasoning_text],
// "encrypted_content","status"}. as_summary: the text goes in `summary` (one summary_text part)
// instead, for a client that asked for reasoning summaries (the thinking Anthropic and Gemini
// return is itself summarized); `content` is then empty.
boost::json::object reasoning_item(std::string_view id, const reasoning_carry& carry, std::string_view status,
                                   bool as_summary = false);
// Whether the response (its echoed request settings) asked for reasoning summaries
// (reasoning.summary auto / concise / detailed).
bool wants_reasoning_summary(const boost::json::object& response);

// Applies a decoded carry to the chat assistant message built for the turn it came with: its
// thinking blocks, reasoning text and text signature. sign_tool_call puts a call's signature (by
// its id) on a chat tool call.
void apply_reasoning_carry(const reasoning_carry& carry, boost::json::object& assistant_message);
void sign_tool_call(const boost::json::object& call_signatures, boost::json::object& tool_call);

}  // namespace brokle::gateway
