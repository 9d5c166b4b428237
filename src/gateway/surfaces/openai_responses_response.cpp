#include "gateway/surfaces/openai_responses_response.hpp"

#include "gateway/providers/openai_shapes.hpp"
#include "gateway/providers/openai_wire.hpp"
#include "gateway/surfaces/openai_responses_reasoning.hpp"

namespace brokle::gateway {

namespace json = boost::json;

namespace {

json::value echoed(const json::object& request, std::string_view key, json::value fallback) {
  auto it = request.find(key);
  return it == request.end() || it->value().is_null() ? std::move(fallback) : it->value();
}

}  // namespace

json::object response_skeleton(const json::object& request, std::string_view id, std::string_view model,
                               int64_t created_at) {
  json::value effort = nullptr, summary = nullptr;
  if (auto it = request.find("reasoning"); it != request.end() && it->value().is_object()) {
    effort = echoed(it->value().as_object(), "effort", nullptr);
    summary = echoed(it->value().as_object(), "summary", nullptr);
  }
  return json::object{
      {"id", id},
      {"object", "response"},
      {"created_at", created_at},
      {"status", "in_progress"},
      {"background", false},
      {"error", nullptr},
      {"incomplete_details", nullptr},
      {"instructions", echoed(request, "instructions", nullptr)},
      {"max_output_tokens", echoed(request, "max_output_tokens", nullptr)},
      {"model", model},
      {"output", json::array{}},
      {"parallel_tool_calls", echoed(request, "parallel_tool_calls", true)},
      {"previous_response_id", nullptr},
      {"reasoning", json::object{{"effort", std::move(effort)}, {"summary", std::move(summary)}}},
      {"store", false},
      {"temperature", echoed(request, "temperature", 1.0)},
      {"text", echoed(request, "text", json::object{{"format", json::object{{"type", "text"}}}})},
      {"tool_choice", echoed(request, "tool_choice", "auto")},
      {"tools", echoed(request, "tools", json::array{})},
      {"top_p", echoed(request, "top_p", 1.0)},
      {"truncation", "disabled"},
      {"usage", nullptr},
      {"user", echoed(request, "user", nullptr)},
      {"metadata", echoed(request, "metadata", json::object{})},
  };
}

std::string output_item_id(std::string_view prefix, std::string_view response_id, size_t index) {
  if (response_id.starts_with("resp_")) response_id.remove_prefix(5);
  std::string id(prefix);
  id += response_id;
  id += '_';
  id += std::to_string(index);
  return id;
}

bool finish_leaves_incomplete(std::string_view finish_reason) {
  return finish_reason == "length" || finish_reason == "content_filter";
}

json::object responses_usage_object(const token_usage& u) {
  return json::object{{"input_tokens", u.input_tokens},
                      {"input_tokens_details", json::object{{"cached_tokens", u.cached_input_tokens}}},
                      {"output_tokens", u.output_tokens},
                      {"output_tokens_details", json::object{{"reasoning_tokens", u.reasoning_tokens}}},
                      {"total_tokens", u.input_tokens + u.output_tokens}};
}

void complete_response(json::object& response, json::array output, std::string_view finish_reason,
                       const token_usage& usage) {
  bool incomplete = finish_leaves_incomplete(finish_reason);
  response["status"] = incomplete ? "incomplete" : "completed";
  if (incomplete)
    response["incomplete_details"] =
        json::object{{"reason", finish_reason == "length" ? "max_output_tokens" : "content_filter"}};
  response["output"] = std::move(output);
  response["usage"] = responses_usage_object(usage);
}

json::array responses_annotations(const json::value& chat) {
  json::array out;
  if (!chat.is_array()) return out;
  for (const auto& a : chat.as_array()) {
    const auto* o = a.if_object();
    const auto* c = o && json_string(*o, "type") == "url_citation" ? json_object_at(*o, "url_citation") : nullptr;
    if (!c) continue;
    out.push_back(json::object{{"type", "url_citation"},
                               {"start_index", json_int(*c, "start_index")},
                               {"end_index", json_int(*c, "end_index")},
                               {"url", json_string(*c, "url")},
                               {"title", json_string(*c, "title")}});
  }
  return out;
}

result<json::object> chat_to_response(const json::object& completion, json::object response) {
  const json::object* choice = first_choice(completion);
  const json::object* message = choice ? json_object_at(*choice, "message") : nullptr;
  std::string finish_reason = choice ? json_string(*choice, "finish_reason") : std::string();
  if (!message) return make_error(errc::invalid_argument, "the completion has no choices[0].message");
  std::string id = json_string(response, "id");
  std::string item_status = finish_leaves_incomplete(finish_reason) ? "incomplete" : "completed";
  json::array output;
  reasoning_carry reasoning;
  read_chat_reasoning(*message, reasoning);
  if (!reasoning.empty())
    output.push_back(reasoning_item(output_item_id("rs_", id, output.size()), reasoning, item_status,
                                    wants_reasoning_summary(response)));
  json::array content;
  if (auto text = content_text(message->contains("content") ? message->at("content") : json::value()); !text.empty())
    content.push_back(json::object{{"type", "output_text"},
                                   {"text", std::move(text)},
                                   {"annotations", responses_annotations(message->contains("annotations") ? message->at("annotations") : json::value())},
                                   {"logprobs", json::array{}}});
  if (auto refusal = json_string(*message, "refusal"); !refusal.empty())
    content.push_back(json::object{{"type", "refusal"}, {"refusal", std::move(refusal)}});
  if (!content.empty())
    output.push_back(json::object{{"type", "message"},
                                  {"id", output_item_id("msg_", id, output.size())},
                                  {"status", item_status},
                                  {"role", "assistant"},
                                  {"content", std::move(content)}});
  if (auto it = message->find("tool_calls"); it != message->end() && it->value().is_array()) {
    for (const auto& c : it->value().as_array()) {
      if (!c.is_object()) continue;
      const auto* fn = json_object_at(c.as_object(), "function");
      std::string call_id = json_string(c.as_object(), "id");
      if (call_id.empty()) call_id = output_item_id("call_", id, output.size());
      output.push_back(json::object{{"type", "function_call"},
                                    {"id", output_item_id("fc_", id, output.size())},
                                    {"call_id", std::move(call_id)},
                                    {"name", fn ? json_string(*fn, "name") : std::string()},
                                    {"arguments", fn ? json_string(*fn, "arguments") : std::string()},
                                    {"status", "completed"}});
    }
  }
  complete_response(response, std::move(output), finish_reason, usage_of(completion).value_or(token_usage{}));
  return response;
}

}  // namespace brokle::gateway
