#include "telemetry/genai/genai_messages.hpp"

#include <charconv>
#include <map>
#include <string_view>

#include "telemetry/genai/genai_attributes.hpp"

namespace brokle::telemetry::genai {
namespace {

// Collects "<prefix>N.<rest>" keys into [{rest: value, ...}] ordered by N; `strip` is removed
// from the front of <rest> when present ("message." in OpenInference's form).
std::optional<boost::json::value> indexed_messages(const boost::json::object& attrs, std::string_view prefix,
                                                   std::string_view strip) {
  std::map<uint64_t, boost::json::object> by_index;
  for (const auto& kv : attrs) {
    std::string_view key = kv.key();
    if (!key.starts_with(prefix)) continue;
    key.remove_prefix(prefix.size());
    uint64_t index = 0;
    const auto r = std::from_chars(key.data(), key.data() + key.size(), index);
    if (r.ec != std::errc() || r.ptr == key.data() || r.ptr == key.data() + key.size() || *r.ptr != '.') continue;
    std::string_view rest(r.ptr + 1, static_cast<size_t>(key.data() + key.size() - (r.ptr + 1)));
    if (rest.starts_with(strip)) rest.remove_prefix(strip.size());
    if (rest.empty()) continue;
    by_index[index].insert_or_assign(rest, structured(kv.value()));
  }
  if (by_index.empty()) return std::nullopt;
  boost::json::array out;
  out.reserve(by_index.size());
  for (auto& [index, message] : by_index) out.emplace_back(std::move(message));
  return boost::json::value(std::move(out));
}

std::optional<boost::json::value> whole(const boost::json::object& attrs, std::string_view key) {
  const auto it = attrs.find(key);
  if (it == attrs.end() || it->value().is_null()) return std::nullopt;
  return structured(it->value());
}

}  // namespace

std::optional<boost::json::value> prompt_of(const boost::json::object& attrs) {
  if (auto v = whole(attrs, "gen_ai.input.messages")) return v;
  if (auto v = whole(attrs, "gen_ai.prompt")) return v;
  if (auto v = indexed_messages(attrs, "gen_ai.prompt.", "")) return v;
  if (auto v = indexed_messages(attrs, "llm.input_messages.", "message.")) return v;
  return whole(attrs, "input.value");
}

std::optional<boost::json::value> completion_of(const boost::json::object& attrs) {
  if (auto v = whole(attrs, "gen_ai.output.messages")) return v;
  if (auto v = whole(attrs, "gen_ai.completion")) return v;
  if (auto v = indexed_messages(attrs, "gen_ai.completion.", "")) return v;
  if (auto v = indexed_messages(attrs, "llm.output_messages.", "message.")) return v;
  return whole(attrs, "output.value");
}

}  // namespace brokle::telemetry::genai
