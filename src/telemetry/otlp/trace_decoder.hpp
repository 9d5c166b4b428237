// OTLP traces (ExportTraceServiceRequest) into span_records. A span is rejected, and counted, when
// its trace id is not 16 bytes or all zero, its span id is not 8 bytes or all zero, or its parent
// span id is neither empty/all-zero nor 8 bytes; the other spans of the request are kept.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "storage/telemetry_records.hpp"
#include "telemetry/otlp/otlp_decoder.hpp"

namespace opentelemetry::proto::collector::trace::v1 {
class ExportTraceServiceRequest;
}

namespace brokle::telemetry::otlp {

struct span_batch {
  std::vector<storage::span_record> spans;  // project_id empty: the caller fills it
  rejections rejected;                      // -> ExportTracePartialSuccess
};

// For the gRPC server, which receives the request already parsed.
span_batch spans_from_request(const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request);

// For OTLP/HTTP bodies (after gzip.hpp's decompression). Errors as parse_body().
result<span_batch> decode_traces(std::string_view body, body_encoding encoding);

}  // namespace brokle::telemetry::otlp
