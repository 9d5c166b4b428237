// The OpenAI wire format spoken by OpenAI, Azure OpenAI and every OpenAI-compatible server
// (Mistral, Groq, Together, DeepSeek, OpenRouter, Ollama, vLLM): where a call goes, how it is
// authenticated, and where usage sits in responses and stream chunks.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "gateway/pricing/price_table.hpp"
#include "gateway/provider_config.hpp"
#include "net/upstream_client.hpp"

namespace brokle::gateway {

enum class openai_endpoint { chat_completions, completions, embeddings };
std::string_view endpoint_name(openai_endpoint e);

// The upstream call for `body` (already validated), with the model replaced by the upstream name
// and, for streams, usage requested so every streamed call is costed.
// `client_bytes`, when given, is the request body exactly as the client sent it: forwarded as is
// when nothing in it changes (same model name, not a stream, one "model" key), which spares a
// reserialization per call.
net::upstream_request build_openai_request(const provider_config& p, openai_endpoint e, boost::json::object body,
                                           const std::string& upstream_model, std::string_view client_bytes = {});

// Where `"key"` followed by ':' and an opening brace occurs in JSON text: only an object key can
// be followed by ':', and quotes inside strings are escaped. Offsets of each '{'.
std::vector<size_t> object_values_of_key(std::string_view json, std::string_view key);
// How many times `"key":` occurs as an object key in JSON text.
size_t key_occurrences(std::string_view json, std::string_view key);

// Usage from a whole (non-streamed) response body without parsing all of it: the one "usage"
// object is parsed alone. nullopt when absent, null, repeated (ambiguous) or malformed.
std::optional<token_usage> usage_in_body(std::string_view body);

// A streamed chat.completion.chunk that mentions usage, read without building a JSON tree when
// its "usage" and "choices" keys are unambiguous (parsed whole otherwise; the rest of the chunk is
// then not checked, it is relayed as it came). nullopt when the chunk is not a JSON object.
struct usage_chunk {
  std::optional<token_usage> usage;  // absent when "usage" is missing or null
  bool has_usage = false;            // the chunk has a "usage" member (null included)
  bool usage_only = false;           // ... and "choices" is an empty array: the usage-only final chunk
};
std::optional<usage_chunk> read_usage_chunk(std::string_view data);

// Usage from a response body or stream chunk ({"usage":{...}}); nullopt when absent or null.
std::optional<token_usage> usage_of(const boost::json::object& o);

// Splits a byte stream into Server-Sent Events (blank-line separated). Bounded: one event may not
// exceed max_event bytes (a runaway upstream ends the stream with an error instead of growing).
// One forward scan per byte fed, no copy per event: the events are views into the bytes fed or
// into the splitter's buffer, valid until the next feed() and while those bytes live.
class sse_splitter {
 public:
  explicit sse_splitter(size_t max_event = 4 * 1024 * 1024) : max_event_(max_event) {}
  // Appends bytes; appends the now complete events (each without its trailing blank line) to
  // `events`. false = the pending event is over the bound.
  bool feed(std::string_view bytes, std::vector<std::string_view>& events);
  // The bytes of an event not yet complete.
  std::string_view pending() const { return std::string_view(buf_).substr(consumed_); }

 private:
  size_t max_event_;
  std::string buf_;
  size_t consumed_ = 0;  // buf_'s prefix already handed out as events (dropped at the next feed)
};

// The `event:` name of one SSE event ("" when none).
std::string sse_event_name(std::string_view event);
// The `data:` payload of one SSE event ("" when none). A single data line is returned as a view
// into `event`; several are joined with '\n' into `scratch`, which the view then points into.
std::string_view sse_data(std::string_view event, std::string& scratch);
std::string sse_data(std::string_view event);

}  // namespace brokle::gateway
