// OTLP trace and span ids: 16 and 8 raw bytes on the protobuf wire, case-insensitive hex in
// OTLP/JSON, lower-case hex in Brokle's model. An id of the right length that is all zero bytes is
// invalid per the OTLP spec (it means "no id").
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace brokle::telemetry::otlp {

inline constexpr size_t trace_id_bytes = 16;
inline constexpr size_t span_id_bytes = 8;

// Lower-case hex of raw bytes.
std::string to_hex(std::string_view bytes);

// Raw bytes of case-insensitive hex text; nullopt for an odd length or a non-hex character.
std::optional<std::string> from_hex(std::string_view hex);

// True when `bytes` has exactly `size` bytes and at least one is not zero.
bool is_valid_id(std::string_view bytes, size_t size) noexcept;

// True when every byte is zero (an empty id included): OTLP's "absent" for optional ids.
bool is_zero_id(std::string_view bytes) noexcept;

}  // namespace brokle::telemetry::otlp
