#include "gateway/providers/gemini_wire.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/providers/reasoning.hpp"
#include "gateway/providers/translated_chat.hpp"
#include "gateway/providers/web_search.hpp"

namespace brokle::gateway {

namespace json = boost::json;

namespace {

result<json::array> parts_of(const json::value& content) {
  json::array parts;
  if (content.is_string()) {
    parts.push_back(json::object{{"text", content.as_string()}});
    return parts;
  }
  if (!content.is_array()) return make_error(errc::invalid_argument, "message content must be a string or an array");
  for (const auto& part : content.as_array()) {
    if (!part.is_object()) return make_error(errc::invalid_argument, "content parts must be objects");
    std::string type = part.as_object().contains("type") && part.at("type").is_string() ? std::string(part.at("type").as_string()) : "";
    if (type == "text") {
      parts.push_back(json::object{{"text", part.at("text")}});
    } else if (type == "image_url") {
      auto d = parse_data_url(image_url_of(part));
      if (!d) return make_error(errc::invalid_argument, "Gemini models take images as base64 data URLs");
      parts.push_back(json::object{{"inline_data", json::object{{"mime_type", d->media_type}, {"data", d->base64}}}});
    } else if (type == "file") {
      auto d = file_part_data(part.as_object());
      if (!d) return d.err();
      parts.push_back(json::object{{"inline_data", json::object{{"mime_type", d->media_type}, {"data", d->base64}}}});
    } else if (type == "input_audio") {
      const auto* audio = json_object_at(part.as_object(), "input_audio");
      std::string data = audio ? json_string(*audio, "data") : "", format = audio ? json_string(*audio, "format") : "";
      if (data.empty() || (format != "wav" && format != "mp3"))
        return make_error(errc::invalid_argument, "input_audio parts need base64 'data' and a 'format' of wav or mp3");
      parts.push_back(json::object{{"inline_data", json::object{{"mime_type", "audio/" + format}, {"data", data}}}});
    } else {
      return make_error(errc::invalid_argument, "content part type '" + type + "' is not supported for Gemini models");
    }
  }
  return parts;
}


// <base>/v1beta/models/<model><verb>; a base URL that already ends in /v1beta is used as it is.
std::string model_url(const provider_config& p, const std::string& model, std::string_view verb) {
  const std::string& base = p.base_url;
  std::string url = base.size() >= 7 && base.compare(base.size() - 7, 7, "/v1beta") == 0 ? base : base + "/v1beta";
  url += "/models/";
  url += model;
  url += verb;
  return url;
}

// The major version in a "gemini-<major>..." model name; 0 for any other name.
int gemini_major(std::string_view model) {
  if (model.rfind("gemini-", 0) != 0) return 0;
  int major = 0;
  for (size_t i = 7; i < model.size() && model[i] >= '0' && model[i] <= '9' && major < 1000; ++i) major = major * 10 + (model[i] - '0');
  return major;
}

// Gemini 3 and later refuse a function call in the current turn without its thought signature.
// Google documents this value for histories that never had one (another model's, or a client
// that dropped extra_content): the call is accepted, without the model's earlier reasoning.
constexpr std::string_view kSkipSignatureCheck = "skip_thought_signature_validator";
constexpr int64_t kMaxGemini2ThinkingBudget = 24576;  // the largest budget every 2.x model takes

// reasoning_effort -> generationConfig.thinkingConfig: Gemini 3 takes a thinking level (it cannot
// stop thinking: "none" asks for the least), 2.x and unknown names a token budget (0 turns it off).
// Thoughts are returned (includeThoughts) whenever the client asked for reasoning.
void add_thinking_config(reasoning_effort effort, std::string_view model, json::object& gen) {
  json::object config;
  if (gemini_major(model) >= 3) {
    std::string_view level = effort == reasoning_effort::none || effort == reasoning_effort::minimal ? "minimal"
                             : effort == reasoning_effort::xhigh ? "high"
                                                                 : reasoning_effort_name(effort);
    config["thinkingLevel"] = level;
  } else {
    config["thinkingBudget"] = std::min(thinking_budget(effort), kMaxGemini2ThinkingBudget);
  }
  if (effort != reasoning_effort::none) config["includeThoughts"] = true;
  gen["thinkingConfig"] = std::move(config);
}

// Google's own OpenAI-compatible endpoint takes the thinking settings as an extra body field,
// {"google": {"thinking_config": {"thinking_budget", "thinking_level", "include_thoughts"}}}; the
// same field here means code written for that endpoint works unchanged.
result<json::object> google_thinking_config(const json::value& v) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"thinking_budget", "thinkingBudget"}, {"thinking_level", "thinkingLevel"}, {"include_thoughts", "includeThoughts"}};
  if (!v.is_object()) return make_error(errc::invalid_argument, "'google.thinking_config' must be an object");
  json::object config;
  for (const auto& kv : v.as_object()) {
    bool known = false;
    for (const auto& [snake, camel] : kNames)
      if (kv.key() == snake || kv.key() == camel) {
        config[camel] = kv.value();
        known = true;
      }
    if (!known)
      return make_error(errc::invalid_argument, "'google.thinking_config." + std::string(kv.key()) +
                                                    "' is not a thinking setting (thinking_budget, thinking_level, include_thoughts)");
  }
  return config;
}

// Whether a JSON schema fits Gemini's `parameters` (its OpenAPI-subset Schema) keyword for
// keyword; one that does not (additionalProperties, $ref, const, oneOf, ... — what OpenAI strict
// schemas carry) goes as `parametersJsonSchema`, which takes JSON Schema itself.
bool fits_gemini_schema(const json::value& schema, int depth = 0) {
  static constexpr std::string_view kKnown[] = {
      "type",      "format",   "title",     "description",  "nullable",      "enum",          "maxItems",
      "minItems",  "properties", "required", "minProperties", "maxProperties", "minLength",   "maxLength",
      "pattern",   "example",  "anyOf",     "propertyOrdering", "default",   "items",         "minimum",
      "maximum"};
  if (depth > 32 || !schema.is_object()) return depth <= 32 && !schema.is_array();
  for (const auto& kv : schema.as_object()) {
    bool known = false;
    for (auto k : kKnown) known = known || kv.key() == k;
    if (!known) return false;
    if (kv.key() == "type" && !kv.value().is_string()) return false;  // ["string","null"] is JSON Schema's
    if (kv.key() == "enum") {
      if (!kv.value().is_array()) return false;
      for (const auto& e : kv.value().as_array())
        if (!e.is_string()) return false;  // Gemini's enums are strings
    }
    if (kv.key() == "properties") {
      if (!kv.value().is_object()) return false;
      for (const auto& p : kv.value().as_object())
        if (!fits_gemini_schema(p.value(), depth + 1)) return false;
    } else if (kv.key() == "items") {
      if (!fits_gemini_schema(kv.value(), depth + 1)) return false;
    } else if (kv.key() == "anyOf") {
      if (!kv.value().is_array()) return false;
      for (const auto& s : kv.value().as_array())
        if (!fits_gemini_schema(s, depth + 1)) return false;
    }
  }
  return true;
}

// tool_choice -> toolConfig.functionCallingConfig: auto AUTO, none NONE, required ANY, a named
// function ANY limited to it.
result<json::object> function_calling_config(const json::value& tc) {
  if (tc.is_string()) {
    if (tc.as_string() == "auto") return json::object{{"mode", "AUTO"}};
    if (tc.as_string() == "none") return json::object{{"mode", "NONE"}};
    if (tc.as_string() == "required") return json::object{{"mode", "ANY"}};
  } else if (const auto* fn = tc.is_object() ? json_object_at(tc.as_object(), "function") : nullptr) {
    if (auto name = json_string(*fn, "name"); !name.empty())
      return json::object{{"mode", "ANY"}, {"allowedFunctionNames", json::array{json::value(name)}}};
  }
  return make_error(errc::invalid_argument, "'tool_choice' must be auto, none, required or {\"type\":\"function\",\"function\":{\"name\"}}");
}

std::string finish_reason_of(std::string_view r) {
  if (r == "MAX_TOKENS") return "length";
  if (r == "SAFETY" || r == "RECITATION" || r == "BLOCKLIST" || r == "PROHIBITED_CONTENT" || r == "SPII")
    return "content_filter";
  return "stop";
}

void read_usage(const json::object& u, token_usage& out) {
  out.input_tokens = json_int(u, "promptTokenCount");
  out.cached_input_tokens = json_int(u, "cachedContentTokenCount");
  out.reasoning_tokens = json_int(u, "thoughtsTokenCount");
  out.output_tokens = json_int(u, "candidatesTokenCount") + out.reasoning_tokens;
}

// Text, thoughts and function calls of one candidate; the finish reason if it has one; its
// token log probabilities in OpenAI's shape (null when the response has none).
struct candidate_view {
  int64_t index = 0;
  std::string text;
  std::string reasoning;       // the thought parts' text
  std::string text_signature;  // a text part's thoughtSignature (the last one)
  json::array calls;           // {name, args}
  std::vector<std::string> call_signatures;  // calls[i]'s thoughtSignature, "" when none
  std::string finish;
  json::value logprobs;
  std::vector<size_t> part_starts;  // where each part's text begins in `text` (bytes)
  const json::object* grounding = nullptr;  // groundingMetadata, when the answer searched
};

// One token as OpenAI gives it: the text, its log probability and its UTF-8 bytes.
json::object openai_token(const json::object& c) {
  std::string token = json_string(c, "token");
  json::array bytes;
  for (unsigned char b : token) bytes.push_back(static_cast<int64_t>(b));
  double logprob = 0;
  if (auto it = c.find("logProbability"); it != c.end() && it->value().is_number()) logprob = it->value().to_number<double>();
  return {{"token", token}, {"logprob", logprob}, {"bytes", std::move(bytes)}};
}

// LogprobsResult {chosenCandidates[], topCandidates[{candidates[]}]} -> {"content": [...]}: one
// entry per decoding step, its top_logprobs the step's top candidates.
json::value openai_logprobs(const json::object& result) {
  const auto* chosen = result.if_contains("chosenCandidates");
  if (!chosen || !chosen->is_array()) return nullptr;
  const auto* top = result.if_contains("topCandidates");
  const json::array* tops = top && top->is_array() ? &top->as_array() : nullptr;
  json::array content;
  for (size_t i = 0; i < chosen->as_array().size(); ++i) {
    const auto& step = chosen->as_array()[i];
    if (!step.is_object()) continue;
    auto entry = openai_token(step.as_object());
    json::array alternatives;
    if (tops && i < tops->size() && tops->at(i).is_object())
      if (const auto* list = tops->at(i).as_object().if_contains("candidates"); list && list->is_array())
        for (const auto& alt : list->as_array())
          if (alt.is_object()) alternatives.push_back(openai_token(alt.as_object()));
    entry["top_logprobs"] = std::move(alternatives);
    content.push_back(std::move(entry));
  }
  return json::object{{"content", std::move(content)}, {"refusal", nullptr}};
}

candidate_view read_candidate(const json::object& cand, int64_t position) {
  candidate_view v;
  v.index = position;
  if (auto it = cand.find("index"); it != cand.end() && it->value().is_int64()) v.index = it->value().as_int64();
  if (cand.contains("finishReason") && cand.at("finishReason").is_string()) v.finish = std::string(cand.at("finishReason").as_string());
  if (auto content = cand.find("content"); content != cand.end() && content->value().is_object()) {
    if (auto parts = content->value().as_object().find("parts"); parts != content->value().as_object().end() && parts->value().is_array()) {
      const bool grounded = cand.contains("groundingMetadata");  // only then do part offsets matter
      for (const auto& p : parts->value().as_array()) {
        if (grounded) v.part_starts.push_back(v.text.size());
        if (!p.is_object()) continue;
        const auto& po = p.as_object();
        std::string signature = json_string(po, "thoughtSignature");
        if (po.contains("thought") && po.at("thought").is_bool() && po.at("thought").as_bool()) {
          v.reasoning += json_string(po, "text");
          continue;
        }
        if (po.contains("text") && po.at("text").is_string()) {
          v.text += std::string(po.at("text").as_string());
          if (!signature.empty()) v.text_signature = signature;
        }
        if (po.contains("functionCall")) {
          v.calls.push_back(po.at("functionCall"));
          v.call_signatures.push_back(signature);
        }
      }
    }
  }
  if (const auto* lp = json_object_at(cand, "logprobsResult")) v.logprobs = openai_logprobs(*lp);
  v.grounding = json_object_at(cand, "groundingMetadata");
  return v;
}

// Every candidate of a response (a whole one or a stream chunk), in the order given, to `f`.
template <class F>
void for_each_candidate(const json::object& r, F&& f) {
  auto c = r.find("candidates");
  if (c == r.end() || !c->value().is_array()) return;
  int64_t position = 0;
  for (const auto& cand : c->value().as_array()) {
    if (cand.is_object()) f(read_candidate(cand.as_object(), position));
    ++position;
  }
}

// A prompt Gemini refused to answer comes back with no candidates and promptFeedback.blockReason.
bool prompt_blocked(const json::object& r) {
  const auto* feedback = json_object_at(r, "promptFeedback");
  return feedback && !json_string(*feedback, "blockReason").empty();
}

// Gemini may give a function call an id (then its response must name it); calls without one get
// "call_<n>", which is never sent back as an id.
bool synthesized_call_id(std::string_view id) {
  if (!id.starts_with("call_") || id.size() == 5) return false;
  for (char c : id.substr(5))
    if (c < '0' || c > '9') return false;
  return true;
}

json::object tool_call(const json::value& call, int index, bool with_index, std::string_view signature) {
  const auto& c = call.as_object();
  std::string id = json_string(c, "id");
  json::object tc{{"id", id.empty() ? "call_" + std::to_string(index) : id},
                  {"type", "function"},
                  {"function", json::object{{"name", c.at("name")},
                                            {"arguments", json::serialize(c.contains("args") ? c.at("args") : json::value(json::object{}))}}}};
  if (with_index) tc["index"] = index;
  if (!signature.empty()) set_google_thought_signature(tc, signature);
  return tc;
}

}  // namespace

result<net::upstream_request> build_gemini_request(const provider_config& p, const json::object& in,
                                                   const std::string& upstream_model, bool stream) {
  if (auto checked = check_translatable_chat(in, {gemini_max_candidates, true, true}); !checked) return checked.err();
  json::object out;
  std::string system;
  json::array contents;
  std::map<std::string, std::string> tool_names;  // tool_call_id -> function name (for responses)
  const bool signs_calls = gemini_major(upstream_model) >= 3;
  auto effort = read_reasoning_effort(in);
  if (!effort) return effort.err();
  for (const auto& m : in.at("messages").as_array()) {
    const auto& mo = m.as_object();
    std::string role(mo.at("role").as_string());
    json::value content = mo.contains("content") ? mo.at("content") : json::value(nullptr);
    if (role == "system" || role == "developer") {
      if (!system.empty()) system += "\n\n";
      system += content_text(content);
    } else if (role == "user") {
      auto parts = parts_of(content);
      if (!parts) return parts.err();
      append_turn(contents, "user", "parts", std::move(*parts));
    } else if (role == "assistant") {
      json::array parts;
      if (!content.is_null() && !(content.is_string() && content.as_string().empty())) {
        auto pp = parts_of(content);
        if (!pp) return pp.err();
        parts = std::move(*pp);
        // A text reply's signature goes back on its (last) text part.
        if (auto signature = google_thought_signature(mo); !signature.empty() && !parts.empty())
          parts.back().as_object()["thoughtSignature"] = signature;
      }
      bool first_call = true;
      if (auto tc = mo.find("tool_calls"); tc != mo.end() && tc->value().is_array()) {
        for (const auto& call : tc->value().as_array()) {
          const auto& fn = call.at("function").as_object();
          auto args = tool_call_arguments(fn);
          if (!args) return args.err();
          tool_names[std::string(call.at("id").as_string())] = std::string(fn.at("name").as_string());
          std::string id(call.at("id").as_string());
          json::object function_call{{"name", fn.at("name")}, {"args", *args}};
          if (!synthesized_call_id(id)) function_call["id"] = id;
          json::object part{{"functionCall", std::move(function_call)}};
          std::string signature = google_thought_signature(call.as_object());
          if (signature.empty() && first_call && signs_calls) signature = kSkipSignatureCheck;
          if (!signature.empty()) part["thoughtSignature"] = signature;
          parts.push_back(std::move(part));
          first_call = false;
        }
      }
      if (parts.empty()) continue;
      append_turn(contents, "model", "parts", std::move(parts));
    } else if (role == "tool") {
      std::string id = mo.contains("tool_call_id") ? std::string(mo.at("tool_call_id").as_string()) : "";
      auto name = tool_names.find(id);
      if (name == tool_names.end()) return make_error(errc::invalid_argument, "tool message answers an unknown tool_call_id");
      json::object response{{"name", name->second}, {"response", json::object{{"content", content_text(content)}}}};
      if (!synthesized_call_id(id)) response["id"] = id;
      append_turn(contents, "user", "parts", json::array{json::object{{"functionResponse", std::move(response)}}});
    } else {
      return make_error(errc::invalid_argument, "message role '" + role + "' is not supported for Gemini models");
    }
  }
  if (contents.empty()) return make_error(errc::invalid_argument, "Gemini models need at least one user message");
  out["contents"] = std::move(contents);
  if (!system.empty()) out["systemInstruction"] = json::object{{"parts", json::array{json::object{{"text", system}}}}};
  json::object gen;
  if (auto it = in.find("temperature"); it != in.end() && it->value().is_number()) gen["temperature"] = it->value();
  if (auto it = in.find("top_p"); it != in.end() && it->value().is_number()) gen["topP"] = it->value();
  for (const char* key : {"max_completion_tokens", "max_tokens"})
    if (auto it = in.find(key); it != in.end() && it->value().is_int64()) gen["maxOutputTokens"] = it->value();
  if (auto n = chat_choices(in); n > 1) gen["candidateCount"] = n;
  if (chat_logprobs(in)) {
    gen["responseLogprobs"] = true;
    if (auto top = chat_top_logprobs(in); top > 0) gen["logprobs"] = top;
  }
  if (auto it = in.find("stop"); it != in.end()) {
    if (it->value().is_string()) gen["stopSequences"] = json::array{it->value()};
    else if (it->value().is_array()) gen["stopSequences"] = it->value();
  }
  if (auto it = in.find("response_format"); it != in.end() && it->value().is_object()) {
    std::string type = json_string(it->value().as_object(), "type");
    if (type == "json_object" || type == "json_schema") gen["responseMimeType"] = "application/json";
    // A JSON schema is given as it is: generationConfig.responseJsonSchema takes JSON Schema.
    if (const auto* spec = json_object_at(it->value().as_object(), "json_schema"); type == "json_schema" && spec)
      if (const auto* schema = json_object_at(*spec, "schema")) gen["responseJsonSchema"] = *schema;
  }
  if (const auto* google = json_object_at(in, "google"); google && google->contains("thinking_config")) {
    auto config = google_thinking_config(google->at("thinking_config"));
    if (!config) return config.err();
    gen["thinkingConfig"] = std::move(*config);
  } else if (*effort) {
    add_thinking_config(**effort, upstream_model, gen);
  }
  if (!gen.empty()) out["generationConfig"] = std::move(gen);
  auto search = read_web_search_options(in);
  if (!search) return search.err();
  if (auto it = in.find("tools"); it != in.end() && it->value().is_array()) {
    json::array decls;
    for (const auto& t : it->value().as_array()) {
      if (!t.is_object() || !t.as_object().contains("function"))
        return make_error(errc::invalid_argument, "only function tools are supported for Gemini models");
      const auto& fn = t.at("function").as_object();
      json::object d{{"name", fn.at("name")}};
      if (fn.contains("description")) d["description"] = fn.at("description");
      if (fn.contains("parameters"))
        d[fits_gemini_schema(fn.at("parameters")) ? "parameters" : "parametersJsonSchema"] = fn.at("parameters");
      decls.push_back(std::move(d));
    }
    out["tools"] = json::array{json::object{{"functionDeclarations", std::move(decls)}}};
    if (auto tc = in.find("tool_choice"); tc != in.end() && !tc->value().is_null()) {
      auto config = function_calling_config(tc->value());
      if (!config) return config.err();
      out["toolConfig"] = json::object{{"functionCallingConfig", std::move(*config)}};
    }
  }
  if (*search) {  // grounding with Google Search (Gemini's location hint is coordinates only: not sent)
    if (!out.contains("tools")) out["tools"] = json::array{};
    out["tools"].as_array().push_back(gemini_search_tool());
  }

  net::upstream_request req;
  req.method = net::http_method::post;
  req.url = model_url(p, upstream_model, stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
  req.headers.set("x-goog-api-key", p.api_key);
  req.headers.set("Content-Type", "application/json");
  req.headers.set("Accept", stream ? "text/event-stream" : "application/json");
  req.body = json::serialize(out);
  return req;
}

result<net::upstream_request> build_gemini_count_request(const provider_config& p, const json::object& openai_body,
                                                         const std::string& upstream_model) {
  auto req = build_gemini_request(p, openai_body, upstream_model, false);
  if (!req) return req;
  auto generate = json::parse(req->body).as_object();  // our own serialization: always an object
  generate["model"] = "models/" + upstream_model;
  req->url = model_url(p, upstream_model, ":countTokens");
  req->body = json::serialize(json::object{{"generateContentRequest", std::move(generate)}});
  return req;
}

std::optional<int64_t> gemini_token_count(std::string_view body) { return json_body_int(body, "totalTokens"); }

translated_response gemini_to_openai(const json::object& r, std::string_view model) {
  translated_response t;
  if (auto u = r.find("usageMetadata"); u != r.end() && u->value().is_object()) read_usage(u->value().as_object(), t.usage);
  std::vector<candidate_view> candidates;
  for_each_candidate(r, [&](candidate_view&& c) { candidates.push_back(std::move(c)); });
  if (candidates.empty()) {  // a blocked prompt: one empty choice
    candidates.emplace_back();
    if (prompt_blocked(r)) candidates.back().finish = "PROHIBITED_CONTENT";
  }
  std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  json::array choices;
  for (auto& c : candidates) {
    json::array calls;
    for (size_t i = 0; i < c.calls.size(); ++i) calls.push_back(tool_call(c.calls[i], static_cast<int>(i), false, c.call_signatures[i]));
    json::object message{{"role", "assistant"}, {"content", c.text.empty() && !calls.empty() ? json::value(nullptr) : json::value(c.text)}};
    if (!c.reasoning.empty()) message["reasoning_content"] = c.reasoning;
    if (!c.text_signature.empty()) set_google_thought_signature(message, c.text_signature);
    std::string finish = calls.empty() ? finish_reason_of(c.finish) : "tool_calls";
    if (!calls.empty()) message["tool_calls"] = std::move(calls);
    if (c.grounding) {
      if (auto annotations = gemini_grounding_annotations(*c.grounding, c.text, c.part_starts); !annotations.empty())
        message["annotations"] = std::move(annotations);
      if (gemini_searched(*c.grounding)) t.usage.web_searches = 1;  // billed per grounded answer
    }
    json::object choice{{"index", c.index}, {"message", std::move(message)}, {"finish_reason", finish}};
    if (!c.logprobs.is_null()) choice["logprobs"] = std::move(c.logprobs);
    choices.push_back(std::move(choice));
  }
  t.body = {{"id", r.contains("responseId") ? r.at("responseId") : json::value("chatcmpl-brokle")},
            {"object", "chat.completion"},
            {"created", unix_seconds()},
            {"model", model},
            {"choices", std::move(choices)},
            {"usage", openai_usage(t.usage)}};
  return t;
}

std::string gemini_error_to_openai(std::string_view body, unsigned status) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  std::string message = "provider answered " + std::to_string(status), type = "api_error";
  if (!ec && v.is_object() && v.as_object().contains("error") && v.at("error").is_object()) {
    const auto& e = v.at("error").as_object();
    if (e.contains("message") && e.at("message").is_string()) message = std::string(e.at("message").as_string());
    if (e.contains("status") && e.at("status").is_string()) type = std::string(e.at("status").as_string());
  }
  return openai_error_body(message, type, type);
}

gemini_stream_translator::choice_state* gemini_stream_translator::choice(int64_t index, std::string& out) {
  if (index < 0 || index >= gemini_max_candidates) return nullptr;  // never asked for: ignored
  if (choices_.size() <= static_cast<size_t>(index)) choices_.resize(static_cast<size_t>(index) + 1);
  auto& c = choices_[static_cast<size_t>(index)];
  if (!c.started) {
    c.started = true;
    chunks_.role_delta(out, index);
  }
  return &c;
}

void gemini_stream_translator::on_chunk(const json::object& chunk, std::string& out) {
  if (!started_) {
    started_ = true;
    chunks_.start();
    choice(0, out);
  }
  if (auto u = chunk.find("usageMetadata"); u != chunk.end() && u->value().is_object()) read_usage(u->value().as_object(), usage_);
  if (prompt_blocked(chunk)) choices_[0].finish = "content_filter";
  for_each_candidate(chunk, [&](candidate_view&& c) {
    auto* state = choice(c.index, out);
    if (!state) return;
    if (!c.reasoning.empty()) chunks_.text_delta("reasoning_content", c.reasoning, out, c.index);
    if (!grounded_) state->text_complete = false;
    else if (state->text.size() + c.text.size() <= kMaxGroundedText) state->text += c.text;
    else state->text_complete = false;
    if (c.text_signature.empty() && c.logprobs.is_null()) {
      if (!c.text.empty()) chunks_.text_delta("content", c.text, out, c.index);  // the common case, written directly
    } else if (!c.text.empty() || !c.text_signature.empty()) {
      json::object delta{{"content", c.text}};
      if (!c.text_signature.empty()) set_google_thought_signature(delta, c.text_signature);
      chunks_.delta(std::move(delta), "", out, c.index, std::move(c.logprobs));
    }
    for (size_t i = 0; i < c.calls.size(); ++i)
      chunks_.delta(json::object{{"tool_calls", json::array{tool_call(c.calls[i], state->tool_calls++, true, c.call_signatures[i])}}},
                    "", out, c.index);
    // The sources arrive with the last chunk, their spans over the whole text streamed so far.
    if (c.grounding && gemini_searched(*c.grounding)) usage_.web_searches = 1;
    if (c.grounding && state->text_complete)
      if (auto annotations = gemini_grounding_annotations(*c.grounding, state->text); !annotations.empty())
        chunks_.delta(json::object{{"annotations", std::move(annotations)}}, "", out, c.index);
    if (!c.finish.empty()) state->finish = state->tool_calls > 0 ? "tool_calls" : finish_reason_of(c.finish);
  });
}

void gemini_stream_translator::finish(std::string& out) {
  for (size_t i = 0; i < choices_.size(); ++i)
    if (choices_[i].started)
      chunks_.finish_choice(static_cast<int64_t>(i), choices_[i].finish.empty() ? "stop" : choices_[i].finish, out);
  chunks_.end(usage_, out);
}

result<net::upstream_request> build_gemini_embed_request(const provider_config& p, const embedding_request& r,
                                                         const std::string& upstream_model) {
  json::array requests;
  for (const auto& text : r.texts) {
    json::object one{{"model", "models/" + upstream_model},
                     {"content", json::object{{"parts", json::array{json::object{{"text", text}}}}}}};
    if (r.dimensions) one["outputDimensionality"] = *r.dimensions;
    requests.push_back(std::move(one));
  }
  net::upstream_request req;
  req.method = net::http_method::post;
  req.url = model_url(p, upstream_model, ":batchEmbedContents");
  req.headers.set("x-goog-api-key", p.api_key);
  req.headers.set("Content-Type", "application/json");
  req.headers.set("Accept", "application/json");
  req.body = json::serialize(json::object{{"requests", std::move(requests)}});
  return req;
}

std::optional<translated_response> gemini_embeddings_to_openai(const json::object& response,
                                                               const embedding_request& r, std::string_view model) {
  auto it = response.find("embeddings");
  if (it == response.end() || !it->value().is_array() || it->value().as_array().size() != r.texts.size())
    return std::nullopt;
  std::vector<std::vector<double>> vectors;
  for (const auto& e : it->value().as_array()) {
    auto values = e.is_object() && e.as_object().contains("values") ? embedding_values(e.at("values")) : std::nullopt;
    if (!values) return std::nullopt;
    vectors.push_back(std::move(*values));
  }
  translated_response t;
  // batchEmbedContents answers without token counts; newer API versions add usageMetadata.
  if (const auto* u = json_object_at(response, "usageMetadata")) t.usage.input_tokens = json_int(*u, "promptTokenCount");
  t.body = openai_embedding_list(vectors, model, t.usage.input_tokens, r.base64);
  return t;
}

}  // namespace brokle::gateway
