// telemetry_writer on SQLite: the pipeline's one writer thread owns this object and its private
// connection (WAL, synchronous=NORMAL, a 64 MiB page cache for the trace-summary B-tree). Each
// batch is one transaction: rows, trace summaries, service-map edges and per-minute rollups commit
// together. Statements are prepared once. Not thread-safe: one caller at a time.
#pragma once

#include <chrono>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <filesystem>
#include <memory>

#include "storage/sqlite/sqlite_connection.hpp"
#include "storage/sqlite/wal_checkpointer.hpp"
#include "storage/telemetry_writer.hpp"

namespace brokle::storage::sqlite {

class sqlite_telemetry_writer final : public telemetry_writer {
 public:
  // Opens its own connection to an already migrated database file. A generation stored without a
  // cost is priced with `price` once the merged row has a model and tokens: Langfuse-style
  // producers send the model on the create and the usage on a later update, so neither event
  // alone can be priced. `busy_timeout_ms`: how long a write waits for a lock held elsewhere.
  static result<std::unique_ptr<sqlite_telemetry_writer>> open(const std::filesystem::path& file,
                                                               generation_pricer price = {},
                                                               int busy_timeout_ms = 5000);
  ~sqlite_telemetry_writer() override;

  status write(const telemetry_batch& batch) override;
  // WAL size and checkpoint counts (brokle_store_wal_bytes, brokle_store_checkpoints_*).
  std::vector<writer_gauge> gauges() const override;

  // Indexes every stored trace summary in trace_lookup now (the writer does it by itself every
  // trace_lookup_flush_rows new summaries or 2 s, and when it opens).
  status flush_trace_lookup();

  // Fault injection for tests: the next write fails just before COMMIT (after every row went in).
  void fail_next_commit_for_tests() noexcept { fail_next_commit_ = true; }

  struct statements;

 private:
  sqlite_telemetry_writer() = default;
  status write_spans(const telemetry_batch& batch);
  status write_logs(const telemetry_batch& batch);
  status write_llm_records(const telemetry_batch& batch);

  // Trace lookup entries are written in bulk (migration 0012): summaries this writer stored since
  // the last flush are found through unindexed_, which holds them once their commit succeeded.
  // Bound: a commit that finds trace_lookup_flush_rows entries waiting flushes them in the same
  // transaction, so unindexed_ never holds more than that plus one batch's new traces; a failed
  // write adds nothing to it (fresh_ is dropped with the transaction).
  bool lookup_flush_due() const;
  status flush_trace_lookup_in_transaction();
  void remember_unindexed(const std::string& trace_id, int64_t seq);

  connection c_;
  std::unique_ptr<wal_checkpointer> checkpointer_;  // declared after c_: detached before it closes
  std::unique_ptr<statements> st_;
  generation_pricer price_;
  bool fail_next_commit_ = false;
  std::unordered_map<std::string, std::vector<int64_t>> unindexed_;  // lookup key -> summary seqs
  size_t unindexed_count_ = 0;
  std::vector<std::pair<std::string, int64_t>> fresh_;  // (trace id, seq) stored by the open transaction
  std::chrono::steady_clock::time_point last_lookup_flush_ = std::chrono::steady_clock::now();
};

}  // namespace brokle::storage::sqlite
