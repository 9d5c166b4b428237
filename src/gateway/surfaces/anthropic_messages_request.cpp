#include "gateway/surfaces/anthropic_messages_request.hpp"

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/providers/reasoning.hpp"
#include "gateway/providers/web_search.hpp"

namespace brokle::gateway {

namespace json = boost::json;

namespace {

// Errors name the field the way the Messages API does ("messages.0.content: ..."), so a client
// sees the same kind of message whichever gateway answers.
error bad(const std::string& field, std::string_view problem) {
  return make_error(errc::invalid_argument, field + ": " + std::string(problem));
}

std::string item(std::string_view path, size_t i) { return std::string(path) + "." + std::to_string(i); }

const json::value* member(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() || it->value().is_null() ? nullptr : &it->value();
}

std::string_view type_of(const json::object& o) {
  const auto* t = member(o, "type");
  return t && t->is_string() ? std::string_view(t->as_string()) : std::string_view();
}

result<std::string> required_text(const json::object& o, std::string_view key, const std::string& path) {
  const auto* v = member(o, key);
  if (!v) return bad(path + "." + std::string(key), "Field required");
  if (!v->is_string()) return bad(path + "." + std::string(key), "Input should be a valid string");
  return std::string(v->as_string());
}

error unsupported_block(const std::string& path, std::string_view type) {
  return bad(path + ".type", "content block type '" + std::string(type) + "' is not supported by this gateway");
}

// A string, or text blocks joined by newlines (the system prompt, a tool result's content).
result<std::string> text_of(const json::value& v, const std::string& path) {
  if (v.is_string()) return std::string(v.as_string());
  if (!v.is_array()) return bad(path, "Input should be a valid string or a list of content blocks");
  std::string out;
  for (size_t i = 0; i < v.as_array().size(); ++i) {
    const auto& b = v.as_array()[i];
    auto p = item(path, i);
    if (!b.is_object()) return bad(p, "Input should be an object");
    if (type_of(b.as_object()) != "text") return unsupported_block(p, type_of(b.as_object()));
    auto text = required_text(b.as_object(), "text", p);
    if (!text) return text.err();
    if (!out.empty()) out += '\n';
    out += *text;
  }
  return out;
}

result<json::object> image_part(const json::object& block, const std::string& path) {
  const auto* src = member(block, "source");
  if (!src || !src->is_object()) return bad(path + ".source", "Field required");
  const auto& s = src->as_object();
  std::string url;
  if (type_of(s) == "base64") {
    auto media = required_text(s, "media_type", path + ".source");
    if (!media) return media.err();
    auto data = required_text(s, "data", path + ".source");
    if (!data) return data.err();
    url = "data:" + *media + ";base64," + *data;
  } else if (type_of(s) == "url") {
    auto u = required_text(s, "url", path + ".source");
    if (!u) return u.err();
    url = std::move(*u);
  } else {
    return bad(path + ".source.type", "Input should be 'base64' or 'url'");
  }
  return json::object{{"type", "image_url"}, {"image_url", json::object{{"url", std::move(url)}}}};
}

// A user turn: its tool_result blocks become OpenAI tool messages, which must directly follow the
// assistant's tool calls, so they go first (the Messages API also wants them first in the turn);
// text and images become one user message after them.
status add_user_turn(const json::value& content, const std::string& path, json::array& out) {
  if (content.is_string()) {
    out.push_back(json::object{{"role", "user"}, {"content", content.as_string()}});
    return {};
  }
  if (!content.is_array()) return bad(path, "Input should be a valid string or a list of content blocks");
  json::array parts;
  for (size_t i = 0; i < content.as_array().size(); ++i) {
    const auto& b = content.as_array()[i];
    auto p = item(path, i);
    if (!b.is_object()) return bad(p, "Input should be an object");
    const auto& block = b.as_object();
    auto type = type_of(block);
    if (type == "text") {
      auto text = required_text(block, "text", p);
      if (!text) return text.err();
      parts.push_back(json::object{{"type", "text"}, {"text", std::move(*text)}});
    } else if (type == "image") {
      auto image = image_part(block, p);
      if (!image) return image.err();
      parts.push_back(std::move(*image));
    } else if (type == "tool_result") {
      auto id = required_text(block, "tool_use_id", p);
      if (!id) return id.err();
      std::string text;
      if (const auto* c = member(block, "content")) {
        auto t = text_of(*c, p + ".content");
        if (!t) return t.err();
        text = std::move(*t);
      }
      out.push_back(json::object{{"role", "tool"}, {"tool_call_id", std::move(*id)}, {"content", std::move(text)}});
    } else if (type.empty()) {
      return bad(p + ".type", "Field required");
    } else {
      return unsupported_block(p, type);
    }
  }
  if (parts.size() == 1 && parts[0].as_object().at("type").as_string() == "text") {
    // A plain string reaches servers that accept no content parts (many OpenAI-compatible ones).
    out.push_back(json::object{{"role", "user"}, {"content", parts[0].at("text")}});
  } else if (!parts.empty()) {
    out.push_back(json::object{{"role", "user"}, {"content", std::move(parts)}});
  }
  return {};
}

status add_assistant_turn(const json::value& content, const std::string& path, json::array& out) {
  if (content.is_string()) {
    out.push_back(json::object{{"role", "assistant"}, {"content", content.as_string()}});
    return {};
  }
  if (!content.is_array()) return bad(path, "Input should be a valid string or a list of content blocks");
  std::string text;
  json::array calls;
  for (size_t i = 0; i < content.as_array().size(); ++i) {
    const auto& b = content.as_array()[i];
    auto p = item(path, i);
    if (!b.is_object()) return bad(p, "Input should be an object");
    const auto& block = b.as_object();
    auto type = type_of(block);
    if (type == "text") {
      auto t = required_text(block, "text", p);
      if (!t) return t.err();
      text += *t;
    } else if (type == "tool_use") {
      auto id = required_text(block, "id", p);
      if (!id) return id.err();
      auto name = required_text(block, "name", p);
      if (!name) return name.err();
      const auto* input = member(block, "input");
      if (input && !input->is_object()) return bad(p + ".input", "Input should be an object");
      calls.push_back(json::object{
          {"id", std::move(*id)},
          {"type", "function"},
          {"function", json::object{{"name", std::move(*name)},
                                    {"arguments", input ? json::serialize(*input) : std::string("{}")}}}});
    } else if (type == "thinking" || type == "redacted_thinking") {
      // Earlier reasoning only means something to the model that wrote it; other models skip it.
    } else if (type.empty()) {
      return bad(p + ".type", "Field required");
    } else {
      return unsupported_block(p, type);
    }
  }
  json::object msg{{"role", "assistant"},
                   {"content", text.empty() && !calls.empty() ? json::value(nullptr) : json::value(text)}};
  if (!calls.empty()) msg["tool_calls"] = std::move(calls);
  out.push_back(std::move(msg));
  return {};
}

// Anthropic's web search server tool (web_search_<date>) as chat's web_search_options: its
// user_location as the approximate one. Domain filters have no chat equivalent; max_uses is a
// ceiling the translated providers, which search once per answer, stay under.
result<json::object> web_search_options_of(const json::object& t, const std::string& p) {
  if (const auto* name = member(t, "name"); !name || !name->is_string() || name->as_string() != "web_search")
    return bad(p + ".name", "Input should be 'web_search'");
  for (const char* filter : {"allowed_domains", "blocked_domains"})
    if (member(t, filter)) return bad(p + "." + filter, "domain filters are not available for this model (its provider is reached through chat completions)");
  if (const auto* uses = member(t, "max_uses"); uses && (!uses->is_int64() || uses->as_int64() < 1))
    return bad(p + ".max_uses", "Input should be greater than 0");
  json::object options;
  if (const auto* loc = member(t, "user_location")) {
    if (!loc->is_object()) return bad(p + ".user_location", "Input should be an object");
    options["user_location"] = chat_user_location(loc->as_object());
  }
  return options;
}

// Custom tools as chat function tools; the web search tool as web_search_options (into `search`).
result<json::array> tools_of(const json::value& v, std::optional<json::object>& search) {
  if (!v.is_array()) return bad("tools", "Input should be a valid list");
  json::array tools;
  for (size_t i = 0; i < v.as_array().size(); ++i) {
    auto p = item("tools", i);
    if (!v.as_array()[i].is_object()) return bad(p, "Input should be an object");
    const auto& t = v.as_array()[i].as_object();
    if (auto type = type_of(t); type.starts_with("web_search_")) {
      if (search) return bad(p, "only one web search tool can be given");
      auto options = web_search_options_of(t, p);
      if (!options) return options.err();
      search = std::move(*options);
      continue;
    }
    if (auto type = type_of(t); !type.empty() && type != "custom")
      return bad(p + ".type", "tool type '" + std::string(type) + "' is not supported by this gateway");
    auto name = required_text(t, "name", p);
    if (!name) return name.err();
    const auto* schema = member(t, "input_schema");
    if (!schema) return bad(p + ".input_schema", "Field required");
    if (!schema->is_object()) return bad(p + ".input_schema", "Input should be an object");
    json::object fn{{"name", std::move(*name)}};
    if (const auto* d = member(t, "description")) {
      if (!d->is_string()) return bad(p + ".description", "Input should be a valid string");
      fn["description"] = *d;
    }
    fn["parameters"] = *schema;
    tools.push_back(json::object{{"type", "function"}, {"function", std::move(fn)}});
  }
  return tools;
}

// Sets tool_choice (and parallel_tool_calls) on the chat body; only called when tools are declared,
// since OpenAI refuses both without tools.
status apply_tool_choice(const json::value& v, json::object& out) {
  if (!v.is_object()) return bad("tool_choice", "Input should be an object");
  const auto& tc = v.as_object();
  auto type = type_of(tc);
  if (type == "auto") {
    out["tool_choice"] = "auto";
  } else if (type == "any") {
    out["tool_choice"] = "required";
  } else if (type == "none") {
    out["tool_choice"] = "none";
  } else if (type == "tool") {
    auto name = required_text(tc, "name", "tool_choice");
    if (!name) return name.err();
    out["tool_choice"] = json::object{{"type", "function"}, {"function", json::object{{"name", std::move(*name)}}}};
  } else {
    return bad("tool_choice.type", "Input should be 'auto', 'any', 'tool' or 'none'");
  }
  if (const auto* dp = member(tc, "disable_parallel_tool_use")) {
    if (!dp->is_bool()) return bad("tool_choice.disable_parallel_tool_use", "Input should be a valid boolean");
    if (dp->as_bool() && type != "none") out["parallel_tool_calls"] = false;
  }
  return {};
}

}  // namespace

status check_messages_request(const json::object& in, messages_check kind) {
  const auto* model = member(in, "model");
  if (!model) return bad("model", "Field required");
  if (!model->is_string()) return bad("model", "Input should be a valid string");

  const auto* max_tokens = member(in, "max_tokens");
  if (!max_tokens && kind == messages_check::message) return bad("max_tokens", "Field required");
  if (max_tokens && !(max_tokens->is_int64() || max_tokens->is_uint64()))
    return bad("max_tokens", "Input should be a valid integer");
  if (max_tokens && max_tokens->is_int64() && max_tokens->as_int64() < 1)
    return bad("max_tokens", "Input should be greater than or equal to 1");

  const auto* turns = member(in, "messages");
  if (!turns) return bad("messages", "Field required");
  if (!turns->is_array()) return bad("messages", "Input should be a valid list");
  if (turns->as_array().empty()) return bad("messages", "at least one message is required");
  for (size_t i = 0; i < turns->as_array().size(); ++i) {
    auto p = item("messages", i);
    const auto& t = turns->as_array()[i];
    if (!t.is_object()) return bad(p, "Input should be an object");
    auto role = required_text(t.as_object(), "role", p);
    if (!role) return role.err();
    if (*role != "user" && *role != "assistant") return bad(p + ".role", "Input should be 'user' or 'assistant'");
    const auto* content = member(t.as_object(), "content");
    if (!content) return bad(p + ".content", "Field required");
    if (content->is_string()) continue;
    if (!content->is_array()) return bad(p + ".content", "Input should be a valid string or a list of content blocks");
    for (size_t j = 0; j < content->as_array().size(); ++j) {
      const auto& b = content->as_array()[j];
      if (!b.is_object() || type_of(b.as_object()).empty())
        return bad(item(p + ".content", j), "Input should be a content block with a 'type'");
    }
  }
  if (const auto* system = member(in, "system"); system && !system->is_string() && !system->is_array())
    return bad("system", "Input should be a valid string or a list of content blocks");

  for (const char* key : {"temperature", "top_p"})
    if (const auto* v = member(in, key); v && !v->is_number()) return bad(key, "Input should be a valid number");
  if (const auto* v = member(in, "top_k"); v && !(v->is_int64() || v->is_uint64()))
    return bad("top_k", "Input should be a valid integer");
  if (const auto* v = member(in, "stop_sequences")) {
    if (!v->is_array()) return bad("stop_sequences", "Input should be a valid list");
    for (size_t i = 0; i < v->as_array().size(); ++i)
      if (!v->as_array()[i].is_string()) return bad(item("stop_sequences", i), "Input should be a valid string");
  }
  if (const auto* v = member(in, "metadata")) {
    if (!v->is_object()) return bad("metadata", "Input should be an object");
    if (const auto* user = member(v->as_object(), "user_id"); user && !user->is_string())
      return bad("metadata.user_id", "Input should be a valid string");
  }
  if (const auto* v = member(in, "tools"); v && !v->is_array()) return bad("tools", "Input should be a valid list");
  if (const auto* v = member(in, "stream"); v && !v->is_bool()) return bad("stream", "Input should be a valid boolean");
  if (const auto* v = member(in, "thinking")) {
    if (!v->is_object()) return bad("thinking", "Input should be an object");
    auto type = type_of(v->as_object());
    if (type == "enabled") {
      const auto* budget = member(v->as_object(), "budget_tokens");
      if (!budget) return bad("thinking.enabled.budget_tokens", "Field required");
      if (!budget->is_int64()) return bad("thinking.enabled.budget_tokens", "Input should be a valid integer");
      if (budget->as_int64() < 1024) return bad("thinking.enabled.budget_tokens", "Input should be greater than or equal to 1024");
      // budget_tokens >= max_tokens is Anthropic's to judge (its interleaved-thinking beta allows it).
    } else if (type.empty()) {
      return bad("thinking.type", "Field required");
    }
    // Other types are the Messages API's to judge when the request goes to Anthropic unchanged.
  }
  return {};
}

result<json::object> messages_to_chat(const json::object& in, const messages_request_options& options) {
  if (auto checked = check_messages_request(in); !checked) return checked.err();
  json::object out;
  out["model"] = in.at("model");

  json::array messages;
  if (const auto* system = member(in, "system")) {
    auto text = text_of(*system, "system");
    if (!text) return text.err();
    if (!text->empty()) messages.push_back(json::object{{"role", "system"}, {"content", std::move(*text)}});
  }
  const auto& turns = in.at("messages").as_array();
  for (size_t i = 0; i < turns.size(); ++i) {
    auto p = item("messages", i);
    const auto& turn = turns[i].as_object();
    const auto& content = turn.at("content");
    status s = turn.at("role").as_string() == "user" ? add_user_turn(content, p + ".content", messages)
                                                     : add_assistant_turn(content, p + ".content", messages);
    if (!s) return s.err();
  }
  out["messages"] = std::move(messages);
  out[options.use_max_completion_tokens ? "max_completion_tokens" : "max_tokens"] = in.at("max_tokens");

  for (const char* key : {"temperature", "top_p"})
    if (const auto* v = member(in, key)) out[key] = *v;
  // top_k has no chat-completions counterpart: checked, then dropped.
  if (const auto* v = member(in, "stop_sequences"); v && !v->as_array().empty()) out["stop"] = *v;
  if (const auto* v = member(in, "metadata"))
    if (const auto* user = member(v->as_object(), "user_id")) out["user"] = *user;
  if (const auto* v = member(in, "tools")) {
    std::optional<json::object> search;
    auto tools = tools_of(*v, search);
    if (!tools) return tools.err();
    if (!tools->empty()) out["tools"] = std::move(*tools);
    if (search) out["web_search_options"] = std::move(*search);
  }
  if (const auto* v = member(in, "tool_choice")) {
    json::object choice;
    if (auto s = apply_tool_choice(*v, choice); !s) return s.err();
    if (out.contains("tools"))
      for (auto& kv : choice) out[kv.key()] = std::move(kv.value());
  }
  // Extended thinking becomes the chat request's reasoning_effort (the nearest effort to its
  // budget); the provider's reasoning comes back as thinking blocks.
  if (const auto* v = member(in, "thinking")) {
    auto type = type_of(v->as_object());
    if (type == "enabled") {
      int64_t budget = v->as_object().at("budget_tokens").as_int64();
      // Other providers count reasoning inside the token limit, as the Messages API does.
      if (const auto* m = member(in, "max_tokens"); m->is_int64() && budget >= m->as_int64())
        return bad("max_tokens", "`max_tokens` must be greater than `thinking.budget_tokens`");
      out["reasoning_effort"] = reasoning_effort_name(effort_for_budget(budget));
    }
    else if (type != "disabled")
      return bad("thinking.type", "'" + std::string(type) + "' thinking is not supported by this gateway for non-Anthropic models");
  }
  if (const auto* v = member(in, "stream"); v && v->as_bool()) {
    out["stream"] = true;
    out["stream_options"] = json::object{{"include_usage", true}};
  }
  return out;
}

}  // namespace brokle::gateway
