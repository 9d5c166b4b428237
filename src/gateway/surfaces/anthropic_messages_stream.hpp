// The inbound Anthropic Messages surface, stream side: the relay's OpenAI chat.completion.chunk
// stream (whatever provider produced it) re-emitted as Messages stream events — message_start,
// content_block_start / _delta (thinking_delta, text_delta, input_json_delta) / _stop per block, message_delta
// with the stop reason and usage, message_stop — each with its `event:` line, as the Messages API
// sends them. An error in the stream, or a stream that ends before its finish, becomes an `error`
// event: never a silent success.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "gateway/pricing/price_table.hpp"

namespace brokle::gateway {

class messages_stream_translator {
 public:
  // Bound: tool calls by their index; a stream past it ends with an `error` event.
  static constexpr size_t max_tool_calls = 1024;
  // id: the message id to report (msg_...); model: the model the client asked for.
  messages_stream_translator(std::string id, std::string model) : id_(std::move(id)), model_(std::move(model)) {}

  // One event of the relay's output, by its `data:` payload: a chunk, "[DONE]" or {"error":{...}}.
  // Appends Messages events (SSE text) to out.
  void on_data(std::string_view data, std::string& out);
  // The relay's output ended: completes a message whose finish arrived without [DONE], else
  // reports the early end as an error event. Nothing once the message has ended.
  void finish(std::string& out);

  bool finished() const { return finished_; }
  bool failed() const { return failed_; }
  const token_usage& usage() const { return usage_; }

 private:
  enum class block_kind { none, thinking, text, tool };
  void on_chunk(const boost::json::object& chunk, std::string& out);
  void start(std::string& out);
  void open_block(block_kind kind, boost::json::object block, std::string& out);
  void close_block(std::string& out);
  void end_message(std::string& out);
  void fail(std::string_view type, std::string_view message, std::string& out);

  std::string id_;
  std::string model_;
  token_usage usage_;
  bool started_ = false;
  bool finished_ = false;
  bool failed_ = false;
  std::string finish_reason_;  // empty until the upstream gave one
  std::string stop_sequence_;
  block_kind open_ = block_kind::none;
  int open_index_ = -1;
  int next_index_ = 0;
  std::vector<int> block_of_tool_;  // OpenAI tool_calls index -> Messages content block index
  // For web citations: code points of text so far, where the open text block began, and its text
  // (kept up to 4 MiB, past which citations carry an empty cited_text).
  static constexpr size_t max_cited_text = 4u << 20;
  int64_t content_points_ = 0, text_block_start_ = 0;
  std::string text_block_;
};

}  // namespace brokle::gateway
