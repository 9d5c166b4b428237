#include "gateway/providers/anthropic_wire.hpp"

#include <algorithm>
#include <chrono>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/providers/anthropic_json_mode.hpp"
#include "gateway/providers/anthropic_prompt_cache.hpp"
#include "gateway/providers/anthropic_thinking.hpp"
#include "gateway/providers/reasoning.hpp"
#include "gateway/providers/translated_chat.hpp"
#include "gateway/providers/web_search.hpp"

namespace brokle::gateway {

namespace json = boost::json;

namespace {

constexpr const char* kAnthropicVersion = "2023-06-01";
constexpr int kMaxContentBlocks = 1024;                       // indexes a stream may use for tool calls
constexpr size_t kMaxHeldThinking = size_t{32} << 20;         // one streamed thinking block's text

// OpenAI content (string or parts) -> Anthropic content blocks.
result<json::array> blocks_of(const json::value& content) {
  json::array blocks;
  if (content.is_string()) {
    blocks.push_back(json::object{{"type", "text"}, {"text", content.as_string()}});
    return blocks;
  }
  if (!content.is_array()) return make_error(errc::invalid_argument, "message content must be a string or an array");
  for (const auto& part : content.as_array()) {
    if (!part.is_object()) return make_error(errc::invalid_argument, "content parts must be objects");
    auto type = part.as_object().contains("type") && part.at("type").is_string() ? std::string(part.at("type").as_string()) : "";
    if (auto c = cache_control_of(part.as_object()); !c) return c.err();
    if (type == "text") {
      blocks.push_back(json::object{{"type", "text"}, {"text", part.at("text")}});
    } else if (type == "image_url") {
      std::string url = image_url_of(part);
      if (url.rfind("data:", 0) == 0) {
        auto d = parse_data_url(url);
        if (!d) return make_error(errc::invalid_argument, "image data URLs must be base64");
        blocks.push_back(json::object{
            {"type", "image"},
            {"source", json::object{{"type", "base64"}, {"media_type", d->media_type}, {"data", d->base64}}}});
      } else if (!url.empty()) {
        blocks.push_back(json::object{{"type", "image"}, {"source", json::object{{"type", "url"}, {"url", url}}}});
      } else {
        return make_error(errc::invalid_argument, "image_url parts need a url");
      }
    } else if (type == "file") {
      // A PDF as a document block (the only file type the Messages API reads inline).
      auto d = file_part_data(part.as_object());
      if (!d) return d.err();
      if (d->media_type != "application/pdf")
        return make_error(errc::invalid_argument, "Anthropic models read PDF files only (got " + d->media_type + ")");
      blocks.push_back(json::object{
          {"type", "document"},
          {"source", json::object{{"type", "base64"}, {"media_type", d->media_type}, {"data", d->base64}}}});
    } else {
      return make_error(errc::invalid_argument, "content part type '" + type + "' is not supported for Anthropic models");
    }
    if (const auto* c = json_object_at(part.as_object(), "cache_control")) blocks.back().as_object()["cache_control"] = *c;
  }
  return blocks;
}

// Appends blocks to the last message when it has the same role (Anthropic wants alternation).

const char* finish_reason_of(std::string_view stop_reason) {
  if (stop_reason == "max_tokens") return "length";
  if (stop_reason == "tool_use") return "tool_calls";
  // The model declined for safety: OpenAI's word for an answer its filter stopped (and the
  // Messages surface maps content_filter back to refusal).
  if (stop_reason == "refusal") return "content_filter";
  return "stop";  // end_turn, stop_sequence, pause_turn (a server tool's long turn, ended here)
}

}  // namespace

void read_anthropic_usage(const json::object& u, token_usage& out) {
  int64_t cache_read = json_int(u, "cache_read_input_tokens");
  int64_t cache_write = json_int(u, "cache_creation_input_tokens");
  if (u.contains("input_tokens")) out.input_tokens = json_int(u, "input_tokens") + cache_read + cache_write;
  if (u.contains("cache_read_input_tokens")) out.cached_input_tokens = cache_read;
  if (u.contains("cache_creation_input_tokens")) out.cache_write_input_tokens = cache_write;
  if (u.contains("output_tokens")) out.output_tokens = json_int(u, "output_tokens");
  if (const auto* tools = json_object_at(u, "server_tool_use"); tools && tools->contains("web_search_requests"))
    out.web_searches = json_int(*tools, "web_search_requests");
}


net::upstream_request anthropic_messages_post(const provider_config& p, bool stream, std::string_view version) {
  net::upstream_request req;
  req.method = net::http_method::post;
  const std::string& base = p.base_url;
  req.url = base + (base.size() >= 3 && base.compare(base.size() - 3, 3, "/v1") == 0 ? "/messages" : "/v1/messages");
  req.headers.set("x-api-key", p.api_key);
  req.headers.set("anthropic-version", version.empty() ? std::string(kAnthropicVersion) : std::string(version));
  req.headers.set("Content-Type", "application/json");
  req.headers.set("Accept", stream ? "text/event-stream" : "application/json");
  return req;
}

result<net::upstream_request> build_anthropic_request(const provider_config& p, const json::object& in,
                                                      const std::string& upstream_model) {
  if (auto checked = check_translatable_chat(in, {.web_search = true}); !checked) return checked.err();
  json::object out;
  out["model"] = upstream_model;
  int64_t max_tokens = 4096;
  bool max_given = false;
  for (const char* key : {"max_completion_tokens", "max_tokens"})
    if (auto it = in.find(key); it != in.end() && it->value().is_int64()) {
      max_tokens = it->value().as_int64();
      max_given = true;
    }
  out["max_tokens"] = max_tokens;
  if (auto thinking = add_thinking(in, max_given, out); !thinking) return thinking.err();

  std::string system;
  json::array system_blocks;  // used instead of `system` once any system part is cache-marked
  bool system_cached = false;
  json::array messages;
  for (const auto& m : in.at("messages").as_array()) {
    const auto& mo = m.as_object();
    std::string role(mo.at("role").as_string());
    json::value content = mo.contains("content") ? mo.at("content") : json::value(nullptr);
    if (role == "system" || role == "developer") {
      if (!system.empty()) system += "\n\n";
      system += content_text(content);
      auto blocks = blocks_of(content);
      if (!blocks) return blocks.err();
      if (auto marked = mark_last_block(mo, *blocks); !marked) return marked.err();
      for (auto& b : *blocks) {
        if (b.as_object().contains("cache_control")) system_cached = true;
        if (json_string(b.as_object(), "type") == "text") system_blocks.push_back(std::move(b));
      }
    } else if (role == "user") {
      auto blocks = blocks_of(content);
      if (!blocks) return blocks.err();
      if (auto marked = mark_last_block(mo, *blocks); !marked) return marked.err();
      append_turn(messages, "user", "content", std::move(*blocks));
    } else if (role == "assistant") {
      // Signed thinking first: the API wants it to open the turn it was produced in.
      auto thinking = anthropic_blocks_of_thinking(mo);
      if (!thinking) return thinking.err();
      json::array blocks = std::move(*thinking);
      // An empty string beside tool calls is "no text" (the API refuses empty text blocks).
      if (!content.is_null() && !(content.is_string() && content.as_string().empty())) {
        auto b = blocks_of(content);
        if (!b) return b.err();
        for (auto& block : *b) blocks.push_back(std::move(block));
      }
      if (auto tc = mo.find("tool_calls"); tc != mo.end() && tc->value().is_array()) {
        for (const auto& call : tc->value().as_array()) {
          const auto& fn = call.at("function").as_object();
          auto args = tool_call_arguments(fn);
          if (!args) return args.err();
          blocks.push_back(json::object{{"type", "tool_use"}, {"id", call.at("id")}, {"name", fn.at("name")}, {"input", *args}});
        }
      }
      if (blocks.empty()) continue;
      if (auto marked = mark_last_block(mo, blocks); !marked) return marked.err();
      append_turn(messages, "assistant", "content", std::move(blocks));
    } else if (role == "tool") {
      if (!mo.contains("tool_call_id")) return make_error(errc::invalid_argument, "tool messages need tool_call_id");
      json::array result{json::object{{"type", "tool_result"}, {"tool_use_id", mo.at("tool_call_id")}, {"content", content_text(content)}}};
      if (auto marked = mark_last_block(mo, result); !marked) return marked.err();
      append_turn(messages, "user", "content", std::move(result));
    } else {
      return make_error(errc::invalid_argument, "message role '" + role + "' is not supported for Anthropic models");
    }
  }
  if (messages.empty()) return make_error(errc::invalid_argument, "Anthropic models need at least one user message");
  out["messages"] = std::move(messages);
  if (system_cached) out["system"] = std::move(system_blocks);
  else if (!system.empty()) out["system"] = system;
  for (const char* key : {"temperature", "top_p"})
    if (auto it = in.find(key); it != in.end() && it->value().is_number()) out[key] = it->value();
  if (auto user = json_string(in, "user"); !user.empty()) out["metadata"] = json::object{{"user_id", user}};
  if (auto it = in.find("stop"); it != in.end()) {
    if (it->value().is_string()) out["stop_sequences"] = json::array{it->value()};
    else if (it->value().is_array()) out["stop_sequences"] = it->value();
  }
  bool stream = false;
  if (auto it = in.find("stream"); it != in.end() && it->value().is_bool()) stream = it->value().as_bool();
  if (stream) out["stream"] = true;
  if (auto it = in.find("tools"); it != in.end() && it->value().is_array()) {
    json::array tools;
    for (const auto& t : it->value().as_array()) {
      if (!t.is_object() || !t.as_object().contains("function"))
        return make_error(errc::invalid_argument, "only function tools are supported for Anthropic models");
      const auto& fn = t.at("function").as_object();
      if (json_string(fn, "name") == anthropic_json_tool)
        return make_error(errc::invalid_argument, "the tool name 'json_response' is reserved for JSON answers from Anthropic models");
      json::object tool{{"name", fn.at("name")}};
      if (fn.contains("description")) tool["description"] = fn.at("description");
      tool["input_schema"] = fn.contains("parameters") ? fn.at("parameters") : json::value(json::object{{"type", "object"}});
      if (auto c = cache_control_of(t.as_object()); !c) return c.err();
      if (const auto* c = json_object_at(t.as_object(), "cache_control")) tool["cache_control"] = *c;
      tools.push_back(std::move(tool));
    }
    out["tools"] = std::move(tools);
  }
  if (auto it = in.find("tool_choice"); it != in.end()) {
    const auto& tc = it->value();
    if (tc.is_string() && tc.as_string() == "required") out["tool_choice"] = json::object{{"type", "any"}};
    else if (tc.is_string() && tc.as_string() == "none") out["tool_choice"] = json::object{{"type", "none"}};
    else if (tc.is_string()) out["tool_choice"] = json::object{{"type", "auto"}};
    else if (tc.is_object() && tc.as_object().contains("function"))
      out["tool_choice"] = json::object{{"type", "tool"}, {"name", tc.at("function").at("name")}};
  }
  // parallel_tool_calls: false is Anthropic's disable_parallel_tool_use, which lives on tool_choice.
  if (auto it = in.find("parallel_tool_calls"); it != in.end() && it->value().is_bool() && !it->value().as_bool() &&
                                                out.contains("tools")) {
    if (!out.contains("tool_choice")) out["tool_choice"] = json::object{{"type", "auto"}};
    if (out["tool_choice"].as_object()["type"] != "none") out["tool_choice"].as_object()["disable_parallel_tool_use"] = true;
  }

  if (auto json_mode = add_json_mode(in, out); !json_mode) return json_mode.err();
  auto search = read_web_search_options(in);
  if (!search) return search.err();
  if (*search) {
    if (const auto* choice = json_object_at(out, "tool_choice"); choice && json_string(*choice, "name") == anthropic_json_tool)
      return make_error(errc::invalid_argument,
                        "web_search_options cannot be combined with response_format for Anthropic models (their JSON "
                        "answers come through a forced tool, so the model could not search first)");
    if (!out.contains("tools")) out["tools"] = json::array{};
    out["tools"].as_array().push_back(anthropic_web_search_tool(**search));
  }

  auto req = anthropic_messages_post(p, stream);
  req.body = json::serialize(out);
  return req;
}

result<net::upstream_request> build_anthropic_count_request(const provider_config& p, const json::object& openai_body,
                                                            const std::string& upstream_model) {
  auto req = build_anthropic_request(p, openai_body, upstream_model);
  if (!req) return req;
  auto body = json::parse(req->body).as_object();  // our own serialization: always an object
  for (std::string_view generation_only :
       {"max_tokens", "stream", "temperature", "top_p", "top_k", "stop_sequences", "metadata", "service_tier"})
    body.erase(generation_only);
  req->url += "/count_tokens";
  req->body = json::serialize(body);
  return req;
}

std::optional<int64_t> anthropic_token_count(std::string_view body) { return json_body_int(body, "input_tokens"); }

translated_response anthropic_to_openai(const json::object& msg, std::string_view model) {
  translated_response t;
  std::string text, reasoning;
  json::array tool_calls, thinking_blocks, annotations;
  bool json_answer = false;  // the JSON tool answered: text, and the turn ended normally
  // Code points of `text` so far, counted once per byte however many blocks cite.
  int64_t points = 0;
  size_t counted = 0;
  auto points_so_far = [&] {
    points += code_points(std::string_view(text).substr(counted));
    counted = text.size();
    return points;
  };
  if (auto it = msg.find("content"); it != msg.end() && it->value().is_array()) {
    for (const auto& block : it->value().as_array()) {
      if (!block.is_object()) continue;
      std::string type = json_string(block.as_object(), "type");
      if (auto thinking = thinking_block_of(block.as_object())) {
        reasoning += json_string(*thinking, "thinking");
        thinking_blocks.push_back(std::move(*thinking));
      } else if (type == "text") {
        // A text block that cites web pages: each citation spans the whole block.
        int64_t start = points_so_far();
        text += std::string(block.at("text").as_string());
        if (const auto* cites = block.as_object().if_contains("citations"); cites && cites->is_array() && !cites->as_array().empty()) {
          int64_t end = points_so_far();
          for (const auto& c : cites->as_array())
            if (auto a = c.is_object() ? anthropic_url_citation(c.as_object(), start, end) : std::nullopt)
              annotations.push_back(std::move(*a));
        }
      }
      else if (type == "tool_use" && json_string(block.as_object(), "name") == anthropic_json_tool) {
        text += json::serialize(block.as_object().contains("input") ? block.at("input") : json::value(json::object{}));
        json_answer = true;
      } else if (type == "tool_use")
        tool_calls.push_back(json::object{{"id", block.at("id")},
                                          {"type", "function"},
                                          {"function", json::object{{"name", block.at("name")}, {"arguments", json::serialize(block.at("input"))}}}});
    }
  }
  std::string stop = msg.contains("stop_reason") && msg.at("stop_reason").is_string() ? std::string(msg.at("stop_reason").as_string()) : "end_turn";
  if (json_answer && stop == "tool_use" && tool_calls.empty()) stop = "end_turn";
  if (auto u = msg.find("usage"); u != msg.end() && u->value().is_object()) read_anthropic_usage(u->value().as_object(), t.usage);
  json::object message{{"role", "assistant"}, {"content", text.empty() && !tool_calls.empty() ? json::value(nullptr) : json::value(text)}};
  if (!tool_calls.empty()) message["tool_calls"] = std::move(tool_calls);
  if (!annotations.empty()) message["annotations"] = std::move(annotations);
  if (!thinking_blocks.empty()) {
    message["reasoning_content"] = reasoning;
    message["thinking_blocks"] = std::move(thinking_blocks);
  }
  json::object choice{{"index", 0}, {"message", std::move(message)}, {"finish_reason", finish_reason_of(stop)}};
  // OpenAI cannot say which stop sequence matched; vLLM's choice.stop_reason can, so we use it.
  if (stop == "stop_sequence" && msg.contains("stop_sequence") && msg.at("stop_sequence").is_string())
    choice["stop_reason"] = msg.at("stop_sequence");
  t.body = {{"id", msg.contains("id") ? msg.at("id") : json::value("chatcmpl-brokle")},
            {"object", "chat.completion"},
            {"created", unix_seconds()},
            {"model", model},
            {"choices", json::array{std::move(choice)}},
            {"usage", openai_usage(t.usage)}};
  return t;
}

std::string anthropic_error_to_openai(std::string_view body, unsigned status) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  std::string message = "provider answered " + std::to_string(status), type = "api_error";
  if (!ec && v.is_object() && v.as_object().contains("error") && v.at("error").is_object()) {
    const auto& e = v.at("error").as_object();
    if (e.contains("message") && e.at("message").is_string()) message = std::string(e.at("message").as_string());
    if (e.contains("type") && e.at("type").is_string()) type = std::string(e.at("type").as_string());
  }
  return openai_error_body(message, type, type);
}

void anthropic_stream_translator::fail(std::string_view message, std::string& out) {
  out += "data: " + openai_error_body(message, "api_error", "upstream_error") + "\n\n";
  failed_ = true;
  finished_ = true;
}

void anthropic_stream_translator::on_event(std::string_view name, const json::object& data, std::string& out) {
  if (finished_) return;
  if (name == "message_start") {
    chunks_.start();
    if (auto m = data.find("message"); m != data.end() && m->value().is_object()) {
      const auto& msg = m->value().as_object();
      if (msg.contains("id") && msg.at("id").is_string()) chunks_.set_id(std::string(msg.at("id").as_string()));
      if (auto u = msg.find("usage"); u != msg.end() && u->value().is_object()) read_anthropic_usage(u->value().as_object(), usage_);
    }
    chunks_.role_delta(out);
  } else if (name == "content_block_start") {
    int block = static_cast<int>(json_int(data, "index"));
    const auto& cb = data.at("content_block").as_object();
    if (cb.at("type").as_string() == "text") {
      text_block_ = block;
      text_block_start_ = content_points_;
      held_citations_.clear();
    } else if (cb.at("type").as_string() == "thinking") {
      thinking_block_ = block;
      thinking_text_.clear();
      thinking_signature_.clear();
    } else if (cb.at("type").as_string() == "redacted_thinking") {
      chunks_.delta(json::object{{"thinking_blocks", json::array{*thinking_block_of(cb)}}}, "", out);
    } else if (cb.at("type").as_string() == "tool_use" && json_string(cb, "name") == anthropic_json_tool) {
      json_block_ = block;  // its input streams as the message text
    } else if (cb.at("type").as_string() == "tool_use") {
      if (block < 0 || block > kMaxContentBlocks) {
        fail("the provider's stream has more than 1,024 content blocks", out);
        return;
      }
      if (static_cast<int>(tool_index_by_block_.size()) <= block) tool_index_by_block_.resize(static_cast<size_t>(block) + 1, -1);
      int idx = tools_seen_++;
      tool_index_by_block_[static_cast<size_t>(block)] = idx;
      chunks_.delta(json::object{{"tool_calls", json::array{json::object{{"index", idx},
                                                                 {"id", cb.at("id")},
                                                                 {"type", "function"},
                                                                 {"function", json::object{{"name", cb.at("name")}, {"arguments", ""}}}}}}},
           "", out);
    }
  } else if (name == "content_block_delta") {
    int block = static_cast<int>(json_int(data, "index"));
    const auto& d = data.at("delta").as_object();
    std::string type(d.at("type").as_string());
    if (type == "text_delta") {
      if (const auto* t = d.if_contains("text"); t && t->is_string()) content_points_ += code_points(t->as_string());
      chunks_.text_delta("content", d.at("text").as_string(), out);
    } else if (type == "citations_delta" && block == text_block_) {
      // Held until the block stops: a citation spans its block, whose end is not known yet.
      if (const auto* c = json_object_at(d, "citation"); c && held_citations_.size() < kMaxHeldCitations)
        held_citations_.push_back(*c);
    } else if (type == "thinking_delta" && block == thinking_block_) {
      std::string piece = json_string(d, "thinking");
      if (thinking_text_.size() + piece.size() > kMaxHeldThinking) {
        fail("the provider's thinking block is over 32 MiB", out);
        return;
      }
      thinking_text_ += piece;
      chunks_.text_delta("reasoning_content", piece, out);
    } else if (type == "signature_delta" && block == thinking_block_) {
      thinking_signature_ += json_string(d, "signature");
    } else if (type == "input_json_delta" && block == json_block_) {
      if (const auto* j = d.if_contains("partial_json"); j && j->is_string()) content_points_ += code_points(j->as_string());
      chunks_.text_delta("content", d.at("partial_json").as_string(), out);
    } else if (type == "input_json_delta" && block < static_cast<int>(tool_index_by_block_.size()) &&
               tool_index_by_block_[static_cast<size_t>(block)] >= 0) {
      chunks_.delta(json::object{{"tool_calls", json::array{json::object{{"index", tool_index_by_block_[static_cast<size_t>(block)]},
                                                                 {"function", json::object{{"arguments", d.at("partial_json")}}}}}}},
           "", out);
    }
  } else if (name == "content_block_stop") {
    if (static_cast<int>(json_int(data, "index")) == text_block_) {
      json::array annotations;
      for (const auto& c : held_citations_)
        if (auto a = anthropic_url_citation(c.as_object(), text_block_start_, content_points_)) annotations.push_back(std::move(*a));
      if (!annotations.empty()) chunks_.delta(json::object{{"annotations", std::move(annotations)}}, "", out);
      text_block_ = -1;
      held_citations_.clear();
    }
    // A thinking block is whole once it stops: the client gets it (text and signature) to send back.
    if (static_cast<int>(json_int(data, "index")) == thinking_block_) {
      chunks_.delta(json::object{{"thinking_blocks", json::array{json::object{{"type", "thinking"},
                                                                              {"thinking", thinking_text_},
                                                                              {"signature", thinking_signature_}}}}},
                    "", out);
      thinking_block_ = -1;
      thinking_text_.clear();
      thinking_signature_.clear();
    }
  } else if (name == "message_delta") {
    if (auto d = data.find("delta"); d != data.end() && d->value().is_object() && d->value().as_object().contains("stop_reason") &&
                                     d->value().at("stop_reason").is_string())
      stop_reason_ = std::string(d->value().at("stop_reason").as_string());
    if (const auto* d = json_object_at(data, "delta"); d && d->contains("stop_sequence") && d->at("stop_sequence").is_string())
      stop_sequence_ = std::string(d->at("stop_sequence").as_string());
    if (auto u = data.find("usage"); u != data.end() && u->value().is_object()) read_anthropic_usage(u->value().as_object(), usage_);
  } else if (name == "message_stop") {
    if (json_block_ >= 0 && stop_reason_ == "tool_use" && tools_seen_ == 0) stop_reason_ = "end_turn";
    chunks_.finish(finish_reason_of(stop_reason_), usage_, out, stop_reason_ == "stop_sequence" ? stop_sequence_ : "");
    finished_ = true;
  } else if (name == "error") {
    std::string message = "provider stream error";
    if (auto e = data.find("error"); e != data.end() && e->value().is_object() && e->value().as_object().contains("message"))
      message = std::string(e->value().at("message").as_string());
    fail(message, out);
  }
  // ping carries nothing to relay.
}

}  // namespace brokle::gateway
