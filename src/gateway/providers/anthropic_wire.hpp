// OpenAI chat completions <-> Anthropic Messages: the request (system prompts, multi-part content
// and images, tools and tool results, stop sequences, sampling, JSON mode and JSON schemas (as a
// forced tool of our own), thinking from reasoning_effort and signed thinking blocks sent back), the response (text, tool_use, thinking, stop reasons, usage
// with cache reads) and the stream (Anthropic's event sequence re-emitted as
// chat.completion.chunk events, tool-call argument deltas included). Field names and event types
// are facts of the two public APIs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/result.hpp"
#include "gateway/pricing/price_table.hpp"
#include "gateway/providers/openai_shapes.hpp"
#include "gateway/provider_config.hpp"
#include "net/upstream_client.hpp"

namespace brokle::gateway {

// POST to the provider's Messages endpoint ({base}/v1/messages) with its key and the API version
// (the one given, else the version this gateway's translation is written against); no body yet.
net::upstream_request anthropic_messages_post(const provider_config& p, bool stream, std::string_view version = {});

// An Anthropic usage object (a message's, message_start's or message_delta's) read into out:
// input_tokens counts the whole prompt (uncached + cache reads + cache writes); absent fields leave
// out as it was, so a stream's events can be read in turn.
void read_anthropic_usage(const boost::json::object& usage, token_usage& out);

// invalid_argument when the OpenAI request cannot be expressed for Anthropic.
result<net::upstream_request> build_anthropic_request(const provider_config& p, const boost::json::object& openai_body,
                                                      const std::string& upstream_model);

// Token counting for an OpenAI chat body: the Messages request build_anthropic_request makes,
// without what only generation takes (max_tokens, sampling, stop sequences, metadata, stream),
// to {base}/v1/messages/count_tokens. anthropic_token_count reads its {"input_tokens": N}.
result<net::upstream_request> build_anthropic_count_request(const provider_config& p, const boost::json::object& openai_body,
                                                            const std::string& upstream_model);
std::optional<int64_t> anthropic_token_count(std::string_view body);

struct translated_response {
  boost::json::object body;  // an OpenAI chat.completion
  token_usage usage;
};
translated_response anthropic_to_openai(const boost::json::object& message, std::string_view model);

// An Anthropic error body ({"type":"error","error":{"type","message"}}) as an OpenAI error body.
std::string anthropic_error_to_openai(std::string_view body, unsigned status);

// Re-emits Anthropic stream events as OpenAI SSE lines ("data: {...}\n\n", ending with [DONE]).
class anthropic_stream_translator {
 public:
  anthropic_stream_translator(std::string model, bool include_usage) : chunks_(std::move(model), include_usage) {}
  // One Anthropic event (its `event:` name and parsed `data:`); appends OpenAI SSE text to out.
  // Thinking blocks stream as delta.reasoning_content pieces, then (at the block's stop) one delta
  // with the whole block in `thinking_blocks` for the client to send back; redacted blocks come
  // whole. Past the bounds (1,024 content blocks, 32 MiB of one thinking block): an error event.
  void on_event(std::string_view name, const boost::json::object& data, std::string& out);
  bool finished() const { return finished_; }
  bool failed() const { return failed_; }
  const token_usage& usage() const { return usage_; }

 private:
  chunk_writer chunks_;
  token_usage usage_;
  std::string stop_reason_;
  std::string stop_sequence_;  // the one that matched, when stop_reason_ is stop_sequence
  void fail(std::string_view message, std::string& out);

  std::vector<int> tool_index_by_block_;  // Anthropic content-block index -> OpenAI tool_calls index
  int tools_seen_ = 0;
  int thinking_block_ = -1;  // the thinking block being streamed, if any
  int json_block_ = -1;      // the JSON-mode tool's block (its input is the answer text), if any
  std::string thinking_text_, thinking_signature_;
  // Web citations: the text block being streamed, where it began (code points of content so far)
  // and its citations, sent as delta.annotations when it stops (at most 256 kept per block).
  static constexpr size_t kMaxHeldCitations = 256;
  int text_block_ = -1;
  int64_t text_block_start_ = 0, content_points_ = 0;
  boost::json::array held_citations_;
  bool finished_ = false;
  bool failed_ = false;
};

}  // namespace brokle::gateway
