// Request-body decompression for OTLP/HTTP (Content-Encoding: gzip, which OTLP exporters use, and
// deflate). Bound: the output never exceeds `max_bytes` and no buffer is allocated beyond it; a
// body that would inflate past the limit (a gzip bomb) fails with errc::too_large as soon as the
// limit is crossed, without inflating the rest.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace brokle::telemetry::otlp {

enum class content_coding { identity, gzip, deflate };

// The coding named by a Content-Encoding header value (case-insensitive, surrounding spaces
// ignored; "" and "identity" are identity). nullopt for codings Brokle does not accept (the
// transport answers 415).
std::optional<content_coding> parse_content_encoding(std::string_view header);

// Errors: too_large past `max_bytes`; invalid_argument for a corrupt or truncated stream, or bytes
// after the last gzip member that are not another member.
result<std::string> gunzip(std::string_view compressed, size_t max_bytes);

// zlib-wrapped deflate (RFC 1950, what HTTP "deflate" means), falling back to raw deflate
// (RFC 1951), which some clients send under the same name.
result<std::string> inflate_deflate(std::string_view compressed, size_t max_bytes);

// identity copies the body (still subject to max_bytes).
result<std::string> decode_content(std::string_view body, content_coding coding, size_t max_bytes);

}  // namespace brokle::telemetry::otlp
