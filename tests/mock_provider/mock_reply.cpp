// Deterministic answers: the same request always produces the same text, tokens and vectors, so
// tests can assert exact values after the gateway's translation.
#include "mock_reply.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>

#include "ascii_text.hpp"
#include "json_text.hpp"

namespace brokle::mock {
namespace {

// A Gemini part the model returned as a thought; sent back in history, it is not prompt text.
bool is_thought(const boost::json::object& part) {
  const auto* thought = part.if_contains("thought");
  return thought != nullptr && thought->is_bool() && thought->get_bool();
}

}  // namespace

std::int64_t estimate_tokens(std::size_t chars) {
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(chars / chars_per_token));
}

reply_plan plan_reply(const conversation& prompt, const fault_plan& faults) {
  reply_plan plan;
  plan.prompt_tokens = estimate_tokens(prompt.prompt_chars);
  if (faults.cached_tokens) plan.cached_tokens = std::min(*faults.cached_tokens, plan.prompt_tokens);
  if (faults.cache_write_tokens)
    plan.cache_write_tokens = std::min(*faults.cache_write_tokens, plan.prompt_tokens - plan.cached_tokens);
  const std::string_view quoted = utf8_prefix(prompt.last_user_text, quoted_chars);
  if (prompt.thinking) {
    plan.thinking.reserve(thinking_prefix.size() + quoted.size());
    plan.thinking.append(thinking_prefix).append(quoted);
    plan.thinking_tokens = estimate_tokens(plan.thinking.size());
  }

  plan.use_tool = !prompt.tool_name.empty() && prompt.ends_with_user_turn &&
                  (prompt.force_tool || icontains(prompt.last_user_text, tool_trigger));
  if (plan.use_tool) {
    boost::json::object arguments;
    arguments[prompt.tool_argument] = quoted;
    append_json_text(plan.tool_arguments, arguments);
    plan.completion_tokens = estimate_tokens(plan.tool_arguments.size());
    return plan;
  }

  if (faults.reply) {
    plan.text.assign(*faults.reply);
  } else {
    plan.text.reserve(reply_prefix.size() + quoted.size());
    plan.text.append(reply_prefix).append(quoted);
  }
  std::size_t cut = std::string::npos;
  for (const auto stop : prompt.stop_sequences) {
    const std::size_t at = stop.empty() ? std::string::npos : plan.text.find(stop);
    if (at < cut) {
      cut = at;
      plan.stop_sequence.assign(stop);
    }
  }
  if (cut != std::string::npos) plan.text.resize(cut);
  if (prompt.max_output_tokens && *prompt.max_output_tokens > 0 &&
      estimate_tokens(plan.text.size()) > *prompt.max_output_tokens) {
    const auto limit = static_cast<std::size_t>(*prompt.max_output_tokens) * chars_per_token;
    plan.text.resize(utf8_boundary_at_or_before(plan.text, limit));
    plan.truncated = true;
  }
  plan.completion_tokens = estimate_tokens(plan.text.size());
  return plan;
}

std::vector<std::string_view> split_for_stream(std::string_view text, std::size_t parts) {
  std::vector<std::string_view> pieces;
  if (text.empty() || parts <= 1) {
    pieces.push_back(text);
    return pieces;
  }
  const std::size_t target = (text.size() + parts - 1) / parts;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = utf8_boundary_at_or_before(text, pos + target);
    if (end <= pos) {
      // One code point is longer than the target piece: take it whole.
      end = pos + 1;
      while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
    }
    pieces.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  return pieces;
}

void append_content_text(std::string& out, const boost::json::value* content) {
  if (content == nullptr) return;
  if (const auto* text = content->if_string()) {
    out.append(text->data(), text->size());
    return;
  }
  if (const auto* parts = content->if_array()) {
    for (const auto& part : *parts) {
      if (const auto* object = part.if_object(); object != nullptr && !is_thought(*object)) {
        if (const auto* text = object->if_contains("text"); text != nullptr && text->is_string()) {
          out.append(text->get_string().data(), text->get_string().size());
        }
      }
    }
  }
}

std::size_t content_text_size(const boost::json::value* content) {
  if (content == nullptr) return 0;
  if (const auto* text = content->if_string()) return text->size();
  std::size_t total = 0;
  if (const auto* parts = content->if_array()) {
    for (const auto& part : *parts) {
      const auto* object = part.if_object();
      if (object == nullptr || is_thought(*object)) continue;
      if (const auto* text = object->if_contains("text"); text != nullptr && text->is_string()) {
        total += text->get_string().size();
      } else if (const auto* nested = object->if_contains("content")) {
        total += content_text_size(nested);  // e.g. an Anthropic tool_result block
      }
    }
  }
  return total;
}

std::string_view first_property_name(const boost::json::value* schema) {
  if (schema != nullptr && schema->is_object()) {
    if (const auto* properties = schema->get_object().if_contains("properties"); properties && properties->is_object()) {
      const auto& fields = properties->get_object();
      if (!fields.empty()) return fields.begin()->key();
    }
  }
  return "input";
}

std::uint64_t fnv1a_64(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;  // the FNV-1a 64-bit offset basis
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;  // the FNV 64-bit prime
  }
  return hash;
}

std::string fnv1a_hex(std::string_view text) {
  static constexpr char digits[] = "0123456789abcdef";
  const std::uint64_t hash = fnv1a_64(text);
  std::string hex(16, '0');
  for (int i = 0; i < 16; ++i) hex[static_cast<std::size_t>(15 - i)] = digits[(hash >> (4 * i)) & 0xF];
  return hex;
}

std::string mock_signature(std::string_view text) {
  std::string signature(signature_prefix);
  signature.append(fnv1a_hex(text));
  return signature;
}

std::array<float, embedding_dimensions> embed_text(std::string_view text) {
  // FNV-1a over the text seeds a splitmix64 sequence: cheap, stable across platforms and builds.
  // The seed's basis is not FNV's (a digit short of 14695981039346656037); it stays as it is so
  // the vectors tests have recorded do not change.
  std::uint64_t state = 1469598103934665603ULL;
  for (char c : text) {
    state ^= static_cast<unsigned char>(c);
    state *= 1099511628211ULL;
  }
  std::array<float, embedding_dimensions> vector{};
  double norm = 0;
  for (auto& value : vector) {
    state += 0x9E3779B97F4A7C15ULL;
    std::uint64_t mixed = state;
    mixed = (mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9ULL;
    mixed = (mixed ^ (mixed >> 27)) * 0x94D049BB133111EBULL;
    mixed ^= mixed >> 31;
    const double unit = static_cast<double>(mixed >> 11) * (1.0 / 9007199254740992.0);  // [0, 1)
    value = static_cast<float>(unit * 2.0 - 1.0);
    norm += static_cast<double>(value) * value;
  }
  norm = std::sqrt(norm);
  if (norm > 0) {
    for (auto& value : vector) value = static_cast<float>(value / norm);
  }
  return vector;
}

std::string embedding_base64(const std::array<float, embedding_dimensions>& vector) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  unsigned char bytes[embedding_dimensions * 4];
  for (std::size_t i = 0; i < vector.size(); ++i) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &vector[i], sizeof bits);
    for (int b = 0; b < 4; ++b) bytes[i * 4 + b] = static_cast<unsigned char>(bits >> (8 * b));  // little-endian
  }
  std::string out;
  for (std::size_t i = 0; i < sizeof bytes; i += 3) {
    const std::size_t remaining = sizeof bytes - i;
    const std::uint32_t group = (std::uint32_t{bytes[i]} << 16) | (remaining > 1 ? std::uint32_t{bytes[i + 1]} << 8 : 0) |
                                (remaining > 2 ? std::uint32_t{bytes[i + 2]} : 0);
    out.push_back(alphabet[(group >> 18) & 63]);
    out.push_back(alphabet[(group >> 12) & 63]);
    out.push_back(remaining > 1 ? alphabet[(group >> 6) & 63] : '=');
    out.push_back(remaining > 2 ? alphabet[group & 63] : '=');
  }
  return out;
}

std::string next_id(std::string_view prefix) {
  static std::atomic<std::uint64_t> sequence{0};
  std::string id(prefix);
  id.append(std::to_string(sequence.fetch_add(1, std::memory_order_relaxed) + 1));
  return id;
}

std::string_view string_member(const boost::json::object& object, std::string_view key) {
  if (const auto* value = object.if_contains(key); value != nullptr && value->is_string()) {
    return value->get_string();
  }
  return {};
}

}  // namespace brokle::mock
