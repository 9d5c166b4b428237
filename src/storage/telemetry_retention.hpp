// Retention for the telemetry store, called by the admin API (and a periodic job): delete what is
// older than a cutoff, then give the space back. Deletes run in short transactions of at most
// `purge_chunk_rows` rows each, so the telemetry writer waits at most one chunk for the lock.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.hpp"
#include "core/tenant_scope.hpp"

namespace brokle::storage {

inline constexpr int64_t purge_chunk_rows = 5'000;

struct purge_counts {
  int64_t spans = 0;
  int64_t trace_summaries = 0;
  int64_t logs = 0;
  int64_t llm_traces = 0;
  int64_t observations = 0;
  int64_t scores = 0;
  int64_t events = 0;
  int64_t metric_points = 0;
  int64_t rollup_rows = 0;
  int64_t generations = 0;
  int64_t sessions = 0;          // all-projects purge only: sessions expired before `now`
  int64_t key_tombstones = 0;    // all-projects purge only: older than one day before `now`
  int64_t transactions = 0;      // how many chunks it took
};

class telemetry_retention {
 public:
  virtual ~telemetry_retention() = default;
  // Deletes one project's telemetry (and gateway generations) older than cutoff_ms (unix ms).
  virtual result<purge_counts> purge_project_older_than(const project_scope& s, int64_t cutoff_ms) = 0;
  // Every project's telemetry older than cutoff_ms, plus sessions expired before now_ms and API-key
  // tombstones deleted more than a day before now_ms. Instance administrators only.
  virtual result<purge_counts> purge_all_older_than(int64_t cutoff_ms, int64_t now_ms) = 0;
  // The background job: each project keeps its own retention_days, or `default_days` when it has
  // none (0 = keep forever); sessions and tombstones as above.
  virtual result<purge_counts> purge_by_retention(int default_days, int64_t now_ms) = 0;
  // Checkpoints the WAL and rebuilds the file (a full VACUUM: it holds the write lock for its whole
  // run, seconds per GB; schedule it, do not put it on a request path).
  virtual status vacuum() = 0;
  // Deletes one trace: its spans and summary, the LLM trace of that id, its observations and
  // scores (the SDK's DELETE /v1/traces/{id}). Rollups keep their counts. not_found when the
  // project has none of these.
  virtual status delete_trace(const project_scope& s, const std::string& trace_id) = 0;
};

}  // namespace brokle::storage
