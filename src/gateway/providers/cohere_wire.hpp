// OpenAI chat completions <-> Cohere chat v2 (/v2/chat): messages and tool results, tools,
// sampling (p, max_tokens, stop_sequences), JSON mode, thinking (from reasoning_effort; its
// content blocks read as reasoning_content), finish reasons, usage (tokens /
// billed_units), errors ({"message"}), and the v2 event stream (content-delta, tool-call-*,
// message-end) re-emitted as chat.completion.chunk events; embeddings through /v2/embed. Field
// names are facts of the public APIs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/result.hpp"
#include "gateway/provider_config.hpp"
#include "gateway/providers/anthropic_wire.hpp"
#include "gateway/providers/openai_embeddings.hpp"
#include "gateway/providers/openai_shapes.hpp"
#include "net/upstream_client.hpp"

namespace brokle::gateway {

result<net::upstream_request> build_cohere_request(const provider_config& p, const boost::json::object& openai_body,
                                                   const std::string& upstream_model);
translated_response cohere_to_openai(const boost::json::object& response, std::string_view model);
std::string cohere_error_to_openai(std::string_view body, unsigned status);

// OpenAI embeddings -> /v2/embed (float embeddings, output_dimension from `dimensions`, input_type
// from the body's extra "input_type" or search_document), and its answer back; nullopt when the
// response is not one float embedding per text.
inline constexpr size_t cohere_max_embed_texts = 96;  // the API's batch limit
result<net::upstream_request> build_cohere_embed_request(const provider_config& p, const embedding_request& r,
                                                         const boost::json::object& openai_body,
                                                         const std::string& upstream_model);
std::optional<translated_response> cohere_embeddings_to_openai(const boost::json::object& response,
                                                               const embedding_request& r, std::string_view model);

class cohere_stream_translator {
 public:
  cohere_stream_translator(std::string model, bool include_usage) : chunks_(std::move(model), include_usage) {}
  void on_event(const boost::json::object& event, std::string& out);
  bool finished() const { return finished_; }
  const token_usage& usage() const { return usage_; }

 private:
  chunk_writer chunks_;
  token_usage usage_;
  bool finished_ = false;
};

}  // namespace brokle::gateway
