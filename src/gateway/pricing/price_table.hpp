// Model prices in USD per 1M tokens (input, output, cached input, cache writes) and per 1,000 web
// searches, shipped as data
// and overridable per model in config ([[price]] tables, price_config.hpp). Lookup is exact, then by the longest known prefix, so dated
// snapshots ("gpt-4o-mini-2024-07-18") price like their family.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace brokle::gateway {

struct model_price {
  double input_per_million = 0;
  double output_per_million = 0;
  double cached_input_per_million = 0;  // 0: priced as input
  double cache_write_per_million = 0;   // prompt-cache writes (Anthropic: 1.25x input); 0: as input
  double web_search_per_thousand = 0;   // per web search the provider ran (Anthropic) or grounded answer (Gemini)
};

struct token_usage {
  int64_t input_tokens = 0;  // includes cached ones
  int64_t output_tokens = 0;
  int64_t cached_input_tokens = 0;       // read from a prompt cache, part of input
  int64_t cache_write_input_tokens = 0;  // written to a prompt cache (Anthropic), part of input
  int64_t reasoning_tokens = 0;          // part of output
  int64_t web_searches = 0;              // searches billed apart from tokens (see web_search.hpp)
};

class price_table {
 public:
  price_table();  // the built-in table
  void set(const std::string& model, model_price p);
  std::optional<model_price> find(const std::string& model) const;
  // USD; 0 for unknown models (they are still recorded, with cost_known = false upstream).
  double cost(const std::string& model, const token_usage& u) const;

 private:
  std::map<std::string, model_price, std::less<>> prices_;
};

}  // namespace brokle::gateway
