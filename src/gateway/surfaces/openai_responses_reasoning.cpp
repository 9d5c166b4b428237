#include "gateway/surfaces/openai_responses_reasoning.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/base64.hpp"
#include "gateway/providers/openai_shapes.hpp"
#include "gateway/providers/reasoning.hpp"

namespace brokle::gateway {

namespace json = boost::json;

namespace {
constexpr std::string_view kCarryPrefix = "brokle.r1.";
}  // namespace

void read_chat_reasoning(const json::object& message, reasoning_carry& carry) {
  carry.text += json_string(message, "reasoning_content");
  // Malformed blocks (not Anthropic's shape) are left out: no provider could take them back.
  if (auto blocks = anthropic_blocks_of_thinking(message))
    for (auto& b : *blocks) carry.thinking_blocks.push_back(std::move(b));
  if (auto s = google_thought_signature(message); !s.empty()) carry.text_signature = std::move(s);
  if (auto it = message.find("tool_calls"); it != message.end() && it->value().is_array())
    for (const auto& c : it->value().as_array())
      if (c.is_object())
        if (auto s = google_thought_signature(c.as_object()); !s.empty())
          carry.call_signatures[json_string(c.as_object(), "id")] = s;
}

std::string encode_reasoning_carry(const reasoning_carry& carry) {
  if (!carry.has_state()) return {};
  json::object state;
  if (!carry.thinking_blocks.empty()) state["thinking_blocks"] = carry.thinking_blocks;
  if (!carry.call_signatures.empty()) state["call_signatures"] = carry.call_signatures;
  if (!carry.text_signature.empty()) state["text_signature"] = carry.text_signature;
  return std::string(kCarryPrefix) + base64_encode(json::serialize(state));
}

std::optional<reasoning_carry> decode_reasoning_carry(std::string_view encrypted) {
  if (!encrypted.starts_with(kCarryPrefix)) return std::nullopt;
  auto bytes = base64_decode(encrypted.substr(kCarryPrefix.size()));
  if (!bytes) return std::nullopt;
  boost::system::error_code ec;
  auto v = json::parse(*bytes, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& state = v.as_object();
  reasoning_carry carry;
  auto blocks = anthropic_blocks_of_thinking(state);  // the same checks as a chat message's
  if (!blocks) return std::nullopt;
  carry.thinking_blocks = std::move(*blocks);
  if (const auto* sigs = json_object_at(state, "call_signatures"))
    for (const auto& kv : *sigs)
      if (kv.value().is_string()) carry.call_signatures[kv.key()] = kv.value();
  carry.text_signature = json_string(state, "text_signature");
  return carry;
}

bool wants_reasoning_summary(const json::object& response) {
  const auto* reasoning = json_object_at(response, "reasoning");
  return reasoning && !json_string(*reasoning, "summary").empty();
}

json::object reasoning_item(std::string_view id, const reasoning_carry& carry, std::string_view status, bool as_summary) {
  json::array content, summary;
  if (!carry.text.empty())
    (as_summary ? summary : content)
        .push_back(json::object{{"type", as_summary ? "summary_text" : "reasoning_text"}, {"text", carry.text}});
  auto encrypted = encode_reasoning_carry(carry);
  return json::object{{"type", "reasoning"},
                      {"id", id},
                      {"summary", std::move(summary)},
                      {"content", std::move(content)},
                      {"encrypted_content", encrypted.empty() ? json::value(nullptr) : json::value(encrypted)},
                      {"status", status}};
}

void apply_reasoning_carry(const reasoning_carry& carry, json::object& message) {
  if (!carry.thinking_blocks.empty()) message["thinking_blocks"] = carry.thinking_blocks;
  if (!carry.text.empty()) message["reasoning_content"] = carry.text;
  if (!carry.text_signature.empty()) set_google_thought_signature(message, carry.text_signature);
}

void sign_tool_call(const json::object& call_signatures, json::object& call) {
  if (auto s = call_signatures.find(json_string(call, "id")); s != call_signatures.end() && s->value().is_string())
    set_google_thought_signature(call, s->value().as_string());
}

}  // namespace brokle::gateway
