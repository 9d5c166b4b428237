#include "gateway/surfaces/anthropic_messages_stream.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/providers/openai_shapes.hpp"
#include "gateway/providers/openai_wire.hpp"
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

std::string string_at(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}

}  // namespace

void messages_stream_translator::on_data(std::string_view data, std::string& out) {
  if (finished_ || data.empty()) return;
  if (data == "[DONE]") {
    start(out);
    end_message(out);
    return;
  }
  boost::system::error_code ec;
  auto v = json::parse(data, ec);
  if (ec || !v.is_object()) return;  // the OpenAI relay passes such events on untouched; nothing to say
  const auto& o = v.as_object();
  if (const auto* e = json_object_at(o, "error")) {
    std::string message = string_at(*e, "message");
    std::string type = string_at(*e, "type");
    fail(type == "overloaded_error" ? "overloaded_error" : "api_error",
         message.empty() ? "the provider stream failed" : message, out);
    return;
  }
  on_chunk(o, out);
}

void messages_stream_translator::on_chunk(const json::object& chunk, std::string& out) {
  start(out);
  if (auto u = usage_of(chunk)) usage_ = *u;
  auto it = chunk.find("choices");
  if (it == chunk.end() || !it->value().is_array() || it->value().as_array().empty() ||
      !it->value().as_array()[0].is_object())
    return;  // e.g. the usage chunk
  const auto& choice = it->value().as_array()[0].as_object();
  if (const auto* delta = json_object_at(choice, "delta")) {
    if (auto text = string_at(*delta, "content"); !text.empty()) {
      if (open_ != block_kind::text) open_block(block_kind::text, json::object{{"type", "text"}, {"text", ""}}, out);
      emit("content_block_delta",
           json::object{{"index", open_index_}, {"delta", json::object{{"type", "text_delta"}, {"text", text}}}}, out);
    }
    if (auto tc = delta->find("tool_calls"); tc != delta->end() && tc->value().is_array()) {
      for (const auto& c : tc->value().as_array()) {
        if (!c.is_object()) continue;
        const auto& call = c.as_object();
        auto tool = static_cast<size_t>(std::max<int64_t>(0, json_int(call, "index")));
        if (tool >= block_of_tool_.size()) block_of_tool_.resize(tool + 1, -1);
        const auto* fn = json_object_at(call, "function");
        if (block_of_tool_[tool] < 0) {
          std::string id = string_at(call, "id");
          if (id.empty()) id = "toolu_" + id_ + "_" + std::to_string(tool);
          open_block(block_kind::tool,
                     json::object{{"type", "tool_use"},
                                  {"id", std::move(id)},
                                  {"name", fn ? string_at(*fn, "name") : std::string()},
                                  {"input", json::object{}}},
                     out);
          block_of_tool_[tool] = open_index_;
        }
        if (auto args = fn ? string_at(*fn, "arguments") : std::string(); !args.empty())
          emit("content_block_delta",
               json::object{{"index", block_of_tool_[tool]},
                            {"delta", json::object{{"type", "input_json_delta"}, {"partial_json", std::move(args)}}}},
               out);
      }
    }
  }
  if (auto reason = string_at(choice, "finish_reason"); !reason.empty()) {
    finish_reason_ = std::move(reason);
    stop_sequence_ = string_at(choice, "stop_reason");
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
