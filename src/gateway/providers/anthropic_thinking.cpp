#include "gateway/providers/anthropic_thinking.hpp"

#include <algorithm>
#include <cstdint>

#include "gateway/providers/openai_shapes.hpp"
#include "gateway/providers/reasoning.hpp"

namespace brokle::gateway {

namespace json = boost::json;

namespace {
constexpr int64_t kMinThinkingBudget = 1024;           // the API's minimum budget_tokens
constexpr int64_t kAnswerTokensBeyondThinking = 4096;  // max_tokens beyond the budget when the client set none
}  // namespace

result<bool> add_thinking(const json::object& in, bool max_given, json::object& out) {
  if (auto it = in.find("thinking"); it != in.end() && !it->value().is_null()) {
    if (!it->value().is_object())
      return make_error(errc::invalid_argument,
                        "'thinking' must be an object ({\"type\":\"enabled\",\"budget_tokens\":N} for Anthropic models)");
    out["thinking"] = it->value();
    const auto& own = it->value().as_object();
    if (!max_given && json_string(own, "type") == "enabled" && json_int(own, "budget_tokens") > 0)
      out["max_tokens"] = json_int(own, "budget_tokens") + kAnswerTokensBeyondThinking;
    return true;
  }
  auto effort = read_reasoning_effort(in);
  if (!effort) return effort.err();
  if (!*effort || **effort == reasoning_effort::none) return false;
  int64_t budget = thinking_budget(**effort);
  int64_t max_tokens = out.at("max_tokens").as_int64();
  if (max_given) {
    if (max_tokens <= kMinThinkingBudget)
      return make_error(errc::invalid_argument,
                        "with reasoning_effort, max_completion_tokens must be above 1024 for Anthropic models "
                        "(their thinking takes at least 1,024 of it)");
    budget = std::min(budget, max_tokens - 1);
  } else {
    out["max_tokens"] = budget + kAnswerTokensBeyondThinking;
  }
  out["thinking"] = json::object{{"type", "enabled"}, {"budget_tokens", budget}};
  return true;
}

}  // namespace brokle::gateway
