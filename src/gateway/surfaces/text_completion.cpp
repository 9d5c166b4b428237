#include "gateway/surfaces/text_completion.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/providers/openai_shapes.hpp"

namespace brokle::gateway {

namespace json = boost::json;

namespace {

bool above_one(const json::object& body, std::string_view key) {
  auto it = body.find(key);
  return it != body.end() && it->value().is_number() && it->value().to_number<double>() > 1;
}

// "cmpl-..." ids, as the completions endpoint names them.
json::value completion_id(const json::object& chat) {
  auto it = chat.find("id");
  if (it == chat.end() || !it->value().is_string()) return "cmpl-brokle";
  std::string_view id = it->value().as_string();
  if (id.rfind("chatcmpl-", 0) == 0) id.remove_prefix(9);
  return json::string("cmpl-" + std::string(id));
}

std::string choice_text(const json::object& holder, std::string_view key) {
  auto it = holder.find(key);
  if (it == holder.end() || !it->value().is_object()) return {};
  auto content = it->value().as_object().find("content");
  return content != it->value().as_object().end() && content->value().is_string()
             ? std::string(content->value().as_string())
             : std::string();
}

json::object completion_frame(const json::object& chat, json::array choices) {
  json::object out{{"id", completion_id(chat)},
                   {"object", "text_completion"},
                   {"created", chat.contains("created") ? chat.at("created") : json::value(0)},
                   {"model", chat.contains("model") ? chat.at("model") : json::value("")},
                   {"choices", std::move(choices)}};
  return out;
}

void emit(const json::object& o, std::string& out) {
  out += "data: ";
  out += json::serialize(o);
  out += "\n\n";
}

}  // namespace

result<text_completion_request> completion_to_chat(const json::object& body) {
  const auto& prompt = body.at("prompt");
  std::string text;
  if (prompt.is_string()) {
    text = std::string(prompt.as_string());
  } else if (prompt.is_array() && prompt.as_array().size() == 1 && prompt.as_array()[0].is_string()) {
    text = std::string(prompt.as_array()[0].as_string());
  } else if (prompt.is_array() && prompt.as_array().size() > 1 && prompt.as_array()[0].is_string()) {
    return make_error(errc::invalid_argument, "'prompt' holds " + std::to_string(prompt.as_array().size()) +
                                                  " prompts; this model takes one prompt per request");
  } else {
    return make_error(errc::invalid_argument,
                      "'prompt' must be a string for this model (token prompts are OpenAI's own)");
  }
  if (text.empty()) return make_error(errc::invalid_argument, "'prompt' must not be empty");
  if (above_one(body, "n")) return make_error(errc::invalid_argument, "'n' above 1 is not supported for this model");
  if (above_one(body, "best_of"))
    return make_error(errc::invalid_argument, "'best_of' above 1 is not supported for this model");
  if (auto it = body.find("logprobs"); it != body.end() && !it->value().is_null())
    return make_error(errc::invalid_argument, "'logprobs' is not supported for this model");
  if (auto it = body.find("suffix"); it != body.end() && !it->value().is_null() &&
                                     !(it->value().is_string() && it->value().as_string().empty()))
    return make_error(errc::invalid_argument, "'suffix' is not supported for this model");
  bool echo = false;
  if (auto it = body.find("echo"); it != body.end() && !it->value().is_null()) {
    if (!it->value().is_bool()) return make_error(errc::invalid_argument, "'echo' must be a boolean");
    echo = it->value().as_bool();
  }
  if (auto it = body.find("max_tokens"); it != body.end() && !it->value().is_null() && !it->value().is_int64())
    return make_error(errc::invalid_argument, "'max_tokens' must be an integer");

  text_completion_request r;
  r.chat_body = body;
  for (const char* key : {"prompt", "suffix", "echo", "best_of", "logprobs", "n"}) r.chat_body.erase(key);
  if (!r.chat_body.contains("max_tokens") || r.chat_body.at("max_tokens").is_null()) r.chat_body["max_tokens"] = 16;
  r.chat_body["messages"] = json::array{json::object{{"role", "user"}, {"content", text}}};
  if (echo) r.echo = std::move(text);
  return r;
}

result<json::object> chat_to_text_completion(const json::object& chat, std::string_view echo) {
  const auto* first_ptr = first_choice(chat);
  if (!first_ptr) return make_error(errc::invalid_argument, "not a chat completion");
  const auto& first = *first_ptr;
  json::object choice{{"text", std::string(echo) + choice_text(first, "message")},
                      {"index", 0},
                      {"logprobs", nullptr},
                      {"finish_reason", first.contains("finish_reason") ? first.at("finish_reason") : json::value(nullptr)}};
  auto out = completion_frame(chat, json::array{std::move(choice)});
  if (auto u = chat.find("usage"); u != chat.end()) out["usage"] = u->value();
  return out;
}

void text_completion_stream_translator::on_data(std::string_view data, std::string& out) {
  if (ended_ || data.empty()) return;
  auto d = read_relay_stream_data(data);
  if (d.what == relay_stream_data::kind::other) return;
  if (d.what == relay_stream_data::kind::done) {
    out += "data: [DONE]\n\n";
    ended_ = true;
    return;
  }
  const auto& chunk = d.chunk();
  if (d.what == relay_stream_data::kind::error) {  // the relay's in-band failure: passed on as it is
    emit(chunk, out);
    ended_ = true;
    return;
  }
  auto choices = chunk.find("choices");
  if (choices == chunk.end() || !choices->value().is_array()) return;
  if (choices->value().as_array().empty()) {  // the usage chunk
    if (auto u = chunk.find("usage"); u != chunk.end() && u->value().is_object()) {
      auto frame = completion_frame(chunk, json::array{});
      frame["usage"] = u->value();
      emit(frame, out);
    }
    return;
  }
  const auto* first = choices->value().as_array()[0].if_object();
  if (!first) return;
  std::string text = choice_text(*first, "delta");
  json::value finish = first->contains("finish_reason") ? first->at("finish_reason") : json::value(nullptr);
  if (!echoed_ && !echo_.empty()) {
    text = echo_ + text;
    echoed_ = true;
  }
  if (text.empty() && finish.is_null()) return;  // the role-only opening chunk
  json::object choice{{"text", std::move(text)}, {"index", 0}, {"logprobs", nullptr}, {"finish_reason", finish}};
  emit(completion_frame(chunk, json::array{std::move(choice)}), out);
}

void text_completion_stream_translator::finish(std::string& out) {
  if (ended_) return;
  ended_ = true;
  emit(json::object{{"error", json::object{{"message", "provider stream ended early"},
                                           {"type", "api_error"},
                                           {"code", "upstream_error"}}}},
       out);
}

}  // namespace brokle::gateway
