// The telemetry ingest pipeline: every surface (OTLP gRPC/HTTP, SDK routes, Langfuse-compatible
// routes, the gateway's own call records) submits batches here.
//
//   submit() -> bounded queue -> one writer thread: group the queued batches (up to batch_rows
//   rows, waiting at most `linger` for more) -> telemetry_writer::write (one transaction)
//   -> after commit: acknowledgements, then subscribers (live streams, rollups, insight queue)
//   -> on a failed write: the batch goes to the dead-letter queue, then it is acknowledged.
//
// When is data acknowledged? on_durable(ok) fires only after the rows are committed to the store
// (SQLite WAL: survives kill -9 of the process) or, when the store refuses them, fsynced into the
// dead-letter queue. Transport handlers answer the client only then, so a crash loses exactly the
// requests that were never answered with success, which clients retry. Writes are idempotent, so a
// retry of an answered request (or a DLQ replay) never duplicates anything.
//
// Bounds: max_queued_rows. Overflow: submit() refuses immediately with errc::unavailable and a
// retry-after hint (surfaces answer 429/503 + Retry-After, gRPC UNAVAILABLE + RetryInfo). The DLQ is
// bounded by bytes; when both the store and the DLQ refuse, on_durable(error) fires and the client
// is told to retry.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/result.hpp"
#include "storage/telemetry_writer.hpp"
#include "telemetry/pipeline/dead_letter_queue.hpp"

namespace brokle::metrics {
class registry;
}

namespace brokle::telemetry {

struct pipeline_options {
  size_t max_queued_rows = 200'000;
  size_t batch_rows = 5'000;
  std::chrono::milliseconds linger{5};
  std::filesystem::path dlq_dir;  // required
  uint64_t dlq_max_bytes = 1ull << 30;
  std::chrono::milliseconds dlq_replay_interval{std::chrono::minutes(5)};
  int64_t retry_after_ms = 1000;  // hint given to clients refused for a full queue
};

class ingest_pipeline {
 public:
  using ack_fn = std::function<void(const status&)>;
  using commit_fn = std::function<void(const storage::telemetry_batch&)>;

  ingest_pipeline(storage::telemetry_writer& writer, pipeline_options opts);
  ~ingest_pipeline();
  ingest_pipeline(const ingest_pipeline&) = delete;
  ingest_pipeline& operator=(const ingest_pipeline&) = delete;

  // Opens the dead-letter queue and starts the writer thread, which first replays what the DLQ holds.
  status start();
  // Stops accepting, writes everything queued (acknowledging it), joins the writer. Idempotent.
  void stop();

  // Queues the batch or refuses it (full, stopped, or empty). When queued, on_durable runs exactly
  // once, on the writer thread, as described above. It must be quick and must not call submit().
  status submit(storage::telemetry_batch batch, ack_fn on_durable);

  // Called on the writer thread after every commit (including DLQ replays) with the rows written.
  // Register before start(). Subscribers must be quick and bounded: they run on the write path.
  void on_committed(commit_fn fn);

  // Replays the dead-letter queue at the writer's next opportunity (admin action, tests).
  void replay_dead_letters_now();

  void register_metrics(metrics::registry& reg);

  size_t queued_rows() const noexcept { return queued_rows_.load(); }
  uint64_t rows_written() const noexcept { return rows_written_.load(); }
  uint64_t rows_rejected() const noexcept { return rows_rejected_.load(); }
  uint64_t batches_written() const noexcept { return batches_written_.load(); }
  uint64_t write_failures() const noexcept { return write_failures_.load(); }
  uint64_t rows_dead_lettered() const noexcept { return rows_dead_lettered_.load(); }
  uint64_t rows_replayed() const noexcept { return rows_replayed_.load(); }
  uint64_t rows_lost() const noexcept { return rows_lost_.load(); }  // refused by store and DLQ, client told to retry
  const dead_letter_queue& dead_letters() const noexcept { return dlq_; }

 private:
  struct pending {
    storage::telemetry_batch batch;
    ack_fn ack;
  };
  void loop();
  void write_group(std::vector<pending>& group);
  void replay_dead_letters();
  void notify_committed(const storage::telemetry_batch& b);

  storage::telemetry_writer& writer_;
  pipeline_options opts_;
  dead_letter_queue dlq_;
  std::vector<commit_fn> subscribers_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<pending> queue_;
  bool stopping_ = false;
  bool started_ = false;
  bool replay_requested_ = false;
  std::thread thread_;

  std::atomic<size_t> queued_rows_{0};
  std::atomic<uint64_t> rows_written_{0}, rows_rejected_{0}, batches_written_{0}, write_failures_{0},
      rows_dead_lettered_{0}, rows_replayed_{0}, rows_lost_{0}, replay_failures_{0};
};

}  // namespace brokle::telemetry
