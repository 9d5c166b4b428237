#include "gateway/providers/openai_shapes.hpp"

#include "core/json_string.hpp"

#include <chrono>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace brokle::gateway {

namespace json = boost::json;

int64_t json_int(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return 0;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64()) return static_cast<int64_t>(it->value().as_uint64());
  if (it->value().is_double()) return static_cast<int64_t>(it->value().as_double());
  return 0;
}

std::string json_string(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}

const json::object* json_object_at(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_object() ? &it->value().as_object() : nullptr;
}

std::optional<int64_t> json_body_int(std::string_view body, std::string_view key) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  auto it = v.as_object().find(key);
  if (it == v.as_object().end() || !it->value().is_int64()) return std::nullopt;
  return it->value().as_int64();
}

const json::object* first_choice(const json::object& completion) {
  auto it = completion.find("choices");
  if (it == completion.end() || !it->value().is_array() || it->value().as_array().empty()) return nullptr;
  const auto& first = it->value().as_array()[0];
  return first.is_object() ? &first.as_object() : nullptr;
}

relay_stream_data read_relay_stream_data(std::string_view data) {
  relay_stream_data d;
  if (data == "[DONE]") {
    d.what = relay_stream_data::kind::done;
    return d;
  }
  boost::system::error_code ec;
  d.parsed = json::parse(data, ec);
  if (ec || !d.parsed.is_object()) return d;
  d.error = json_object_at(d.parsed.as_object(), "error");
  if (d.error) {
    d.what = relay_stream_data::kind::error;
    d.error_message = json_string(*d.error, "message");
    if (d.error_message.empty()) d.error_message = "the provider stream failed";
    return d;
  }
  d.what = relay_stream_data::kind::chunk;
  return d;
}

int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

result<data_url> file_part_data(const json::object& part) {
  const auto* file = json_object_at(part, "file");
  if (!file) return make_error(errc::invalid_argument, "file parts need a 'file' object");
  if (file->contains("file_id"))
    return make_error(errc::invalid_argument, "files by 'file_id' are OpenAI uploads; send 'file_data' (a base64 data URL) instead");
  auto d = parse_data_url(json_string(*file, "file_data"));
  if (!d) return make_error(errc::invalid_argument, "a file part's 'file_data' must be a base64 data URL (data:<type>;base64,...)");
  return *d;
}

std::string content_text(const json::value& content) {
  if (content.is_string()) return std::string(content.as_string());
  std::string out;
  if (content.is_array())
    for (const auto& part : content.as_array())
      if (part.is_object() && part.as_object().contains("text") && part.at("text").is_string())
        out += std::string(part.at("text").as_string());
  return out;
}

std::optional<data_url> parse_data_url(std::string_view url) {
  if (url.rfind("data:", 0) != 0) return std::nullopt;
  auto semi = url.find(';'), comma = url.find(',');
  if (semi == std::string_view::npos || comma == std::string_view::npos || url.compare(semi, 8, ";base64,") != 0)
    return std::nullopt;
  return data_url{std::string(url.substr(5, semi - 5)), std::string(url.substr(comma + 1))};
}

std::string image_url_of(const json::value& part) {
  auto it = part.as_object().find("image_url");
  if (it == part.as_object().end()) return {};
  const auto& iu = it->value();
  if (iu.is_string()) return std::string(iu.as_string());
  if (iu.is_object() && iu.as_object().contains("url") && iu.at("url").is_string()) return std::string(iu.at("url").as_string());
  return {};
}

result<json::object> tool_call_arguments(const json::object& function) {
  boost::system::error_code ec;
  auto it = function.find("arguments");
  std::string_view text = it != function.end() && it->value().is_string() ? std::string_view(it->value().as_string()) : "{}";
  auto args = json::parse(text, ec);
  if (ec || !args.is_object()) return make_error(errc::invalid_argument, "tool call arguments must be a JSON object");
  return std::move(args.as_object());
}

void append_turn(json::array& turns, std::string_view role, std::string_view items_key, json::array items) {
  if (!turns.empty() && turns.back().at("role").as_string() == role) {
    auto& existing = turns.back().as_object()[items_key].as_array();
    for (auto& item : items) existing.push_back(std::move(item));
    return;
  }
  turns.push_back(json::object{{"role", role}, {items_key, std::move(items)}});
}

json::object openai_usage(const token_usage& u) {
  json::object o{{"prompt_tokens", u.input_tokens},
                 {"completion_tokens", u.output_tokens},
                 {"total_tokens", u.input_tokens + u.output_tokens},
                 {"prompt_tokens_details", json::object{{"cached_tokens", u.cached_input_tokens}}},
                 {"completion_tokens_details", json::object{{"reasoning_tokens", u.reasoning_tokens}}}};
  // OpenAI has no field for prompt-cache writes (Anthropic bills them apart); only when there are
  // some, the name Anthropic and other OpenAI-compatible gateways use. SDKs ignore unknown fields.
  if (u.cache_write_input_tokens > 0) o["cache_creation_input_tokens"] = u.cache_write_input_tokens;
  return o;
}

std::string openai_error_body(std::string_view message, std::string_view type, std::string_view code) {
  return json::serialize(json::object{{"error", json::object{{"message", message}, {"type", type}, {"code", code}}}});
}

// Each chunk is written as text around the pieces only it has (the delta, the index, the finish
// reason): the envelope is the same for every chunk of a stream, so it is serialized once
// (measured: building and serializing the whole chunk object was ~40k instructions of a
// translated stream's ~240k on the I/O thread).
const std::string& chunk_writer::envelope() const {
  if (envelope_.empty()) {
    envelope_ = "data: {\"id\":";
    envelope_ += json::serialize(json::string_view(id_));
    envelope_ += ",\"object\":\"chat.completion.chunk\",\"created\":";
    envelope_ += std::to_string(created_);
    envelope_ += ",\"model\":";
    envelope_ += json::serialize(json::string_view(model_));
    envelope_ += ",\"choices\":[{\"index\":";
  }
  return envelope_;
}

void chunk_writer::append_choice(int64_t index, std::string_view delta_json, std::string_view finish_reason,
                                 std::string& out) const {
  out += envelope();
  out += std::to_string(index);
  out += ",\"delta\":";
  out += delta_json;
  out += ",\"finish_reason\":";
  out += finish_reason.empty() ? std::string("null") : json::serialize(json::string_view(finish_reason));
}

void chunk_writer::delta(json::object delta, std::string_view finish_reason, std::string& out, int64_t index,
                         json::value logprobs) const {
  append_choice(index, json::serialize(delta), finish_reason, out);
  if (!logprobs.is_null()) {
    out += ",\"logprobs\":";
    out += json::serialize(logprobs);
  }
  out += "}]}\n\n";
}

void chunk_writer::text_delta(std::string_view field, std::string_view text, std::string& out, int64_t index) const {
  out += envelope();
  out += std::to_string(index);
  out += ",\"delta\":{";
  append_json_string(out, field);
  out += ':';
  append_json_string(out, text);
  out += "},\"finish_reason\":null}]}\n\n";
}

void chunk_writer::role_delta(std::string& out, int64_t index) const {
  out += envelope();
  out += std::to_string(index);
  out += ",\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n";
}

void chunk_writer::finish(std::string_view finish_reason, const token_usage& usage, std::string& out,
                          std::string_view matched_stop) const {
  finish_choice(0, finish_reason, out, matched_stop);
  end(usage, out);
}

void chunk_writer::finish_choice(int64_t index, std::string_view finish_reason, std::string& out,
                                 std::string_view matched_stop) const {
  append_choice(index, "{}", finish_reason, out);
  if (!matched_stop.empty()) {
    out += ",\"stop_reason\":";
    out += json::serialize(json::string_view(matched_stop));
  }
  out += "}]}\n\n";
}

void chunk_writer::end(const token_usage& usage, std::string& out) const {
  if (include_usage_) {
    json::object chunk{{"id", id_},          {"object", "chat.completion.chunk"}, {"created", created_},
                       {"model", model_},    {"choices", json::array{}},          {"usage", openai_usage(usage)}};
    out += "data: " + json::serialize(chunk) + "\n\n";
  }
  out += "data: [DONE]\n\n";
}

}  // namespace brokle::gateway
