// Price overrides from the TOML config: one [[price]] table per model, in USD per 1M tokens.
//   [[price]]
//   model = "gpt-4o"          # exact name; dated snapshots of it price the same (prefix lookup)
//   input = 2.50
//   output = 10.00
//   cached_input = 1.25       # optional; 0 or absent: priced as input
//   cache_write = 3.125       # optional; 0 or absent: priced as input
//   web_search = 10.00        # optional; USD per 1,000 web searches; absent: none
// An override replaces the built-in price of that model; new models are added.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "gateway/pricing/price_table.hpp"

namespace brokle::gateway {

using price_override = std::pair<std::string, model_price>;

// invalid_argument naming the table and field for a bad or duplicate entry or an unknown key.
result<std::vector<price_override>> parse_price_overrides(std::string_view toml_text, std::string_view origin);
result<std::vector<price_override>> load_price_overrides(const std::string& toml_path);  // none for ""

}  // namespace brokle::gateway
