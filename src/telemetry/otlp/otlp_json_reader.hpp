// OTLP/JSON into the generated protobuf messages, following the OTLP spec's deviations from the
// proto3 JSON mapping:
// - trace_id / span_id / parent_span_id are case-insensitive hex, not base64 (other bytes fields,
//   e.g. AnyValue.bytesValue, stay base64);
// - keys are lowerCamelCase field names; unknown keys are ignored;
// - enums are integers.
// Leniencies, as in the OpenTelemetry Collector: snake_case keys (the proto field names) and enum
// value names are accepted too. 64-bit integers may be JSON numbers or decimal strings, as in the
// proto3 mapping. null means "absent".
//
// An id that is not valid hex becomes a one-byte value, so the item carrying it is rejected by the
// decoders' id checks (partial success) instead of failing the whole request.
#pragma once

#include <string_view>

#include "core/result.hpp"

namespace google::protobuf {
class Message;
}

namespace brokle::telemetry::otlp {

// invalid_argument for invalid JSON, nesting over max_nesting_depth, a non-object top level, or a
// known field holding the wrong JSON type (the message names the field path).
status read_otlp_json(std::string_view body, google::protobuf::Message& into);

}  // namespace brokle::telemetry::otlp
