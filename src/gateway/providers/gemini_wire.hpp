// OpenAI chat completions <-> Google Gemini generateContent / streamGenerateContent: contents with
// user/model roles, systemInstruction, inline images, function declarations, function calls and
// responses, generationConfig (sampling, max tokens, stop sequences, JSON mode, candidateCount
// from n, responseLogprobs/logprobs from logprobs/top_logprobs, thinkingConfig
// from reasoning_effort), thought parts as reasoning_content, thought signatures kept on the chat
// shapes and sent back (see reasoning.hpp), finish reasons, usageMetadata, errors, and the SSE stream of GenerateContentResponse chunks re-emitted as
// chat.completion.chunk events; embeddings through batchEmbedContents. Field names are facts of
// the two public APIs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.hpp"
#include "gateway/pricing/price_table.hpp"
#include "gateway/provider_config.hpp"
#include "gateway/providers/anthropic_wire.hpp"
#include "gateway/providers/openai_embeddings.hpp"
#include "gateway/providers/openai_shapes.hpp"
#include "net/upstream_client.hpp"

namespace brokle::gateway {

result<net::upstream_request> build_gemini_request(const provider_config& p, const boost::json::object& openai_body,
                                                   const std::string& upstream_model, bool stream);

// Token counting for an OpenAI chat body: the GenerateContentRequest build_gemini_request makes,
// wrapped as countTokens takes it ({"generateContentRequest": {...}}, so the system instruction
// and tools count too), to models/{model}:countTokens. gemini_token_count reads its totalTokens.
result<net::upstream_request> build_gemini_count_request(const provider_config& p, const boost::json::object& openai_body,
                                                         const std::string& upstream_model);
std::optional<int64_t> gemini_token_count(std::string_view body);

// One GenerateContentResponse (a whole response or one stream chunk) as an OpenAI completion.
translated_response gemini_to_openai(const boost::json::object& response, std::string_view model);
std::string gemini_error_to_openai(std::string_view body, unsigned status);

// OpenAI embeddings -> models/{model}:batchEmbedContents (one EmbedContentRequest per text, with
// outputDimensionality from `dimensions`), and its BatchEmbedContentsResponse back; nullopt when
// the response is not one embedding per text.
inline constexpr size_t gemini_max_embed_texts = 100;  // the API's batch limit
result<net::upstream_request> build_gemini_embed_request(const provider_config& p, const embedding_request& r,
                                                         const std::string& upstream_model);
std::optional<translated_response> gemini_embeddings_to_openai(const boost::json::object& response,
                                                               const embedding_request& r, std::string_view model);

// Gemini's limit on generationConfig.candidateCount: `n` above it is refused before the call.
inline constexpr int64_t gemini_max_candidates = 8;

// Chunks carry every candidate side by side (candidates[].index); each becomes its own choice
// index, opened with a role delta when first seen and closed with its own finish reason.
class gemini_stream_translator {
 public:
  // grounded: the request asked for Google Search, so each choice's text is kept to place the
  // sources that arrive at its end (other streams keep none).
  gemini_stream_translator(std::string model, bool include_usage, bool grounded = false)
      : chunks_(std::move(model), include_usage), grounded_(grounded) {}
  void on_chunk(const boost::json::object& chunk, std::string& out);
  // The upstream stream ended: each choice's final chunk, usage when asked, [DONE].
  void finish(std::string& out);
  const token_usage& usage() const { return usage_; }

 private:
  // When grounded, the text each choice has streamed is kept (up to 4 MiB) to place its grounding
  // sources, whose offsets are UTF-8 bytes into it; past that its sources are left out.
  static constexpr size_t kMaxGroundedText = 4u << 20;
  struct choice_state {
    bool started = false;
    int tool_calls = 0;
    std::string finish;
    std::string text;
    bool text_complete = true;
  };
  // The state of choice `index`, opened now if new; null for an index past gemini_max_candidates.
  choice_state* choice(int64_t index, std::string& out);

  chunk_writer chunks_;
  bool grounded_ = false;
  bool started_ = false;
  std::vector<choice_state> choices_;  // at most gemini_max_candidates
  token_usage usage_;
};

}  // namespace brokle::gateway
