// JSON arrays of strings as the telemetry tables store them (trace services, LLM trace tags).
// Internal to storage/sqlite.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace brokle::storage::sqlite {

std::string to_json_string_array(const std::vector<std::string>& items);
// Non-string elements and unparsable text are skipped (stored data is ours, so only corruption
// gets here).
std::vector<std::string> parse_json_string_array(std::string_view text);

}  // namespace brokle::storage::sqlite
