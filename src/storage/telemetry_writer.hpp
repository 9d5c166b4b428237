// The write side of the telemetry store: one call per batch, one transaction per call. The pipeline's
// single writer thread is the only caller. Writes are idempotent so that replays (dead-letter queue,
// SDK retries, Langfuse re-sending a whole batch after a 207) never duplicate anything:
// - spans: unique on (project, trace_id, span_id); a repeated span is ignored;
// - logs: unique on (project, id) (the ingest service derives a log's id from its content, so a
//   re-sent export does not duplicate it);
// - metric points: appended (a re-sent export can repeat points; metrics are aggregates, and
//   exporters send each point once unless a request failed);
// - traces, observations, scores, events: unique on (project, id); a repeat merges into the stored
//   row, fields that are set (non-empty strings, non-zero numbers, non-empty tags) overwrite.
#pragma once

#include <cstddef>
#include <functional>
#include <iterator>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "storage/telemetry_records.hpp"

namespace brokle::storage {

struct telemetry_batch {
  std::vector<span_record> spans;
  std::vector<log_record> logs;
  std::vector<trace_record> traces;
  std::vector<observation_record> observations;
  std::vector<score_record> scores;
  std::vector<event_record> events;
  std::vector<metric_point_record> metrics;

  size_t size() const noexcept {
    return spans.size() + logs.size() + traces.size() + observations.size() + scores.size() + events.size() +
           metrics.size();
  }
  bool empty() const noexcept { return size() == 0; }
  void append(telemetry_batch&& other) {
    move_into(spans, other.spans);
    move_into(logs, other.logs);
    move_into(traces, other.traces);
    move_into(observations, other.observations);
    move_into(scores, other.scores);
    move_into(events, other.events);
    move_into(metrics, other.metrics);
  }
  // Room for the rows of all `batches` on top of these: merging many small batches then moves
  // each row once instead of again at every growth of the vectors.
  template <class Range, class Batch>
  void reserve_for(const Range& batches, Batch&& batch_of) {
    size_t n[7] = {spans.size(), logs.size(), traces.size(), observations.size(), scores.size(), events.size(),
                   metrics.size()};
    for (const auto& item : batches) {
      const telemetry_batch& b = batch_of(item);
      n[0] += b.spans.size(), n[1] += b.logs.size(), n[2] += b.traces.size(), n[3] += b.observations.size();
      n[4] += b.scores.size(), n[5] += b.events.size(), n[6] += b.metrics.size();
    }
    spans.reserve(n[0]), logs.reserve(n[1]), traces.reserve(n[2]), observations.reserve(n[3]);
    scores.reserve(n[4]), events.reserve(n[5]), metrics.reserve(n[6]);
  }
  void clear() {
    spans.clear();
    logs.clear();
    traces.clear();
    observations.clear();
    scores.clear();
    events.clear();
    metrics.clear();
  }

 private:
  template <class T>
  static void move_into(std::vector<T>& to, std::vector<T>& from) {
    if (to.empty()) {
      to = std::move(from);
    } else {
      to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
    }
    from.clear();
  }
};

// Cost in USD of a generation's tokens for its model; 0 when the model has no price.
using generation_pricer = std::function<double(const observation_record&)>;

// A number a backend reports about its own upkeep (e.g. SQLite's write-ahead log), exported as a
// metric. Read from any thread while the writer writes.
struct writer_gauge {
  const char* name;  // Prometheus metric name, constant for the backend
  const char* help;
  bool counter;      // monotonic total, else a gauge
  double value;
};

class telemetry_writer {
 public:
  virtual ~telemetry_writer() = default;
  // All rows of the batch commit together or not at all. An error leaves nothing written.
  virtual status write(const telemetry_batch& batch) = 0;
  // The backend's own gauges; the same names on every call. Thread-safe.
  virtual std::vector<writer_gauge> gauges() const { return {}; }
};

}  // namespace brokle::storage
