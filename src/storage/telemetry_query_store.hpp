// The read side of the telemetry store: what the dashboard, the Argus-style query API and the
// analytics routes ask of stored spans, logs, LLM records and rollups. Every call is scoped to one
// project and bounded: a page holds at most `max_page_size` items, a series at most
// `max_series_points` points, and a call asking for more is clamped, not refused.
// All time ranges are unix nanoseconds, half open [start_ns, end_ns); records kept in milliseconds
// (LLM traces, observations, scores) are compared after converting the range.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/tenant_scope.hpp"
#include "storage/telemetry_records.hpp"

namespace brokle::storage {

inline constexpr int max_page_size = 1000;
inline constexpr int max_page_offset = 100'000;  // deeper pages: narrow the time range instead
inline constexpr int max_series_points = 1440;   // a series with more buckets gets wider buckets

struct time_range {
  int64_t start_ns = 0;
  int64_t end_ns = 0;
};

// limit is clamped to 1..max_page_size, offset to 0..max_page_offset.
struct page_request {
  int limit = 100;
  int offset = 0;
};

template <class T>
struct page {
  std::vector<T> items;
  bool has_more = false;
  int next_offset = 0;  // the offset of the following page when has_more
};

enum class sort_order { desc, asc };
enum class match_scope { root_span, any_span };

// A key=value match on a JSON attribute map. The stored value is compared as text, so numbers
// match their decimal spelling ("200") and booleans match "1"/"0". Keys may contain dots; a key
// with a double quote is rejected.
struct attribute_filter {
  std::string key;
  std::string value;
};

// --- traces (span-derived) ----------------------------------------------------------------------

enum class trace_status_filter { any, ok, error };
enum class trace_sort { start_time, duration };

struct trace_query {
  time_range range;                   // on the trace's first span start
  std::vector<std::string> services;  // any span of the trace in one of these; empty = all
  trace_status_filter status = trace_status_filter::any;
  int64_t min_duration_ns = 0;  // 0 = no bound
  int64_t max_duration_ns = 0;  // 0 = no bound
  std::vector<attribute_filter> attributes;  // all must match (on the scope below)
  match_scope attribute_scope = match_scope::any_span;
  std::string name_contains;  // substring of a span name, case-insensitive for ASCII
  match_scope name_scope = match_scope::root_span;
  trace_sort sort = trace_sort::start_time;
  sort_order order = sort_order::desc;
  page_request page;
};

struct trace_summary {
  std::string trace_id;
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  int64_t duration_ns = 0;  // the root span's duration, or last end - first start without a root
  std::string root_span_id;  // empty until the root span arrives
  std::string root_name;
  std::string root_service;
  int64_t span_count = 0;
  int64_t error_count = 0;
  std::vector<std::string> services;
};

// A span placed in its trace's tree: spans come parent before children (depth-first), siblings
// by start time; a span whose parent never arrived is a root at depth 0.
struct tree_span {
  span_record span;
  int depth = 0;
};

struct trace_detail {
  trace_summary summary;
  std::vector<tree_span> spans;
  std::optional<trace_record> llm_trace;  // the LLM-level trace with the same id, if any
  std::vector<observation_record> observations;
  std::vector<score_record> scores;
};

// --- logs ---------------------------------------------------------------------------------------

struct log_query {
  time_range range;
  std::vector<std::string> services;  // empty = all
  int min_severity = 0;               // OTLP severity number; 0 = all
  std::string trace_id;               // empty = all
  std::string text;  // full-text terms, all must occur; `word*` is a prefix; other syntax is literal
  std::vector<attribute_filter> attributes;
  sort_order order = sort_order::desc;
  page_request page;
};

// --- metrics ------------------------------------------------------------------------------------

struct metrics_query {
  time_range range;
  std::vector<std::string> services;  // empty = all
  int64_t bucket_seconds = 60;        // rounded up to whole minutes; widened to max_series_points
};

struct service_stats {
  std::string name;
  int64_t span_count = 0;
  int64_t error_count = 0;
  double error_rate = 0;
  int64_t avg_duration_ns = 0;
  int64_t p50_ns = 0;
  int64_t p95_ns = 0;
  int64_t p99_ns = 0;
};

struct dashboard_stats {
  int64_t spans = 0;
  int64_t traces = 0;  // root spans started in the range
  int64_t errors = 0;  // spans with status error
  double error_rate = 0;
  int64_t avg_duration_ns = 0;
  int64_t p95_duration_ns = 0;
  int64_t logs = 0;
  int64_t error_logs = 0;  // severity >= ERROR (17)
  int64_t services = 0;
  int64_t llm_calls = 0;
  int64_t llm_errors = 0;
  int64_t llm_input_tokens = 0;
  int64_t llm_output_tokens = 0;
  double llm_cost_usd = 0;
};

struct traffic_point {
  int64_t bucket_start_ns = 0;
  int64_t span_count = 0;
  int64_t error_count = 0;
};

struct heatmap_cell {
  int64_t bucket_start_ns = 0;
  int latency_bucket = 0;  // index into storage/telemetry_latency_buckets.hpp
  int64_t latency_upper_ns = 0;
  int64_t count = 0;
};

struct service_map_node {
  std::string service;
  int64_t span_count = 0;
  int64_t error_count = 0;
  int64_t avg_duration_ns = 0;
};

struct service_map_edge {
  std::string client_service;
  std::string server_service;
  int64_t call_count = 0;
  int64_t error_count = 0;
  int64_t avg_duration_ns = 0;  // as the client measured it
};

struct service_map {
  std::vector<service_map_node> nodes;
  std::vector<service_map_edge> edges;
};

// --- LLM analytics ------------------------------------------------------------------------------

enum class llm_dimension { model, provider, environment, key };

struct llm_filter {
  llm_dimension dimension = llm_dimension::model;
  std::string value;
};

struct llm_query {
  time_range range;
  std::vector<llm_filter> filters;  // all must match
  int64_t bucket_seconds = 60;      // series only
};

struct llm_group_stats {
  std::string value;  // the model, provider, environment or key id
  int64_t calls = 0;
  int64_t errors = 0;
  double error_rate = 0;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t cached_input_tokens = 0;       // read from a prompt cache
  int64_t cache_write_input_tokens = 0;  // written to a prompt cache
  int64_t reasoning_tokens = 0;
  double cost_usd = 0;
  double avg_latency_ms = 0;
  double p50_latency_ms = 0;
  double p95_latency_ms = 0;
  double p99_latency_ms = 0;
  double avg_time_to_first_token_ms = 0;  // over streamed calls that reported one
};

struct llm_series_point {
  int64_t bucket_start_ns = 0;
  int64_t calls = 0;
  int64_t errors = 0;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  double cost_usd = 0;
  double avg_latency_ms = 0;
};

struct llm_trace_query {
  time_range range;
  std::string user_id;     // empty = all
  std::string session_id;  // empty = all
  page_request page;
};

struct observation_query {
  time_range range;
  std::string trace_id;                        // empty = all (then the range applies)
  std::optional<observation_type> type;        // empty = all
  page_request page;
};

struct score_query {
  time_range range;     // ignored when trace_id is set
  std::string trace_id;  // empty = all
  std::string name;      // empty = all
  page_request page;
};

class telemetry_query_store {
 public:
  virtual ~telemetry_query_store() = default;

  virtual result<page<trace_summary>> list_traces(const project_scope& s, const trace_query& q) = 0;
  // not_found when the project has no span and no LLM trace with this id.
  virtual result<trace_detail> get_trace(const project_scope& s, const std::string& trace_id) = 0;

  virtual result<page<log_record>> search_logs(const project_scope& s, const log_query& q) = 0;
  // Up to `per_side` records of the same service before and after the log (within ±1 minute), the
  // log itself included, oldest first. not_found when there is no such log in the project.
  virtual result<std::vector<log_record>> log_context(const project_scope& s, const std::string& log_id,
                                                      int per_side) = 0;

  virtual result<std::vector<service_stats>> list_services(const project_scope& s, const metrics_query& q) = 0;
  virtual result<dashboard_stats> dashboard(const project_scope& s, const metrics_query& q) = 0;
  virtual result<std::vector<traffic_point>> traffic(const project_scope& s, const metrics_query& q) = 0;
  virtual result<std::vector<heatmap_cell>> latency_heatmap(const project_scope& s, const metrics_query& q) = 0;
  virtual result<service_map> get_service_map(const project_scope& s, const metrics_query& q) = 0;

  virtual result<std::vector<llm_group_stats>> llm_breakdown(const project_scope& s, const llm_query& q,
                                                             llm_dimension group_by) = 0;
  virtual result<std::vector<llm_series_point>> llm_series(const project_scope& s, const llm_query& q) = 0;

  virtual result<page<trace_record>> list_llm_traces(const project_scope& s, const llm_trace_query& q) = 0;
  virtual result<page<observation_record>> list_observations(const project_scope& s,
                                                             const observation_query& q) = 0;
  virtual result<page<score_record>> list_scores(const project_scope& s, const score_query& q) = 0;
};

}  // namespace brokle::storage
