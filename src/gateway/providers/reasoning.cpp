#include "gateway/providers/reasoning.hpp"

#include <array>
#include <utility>

#include "gateway/providers/openai_shapes.hpp"

namespace brokle::gateway {

namespace json = boost::json;

namespace {

constexpr std::array<std::pair<std::string_view, reasoning_effort>, 6> kEfforts{{
    {"none", reasoning_effort::none},
    {"minimal", reasoning_effort::minimal},
    {"low", reasoning_effort::low},
    {"medium", reasoning_effort::medium},
    {"high", reasoning_effort::high},
    {"xhigh", reasoning_effort::xhigh},
}};

}  // namespace

result<std::optional<reasoning_effort>> read_reasoning_effort(const json::object& body) {
  auto it = body.find("reasoning_effort");
  if (it == body.end() || it->value().is_null()) return std::optional<reasoning_effort>{};
  if (it->value().is_string())
    for (const auto& [name, effort] : kEfforts)
      if (it->value().as_string() == name) return std::optional<reasoning_effort>{effort};
  return make_error(errc::invalid_argument,
                    "'reasoning_effort' must be one of none, minimal, low, medium, high, xhigh");
}

std::string_view reasoning_effort_name(reasoning_effort e) {
  for (const auto& [name, effort] : kEfforts)
    if (effort == e) return name;
  return "medium";
}

int64_t thinking_budget(reasoning_effort e) {
  switch (e) {
    case reasoning_effort::none: return 0;
    case reasoning_effort::minimal: return 1024;
    case reasoning_effort::low: return 2048;
    case reasoning_effort::medium: return 8192;
    case reasoning_effort::high: return 16384;
    case reasoning_effort::xhigh: return 32768;
  }
  return 8192;
}

reasoning_effort effort_for_budget(int64_t budget_tokens) {
  if (budget_tokens < 4096) return reasoning_effort::low;
  if (budget_tokens < 16384) return reasoning_effort::medium;
  return reasoning_effort::high;
}

std::string google_thought_signature(const json::object& carrier) {
  const auto* extra = json_object_at(carrier, "extra_content");
  const auto* google = extra ? json_object_at(*extra, "google") : nullptr;
  return google ? json_string(*google, "thought_signature") : std::string();
}

void set_google_thought_signature(json::object& carrier, std::string_view signature) {
  carrier["extra_content"] = json::object{{"google", json::object{{"thought_signature", signature}}}};
}

std::optional<json::object> thinking_block_of(const json::object& block) {
  std::string type = json_string(block, "type");
  if (type == "thinking")
    return json::object{{"type", "thinking"},
                        {"thinking", json_string(block, "thinking")},
                        {"signature", json_string(block, "signature")}};
  if (type == "redacted_thinking") return json::object{{"type", "redacted_thinking"}, {"data", json_string(block, "data")}};
  return std::nullopt;
}

result<json::array> anthropic_blocks_of_thinking(const json::object& message) {
  json::array out;
  auto it = message.find("thinking_blocks");
  if (it == message.end() || it->value().is_null()) return out;
  if (!it->value().is_array()) return make_error(errc::invalid_argument, "'thinking_blocks' must be an array");
  for (const auto& b : it->value().as_array()) {
    const auto* block = b.if_object();
    std::string type = block ? json_string(*block, "type") : "";
    bool ok = (type == "thinking" && block->contains("thinking") && block->at("thinking").is_string() &&
               block->contains("signature") && block->at("signature").is_string()) ||
              (type == "redacted_thinking" && block->contains("data") && block->at("data").is_string());
    if (!ok)
      return make_error(errc::invalid_argument,
                        "'thinking_blocks' entries must be {\"type\":\"thinking\",\"thinking\",\"signature\"} or "
                        "{\"type\":\"redacted_thinking\",\"data\"}");
    out.push_back(*thinking_block_of(*block));
  }
  return out;
}

}  // namespace brokle::gateway
