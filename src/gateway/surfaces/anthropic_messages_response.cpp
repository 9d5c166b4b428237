#include "gateway/surfaces/anthropic_messages_response.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/providers/openai_shapes.hpp"
#include "gateway/providers/openai_wire.hpp"
#include "gateway/providers/web_search.hpp"

namespace brokle::gateway {

namespace json = boost::json;

std::string_view stop_reason_of(std::string_view finish_reason, bool stop_sequence_matched) {
  if (finish_reason == "length") return "max_tokens";
  if (finish_reason == "tool_calls" || finish_reason == "function_call") return "tool_use";
  if (finish_reason == "content_filter") return "refusal";
  if (stop_sequence_matched) return "stop_sequence";
  return "end_turn";
}

json::object messages_usage(const token_usage& u) {
  return {{"input_tokens", std::max<int64_t>(0, u.input_tokens - u.cached_input_tokens - u.cache_write_input_tokens)},
          {"output_tokens", u.output_tokens},
          {"cache_creation_input_tokens", u.cache_write_input_tokens},
          {"cache_read_input_tokens", u.cached_input_tokens}};
}

json::object messages_web_citation(const json::object& url_citation, std::string_view cited_text) {
  return {{"type", "web_search_result_location"},
          {"url", json_string(url_citation, "url")},
          {"title", json_string(url_citation, "title")},
          {"cited_text", cited_text},
          {"encrypted_index", ""}};
}

namespace {

// The answer's text as text blocks: the spans the annotations cite (code point offsets) each a
// block with its citations, the text between them blocks without. A span that overlaps the one
// before it cites that block; spans outside the text are left out.
void append_cited_text(const std::string& text, const json::value& annotations, json::array& content) {
  struct span {
    int64_t start, end;
    const json::object* cite;
  };
  std::vector<span> spans;
  const int64_t length = code_points(text);
  if (annotations.is_array())
    for (const auto& a : annotations.as_array()) {
      const auto* o = a.if_object();
      const auto* c = o && json_string(*o, "type") == "url_citation" ? json_object_at(*o, "url_citation") : nullptr;
      if (!c) continue;
      int64_t start = json_int(*c, "start_index"), end = json_int(*c, "end_index");
      if (start >= 0 && start < end && end <= length) spans.push_back({start, end, c});
    }
  std::stable_sort(spans.begin(), spans.end(), [](const span& a, const span& b) { return a.start < b.start; });
  auto slice = [&](int64_t from, int64_t to) {
    size_t b = code_point_bytes(text, from);
    return text.substr(b, code_point_bytes(text, to) - b);
  };
  int64_t at = 0;
  std::optional<size_t> cited;  // content index of the last cited block
  int64_t cited_end = 0;
  for (const auto& sp : spans) {
    if (cited && sp.start < cited_end) {
      content[*cited].as_object()["citations"].as_array().push_back(
          messages_web_citation(*sp.cite, slice(sp.start, std::min(sp.end, cited_end))));
      continue;
    }
    if (sp.start > at) content.push_back(json::object{{"type", "text"}, {"text", slice(at, sp.start)}});
    std::string piece = slice(sp.start, sp.end);
    content.push_back(json::object{{"type", "text"}, {"text", piece}, {"citations", json::array{messages_web_citation(*sp.cite, piece)}}});
    cited = content.size() - 1;
    cited_end = at = sp.end;
  }
  if (at < length) content.push_back(json::object{{"type", "text"}, {"text", slice(at, length)}});
}

}  // namespace

result<json::object> chat_to_message(const json::object& completion, std::string_view id, std::string_view model) {
  const json::object* choice = first_choice(completion);
  const json::object* message = choice ? json_object_at(*choice, "message") : nullptr;
  if (!message) return make_error(errc::invalid_argument, "the completion has no choices[0].message");

  json::array content;
  std::string finish = json_string(*choice, "finish_reason");
  std::string text;
  if (auto it = message->find("content"); it != message->end()) text = content_text(it->value());
  if (text.empty()) {
    // A refusal is the model's answer too; it is the text the client gets.
    text = json_string(*message, "refusal");
    if (!text.empty() && finish == "stop") finish = "content_filter";
  }
  // Reasoning first, as a thinking block, the way the Messages API orders a turn (unsigned: only
  // Anthropic signs thinking, and its models are relayed unchanged, never through this path).
  if (auto reasoning = json_string(*message, "reasoning_content"); !reasoning.empty())
    content.push_back(json::object{{"type", "thinking"}, {"thinking", std::move(reasoning)}, {"signature", ""}});
  if (!text.empty()) append_cited_text(text, message->contains("annotations") ? message->at("annotations") : json::value(), content);
  if (auto it = message->find("tool_calls"); it != message->end() && it->value().is_array()) {
    for (const auto& call : it->value().as_array()) {
      if (!call.is_object()) continue;
      const auto* fn = json_object_at(call.as_object(), "function");
      if (!fn) continue;
      auto input = tool_call_arguments(*fn);
      // A model can emit arguments that are not a JSON object; the block still needs an object.
      content.push_back(json::object{{"type", "tool_use"},
                                     {"id", json_string(call.as_object(), "id")},
                                     {"name", json_string(*fn, "name")},
                                     {"input", input ? json::value(std::move(*input)) : json::value(json::object{})}});
    }
  }
  // vLLM, and our Anthropic translation, name the stop string that ended the text.
  std::string matched = json_string(*choice, "stop_reason");
  token_usage usage;
  if (auto u = usage_of(completion)) usage = *u;
  return json::object{{"id", id},
                      {"type", "message"},
                      {"role", "assistant"},
                      {"model", model},
                      {"content", std::move(content)},
                      {"stop_reason", stop_reason_of(finish, !matched.empty())},
                      {"stop_sequence", matched.empty() ? json::value(nullptr) : json::value(matched)},
                      {"usage", messages_usage(usage)}};
}

std::string_view messages_error_type(unsigned status) {
  switch (status) {
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    case 503:
    case 529: return "overloaded_error";
    default: break;
  }
  return status >= 500 ? "api_error" : "invalid_request_error";
}

std::string messages_error_body(std::string_view type, std::string_view message, std::string_view request_id) {
  json::object body{{"type", "error"}, {"error", json::object{{"type", type}, {"message", message}}}};
  if (!request_id.empty()) body["request_id"] = request_id;
  return json::serialize(body);
}

std::string messages_error_event(std::string_view type, std::string_view message) {
  return "event: error\ndata: " + messages_error_body(type, message) + "\n\n";
}

std::string chat_error_to_messages(std::string_view body, unsigned status, std::string_view request_id) {
  static constexpr std::array<std::string_view, 9> kMessagesTypes = {
      "invalid_request_error", "authentication_error", "billing_error", "permission_error", "not_found_error",
      "request_too_large",     "rate_limit_error",     "api_error",     "overloaded_error"};
  std::string message = "the provider answered " + std::to_string(status);
  std::string_view type = messages_error_type(status);
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (!ec && v.is_object()) {
    if (const auto* e = json_object_at(v.as_object(), "error")) {
      if (auto m = json_string(*e, "message"); !m.empty()) message = std::move(m);
      // The status decides, unless it only says "some 4xx/5xx" and the upstream named a Messages
      // type (an Anthropic provider's overloaded_error or billing_error).
      auto t = json_string(*e, "type");
      if (type == "api_error" || type == "invalid_request_error")
        for (auto known : kMessagesTypes)
          if (t == known) type = known;
    }
  }
  return messages_error_body(type, message, request_id);
}

}  // namespace brokle::gateway
