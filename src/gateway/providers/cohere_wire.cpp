#include "gateway/providers/cohere_wire.hpp"

#include <chrono>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/providers/reasoning.hpp"
#include "gateway/providers/translated_chat.hpp"

namespace brokle::gateway {

namespace json = boost::json;

namespace {

const char* finish_reason_of(std::string_view r) {
  if (r == "MAX_TOKENS") return "length";
  if (r == "TOOL_CALL") return "tool_calls";
  return "stop";  // COMPLETE, STOP_SEQUENCE, ERROR
}

void read_usage(const json::object& u, token_usage& out) {
  const json::object* t = json_object_at(u, "tokens");
  if (!t) t = json_object_at(u, "billed_units");
  if (!t) return;
  out.input_tokens = json_int(*t, "input_tokens");
  out.output_tokens = json_int(*t, "output_tokens");
  if (auto cached = u.find("cached_tokens"); cached != u.end()) out.cached_input_tokens = json_int(u, "cached_tokens");
}

// POST <base>/v2<path>; a base URL that already ends in /v2 is used as it is.
net::upstream_request v2_request(const provider_config& p, std::string_view path, const json::object& body,
                                 bool stream) {
  net::upstream_request req;
  req.method = net::http_method::post;
  const std::string& base = p.base_url;
  req.url = base + (base.size() >= 3 && base.compare(base.size() - 3, 3, "/v2") == 0 ? "" : "/v2");
  req.url += path;
  req.headers.set("Authorization", "Bearer " + p.api_key);
  req.headers.set("Content-Type", "application/json");
  req.headers.set("Accept", stream ? "text/event-stream" : "application/json");
  req.body = json::serialize(body);
  return req;
}

}  // namespace

result<net::upstream_request> build_cohere_request(const provider_config& p, const json::object& in,
                                                   const std::string& upstream_model) {
  if (auto checked = check_translatable_chat(in); !checked) return checked.err();
  json::object out;
  out["model"] = upstream_model;
  json::array messages;
  for (const auto& m : in.at("messages").as_array()) {
    const auto& mo = m.as_object();
    std::string role(mo.at("role").as_string());
    if (role == "developer") role = "system";
    if (role != "system" && role != "user" && role != "assistant" && role != "tool")
      return make_error(errc::invalid_argument, "message role '" + role + "' is not supported for Cohere models");
    json::object msg{{"role", role}};
    if (auto c = mo.find("content"); c != mo.end() && !c->value().is_null()) {
      if (c->value().is_array()) {
        json::array parts;
        for (const auto& part : c->value().as_array()) {
          if (!part.is_object() || !part.as_object().contains("type") || part.at("type") != "text")
            return make_error(errc::invalid_argument, "Cohere models take text content only");
          parts.push_back(json::object{{"type", "text"}, {"text", part.at("text")}});
        }
        msg["content"] = std::move(parts);
      } else {
        msg["content"] = c->value();
      }
    }
    if (auto tc = mo.find("tool_calls"); tc != mo.end() && tc->value().is_array()) msg["tool_calls"] = tc->value();
    if (role == "tool") {
      if (!mo.contains("tool_call_id")) return make_error(errc::invalid_argument, "tool messages need tool_call_id");
      msg["tool_call_id"] = mo.at("tool_call_id");
    }
    messages.push_back(std::move(msg));
  }
  out["messages"] = std::move(messages);
  for (const char* key : {"max_tokens", "temperature", "seed", "frequency_penalty", "presence_penalty"})
    if (auto it = in.find(key); it != in.end() && it->value().is_number()) out[key] = it->value();
  if (auto it = in.find("max_completion_tokens"); it != in.end() && it->value().is_number()) out["max_tokens"] = it->value();
  if (auto it = in.find("top_p"); it != in.end() && it->value().is_number()) out["p"] = it->value();
  if (auto it = in.find("stop"); it != in.end()) {
    if (it->value().is_string()) out["stop_sequences"] = json::array{it->value()};
    else if (it->value().is_array()) out["stop_sequences"] = it->value();
  }
  if (auto it = in.find("tools"); it != in.end() && it->value().is_array()) {
    out["tools"] = it->value();
    // Cohere's tool_choice is REQUIRED or NONE; a named function is REQUIRED with only that tool.
    if (auto tc = in.find("tool_choice"); tc != in.end() && !tc->value().is_null()) {
      const auto& v = tc->value();
      const auto* fn = v.is_object() ? json_object_at(v.as_object(), "function") : nullptr;
      if (v.is_string() && v.as_string() == "required") {
        out["tool_choice"] = "REQUIRED";
      } else if (v.is_string() && v.as_string() == "none") {
        out["tool_choice"] = "NONE";
      } else if (fn && !json_string(*fn, "name").empty()) {
        json::array only;
        for (const auto& t : it->value().as_array())
          if (const auto* f = t.is_object() ? json_object_at(t.as_object(), "function") : nullptr;
              f && json_string(*f, "name") == json_string(*fn, "name"))
            only.push_back(t);
        if (only.empty()) return make_error(errc::invalid_argument, "'tool_choice' names a function that is not among 'tools'");
        out["tools"] = std::move(only);
        out["tool_choice"] = "REQUIRED";
      } else if (!(v.is_string() && v.as_string() == "auto")) {
        return make_error(errc::invalid_argument, "'tool_choice' must be auto, none, required or {\"type\":\"function\",\"function\":{\"name\"}}");
      }
    }
  }
  if (auto it = in.find("response_format"); it != in.end() && it->value().is_object()) {
    std::string type = json_string(it->value().as_object(), "type");
    // Cohere's JSON mode takes a schema inside it: {"type":"json_object","json_schema":{...}}.
    if (type == "json_object" || type == "json_schema") {
      json::object format{{"type", "json_object"}};
      if (const auto* spec = json_object_at(it->value().as_object(), "json_schema"); type == "json_schema" && spec)
        if (const auto* schema = json_object_at(*spec, "schema")) format["json_schema"] = *schema;
      out["response_format"] = std::move(format);
    }
  }
  // Cohere's own `thinking` object when the client sent one, else one made from reasoning_effort.
  if (auto it = in.find("thinking"); it != in.end() && !it->value().is_null()) {
    if (!it->value().is_object())
      return make_error(errc::invalid_argument,
                        "'thinking' must be an object ({\"type\":\"enabled\",\"token_budget\":N} for Cohere models)");
    out["thinking"] = it->value();
  } else {
    auto effort = read_reasoning_effort(in);
    if (!effort) return effort.err();
    if (*effort && **effort == reasoning_effort::none) out["thinking"] = json::object{{"type", "disabled"}};
    else if (*effort) out["thinking"] = json::object{{"type", "enabled"}, {"token_budget", thinking_budget(**effort)}};
  }
  bool stream = false;
  if (auto it = in.find("stream"); it != in.end() && it->value().is_bool()) stream = it->value().as_bool();
  if (stream) out["stream"] = true;

  return v2_request(p, "/chat", out, stream);
}

translated_response cohere_to_openai(const json::object& r, std::string_view model) {
  translated_response t;
  std::string text, reasoning;
  json::value tool_calls = nullptr;
  if (const auto* msg = json_object_at(r, "message")) {
    if (auto c = msg->find("content"); c != msg->end() && c->value().is_array())
      for (const auto& part : c->value().as_array()) {
        if (!part.is_object()) continue;
        if (json_string(part.as_object(), "type") == "thinking") reasoning += json_string(part.as_object(), "thinking");
        else if (part.as_object().contains("text") && part.at("text").is_string()) text += std::string(part.at("text").as_string());
      }
    if (auto tc = msg->find("tool_calls"); tc != msg->end() && tc->value().is_array() && !tc->value().as_array().empty())
      tool_calls = tc->value();
  }
  if (const auto* u = json_object_at(r, "usage")) read_usage(*u, t.usage);
  std::string finish = r.contains("finish_reason") && r.at("finish_reason").is_string() ? std::string(r.at("finish_reason").as_string()) : "COMPLETE";
  json::object message{{"role", "assistant"}, {"content", text.empty() && !tool_calls.is_null() ? json::value(nullptr) : json::value(text)}};
  if (!tool_calls.is_null()) message["tool_calls"] = tool_calls;
  if (!reasoning.empty()) message["reasoning_content"] = reasoning;
  t.body = {{"id", r.contains("id") ? r.at("id") : json::value("chatcmpl-brokle")},
            {"object", "chat.completion"},
            {"created", unix_seconds()},
            {"model", model},
            {"choices", json::array{json::object{{"index", 0}, {"message", std::move(message)}, {"finish_reason", finish_reason_of(finish)}}}},
            {"usage", openai_usage(t.usage)}};
  return t;
}

std::string cohere_error_to_openai(std::string_view body, unsigned status) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  std::string message = "provider answered " + std::to_string(status);
  if (!ec && v.is_object() && v.as_object().contains("message") && v.at("message").is_string())
    message = std::string(v.at("message").as_string());
  return openai_error_body(message, "api_error", "upstream_error");
}

void cohere_stream_translator::on_event(const json::object& ev, std::string& out) {
  if (finished_ || !ev.contains("type") || !ev.at("type").is_string()) return;
  std::string type(ev.at("type").as_string());
  const json::object* delta = json_object_at(ev, "delta");
  const json::object* message = delta ? json_object_at(*delta, "message") : nullptr;
  if (type == "message-start") {
    chunks_.start();
    if (ev.contains("id") && ev.at("id").is_string()) chunks_.set_id(std::string(ev.at("id").as_string()));
    chunks_.role_delta(out);
  } else if (type == "content-delta" && message) {
    if (const auto* content = json_object_at(*message, "content"); content && content->contains("text"))
      chunks_.text_delta("content", content->at("text").as_string(), out);
    else if (content && content->contains("thinking"))
      chunks_.text_delta("reasoning_content", content->at("thinking").as_string(), out);
  } else if ((type == "tool-call-start" || type == "tool-call-delta") && message) {
    if (const auto* call = json_object_at(*message, "tool_calls")) {
      json::object tc{{"index", json_int(ev, "index")}};
      if (call->contains("id")) tc["id"] = call->at("id");
      if (call->contains("type")) tc["type"] = call->at("type");
      if (const auto* fn = json_object_at(*call, "function")) tc["function"] = *fn;
      chunks_.delta(json::object{{"tool_calls", json::array{std::move(tc)}}}, "", out);
    }
  } else if (type == "message-end") {
    std::string finish = "COMPLETE";
    if (delta) {
      if (delta->contains("finish_reason") && delta->at("finish_reason").is_string())
        finish = std::string(delta->at("finish_reason").as_string());
      if (const auto* u = json_object_at(*delta, "usage")) read_usage(*u, usage_);
    }
    chunks_.finish(finish_reason_of(finish), usage_, out);
    finished_ = true;
  }
  // content-start/end, tool-plan-delta, tool-call-end, citation events carry nothing to relay.
}

result<net::upstream_request> build_cohere_embed_request(const provider_config& p, const embedding_request& r,
                                                         const json::object& openai_body,
                                                         const std::string& upstream_model) {
  json::array texts;
  for (const auto& t : r.texts) texts.push_back(json::string(t));
  // Embed v3 and later models need input_type. OpenAI's API has no such field, so a client may
  // send Cohere's own as an extra body field; documents are what an embeddings call usually indexes.
  std::string input_type = "search_document";
  if (auto it = openai_body.find("input_type"); it != openai_body.end() && !it->value().is_null()) {
    if (!it->value().is_string())
      return make_error(errc::invalid_argument, "'input_type' must be a string (search_document, search_query, "
                                                "classification, clustering)");
    input_type = std::string(it->value().as_string());
  }
  json::object out{{"model", upstream_model},
                   {"texts", std::move(texts)},
                   {"input_type", input_type},
                   {"embedding_types", json::array{"float"}}};
  if (r.dimensions) out["output_dimension"] = *r.dimensions;
  return v2_request(p, "/embed", out, false);
}

std::optional<translated_response> cohere_embeddings_to_openai(const json::object& response,
                                                               const embedding_request& r, std::string_view model) {
  const json::object* by_type = json_object_at(response, "embeddings");
  if (!by_type) return std::nullopt;
  auto floats = by_type->find("float");
  if (floats == by_type->end() || !floats->value().is_array() ||
      floats->value().as_array().size() != r.texts.size())
    return std::nullopt;
  std::vector<std::vector<double>> vectors;
  for (const auto& e : floats->value().as_array()) {
    auto values = embedding_values(e);
    if (!values) return std::nullopt;
    vectors.push_back(std::move(*values));
  }
  translated_response t;
  if (const auto* meta = json_object_at(response, "meta"))
    if (const auto* billed = json_object_at(*meta, "billed_units")) t.usage.input_tokens = json_int(*billed, "input_tokens");
  t.body = openai_embedding_list(vectors, model, t.usage.input_tokens, r.base64);
  return t;
}

}  // namespace brokle::gateway
