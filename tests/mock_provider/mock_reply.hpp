// The provider-neutral core of every mock answer: what the prompt said (a `conversation` each
// provider's route extracts from its own request shape), what the mock answers (a `reply_plan`:
// deterministic text or a tool call, and the thinking before it when asked for), token counts,
// stream splitting, signatures and embedding vectors.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "fault_plan.hpp"

namespace brokle::mock {

struct conversation {
  std::string_view model;
  std::string last_user_text;      // text parts of the last user turn
  std::size_t prompt_chars = 0;    // bytes of all text the prompt carries (system, turns, tool results)
  bool ends_with_user_turn = false;  // false when the last turn is a tool result or the assistant
  std::string_view tool_name;      // first declared tool; empty when the request declares none
  std::string_view tool_argument;  // first property of that tool's parameters, or "input"
  bool force_tool = false;         // tool_choice forces a call (Anthropic tool/any, Gemini ANY, Cohere REQUIRED)
  std::optional<std::int64_t> max_output_tokens;
  std::vector<std::string_view> stop_sequences;  // the reply ends before the first one it contains
  // The request asked the model to think (each route reads its own provider's field), and whether
  // the thoughts come back to the client (Gemini's includeThoughts; the other providers always
  // return them when they think).
  bool thinking = false;
  bool include_thoughts = true;
  // The request declared the provider's web search tool (Anthropic web_search_*, Gemini
  // google_search): the answer searches once and cites mock_search_url.
  bool web_search = false;
};

inline constexpr std::string_view mock_search_url = "https://search.mock.example/result";
inline constexpr std::string_view mock_search_title = "Mock search result";
// What an answer that searched says before the cited reply (Anthropic: an uncited text block).
inline constexpr std::string_view search_preamble = "Searched. ";

struct reply_plan {
  bool use_tool = false;
  std::string text;            // the reply, when !use_tool
  std::string tool_arguments;  // JSON object text, when use_tool
  bool truncated = false;      // cut by max_output_tokens (finish reason "length" and kin)
  std::string stop_sequence;   // the stop sequence that cut the reply, if one did
  std::int64_t prompt_tokens = 1;
  std::int64_t completion_tokens = 1;
  std::int64_t cached_tokens = 0;
  std::int64_t cache_write_tokens = 0;  // Anthropic only: written to the prompt cache
  // When the conversation asked for thinking: thinking_prefix and the same quoted user text the
  // reply uses. completion_tokens does not include thinking_tokens; each route adds them where
  // its provider's usage does (all but Gemini, which reports thoughts separately).
  std::string thinking;
  std::int64_t thinking_tokens = 0;
};

// Text prefix the mock answers with, then up to `quoted_chars` code points of the user's text.
inline constexpr std::string_view reply_prefix = "mock reply to: ";
inline constexpr std::size_t quoted_chars = 40;
// Requests that say this (any case) in their last user turn, and declare tools, get a tool call.
inline constexpr std::string_view tool_trigger = "use tool";
// The thinking text of a reply that thinks: this prefix, then the quoted user text.
inline constexpr std::string_view thinking_prefix = "mock thinking about: ";

// Characters per token, the rough rule the mock's usage numbers follow.
inline constexpr std::size_t chars_per_token = 4;
std::int64_t estimate_tokens(std::size_t chars);

reply_plan plan_reply(const conversation& prompt, const fault_plan& faults);

// Splits text into about `parts` pieces of similar size on UTF-8 boundaries (fewer when short).
std::vector<std::string_view> split_for_stream(std::string_view text, std::size_t parts = 4);

// Appends the text of a content value that is either a string or an array of parts; parts count
// when they have a string "text" member (OpenAI, Anthropic, Cohere and Gemini all use that name),
// except Gemini's returned thoughts (`"thought": true`), which are not prompt text.
void append_content_text(std::string& out, const boost::json::value* content);
std::size_t content_text_size(const boost::json::value* content);

// The first property name of a JSON-schema object, or "input" when there is none.
std::string_view first_property_name(const boost::json::value* schema);

// 64-bit FNV-1a of `text`, and that hash as 16 lowercase hex digits: stable across platforms and
// builds, so signatures and vectors derived from it can be asserted byte for byte.
std::uint64_t fnv1a_64(std::string_view text);
std::string fnv1a_hex(std::string_view text);
// The signature the mock gives a thought (Anthropic's thinking block, Gemini's thoughtSignature):
// "mocksig-" + fnv1a_hex(text). History validation recomputes it, so a gateway that drops or
// alters a signature gets the 400 the real API would give.
inline constexpr std::string_view signature_prefix = "mocksig-";
std::string mock_signature(std::string_view text);

// Unit-length vector derived only from `text`, so equal inputs always embed equally.
inline constexpr std::size_t embedding_dimensions = 8;
std::array<float, embedding_dimensions> embed_text(std::string_view text);
// Base64 of the little-endian float32 values (OpenAI's encoding_format "base64").
std::string embedding_base64(const std::array<float, embedding_dimensions>& vector);

// Short sequential ids with a provider prefix ("chatcmpl-mock-7"), unique per process.
std::string next_id(std::string_view prefix);

std::string_view string_member(const boost::json::object& object, std::string_view key);

}  // namespace brokle::mock
