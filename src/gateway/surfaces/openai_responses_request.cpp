#include "gateway/surfaces/openai_responses_request.hpp"

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>

#include "gateway/providers/web_search.hpp"
#include "gateway/surfaces/openai_responses_reasoning.hpp"

namespace brokle::gateway {

namespace json = boost::json;

namespace {

error bad(const std::string& field, std::string_view problem) {
  return make_error(errc::invalid_argument, field + ": " + std::string(problem));
}

std::string at(std::string_view path, size_t i) { return std::string(path) + "." + std::to_string(i); }

const json::value* member(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() || it->value().is_null() ? nullptr : &it->value();
}

std::string_view string_member(const json::object& o, std::string_view key) {
  const auto* v = member(o, key);
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

result<std::string> required_string(const json::object& o, std::string_view key, const std::string& path) {
  const auto* v = member(o, key);
  if (!v) return bad(path + "." + std::string(key), "required");
  if (!v->is_string()) return bad(path + "." + std::string(key), "must be a string");
  return std::string(v->as_string());
}

error untranslatable(const std::string& field, std::string_view what) {
  return bad(field, std::string(what) + " is not available for this model: its provider has no Responses API, and the "
                                        "gateway translates only what chat completions can express");
}

// One content part of a message item, as a chat-completions content part.
result<json::object> content_part(const json::value& v, const std::string& path) {
  if (!v.is_object()) return bad(path, "must be an object");
  const auto& part = v.as_object();
  auto type = string_member(part, "type");
  if (type == "input_text" || type == "output_text") {
    auto text = required_string(part, "text", path);
    if (!text) return text.err();
    return json::object{{"type", "text"}, {"text", std::move(*text)}};
  }
  if (type == "refusal") {
    auto text = required_string(part, "refusal", path);
    if (!text) return text.err();
    return json::object{{"type", "text"}, {"text", std::move(*text)}};
  }
  if (type == "input_image") {
    if (member(part, "file_id")) return untranslatable(path + ".file_id", "an image by file id");
    auto url = required_string(part, "image_url", path);
    if (!url) return url.err();
    json::object image{{"url", std::move(*url)}};
    if (auto detail = string_member(part, "detail"); !detail.empty()) image["detail"] = detail;
    return json::object{{"type", "image_url"}, {"image_url", std::move(image)}};
  }
  if (type == "input_file") {
    // Inline file data translates (chat's `file` part); an upload or a URL only OpenAI can read.
    if (member(part, "file_id")) return untranslatable(path + ".file_id", "an input_file by file id");
    if (member(part, "file_url")) return untranslatable(path + ".file_url", "an input_file by URL");
    auto data = required_string(part, "file_data", path);
    if (!data) return data.err();
    json::object file{{"file_data", std::move(*data)}};
    if (auto name = string_member(part, "filename"); !name.empty()) file["filename"] = name;
    return json::object{{"type", "file"}, {"file", std::move(file)}};
  }
  if (type.empty()) return bad(path + ".type", "required");
  if (type == "input_audio") return untranslatable(path + ".type", "content type '" + std::string(type) + "'");
  return bad(path + ".type", "unknown content type '" + std::string(type) + "'");
}

// A message item ({"role", "content"}, `type` "message" or absent) as a chat message.
result<json::object> message_item(const json::object& item, const std::string& path) {
  auto role = required_string(item, "role", path);
  if (!role) return role.err();
  if (*role == "developer") *role = "system";
  if (*role != "user" && *role != "assistant" && *role != "system")
    return bad(path + ".role", "must be 'user', 'assistant', 'system' or 'developer'");
  const auto* content = member(item, "content");
  if (!content) return bad(path + ".content", "required");
  if (content->is_string()) return json::object{{"role", *role}, {"content", content->as_string()}};
  if (!content->is_array()) return bad(path + ".content", "must be a string or an array of content parts");
  json::array parts;
  bool only_text = true;
  for (size_t i = 0; i < content->as_array().size(); ++i) {
    auto part = content_part(content->as_array()[i], at(path + ".content", i));
    if (!part) return part.err();
    if (string_member(*part, "type") != "text") only_text = false;
    parts.push_back(std::move(*part));
  }
  if (*role != "user" && !only_text) return bad(path + ".content", "only a user message may hold images");
  if (*role == "user") return json::object{{"role", *role}, {"content", std::move(parts)}};
  // System and assistant turns as one string: every provider translator reads that form.
  std::string text;
  for (const auto& p : parts) {
    if (!text.empty()) text += '\n';
    text += p.as_object().at("text").as_string();
  }
  return json::object{{"role", *role}, {"content", std::move(text)}};
}

// A function_call_output's `output`: a string, or content parts whose text is joined.
result<std::string> tool_output(const json::object& item, const std::string& path) {
  const auto* v = member(item, "output");
  if (!v) return bad(path + ".output", "required");
  if (v->is_string()) return std::string(v->as_string());
  if (!v->is_array()) return bad(path + ".output", "must be a string or an array of content parts");
  std::string text;
  for (size_t i = 0; i < v->as_array().size(); ++i) {
    auto p = at(path + ".output", i);
    const auto& part = v->as_array()[i];
    if (!part.is_object() || string_member(part.as_object(), "type") != "input_text")
      return untranslatable(p, "a tool output part other than input_text");
    auto t = required_string(part.as_object(), "text", p);
    if (!t) return t.err();
    if (!text.empty()) text += '\n';
    text += *t;
  }
  return text;
}

status add_items(const json::array& items, json::array& messages) {
  // A reasoning item this gateway wrote carries what its provider needs back: the thinking goes on
  // the assistant turn that follows it, the signatures on the calls they were given for.
  std::optional<reasoning_carry> pending;
  json::object call_signatures;
  auto assistant_turn_added = [&] {
    if (pending) apply_reasoning_carry(*pending, messages.back().as_object());
    pending.reset();
  };
  for (size_t i = 0; i < items.size(); ++i) {
    auto path = at("input", i);
    if (!items[i].is_object()) return bad(path, "must be an object");
    const auto& item = items[i].as_object();
    auto type = string_member(item, "type");
    if (type.empty() && member(item, "type")) return bad(path + ".type", "must be a string");
    if (type == "message" || (type.empty() && member(item, "role"))) {
      auto m = message_item(item, path);
      if (!m) return m.err();
      bool assistant = string_member(*m, "role") == "assistant";
      messages.push_back(std::move(*m));
      if (assistant) assistant_turn_added();
    } else if (type == "function_call") {
      auto call_id = required_string(item, "call_id", path);
      if (!call_id) return call_id.err();
      auto name = required_string(item, "name", path);
      if (!name) return name.err();
      auto arguments = required_string(item, "arguments", path);
      if (!arguments) return arguments.err();
      json::object call{{"id", std::move(*call_id)},
                        {"type", "function"},
                        {"function", json::object{{"name", std::move(*name)}, {"arguments", std::move(*arguments)}}}};
      sign_tool_call(call_signatures, call);
      // Calls that follow an assistant turn belong to it (one chat turn holds text and calls).
      json::object* last = messages.empty() ? nullptr : &messages.back().as_object();
      if (last && string_member(*last, "role") == "assistant") {
        auto& calls = (*last)["tool_calls"];
        if (!calls.is_array()) calls = json::array{};
        calls.as_array().push_back(std::move(call));
      } else {
        messages.push_back(json::object{{"role", "assistant"}, {"content", nullptr}, {"tool_calls", json::array{std::move(call)}}});
        assistant_turn_added();
      }
    } else if (type == "function_call_output") {
      auto call_id = required_string(item, "call_id", path);
      if (!call_id) return call_id.err();
      auto output = tool_output(item, path);
      if (!output) return output.err();
      messages.push_back(json::object{{"role", "tool"}, {"tool_call_id", std::move(*call_id)}, {"content", std::move(*output)}});
    } else if (type == "reasoning") {
      // Another provider's reasoning cannot be handed on (the turns around it carry on without it).
      if (auto carry = decode_reasoning_carry(string_member(item, "encrypted_content"))) {
        for (const auto& kv : carry->call_signatures) call_signatures[kv.key()] = kv.value();
        pending = std::move(*carry);
      }
    } else if (type.empty()) {
      return bad(path + ".type", "required (or a `role` for a message)");
    } else {
      return untranslatable(path + ".type", "input item type '" + std::string(type) + "'");
    }
  }
  return {};
}

// The web search tool (web_search, web_search_preview and their dated names) as chat's
// web_search_options: its search_context_size, and its user_location (flat here, nested under
// `approximate` in chat). Domain filters have no chat equivalent.
result<json::object> web_search_options(const json::object& tool, const std::string& path) {
  if (member(tool, "filters")) return untranslatable(path + ".filters", "web search domain filters");
  json::object options;
  if (const auto* size = member(tool, "search_context_size")) {
    auto v = size->is_string() ? std::string_view(size->as_string()) : std::string_view();
    if (v != "low" && v != "medium" && v != "high") return bad(path + ".search_context_size", "must be 'low', 'medium' or 'high'");
    options["search_context_size"] = *size;
  }
  if (const auto* loc = member(tool, "user_location")) {
    if (!loc->is_object()) return bad(path + ".user_location", "must be an object");
    options["user_location"] = chat_user_location(loc->as_object());
  }
  return options;
}

bool is_web_search_tool(std::string_view type) {
  return type == "web_search" || type == "web_search_preview" || type.starts_with("web_search_2") ||
         type.starts_with("web_search_preview_2");
}

// Function tools as chat tools; a web search tool as chat's web_search_options (into `search`).
result<json::array> function_tools(const json::value& v, json::object& search) {
  if (!v.is_array()) return bad("tools", "must be an array");
  json::array out;
  for (size_t i = 0; i < v.as_array().size(); ++i) {
    auto path = at("tools", i);
    if (!v.as_array()[i].is_object()) return bad(path, "must be an object");
    const auto& tool = v.as_array()[i].as_object();
    auto type = string_member(tool, "type");
    if (is_web_search_tool(type)) {
      if (!search.empty()) return bad(path, "only one web search tool can be given");
      auto options = web_search_options(tool, path);
      if (!options) return options.err();
      search = json::object{{"options", std::move(*options)}};
      continue;
    }
    if (type != "function") return untranslatable(path + ".type", "tool type '" + std::string(type) + "'");
    auto name = required_string(tool, "name", path);
    if (!name) return name.err();
    json::object fn{{"name", std::move(*name)}};
    if (const auto* d = member(tool, "description")) fn["description"] = *d;
    if (const auto* p = member(tool, "parameters")) fn["parameters"] = *p;
    if (const auto* s = member(tool, "strict")) fn["strict"] = *s;
    out.push_back(json::object{{"type", "function"}, {"function", std::move(fn)}});
  }
  return out;
}

result<json::value> tool_choice(const json::value& v) {
  if (v.is_string()) {
    auto s = std::string_view(v.as_string());
    if (s == "auto" || s == "none" || s == "required") return json::value(s);
    return bad("tool_choice", "must be 'auto', 'none', 'required' or a function");
  }
  if (v.is_object() && string_member(v.as_object(), "type") == "function") {
    auto name = required_string(v.as_object(), "name", "tool_choice");
    if (!name) return name.err();
    return json::value(json::object{{"type", "function"}, {"function", json::object{{"name", std::move(*name)}}}});
  }
  if (v.is_object()) return untranslatable("tool_choice.type", "a tool choice other than a function");
  return bad("tool_choice", "must be a string or an object");
}

// text.format as chat's response_format; nothing for plain text.
result<json::value> response_format(const json::object& text) {
  const auto* f = member(text, "format");
  if (!f) return json::value(nullptr);
  if (!f->is_object()) return bad("text.format", "must be an object");
  const auto& format = f->as_object();
  auto type = string_member(format, "type");
  if (type == "text") return json::value(nullptr);
  if (type == "json_object") return json::value(json::object{{"type", "json_object"}});
  if (type == "json_schema") {
    auto name = required_string(format, "name", "text.format");
    if (!name) return name.err();
    const auto* schema = member(format, "schema");
    if (!schema || !schema->is_object()) return bad("text.format.schema", "must be an object");
    json::object js{{"name", std::move(*name)}, {"schema", *schema}};
    if (const auto* d = member(format, "description")) js["description"] = *d;
    if (const auto* s = member(format, "strict")) js["strict"] = *s;
    return json::value(json::object{{"type", "json_schema"}, {"json_schema", std::move(js)}});
  }
  return bad("text.format.type", "must be 'text', 'json_object' or 'json_schema'");
}

status copy_number(const json::object& in, std::string_view from, json::object& out, std::string_view to) {
  const auto* v = member(in, from);
  if (!v) return {};
  if (!v->is_number()) return bad(std::string(from), "must be a number");
  out[to] = *v;
  return {};
}

}  // namespace

result<json::object> responses_to_chat(const json::object& request, const responses_request_options& options) {
  for (std::string_view stateful : {"previous_response_id", "conversation", "prompt"})
    if (member(request, stateful)) return untranslatable(std::string(stateful), "a stored conversation or prompt");
  if (const auto* b = member(request, "background"); b && b->is_bool() && b->as_bool())
    return untranslatable("background", "a background response");

  json::object out;
  out["model"] = request.at("model");
  json::array messages;
  if (const auto* instructions = member(request, "instructions"))
    messages.push_back(json::object{{"role", "system"}, {"content", *instructions}});
  if (const auto* input = member(request, "input")) {
    if (input->is_string()) {
      messages.push_back(json::object{{"role", "user"}, {"content", input->as_string()}});
    } else if (auto st = add_items(input->as_array(), messages); !st) {
      return st.err();
    }
  }
  bool has_turn = false;
  for (const auto& m : messages)
    if (string_member(m.as_object(), "role") != "system") has_turn = true;
  if (!has_turn) return bad("input", "needs at least one message or item");
  out["messages"] = std::move(messages);

  if (const auto* tools = member(request, "tools")) {
    json::object search;
    auto t = function_tools(*tools, search);
    if (!t) return t.err();
    if (!t->empty()) out["tools"] = std::move(*t);
    if (!search.empty()) out["web_search_options"] = std::move(search["options"]);
  }
  if (const auto* choice = member(request, "tool_choice")) {
    auto c = tool_choice(*choice);
    if (!c) return c.err();
    out["tool_choice"] = std::move(*c);
  }
  if (const auto* p = member(request, "parallel_tool_calls")) {
    if (!p->is_bool()) return bad("parallel_tool_calls", "must be a boolean");
    out["parallel_tool_calls"] = *p;
  }
  if (const auto* m = member(request, "max_output_tokens")) {
    if (!m->is_int64() && !m->is_uint64()) return bad("max_output_tokens", "must be an integer");
    out[options.use_max_completion_tokens ? "max_completion_tokens" : "max_tokens"] = *m;
  }
  if (auto st = copy_number(request, "temperature", out, "temperature"); !st) return st.err();
  if (auto st = copy_number(request, "top_p", out, "top_p"); !st) return st.err();
  if (const auto* text = member(request, "text")) {
    if (!text->is_object()) return bad("text", "must be an object");
    auto f = response_format(text->as_object());
    if (!f) return f.err();
    if (!f->is_null()) out["response_format"] = std::move(*f);
  }
  if (const auto* r = member(request, "reasoning")) {
    if (!r->is_object()) return bad("reasoning", "must be an object");
    if (auto effort = string_member(r->as_object(), "effort"); !effort.empty()) out["reasoning_effort"] = effort;
  }
  if (const auto* u = member(request, "user")) {
    if (!u->is_string()) return bad("user", "must be a string");
    out["user"] = *u;
  }
  if (const auto* s = member(request, "stream"); s && s->as_bool()) {
    out["stream"] = true;
    out["stream_options"] = json::object{{"include_usage", true}};  // the terminal event carries usage
  }
  return out;
}

}  // namespace brokle::gateway
