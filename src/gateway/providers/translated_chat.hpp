// What a chat-completions request may ask that a translated provider cannot answer: more than
// one choice (`n`; Gemini answers up to 8 candidates, Anthropic and Cohere one) and token log
// probabilities (Gemini's responseLogprobs; Anthropic and Cohere have none), and web search
// (`web_search_options`: Anthropic and Gemini search, Cohere's chat v2 cannot). Dropping them would
// hand the client less than it asked for without a word, so they are refused with a 400 naming
// the field, before any upstream call. (Sampling fields a provider lacks, like penalties, only
// shape the text and are dropped, as other gateways do.)
#pragma once

#include <cstdint>

#include <boost/json/object.hpp>

#include "core/result.hpp"

namespace brokle::gateway {

// What the provider's own API can answer.
struct translatable_chat {
  int64_t max_choices = 1;
  bool logprobs = false;
  bool web_search = false;  // web_search_options (see web_search.hpp)
};

inline constexpr int64_t max_top_logprobs = 20;  // OpenAI's limit, and Gemini's

// Checks `n`, `logprobs` and `top_logprobs` against what the provider answers (and their own
// rules: n a positive integer, top_logprobs 0..20 and only with logprobs true).
status check_translatable_chat(const boost::json::object& chat_body, translatable_chat provider = {});

// The body's `n` (1 when absent or null) and `top_logprobs` (0); call after the check.
int64_t chat_choices(const boost::json::object& chat_body);
int64_t chat_top_logprobs(const boost::json::object& chat_body);
bool chat_logprobs(const boost::json::object& chat_body);

}  // namespace brokle::gateway
