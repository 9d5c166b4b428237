// OTLP/HTTP response bodies, in the encoding of the request: the Export*ServiceResponse with its
// partial_success (rejected count + message) on success, and a google.rpc.Status on failure.
// The three signals' responses share one wire shape (field 1: partial_success { 1: rejected count,
// 2: error_message }); only the JSON name of the count differs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "telemetry/otlp/otlp_decoder.hpp"

namespace brokle::telemetry::otlp {

enum class signal { traces, logs, metrics };

std::string export_response(body_encoding encoding, signal s, int64_t rejected, std::string_view message);
// gRPC status codes (3 INVALID_ARGUMENT, 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE, 16 UNAUTHENTICATED...).
std::string status_response(body_encoding encoding, int grpc_code, std::string_view message);

// A protobuf google.rpc.Status {code, message, details: [Any{google.rpc.RetryInfo{retry_delay}}]}:
// the binary status details a gRPC server sends (grpc-status-details-bin) to tell an OTLP exporter
// when to retry. OTLP exporters honour RetryInfo on UNAVAILABLE and RESOURCE_EXHAUSTED; without it
// RESOURCE_EXHAUSTED is not retried. A negative delay is sent as 0.
std::string status_with_retry_info(int grpc_code, std::string_view message, int64_t retry_after_ms);

std::string_view content_type_of(body_encoding encoding);

}  // namespace brokle::telemetry::otlp
