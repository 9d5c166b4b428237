// Keeps a write-heavy database's WAL bounded without stalling its one writer. Internal to storage/.
//
// SQLite's automatic checkpoint runs inside the committing thread: copying the WAL into the
// database file and fsyncing it stopped the telemetry writer for ~0.2-0.5 s every couple of
// seconds under load (half of its context switches were that fsync). Instead:
//  - a background thread with its own connection runs PASSIVE checkpoints, which never block the
//    writer, each time the WAL has grown by `background_bytes` (and continuously past
//    `restart_bytes` until it has caught up);
//  - after each commit the writer asks after_commit(): once the WAL holds `restart_bytes` and the
//    background pass has caught up to within `catch_up_bytes` (or, past twice `restart_bytes`,
//    as soon as a pass ends), the writer checkpoints the rest itself (a few MiB), so its next
//    transaction starts the WAL over from the beginning. Only a checkpoint that reaches the last
//    commit lets SQLite reuse the file;
//  - at `limit_bytes` the writer waits for a background pass under way, then checkpoints whatever
//    is left, on every commit: the bound on the WAL (as SQLite's own wal_autocheckpoint behaves
//    past its threshold). As with that, a reader holding an old snapshot delays the restart.
// The decisions only change when work happens, never what is durable: every commit is in the WAL.
// Sizes are in bytes of database pages and become frame counts for the file's page size.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "core/result.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

namespace brokle::storage::sqlite {

class wal_checkpointer {
 public:
  struct options {
    int64_t background_bytes = 32 << 20;
    int64_t restart_bytes = 128 << 20;
    int64_t catch_up_bytes = 16 << 20;
    int64_t limit_bytes = 512 << 20;
  };

  // Opens a second connection to `file` for the background passes and installs the WAL hook on
  // `writer`, replacing SQLite's automatic checkpoint there. `writer` must outlive this object.
  static result<std::unique_ptr<wal_checkpointer>> attach(connection& writer, const std::filesystem::path& file,
                                                          options opts);
  static result<std::unique_ptr<wal_checkpointer>> attach(connection& writer, const std::filesystem::path& file) {
    return attach(writer, file, options{});
  }
  ~wal_checkpointer();  // removes the hook, stops the thread
  wal_checkpointer(const wal_checkpointer&) = delete;
  wal_checkpointer& operator=(const wal_checkpointer&) = delete;

  // The writer's side, called from its WAL hook with the WAL's frame count after a commit: true
  // when the writer should checkpoint now, and then writer_finished() must follow. May wake the
  // background thread; at the limit, waits for a background pass under way to end.
  bool after_commit(int64_t wal_frames);
  // The writer's checkpoint is over; `reached_end`: it copied all `frames` (the WAL restarts at
  // the next transaction unless a reader still needs it).
  void writer_finished(bool reached_end, int64_t frames);
  // Records whether the writer's checkpoint failed; true for the first failure of a spell (log it).
  bool writer_failed(bool failed) noexcept;

  // The WAL as of the writer's last commit: frames in use and their bytes (header included).
  int64_t wal_frames() const noexcept { return wal_frames_.load(std::memory_order_relaxed); }
  int64_t wal_bytes() const noexcept { return wal_frames() * (page_size_ + 24); }
  uint64_t background_passes() const noexcept { return background_passes_.load(); }
  uint64_t writer_checkpoints() const noexcept { return writer_checkpoints_.load(); }

 private:
  struct frame_thresholds {
    int64_t background, restart, catch_up, limit;
  };
  wal_checkpointer(connection& writer, connection own, frame_thresholds t, int64_t page_size);
  void loop();

  connection& writer_;
  connection own_;
  frame_thresholds at_;
  int64_t page_size_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool requested_ = false;
  bool running_ = false;           // a background pass is under way
  bool writer_active_ = false;     // the writer is checkpointing
  int64_t backfilled_ = 0;         // frames the last background pass reached (this WAL generation)
  int64_t requested_at_ = 0;       // WAL size when the last pass was asked for
  int64_t last_frames_ = 0;        // WAL size at the previous commit; a smaller one means it restarted
  bool failing_ = false;           // background thread only
  bool writer_failing_ = false;    // writer thread only
  std::atomic<uint64_t> background_passes_{0}, writer_checkpoints_{0};
  std::atomic<int64_t> wal_frames_{0};
  std::thread thread_;
};

}  // namespace brokle::storage::sqlite
