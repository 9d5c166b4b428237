#include "gateway/surfaces/openai_responses_stream.hpp"

#include <algorithm>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/providers/openai_shapes.hpp"
#include "gateway/providers/openai_wire.hpp"
#include "gateway/providers/reasoning.hpp"
#include "gateway/surfaces/openai_responses_reasoning.hpp"
#include "gateway/surfaces/openai_responses_response.hpp"

namespace brokle::gateway {

namespace json = boost::json;

namespace {

json::object reasoning_part(std::string text, bool summary) {
  return json::object{{"type", summary ? "summary_text" : "reasoning_text"}, {"text", std::move(text)}};
}

json::object text_part(std::string text) {
  return json::object{{"type", "output_text"}, {"text", std::move(text)}, {"annotations", json::array{}},
                      {"logprobs", json::array{}}};
}

}  // namespace

void responses_stream_translator::emit(std::string_view type, json::object fields, std::string& out) {
  json::object data{{"type", type}, {"sequence_number", sequence_++}};
  for (auto& kv : fields) data.emplace(kv.key(), std::move(kv.value()));
  out += "event: ";
  out += type;
  out += "\ndata: ";
  out += json::serialize(data);
  out += "\n\n";
}

void responses_stream_translator::on_data(std::string_view data, std::string& out) {
  if (finished_ || data.empty()) return;
  auto d = read_relay_stream_data(data);
  switch (d.what) {
    case relay_stream_data::kind::done:
      if (finish_reason_.empty()) fail("the provider stream ended before the response was complete", out);
      else end_response(out);
      return;
    case relay_stream_data::kind::error:
      fail(d.error_message, out);
      return;
    case relay_stream_data::kind::chunk:
      on_chunk(d.chunk(), out);
      return;
    case relay_stream_data::kind::other:
      return;  // not a chunk; nothing a Responses client could use
  }
}

void responses_stream_translator::on_chunk(const json::object& chunk, std::string& out) {
  start(out);
  if (auto u = usage_of(chunk)) usage_ = *u;
  const auto* first = first_choice(chunk);
  if (!first) return;  // e.g. the usage chunk
  const auto& choice = *first;
  if (const auto* delta = json_object_at(choice, "delta")) {
    if (auto thinking = json_string(*delta, "reasoning_content"); !thinking.empty()) add_reasoning(thinking, out);
    if (auto it = delta->find("thinking_blocks"); it != delta->end() && it->value().is_array()) {
      // Blocks that are not Anthropic's shape (an OpenAI-compatible upstream's own field) carry
      // nothing a provider could take back: they are left out, the rest of the delta still counts.
      json::object carrier{{"thinking_blocks", it->value()}};
      if (auto blocks = anthropic_blocks_of_thinking(carrier); blocks && !blocks->empty()) {
        if (!hold(json::serialize(*blocks).size(), out)) return;
        if (reasoning_item_ < 0) add_reasoning("", out);
        for (auto& b : *blocks) reasoning_.thinking_blocks.push_back(std::move(b));
      }
    }
    // A text reply's signature (Gemini) rides on its last text delta.
    if (auto signature = google_thought_signature(*delta); !signature.empty() && reasoning_item_ >= 0) {
      reasoning_.text_signature = std::move(signature);
      refresh_reasoning();
    }
    if (auto text = json_string(*delta, "content"); !text.empty()) add_text(text, out);
    if (const auto* notes = delta->if_contains("annotations")) add_annotations(*notes, out);
    if (auto tc = delta->find("tool_calls"); tc != delta->end() && tc->value().is_array())
      for (const auto& c : tc->value().as_array())
        if (c.is_object()) add_tool_call(c.as_object(), out);
  }
  if (finished_) return;  // a bound was passed on the way: the error event ended the stream
  if (auto reason = json_string(choice, "finish_reason"); !reason.empty()) {
    finish_reason_ = std::move(reason);
    close_all(out);
  }
}

void responses_stream_translator::start(std::string& out) {
  if (started_) return;
  started_ = true;
  id_ = json_string(response_, "id");
  emit("response.created", json::object{{"response", response_}}, out);
  emit("response.in_progress", json::object{{"response", response_}}, out);
}

size_t responses_stream_translator::open_item(json::object body, std::string& out) {
  size_t index = items_.size();
  json::object added = body;
  items_.push_back(item{std::move(body)});
  emit("response.output_item.added", json::object{{"output_index", index}, {"item", std::move(added)}}, out);
  return index;
}

void responses_stream_translator::add_reasoning(std::string_view text, std::string& out) {
  if (finished_) return;
  if (reasoning_item_ < 0) {
    auto index = open_item(json::object{{"id", output_item_id("rs_", id_, items_.size())},
                                        {"type", "reasoning"},
                                        {"summary", json::array{}},
                                        {"content", json::array{}},
                                        {"encrypted_content", nullptr},
                                        {"status", "in_progress"}},
                           out);
    reasoning_item_ = static_cast<int>(index);
    summary_ = wants_reasoning_summary(response_);
    auto part = reasoning_part("", summary_);
    items_[index].body[summary_ ? "summary" : "content"].as_array().push_back(part);
    emit(summary_ ? "response.reasoning_summary_part.added" : "response.content_part.added",
         json::object{{"item_id", items_[index].body["id"]}, {"output_index", index}, {summary_ ? "summary_index" : "content_index", 0},
                      {"part", std::move(part)}},
         out);
  }
  if (text.empty() || items_[static_cast<size_t>(reasoning_item_)].done || !hold(text.size(), out)) return;
  auto& body = items_[static_cast<size_t>(reasoning_item_)].body;
  body[summary_ ? "summary" : "content"].as_array()[0].as_object()["text"].as_string().append(text);
  reasoning_.text.append(text);
  emit(summary_ ? "response.reasoning_summary_text.delta" : "response.reasoning_text.delta",
       json::object{{"item_id", body["id"]}, {"output_index", reasoning_item_}, {summary_ ? "summary_index" : "content_index", 0},
                    {"delta", text}},
       out);
}

void responses_stream_translator::refresh_reasoning() {
  if (reasoning_item_ < 0) return;
  auto encrypted = encode_reasoning_carry(reasoning_);
  items_[static_cast<size_t>(reasoning_item_)].body["encrypted_content"] =
      encrypted.empty() ? json::value(nullptr) : json::value(encrypted);
}

void responses_stream_translator::add_text(std::string_view text, std::string& out) {
  if (finished_) return;
  if (reasoning_item_ >= 0) close_item(static_cast<size_t>(reasoning_item_), out);
  if (open_text_ < 0) {
    // Text after tool calls starts a new message item; the tool calls before it are done.
    for (size_t i = 0; i < items_.size(); ++i) close_item(i, out);
    auto index = open_item(json::object{{"id", output_item_id("msg_", id_, items_.size())},
                                        {"type", "message"},
                                        {"status", "in_progress"},
                                        {"role", "assistant"},
                                        {"content", json::array{}}},
                           out);
    open_text_ = static_cast<int>(index);
    items_[index].body["content"].as_array().push_back(text_part(""));
    emit("response.content_part.added",
         json::object{{"item_id", items_[index].body["id"]}, {"output_index", index}, {"content_index", 0},
                      {"part", text_part("")}},
         out);
  }
  if (!hold(text.size(), out)) return;
  auto& body = items_[static_cast<size_t>(open_text_)].body;
  auto& part = body["content"].as_array()[0].as_object();
  part["text"].as_string().append(text);
  emit("response.output_text.delta",
       json::object{{"item_id", body["id"]}, {"output_index", open_text_}, {"content_index", 0}, {"delta", text},
                    {"logprobs", json::array{}}},
       out);
}

// Citations of the text so far (chat's delta.annotations, sent once the cited text is out): added
// to the open text part, each announced with its index. Without open text there is nothing to cite.
void responses_stream_translator::add_annotations(const json::value& chat_annotations, std::string& out) {
  if (finished_ || open_text_ < 0) return;
  auto& body = items_[static_cast<size_t>(open_text_)].body;
  auto& list = body["content"].as_array()[0].as_object()["annotations"].as_array();
  for (auto& a : responses_annotations(chat_annotations)) {
    if (!hold(json::serialize(a).size(), out)) return;
    list.push_back(a);
    emit("response.output_text.annotation.added",
         json::object{{"item_id", body["id"]}, {"output_index", open_text_}, {"content_index", 0},
                      {"annotation_index", list.size() - 1}, {"annotation", std::move(a)}},
         out);
  }
}

void responses_stream_translator::add_tool_call(const json::object& call, std::string& out) {
  if (finished_) return;
  auto tool = static_cast<size_t>(std::max<int64_t>(0, json_int(call, "index")));
  if (tool >= max_tool_calls) {
    fail("the provider streamed more tool calls than this gateway translates", out);
    return;
  }
  if (tool >= item_of_tool_.size()) item_of_tool_.resize(tool + 1, -1);
  const auto* fn = json_object_at(call, "function");
  if (item_of_tool_[tool] < 0) {
    // A call's signature (Gemini) belongs in the reasoning item before it: one is made if the
    // provider sent no reasoning text.
    if (auto signature = google_thought_signature(call); !signature.empty()) {
      if (reasoning_item_ < 0) add_reasoning("", out);
      std::string call_id = json_string(call, "id");
      reasoning_.call_signatures[call_id.empty() ? output_item_id("call_", id_, items_.size()) : call_id] = signature;
      refresh_reasoning();
    }
    if (reasoning_item_ >= 0) close_item(static_cast<size_t>(reasoning_item_), out);
    if (open_text_ >= 0) {
      close_item(static_cast<size_t>(open_text_), out);
      open_text_ = -1;
    }
    std::string call_id = json_string(call, "id");
    if (call_id.empty()) call_id = output_item_id("call_", id_, items_.size());
    auto index = open_item(json::object{{"id", output_item_id("fc_", id_, items_.size())},
                                        {"type", "function_call"},
                                        {"status", "in_progress"},
                                        {"arguments", ""},
                                        {"call_id", std::move(call_id)},
                                        {"name", fn ? json_string(*fn, "name") : std::string()}},
                           out);
    item_of_tool_[tool] = static_cast<int>(index);
  }
  auto index = static_cast<size_t>(item_of_tool_[tool]);
  auto args = fn ? json_string(*fn, "arguments") : std::string();
  if (args.empty() || items_[index].done || !hold(args.size(), out)) return;
  auto& body = items_[index].body;
  body["arguments"].as_string().append(args);
  emit("response.function_call_arguments.delta",
       json::object{{"item_id", body["id"]}, {"output_index", index}, {"delta", std::move(args)}}, out);
}

void responses_stream_translator::close_item(size_t index, std::string& out) {
  auto& it = items_[index];
  if (it.done) return;
  it.done = true;
  auto& body = it.body;
  const auto& item_id = body["id"];
  if (body["type"].as_string() == "reasoning") {
    refresh_reasoning();
    const char* index_name = summary_ ? "summary_index" : "content_index";
    auto& part = body[summary_ ? "summary" : "content"].as_array()[0].as_object();
    emit(summary_ ? "response.reasoning_summary_text.done" : "response.reasoning_text.done",
         json::object{{"item_id", item_id}, {"output_index", index}, {index_name, 0}, {"text", part["text"]}}, out);
    emit(summary_ ? "response.reasoning_summary_part.done" : "response.content_part.done",
         json::object{{"item_id", item_id}, {"output_index", index}, {index_name, 0}, {"part", part}}, out);
  } else if (body["type"].as_string() == "message") {
    auto& part = body["content"].as_array()[0].as_object();
    emit("response.output_text.done",
         json::object{{"item_id", item_id}, {"output_index", index}, {"content_index", 0}, {"text", part["text"]},
                      {"logprobs", json::array{}}},
         out);
    emit("response.content_part.done",
         json::object{{"item_id", item_id}, {"output_index", index}, {"content_index", 0}, {"part", part}}, out);
  } else {
    emit("response.function_call_arguments.done",
         json::object{{"item_id", item_id}, {"output_index", index}, {"name", body["name"]},
                      {"arguments", body["arguments"]}},
         out);
  }
  body["status"] = finish_leaves_incomplete(finish_reason_) ? "incomplete" : "completed";
  emit("response.output_item.done", json::object{{"output_index", index}, {"item", body}}, out);
}

void responses_stream_translator::close_all(std::string& out) {
  for (size_t i = 0; i < items_.size(); ++i) close_item(i, out);
  open_text_ = -1;
}

void responses_stream_translator::end_response(std::string& out) {
  start(out);
  close_all(out);
  json::array output;
  for (auto& it : items_) output.push_back(it.body);
  complete_response(response_, std::move(output), finish_reason_, usage_);
  bool incomplete = finish_leaves_incomplete(finish_reason_);
  emit(incomplete ? "response.incomplete" : "response.completed", json::object{{"response", response_}}, out);
  finished_ = true;
}

void responses_stream_translator::finish(std::string& out) {
  if (finished_) return;
  if (!finish_reason_.empty()) {
    end_response(out);  // the finish arrived; only [DONE] (or the usage chunk) went missing
    return;
  }
  fail("the provider stream ended before the response was complete", out);
}

bool responses_stream_translator::hold(size_t bytes, std::string& out) {
  held_ += bytes;
  if (held_ <= max_held_) return true;
  fail("the response is larger than this gateway translates (" + std::to_string(max_held_ >> 20) + " MiB)", out);
  return false;
}

void responses_stream_translator::fail(std::string_view message, std::string& out) {
  emit("error", json::object{{"code", "upstream_error"}, {"message", message}, {"param", nullptr}}, out);
  failed_ = true;
  finished_ = true;
}

}  // namespace brokle::gateway
