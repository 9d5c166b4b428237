// ULIDs: 26-char Crockford base32 ids, 48-bit millisecond time + 80 random bits, sortable by time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace brokle {

// Monotonic within a millisecond per process; thread-safe.
std::string new_ulid();
bool is_valid_ulid(std::string_view s);
uint64_t ulid_timestamp_ms(std::string_view s);

}  // namespace brokle
