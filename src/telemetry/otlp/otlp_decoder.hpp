// What the three OTLP decoders (traces, logs, metrics) share: the body encodings, the partial-
// success bookkeeping, the resource fields every record copies, and the whole-body parse into a
// generated request message. Decoding turns one export request into Brokle records; a malformed
// body is an error for the whole request, a malformed item (a span with a bad id, a data point
// without a value) is rejected and counted, and the rest of the request is kept (OTLP partial
// success). Callers fill project_id.
//
// Bounds: memory is proportional to the body, which the caller bounds (HTTP body limit; the gzip
// limit in gzip.hpp for compressed bodies). Nesting is bounded by max_nesting_depth.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace google::protobuf {
class Message;
}
namespace opentelemetry::proto::resource::v1 {
class Resource;
}

namespace brokle::telemetry::otlp {

// OTLP/HTTP's two content types: application/x-protobuf and application/json.
enum class body_encoding { protobuf, json };

// Deepest nesting accepted in a body (protobuf messages or JSON containers); deeper bodies are
// rejected with invalid_argument. Matches protobuf's default recursion limit.
inline constexpr int max_nesting_depth = 100;

// Items rejected from an otherwise accepted request, for the partial_success response field.
// The message keeps the first few reasons (bounded) and says how many more there were.
class rejections {
 public:
  static constexpr int max_reasons = 5;

  void add(std::string_view reason);
  int64_t count() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  // "" when nothing was rejected.
  std::string message() const;

 private:
  int64_t count_ = 0;
  std::string reasons_;
};

// The resource fields copied onto every record of a ResourceSpans / ResourceLogs / ResourceMetrics.
struct resource_fields {
  std::string service_name;  // service.name, "unknown_service" when absent
  std::string environment;   // deployment.environment.name, else deployment.environment, else ""
  std::string resource_json = "{}";
};
resource_fields read_resource(const opentelemetry::proto::resource::v1::Resource& resource);

// Fills `into` (a generated OTLP request, usually arena-allocated) from the body. Errors:
// invalid_argument for a truncated/garbage protobuf or invalid/ill-typed JSON, too_large for a
// body over 2 GiB (protobuf's limit).
status parse_body(std::string_view body, body_encoding encoding, google::protobuf::Message& into);

// At most `max_bytes` of `s`, cut on a UTF-8 character boundary: item names quoted in rejection
// messages stay short and valid UTF-8 whatever the producer sent.
std::string short_text(std::string_view s, size_t max_bytes = 64);

// OTLP's unsigned 64-bit values (fixed64 times, counts) as Brokle's int64: values past INT64_MAX
// (a time past year 2262) saturate.
int64_t saturating_int64(uint64_t v) noexcept;
inline int64_t unix_nanos(uint64_t t) noexcept { return saturating_int64(t); }

}  // namespace brokle::telemetry::otlp
