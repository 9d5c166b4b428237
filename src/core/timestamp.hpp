// Timestamps as clients send them: RFC 3339 / ISO 8601 text ("2024-05-01T12:00:00Z",
// "2024-05-01T12:00:00.123456+02:00", "2024-05-01 12:00:00") or numbers of unix seconds,
// milliseconds, microseconds or nanoseconds (told apart by magnitude).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace brokle {

// Unix nanoseconds, or nullopt when the text is not a valid timestamp.
std::optional<int64_t> parse_rfc3339_ns(std::string_view text);
// A number whose unit is guessed from its magnitude (years 1973..5138 in any of s/ms/µs/ns).
int64_t unix_number_to_ns(double v);
// A time given in a URL query (already form-decoded): RFC 3339 or a unix number. A '+' offset
// typed into the URL unescaped ("...T12:00:00+02:00") was decoded to a space; it is read as '+'.
std::optional<int64_t> parse_query_time_ns(std::string_view text);

}  // namespace brokle
