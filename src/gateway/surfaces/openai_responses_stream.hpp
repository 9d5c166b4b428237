// The Responses API for providers that do not serve it, stream side: the relay's OpenAI
// chat.completion.chunk stream (whatever provider produced it) re-emitted as Responses stream
// events, each `event: <type>` with its data's `type` and `sequence_number`:
// response.created, response.in_progress, then per output item response.output_item.added,
// (reasoning, first) response.content_part.added / response.reasoning_text.delta / .done /
// response.content_part.done — or, when reasoning.summary was asked, the
// response.reasoning_summary_part / _text events — (text) response.content_part.added / response.output_text.delta / .done /
// response.content_part.done, (tool call) response.function_call_arguments.delta / .done,
// response.output_item.done, and last response.completed or response.incomplete with the whole
// response and its usage. An error in the stream, or a stream that ends before its finish,
// becomes an `error` event (the SDK raises it): never a silent success.
// Bound: the response is held whole (response.completed carries it), up to `max_held_bytes` of
// text and arguments (32 MiB by default) and 1,024 tool calls; a stream past either ends with an
// `error` event.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "gateway/pricing/price_table.hpp"
#include "gateway/surfaces/openai_responses_reasoning.hpp"

namespace brokle::gateway {

class responses_stream_translator {
 public:
  // response: the response_skeleton() this stream builds up (its id, model and echoed settings).
  static constexpr size_t max_tool_calls = 1024;
  explicit responses_stream_translator(boost::json::object response, size_t max_held_bytes = size_t{32} << 20)
      : response_(std::move(response)), max_held_(max_held_bytes) {}

  // One event of the relay's output, by its `data:` payload: a chunk, "[DONE]" or {"error":{...}}.
  // Appends Responses events (SSE text) to out.
  void on_data(std::string_view data, std::string& out);
  // The relay's output ended: completes a response whose finish arrived without [DONE], else
  // reports the early end as an error event. Nothing once the response has ended.
  void finish(std::string& out);

  bool finished() const { return finished_; }
  bool failed() const { return failed_; }

 private:
  struct item {
    boost::json::object body;  // the output item as it stands (text and arguments so far)
    bool done = false;
  };
  void on_chunk(const boost::json::object& chunk, std::string& out);
  void start(std::string& out);
  void add_reasoning(std::string_view text, std::string& out);
  void refresh_reasoning();  // the reasoning item's encrypted_content from reasoning_
  void add_text(std::string_view text, std::string& out);
  void add_annotations(const boost::json::value& chat_annotations, std::string& out);
  void add_tool_call(const boost::json::object& call, std::string& out);
  size_t open_item(boost::json::object body, std::string& out);
  void close_item(size_t index, std::string& out);
  void close_all(std::string& out);
  void end_response(std::string& out);
  void fail(std::string_view message, std::string& out);
  bool hold(size_t bytes, std::string& out);  // false (and the stream failed) past max_held_
  void emit(std::string_view type, boost::json::object fields, std::string& out);

  boost::json::object response_;
  std::string id_;
  token_usage usage_;
  std::vector<item> items_;
  int open_text_ = -1;              // output index of the message item taking text, -1 when none
  int reasoning_item_ = -1;         // output index of the reasoning item, -1 when none yet
  reasoning_carry reasoning_;       // its text and what the provider needs back
  bool summary_ = false;            // the text goes in the item's summary (reasoning.summary asked)
  std::vector<int> item_of_tool_;   // chat tool_calls index -> output index
  int64_t sequence_ = 0;
  size_t max_held_;
  size_t held_ = 0;
  bool started_ = false;
  bool finished_ = false;
  bool failed_ = false;
  std::string finish_reason_;  // empty until the upstream gave one
};

}  // namespace brokle::gateway
