// The OTLP/gRPC receiver (port 4317 by default): the TraceService, LogsService and MetricsService
// Export calls of the OpenTelemetry protocol, answered only once their data is durable.
//
//   call -> API key (metadata x-api-key, or authorization: Bearer) or the default project
//        -> records (spans_from_request / logs_from_request / metric_points_from_request)
//        -> ingest_service::submit -> ... writer thread commits -> reply OK (+ partial_success)
//
// Status codes follow the OTLP specification: OK with partial_success when some items were
// rejected; INVALID_ARGUMENT for a message that does not parse (the services take raw bytes and
// parse them: gRPC's generated handler would answer UNIMPLEMENTED); UNAUTHENTICATED for a missing
// or unknown key; RESOURCE_EXHAUSTED for a message over max_message_bytes (gRPC itself refuses it
// before we see it); UNAVAILABLE with a google.rpc.RetryInfo detail when the pipeline refuses
// (queue full, store and dead-letter queue down) or the server is stopping, so exporters retry
// after the hint and nothing acknowledged is ever lost.
//
// Threads: gRPC's callback API, so no thread per call. Authentication, parsing and decoding run on
// gRPC's callback threads (all in memory, bounded by max_message_bytes); the answer is sent from
// the pipeline's writer thread when it acknowledges. gRPC stays behind this header (pimpl).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/tenant_scope.hpp"

namespace brokle::telemetry {

class ingest_service;

struct otlp_grpc_options {
  std::string bind_address = "0.0.0.0";  // an IPv6 literal may be given with or without brackets
  uint16_t port = 4317;                  // 0: the system picks a free port; start() reports it
  // Bound: largest export message accepted, after gzip decompression. Overflow: gRPC answers
  // RESOURCE_EXHAUSTED without calling us (counted by gRPC only, not in otlp_grpc_counters).
  size_t max_message_bytes = 64u << 20;  // otlp.max_decompressed, as for OTLP/HTTP
  // Bound: calls received but not yet answered (each holds its request until its data is durable).
  // Overflow: UNAVAILABLE + RetryInfo(retry_after_ms), as for a full pipeline queue.
  size_t max_in_flight_calls = 1024;
  int64_t retry_after_ms = 1000;  // RetryInfo hint when no more specific one is known
  // Validates a presented API key. Runs on gRPC's callback threads: must be quick and must not
  // block. Errors map to UNAUTHENTICATED / PERMISSION_DENIED / RESOURCE_EXHAUSTED (rate limits,
  // with RetryInfo) / UNAVAILABLE; empty: every presented key is refused.
  std::function<result<project_scope>(std::string_view key)> authenticate;
  // Used for calls that send no key at all; empty: such calls are UNAUTHENTICATED.
  std::optional<project_scope> default_project;
};

// Monotonic counts since start, for metrics.
struct otlp_grpc_counters {
  uint64_t trace_requests = 0;   // Export calls received, by service
  uint64_t log_requests = 0;
  uint64_t metric_requests = 0;
  uint64_t items_accepted = 0;   // spans, log records and data points decoded and submitted
  uint64_t items_rejected = 0;   // items refused by the decoders (reported as partial success)
  uint64_t unauthenticated = 0;  // calls refused for a missing, unknown or disallowed key
  uint64_t invalid = 0;          // calls answered INVALID_ARGUMENT
  // Calls told to retry (UNAVAILABLE, or RESOURCE_EXHAUSTED for a rate-limited key, with RetryInfo):
  // pipeline full or down, too many in flight, stopping.
  uint64_t unavailable = 0;
  uint64_t failed = 0;           // calls answered INTERNAL (a bug)
};

class otlp_grpc_server {
 public:
  // `ingest` must outlive the server and keep acknowledging until stop() returns.
  otlp_grpc_server(ingest_service& ingest, otlp_grpc_options opts);
  // Stops with an immediate deadline if stop() was not called.
  ~otlp_grpc_server();
  otlp_grpc_server(const otlp_grpc_server&) = delete;
  otlp_grpc_server& operator=(const otlp_grpc_server&) = delete;

  // Binds and starts serving; returns the bound port. Errors: unavailable when the address cannot
  // be bound (port in use, no permission), invalid_argument for a bad option; conflict if started.
  result<uint16_t> start();

  // Stops accepting calls and waits until `deadline` for the calls in flight to become durable
  // and be answered; calls still waiting then are answered UNAVAILABLE (their data may still be
  // written: writes are idempotent, so the exporter's retry duplicates nothing but metric points).
  // Idempotent; a no-op before start().
  void stop(std::chrono::system_clock::time_point deadline);

  uint16_t port() const noexcept;  // 0 until started
  otlp_grpc_counters counters() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace brokle::telemetry
