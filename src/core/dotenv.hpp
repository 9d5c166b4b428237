// Parses a .env file: KEY=VALUE lines, `export ` prefixes, # comments, single/double quotes
// (double quotes understand \n \" \\). Malformed lines are reported with their line number.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace brokle {

using env_entries = std::vector<std::pair<std::string, std::string>>;

result<env_entries> parse_dotenv(std::string_view text);

}  // namespace brokle
