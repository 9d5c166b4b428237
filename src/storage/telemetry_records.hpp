// The telemetry model: what every ingestion surface (OTLP gRPC/HTTP, the Brokle SDK routes, the
// Langfuse-compatible routes, the gateway itself) turns its input into, and what the telemetry
// stores write and read. Plain values: no I/O, no JSON library types, so decoders, the pipeline and
// every backend share them. Ids are lower-case hex (trace 32 chars, span 16) for OTLP data and
// caller-chosen strings (≤ 128 bytes) for SDK data. Times are unix nanoseconds for spans and logs,
// unix milliseconds for the LLM-level records (traces, observations, scores, events).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace brokle::storage {

enum class span_kind : int { unspecified = 0, internal = 1, server = 2, client = 3, producer = 4, consumer = 5 };
enum class span_status : int { unset = 0, ok = 1, error = 2 };

// One OpenTelemetry span. Attribute maps are stored as compact JSON objects whose values are the
// OTLP AnyValue turned into JSON (string, number, bool, array, object; bytes as base64 strings).
struct span_record {
  std::string project_id;
  std::string trace_id;        // 32 lower-case hex
  std::string span_id;         // 16 lower-case hex
  std::string parent_span_id;  // empty for a root span
  std::string trace_state;
  std::string name;
  span_kind kind = span_kind::unspecified;
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  span_status status = span_status::unset;
  std::string status_message;
  std::string service_name;  // resource attribute service.name ("unknown_service" when absent)
  std::string environment;   // resource deployment.environment(.name), may be empty
  std::string scope_name;
  std::string scope_version;
  std::string attributes_json = "{}";
  std::string resource_json = "{}";
  std::string events_json = "[]";  // [{"time_ns":..,"name":..,"attributes":{..}}]
  std::string links_json = "[]";   // [{"trace_id":..,"span_id":..,"attributes":{..}}]
  int64_t duration_ns() const noexcept { return end_ns > start_ns ? end_ns - start_ns : 0; }
};

// One OpenTelemetry log record.
struct log_record {
  std::string project_id;
  std::string id;  // assigned at ingest (ULID), unique per record
  int64_t time_ns = 0;           // time_unix_nano, or observed time when the producer sent none
  int64_t observed_time_ns = 0;
  int severity_number = 0;  // 1..24 per the OTLP data model; 0 unspecified
  std::string severity_text;
  std::string body;  // a string body as is; any other AnyValue as JSON text
  std::string trace_id;
  std::string span_id;
  std::string service_name;
  std::string environment;
  std::string scope_name;
  std::string attributes_json = "{}";
  std::string resource_json = "{}";
};

// The LLM-level trace (Brokle SDK / Langfuse "trace"): one user-facing operation.
struct trace_record {
  std::string project_id;
  std::string id;
  std::string name;
  std::string user_id;
  std::string session_id;
  std::string environment;
  std::string release;
  std::string version;
  std::string input_json;     // any JSON value, empty when absent
  std::string output_json;
  std::string metadata_json;  // JSON object, empty when absent
  std::vector<std::string> tags;
  bool is_public = false;
  int64_t timestamp_ms = 0;
  int64_t updated_at_ms = 0;
};

enum class observation_type : int { span = 0, generation = 1, event = 2 };

// A step inside an LLM trace: a span, an event, or a generation (a model call with tokens and
// cost). The gateway records every call it serves as a generation.
struct observation_record {
  std::string project_id;
  std::string id;
  std::string trace_id;
  std::string parent_observation_id;
  observation_type type = observation_type::span;
  std::string name;
  std::string level;  // DEBUG | DEFAULT | WARNING | ERROR
  std::string status_message;
  std::string environment;
  std::string version;
  int64_t start_time_ms = 0;
  int64_t end_time_ms = 0;                // 0 while the observation is open
  int64_t completion_start_time_ms = 0;   // first token (generations)
  std::string model;                      // model used
  std::string model_requested;            // model the caller asked for (gateway)
  std::string provider;
  std::string key_id;                     // API key that made the call (gateway)
  std::string model_parameters_json;
  std::string input_json;
  std::string output_json;
  std::string metadata_json;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t cached_input_tokens = 0;       // read from a prompt cache, part of input
  int64_t cache_write_input_tokens = 0;  // written to a prompt cache (Anthropic), part of input
  int64_t reasoning_tokens = 0;
  double cost_usd = 0;
  int http_status = 0;  // gateway calls: status answered to the caller
  bool streamed = false;
};

enum class score_data_type : int { numeric = 0, categorical = 1, boolean = 2 };

struct score_record {
  std::string project_id;
  std::string id;
  std::string trace_id;
  std::string observation_id;
  std::string name;
  score_data_type data_type = score_data_type::numeric;
  double value = 0;          // numeric and boolean (0/1)
  std::string string_value;  // categorical
  std::string source;        // API | EVAL | ANNOTATION
  std::string comment;
  std::string environment;
  int64_t timestamp_ms = 0;
};

// A free-form telemetry event (`POST /v1/events`, routing decisions from `POST /v1/route`).
struct event_record {
  std::string project_id;
  std::string id;
  std::string trace_id;
  std::string type;  // "event" | "route" | caller-defined
  std::string name;
  std::string body_json = "{}";
  int64_t timestamp_ms = 0;
};

enum class metric_type : int { gauge = 0, sum = 1, histogram = 2, exponential_histogram = 3, summary = 4 };

// One OpenTelemetry metric data point, reduced to what Brokle counts and charts: gauges and sums
// keep their value; histograms and summaries keep count and sum (buckets and quantiles are not
// stored). Times are unix nanoseconds.
struct metric_point_record {
  std::string project_id;
  std::string name;
  std::string description;
  std::string unit;
  metric_type type = metric_type::gauge;
  std::string service_name;  // as for spans: resource service.name ("unknown_service" when absent)
  std::string environment;
  std::string scope_name;
  int64_t start_time_ns = 0;  // cumulative/delta window start; 0 for gauges that send none
  int64_t time_ns = 0;
  double value = 0;          // gauge and sum (integer points converted to double)
  int64_t count = 0;         // histogram, exponential histogram, summary
  double sum = 0;            // histogram, exponential histogram, summary (0 when not sent)
  int aggregation_temporality = 0;  // 0 unspecified, 1 delta, 2 cumulative (sums and histograms)
  bool is_monotonic = false;        // sums
  std::string attributes_json = "{}";
  std::string resource_json = "{}";
};

}  // namespace brokle::storage
