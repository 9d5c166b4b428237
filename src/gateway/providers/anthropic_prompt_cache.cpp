#include "gateway/providers/anthropic_prompt_cache.hpp"

#include "gateway/providers/openai_shapes.hpp"

namespace brokle::gateway {

namespace json = boost::json;

status cache_control_of(const json::object& carrier) {
  auto it = carrier.find("cache_control");
  if (it == carrier.end() || it->value().is_object()) return {};
  return make_error(errc::invalid_argument, "'cache_control' must be an object ({\"type\":\"ephemeral\"})");
}

status mark_last_block(const json::object& message, json::array& blocks) {
  if (auto c = cache_control_of(message); !c) return c.err();
  if (const auto* c = json_object_at(message, "cache_control"); c && !blocks.empty()) blocks.back().as_object()["cache_control"] = *c;
  return {};
}

}  // namespace brokle::gateway
