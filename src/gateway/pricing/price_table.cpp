#include "gateway/pricing/price_table.hpp"

#include <algorithm>

namespace brokle::gateway {

// List prices published by the providers (USD per 1M tokens: input, output, cached input, cache
// write — Anthropic's 5-minute cache writes cost 1.25x input; then USD per 1,000 web searches:
// Anthropic's web search tool $10, Gemini's grounding with Google Search $35 per grounded answer
// past the free daily allowance, which the gateway cannot see).
price_table::price_table() {
  prices_ = {
      {"gpt-4o", {2.50, 10.00, 1.25}},
      {"gpt-4o-mini", {0.15, 0.60, 0.075}},
      {"gpt-4.1", {2.00, 8.00, 0.50}},
      {"gpt-4.1-mini", {0.40, 1.60, 0.10}},
      {"gpt-4.1-nano", {0.10, 0.40, 0.025}},
      {"gpt-4-turbo", {10.00, 30.00, 0}},
      {"gpt-3.5-turbo", {0.50, 1.50, 0}},
      {"o1", {15.00, 60.00, 7.50}},
      {"o1-mini", {1.10, 4.40, 0.55}},
      {"o3-mini", {1.10, 4.40, 0.55}},
      {"text-embedding-3-small", {0.02, 0, 0}},
      {"text-embedding-3-large", {0.13, 0, 0}},
      {"text-embedding-ada-002", {0.10, 0, 0}},
      {"claude-3-5-sonnet", {3.00, 15.00, 0.30, 3.75, 10.00}},
      {"claude-3-7-sonnet", {3.00, 15.00, 0.30, 3.75, 10.00}},
      {"claude-sonnet-4", {3.00, 15.00, 0.30, 3.75, 10.00}},
      {"claude-3-5-haiku", {0.80, 4.00, 0.08, 1.00, 10.00}},
      {"claude-3-haiku", {0.25, 1.25, 0.03, 0.30, 10.00}},
      {"claude-3-opus", {15.00, 75.00, 1.50, 18.75, 10.00}},
      {"claude-opus-4", {15.00, 75.00, 1.50, 18.75, 10.00}},
      {"gemini-1.5-flash", {0.075, 0.30, 0.01875, 0, 35.00}},
      {"gemini-1.5-pro", {1.25, 5.00, 0.3125, 0, 35.00}},
      {"gemini-2.0-flash", {0.10, 0.40, 0.025, 0, 35.00}},
      {"gemini-2.5-pro", {1.25, 10.00, 0.31, 0, 35.00}},
      {"gemini-2.5-flash", {0.30, 2.50, 0.075, 0, 35.00}},
      {"gemini-embedding-001", {0.15, 0, 0}},
      {"command-r", {0.15, 0.60, 0}},
      {"command-r-plus", {2.50, 10.00, 0}},
      {"command-a", {2.50, 10.00, 0}},
      {"embed-v4.0", {0.12, 0, 0}},
      {"embed-english-v3.0", {0.10, 0, 0}},
      {"embed-multilingual-v3.0", {0.10, 0, 0}},
      {"mistral-large-latest", {2.00, 6.00, 0}},
      {"mistral-small-latest", {0.20, 0.60, 0}},
      {"deepseek-chat", {0.27, 1.10, 0.07}},
      {"deepseek-reasoner", {0.55, 2.19, 0.14}},
  };
}

void price_table::set(const std::string& model, model_price p) { prices_[model] = p; }

std::optional<model_price> price_table::find(const std::string& model) const {
  if (auto it = prices_.find(model); it != prices_.end()) return it->second;
  // Longest known prefix that ends at a separator: "gpt-4o-mini-2024-07-18" -> "gpt-4o-mini".
  std::optional<model_price> best;
  size_t best_len = 0;
  for (const auto& [name, price] : prices_) {
    if (name.size() > best_len && model.size() > name.size() && model.compare(0, name.size(), name) == 0 &&
        (model[name.size()] == '-' || model[name.size()] == '@' || model[name.size()] == ':')) {
      best = price;
      best_len = name.size();
    }
  }
  return best;
}

double price_table::cost(const std::string& model, const token_usage& u) const {
  auto p = find(model);
  if (!p) return 0;
  int64_t cached = std::clamp<int64_t>(u.cached_input_tokens, 0, u.input_tokens);
  int64_t written = std::clamp<int64_t>(u.cache_write_input_tokens, 0, u.input_tokens - cached);
  auto or_input = [&](double price) { return price > 0 ? price : p->input_per_million; };
  double c = static_cast<double>(u.input_tokens - cached - written) * p->input_per_million +
             static_cast<double>(cached) * or_input(p->cached_input_per_million) +
             static_cast<double>(written) * or_input(p->cache_write_per_million) +
             static_cast<double>(u.output_tokens) * p->output_per_million;
  return c / 1'000'000.0 + static_cast<double>(std::max<int64_t>(u.web_searches, 0)) * p->web_search_per_thousand / 1'000.0;
}

}  // namespace brokle::gateway
