// The per-trace state the SQLite telemetry writer keeps in trace_summaries, in its stored form:
// - span_refs: which spans the trace already has (the dedupe set) and where they are (spans.seq),
//   as packed 16-byte entries, so dedupe and trace lookups cost one random-key B-tree access per
//   trace and batch instead of one per span;
// - pending_edges: client/producer spans (kept for later children) and server/consumer spans whose
//   parent has not arrived yet, so a service-map edge completes whichever half comes second.
// Internal to storage/sqlite.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace brokle::storage::sqlite {

// The WHERE clause that finds one trace's summary (after "FROM trace_summaries"; bind ?1 the
// project id, ?2 the trace id): its seq through trace_lookup (migration 0012), keyed by the id's
// last 12 characters, or among the summaries the writer has not indexed there yet (seq above
// trace_lookup_state.indexed_upto: a rowid range of at most one flush's worth). The unary + keeps
// the planner on those seqs rather than the project's time index (plans checked by a unit test).
inline constexpr const char* trace_summary_match =
    " seq IN (SELECT seq FROM trace_lookup WHERE key = substr(?2, -12)"
    " UNION ALL SELECT seq FROM trace_summaries WHERE seq > (SELECT indexed_upto FROM trace_lookup_state)"
    " AND +trace_id = ?2) AND +project_id = ?1 AND +trace_id = ?2";
// The writer's own lookup: it knows the unindexed summaries (it wrote them), so only trace_lookup.
inline constexpr const char* trace_summary_indexed_match =
    " seq IN (SELECT seq FROM trace_lookup WHERE key = substr(?2, -12)) AND +project_id = ?1 AND +trace_id = ?2";
// The trace id's lookup key, as trace_lookup holds it.
inline std::string_view trace_lookup_key(std::string_view trace_id) {
  return trace_id.size() > 12 ? trace_id.substr(trace_id.size() - 12) : trace_id;
}
// How many new summaries the writer lets wait before it indexes them (see sqlite_telemetry_writer).
inline constexpr size_t trace_lookup_flush_rows = 16'384;

struct span_ref {
  uint64_t key = 0;  // span_key(span_id).value
  int64_t seq = 0;   // spans.seq
};

struct span_key {
  uint64_t value = 0;
  bool exact = false;  // the span id is 16 lower-case hex and `value` is its bytes; else a hash
};

// The 64-bit key of a span id: its bytes for canonical OTLP ids, a FNV-1a hash for any other
// string (then equal keys must be confirmed against the stored span id).
span_key span_key_of(std::string_view span_id) noexcept;

std::string encode_span_refs(const std::vector<span_ref>& refs);
// Ignores a trailing partial entry (a corrupt blob loses at most that entry, never the batch).
std::vector<span_ref> decode_span_refs(std::string_view blob);

struct edge_half {
  std::string span_id;
  std::string parent_span_id;
  std::string service;
  int kind = 0;  // span_kind as int
  int64_t start_ns = 0;
  int64_t duration_ns = 0;
  bool error = false;
};

// Bound on halves kept per trace; past it the oldest are dropped (their edges are not counted).
inline constexpr size_t max_pending_edge_halves = 512;

std::string encode_edge_halves(const std::vector<edge_half>& halves);
std::vector<edge_half> decode_edge_halves(std::string_view blob);

}  // namespace brokle::storage::sqlite
