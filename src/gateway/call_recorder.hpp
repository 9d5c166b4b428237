// Hands every gateway call's record to storage off the response path: handlers push() (a lock and
// a deque append), a writer thread batches (up to 500 rows or every 200 ms) into one transaction.
// Bound: 10,000 queued records. Overflow: the record is dropped and counted (dropped()); a failed
// batch write is counted (write_failures()) and its rows are dropped after one retry.
// stop() writes everything still queued before returning (graceful shutdown flushes).
// A record pushed with its call_trace is also handed to the trace sink (an LLM trace for the
// telemetry pipeline), by the writer thread: building and submitting the trace is off the I/O
// thread too.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "core/tenant_scope.hpp"
#include "storage/generation_store.hpp"

namespace brokle::gateway {

// Where a call's trace goes: the project of the key that made it, the W3C trace id it came with
// (empty: the call's own record id) and the caller's span (empty: the call is its trace's root).
struct call_trace {
  project_scope scope;
  std::string trace_id;
  std::string parent_span_id;
};

class call_recorder {
 public:
  explicit call_recorder(storage::generation_store& store, size_t max_queued = 10000);
  ~call_recorder();
  using trace_sink = std::function<void(const storage::generation_record&, const call_trace&)>;
  // Set before start(); records pushed with a call_trace reach `sink` as their batch is written.
  void send_traces_to(trace_sink sink) { sink_ = std::move(sink); }
  void start();
  void stop();
  bool push(storage::generation_record r, std::optional<call_trace> trace = std::nullopt);
  uint64_t dropped() const noexcept { return dropped_.load(); }
  uint64_t written() const noexcept { return written_.load(); }
  uint64_t write_failures() const noexcept { return failures_.load(); }
  size_t queued() const;

 private:
  void loop();
  struct pending_call {
    storage::generation_record rec;
    std::optional<call_trace> trace;
  };
  void hand_on(const pending_call& call);
  void write(std::vector<storage::generation_record>& batch);

  storage::generation_store& store_;
  size_t max_queued_;
  trace_sink sink_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<pending_call> queue_;
  bool stopping_ = false;
  std::thread thread_;
  std::atomic<uint64_t> dropped_{0}, written_{0}, failures_{0};
};

}  // namespace brokle::gateway
