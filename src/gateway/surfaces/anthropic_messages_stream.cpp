#include "gateway/surfaces/anthropic_messages_stream.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/providers/openai_shapes.hpp"
#include "gateway/providers/openai_wire.hpp"
#include "gateway/providers/web_search.hpp"
#include "gateway/surfaces/anthropic_messages_response.hpp"

namespace brokle::gateway {

namespace json = boost::json;

namespace {

// One event as the Messages API writes it: `event: <type>`, then the data with its type first.
void emit(std::string_view type, json::object fields, std::string& out) {
  json::object data{{"type", type}};
  for (auto& kv : fields) data.emplace(kv.key(), std::move(kv.value()));
  out += "event: ";
  out += type;
  out += "\ndata: ";
  out += json::serialize(data);
  out += "\n\n";
}

}  // namespace

void messages_stream_translator::on_data(std::string_view data, std::string& out) {
  if (finished_ || data.empty()) return;
  auto d = read_relay_stream_data(data);
  switch (d.what) {
    case relay_stream_data::kind::done:
      start(out);
      end_message(out);
      return;
    case relay_stream_data::kind::error:
      fail(json_string(*d.error, "type") == "overloaded_error" ? "overloaded_error" : "api_error", d.error_message, out);
      return;
    case relay_stream_data::kind::chunk:
      on_chunk(d.chunk(), out);
      return;
    case relay_stream_data::kind::other:
      return;  // the OpenAI relay passes such events on untouched; nothing to say
  }
}

void messages_stream_translator::on_chunk(const json::object& chunk, std::string& out) {
  start(out);
  if (auto u = usage_of(chunk)) usage_ = *u;
  const auto* first = first_choice(chunk);
  if (!first) return;  // e.g. the usage chunk
  const auto& choice = *first;
  if (const auto* delta = json_object_at(choice, "delta")) {
    // Reasoning (reasoning_content, as DeepSeek, vLLM and our own translations stream it) is a
    // thinking block; its signature stays empty, since only Anthropic signs thinking.
    if (auto thinking = json_string(*delta, "reasoning_content"); !thinking.empty()) {
      if (open_ != block_kind::thinking)
        open_block(block_kind::thinking, json::object{{"type", "thinking"}, {"thinking", ""}, {"signature", ""}}, out);
      emit("content_block_delta",
           json::object{{"index", open_index_}, {"delta", json::object{{"type", "thinking_delta"}, {"thinking", thinking}}}}, out);
    }
    if (auto text = json_string(*delta, "content"); !text.empty()) {
      if (open_ != block_kind::text) {
        open_block(block_kind::text, json::object{{"type", "text"}, {"text", ""}}, out);
        text_block_start_ = content_points_;
        text_block_.clear();
      }
      content_points_ += code_points(text);
      if (text_block_.size() + text.size() <= max_cited_text) text_block_ += text;
      emit("content_block_delta",
           json::object{{"index", open_index_}, {"delta", json::object{{"type", "text_delta"}, {"text", text}}}}, out);
    }
    // Web citations of the text so far: citations_delta on the open text block, cited_text its
    // part in that block (empty when the span is not in it).
    if (const auto* notes = delta->if_contains("annotations"); notes && notes->is_array() && open_ == block_kind::text) {
      for (const auto& a : notes->as_array()) {
        const auto* o = a.if_object();
        const auto* c = o && json_string(*o, "type") == "url_citation" ? json_object_at(*o, "url_citation") : nullptr;
        if (!c) continue;
        int64_t from = json_int(*c, "start_index") - text_block_start_, to = json_int(*c, "end_index") - text_block_start_;
        std::string cited;
        if (from >= 0 && from < to && to <= code_points(text_block_)) {
          size_t b = code_point_bytes(text_block_, from);
          cited = text_block_.substr(b, code_point_bytes(text_block_, to) - b);
        }
        emit("content_block_delta",
             json::object{{"index", open_index_},
                          {"delta", json::object{{"type", "citations_delta"}, {"citation", messages_web_citation(*c, cited)}}}},
             out);
      }
    }
    if (auto tc = delta->find("tool_calls"); tc != delta->end() && tc->value().is_array()) {
      for (const auto& c : tc->value().as_array()) {
        if (!c.is_object()) continue;
        const auto& call = c.as_object();
        auto tool = static_cast<size_t>(std::max<int64_t>(0, json_int(call, "index")));
        if (tool >= max_tool_calls) {  // the index sizes a table: bounded, whatever the provider sends
          fail("api_error", "the provider streamed more tool calls than this gateway translates", out);
          return;
        }
        if (tool >= block_of_tool_.size()) block_of_tool_.resize(tool + 1, -1);
        const auto* fn = json_object_at(call, "function");
        if (block_of_tool_[tool] < 0) {
          std::string id = json_string(call, "id");
          if (id.empty()) id = "toolu_" + id_ + "_" + std::to_string(tool);
          open_block(block_kind::tool,
                     json::object{{"type", "tool_use"},
                                  {"id", std::move(id)},
                                  {"name", fn ? json_string(*fn, "name") : std::string()},
                                  {"input", json::object{}}},
                     out);
          block_of_tool_[tool] = open_index_;
        }
        if (auto args = fn ? json_string(*fn, "arguments") : std::string(); !args.empty())
          emit("content_block_delta",
               json::object{{"index", block_of_tool_[tool]},
                            {"delta", json::object{{"type", "input_json_delta"}, {"partial_json", std::move(args)}}}},
               out);
      }
    }
  }
  if (auto reason = json_string(choice, "finish_reason"); !reason.empty()) {
    finish_reason_ = std::move(reason);
    stop_sequence_ = json_string(choice, "stop_reason");
    close_block(out);
  }
}

void messages_stream_translator::finish(std::string& out) {
  if (finished_) return;
  if (!finish_reason_.empty()) {
    end_message(out);  // the finish arrived; only [DONE] (or the usage chunk) went missing
    return;
  }
  fail("api_error", "the provider stream ended before the message was complete", out);
}

void messages_stream_translator::start(std::string& out) {
  if (started_) return;
  started_ = true;
  emit("message_start",
       json::object{{"message", json::object{{"id", id_},
                                             {"type", "message"},
                                             {"role", "assistant"},
                                             {"model", model_},
                                             {"content", json::array{}},
                                             {"stop_reason", nullptr},
                                             {"stop_sequence", nullptr},
                                             {"usage", messages_usage(usage_)}}}},
       out);
}

void messages_stream_translator::open_block(block_kind kind, json::object block, std::string& out) {
  close_block(out);
  open_ = kind;
  open_index_ = next_index_++;
  emit("content_block_start", json::object{{"index", open_index_}, {"content_block", std::move(block)}}, out);
}

void messages_stream_translator::close_block(std::string& out) {
  if (open_ == block_kind::none) return;
  emit("content_block_stop", json::object{{"index", open_index_}}, out);
  open_ = block_kind::none;
}

void messages_stream_translator::end_message(std::string& out) {
  close_block(out);
  // Input tokens are known only now (OpenAI reports usage last); clients take the totals here.
  emit("message_delta",
       json::object{{"delta", json::object{{"stop_reason", stop_reason_of(finish_reason_, !stop_sequence_.empty())},
                                           {"stop_sequence", stop_sequence_.empty() ? json::value(nullptr)
                                                                                    : json::value(stop_sequence_)}}},
                    {"usage", messages_usage(usage_)}},
       out);
  emit("message_stop", json::object{}, out);
  finished_ = true;
}

void messages_stream_translator::fail(std::string_view type, std::string_view message, std::string& out) {
  emit("error", json::object{{"error", json::object{{"type", type}, {"message", message}}}}, out);
  failed_ = true;
  finished_ = true;
}

}  // namespace brokle::gateway
