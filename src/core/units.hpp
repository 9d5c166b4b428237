// Human-friendly sizes ("10MiB", "512KB", "1048576") and durations ("250ms", "10s", "5m", "1h")
// for configuration. Parsing is strict: anything unrecognised is an error, never a guess.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace brokle {

std::optional<uint64_t> parse_size(std::string_view s);
std::optional<std::chrono::milliseconds> parse_duration(std::string_view s);
std::optional<int64_t> parse_int(std::string_view s);
std::optional<bool> parse_bool(std::string_view s);  // true/false/1/0/yes/no/on/off

std::string format_size(uint64_t bytes);
std::string format_duration(std::chrono::milliseconds d);

}  // namespace brokle
