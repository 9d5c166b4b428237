// The legacy completions surface (POST /v1/completions) for models whose provider has only a chat
// API (Anthropic, Gemini, Cohere): the prompt becomes one user message of a chat-completions body,
// and the relay's chat.completion (or chat.completion.chunk stream) becomes a text_completion (or
// a text_completion chunk stream) again. What has no chat equivalent — several prompts, token
// prompts, n / best_of above 1, logprobs, suffix — is refused with a message saying so.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/result.hpp"

namespace brokle::gateway {

struct text_completion_request {
  boost::json::object chat_body;  // OpenAI chat-completions body
  std::string echo;               // the prompt, when the client asked for it back (echo: true)
};

// max_tokens defaults to 16, as OpenAI's completions endpoint documents.
result<text_completion_request> completion_to_chat(const boost::json::object& body);

// A chat.completion as a text_completion; invalid_argument when it is not a chat completion.
result<boost::json::object> chat_to_text_completion(const boost::json::object& chat, std::string_view echo);

// The relay's chat.completion.chunk events as text_completion chunks ("data: {...}\n\n"); usage
// chunks, error events and [DONE] keep their place.
class text_completion_stream_translator {
 public:
  explicit text_completion_stream_translator(std::string echo) : echo_(std::move(echo)) {}
  // One event of the relay's output, by its `data:` payload.
  void on_data(std::string_view data, std::string& out);
  // The relay's output ended: an error event when it ended before [DONE] and reported nothing.
  void finish(std::string& out);

 private:
  std::string echo_;
  bool echoed_ = false;
  bool ended_ = false;  // [DONE] or an error event went out
};

}  // namespace brokle::gateway
