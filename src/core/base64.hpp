// Base64 (RFC 4648): OTLP/JSON bytes values (AnyValue.bytes_value), bytes attributes stored as
// base64 JSON strings, and embeddings the gateway answers with encoding_format "base64".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace brokle {

// Standard alphabet, padded.
std::string base64_encode(std::string_view bytes);

// Accepts the standard and the URL-safe alphabet, with or without padding (proto3 JSON parsers
// accept both); nullopt for anything else.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace brokle
