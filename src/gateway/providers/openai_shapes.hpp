// The OpenAI-side shapes every provider translator produces — chat.completion.chunk events, the
// usage object, the error envelope — and the small JSON readers they share, so Anthropic, Gemini
// and Cohere translation each keep only what is particular to their wire format.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/result.hpp"
#include "gateway/pricing/price_table.hpp"

namespace brokle::gateway {

int64_t json_int(const boost::json::object& o, std::string_view key);  // 0 when absent or not a number
std::string json_string(const boost::json::object& o, std::string_view key);  // "" when absent or not a string
const boost::json::object* json_object_at(const boost::json::object& o, std::string_view key);
// The integer member `key` of a whole JSON object body; nullopt when the body is not an object or
// the member is not an integer.
std::optional<int64_t> json_body_int(std::string_view body, std::string_view key);
int64_t unix_seconds();

// The text of an OpenAI message content: a string, or the concatenated text parts.
std::string content_text(const boost::json::value& content);

struct data_url {
  std::string media_type;
  std::string base64;
};
// "data:<media type>;base64,<data>"; nullopt for anything else.
std::optional<data_url> parse_data_url(std::string_view url);
// The URL of an image_url part (string or {"url": ...}); "" when missing.
std::string image_url_of(const boost::json::value& part);
// The inline data of a `file` part ({"type":"file","file":{"file_data":"data:<type>;base64,...",
// "filename"}}); invalid_argument for a file_id (an upload only OpenAI holds) or anything else.
result<data_url> file_part_data(const boost::json::object& part);

// The arguments of an OpenAI tool call ({"function":{"arguments":"<JSON text>"}}) as an object;
// invalid_argument when they are not a JSON object.
result<boost::json::object> tool_call_arguments(const boost::json::object& function);

// Appends items to the last turn when it has the same role (providers that want alternating
// turns), else starts a new turn {"role": role, items_key: items}.
void append_turn(boost::json::array& turns, std::string_view role, std::string_view items_key, boost::json::array items);

boost::json::object openai_usage(const token_usage& u);
std::string openai_error_body(std::string_view message, std::string_view type, std::string_view code);

// choices[0] of a chat.completion or chat.completion.chunk; nullptr when there is none (the
// usage chunk of a stream).
const boost::json::object* first_choice(const boost::json::object& completion);

// One `data:` payload of the relay's chat stream, as the translated surfaces read it: the end
// ([DONE]), a chat.completion.chunk, the relay's in-band failure ({"error":{...}}, `error` then
// points into `parsed` and `error_message` is its message or a default), or anything else (not a
// JSON object), which a surface skips.
struct relay_stream_data {
  enum class kind { done, chunk, error, other };
  kind what = kind::other;
  boost::json::value parsed;
  const boost::json::object* error = nullptr;
  std::string error_message;
  const boost::json::object& chunk() const { return parsed.as_object(); }
};
relay_stream_data read_relay_stream_data(std::string_view data);

// Writes chat.completion.chunk SSE events for one streamed completion.
class chunk_writer {
 public:
  chunk_writer(std::string model, bool include_usage) : model_(std::move(model)), include_usage_(include_usage) {}
  void set_id(std::string id) {
    id_ = std::move(id);
    envelope_.clear();
  }
  void start() {
    created_ = unix_seconds();
    envelope_.clear();
  }
  // One chunk for choice `index` (a provider answering several candidates streams them side by
  // side); `logprobs` the choice's {"content": [...]} for this delta's tokens, or null.
  void delta(boost::json::object delta, std::string_view finish_reason, std::string& out, int64_t index = 0,
             boost::json::value logprobs = nullptr) const;
  // The common deltas written directly (no JSON object built): {"<field>": text} (content,
  // reasoning_content) and the opening {"role":"assistant","content":""}. Same bytes as delta().
  void text_delta(std::string_view field, std::string_view text, std::string& out, int64_t index = 0) const;
  void role_delta(std::string& out, int64_t index = 0) const;
  // The closing chunk with its finish reason, the usage chunk when the client asked, [DONE].
  // matched_stop: the stop sequence that ended the text, when known (sent as the choice's
  // stop_reason, as vLLM does).
  void finish(std::string_view finish_reason, const token_usage& usage, std::string& out,
              std::string_view matched_stop = {}) const;
  // The same in two steps, for several choices: each one's closing chunk, then the end.
  void finish_choice(int64_t index, std::string_view finish_reason, std::string& out,
                     std::string_view matched_stop = {}) const;
  void end(const token_usage& usage, std::string& out) const;

 private:
  // "data: {" up to the choice's index: the same for every chunk of the stream (built once).
  const std::string& envelope() const;
  // The envelope, the index, the delta and the finish reason; the caller closes the choice.
  void append_choice(int64_t index, std::string_view delta_json, std::string_view finish_reason, std::string& out) const;

  std::string model_;
  bool include_usage_;
  std::string id_ = "chatcmpl-brokle";
  int64_t created_ = 0;
  mutable std::string envelope_;
};

}  // namespace brokle::gateway
