// Base64 (RFC 4648) for OTLP bytes values: AnyValue.bytes_value is base64 in OTLP/JSON (only trace
// and span ids are hex) and Brokle stores bytes attributes as base64 JSON strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace brokle::telemetry::otlp {

// Standard alphabet, padded.
std::string base64_encode(std::string_view bytes);

// Accepts the standard and the URL-safe alphabet, with or without padding (proto3 JSON parsers
// accept both); nullopt for anything else.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace brokle::telemetry::otlp
