#include "storage/sqlite/wal_checkpointer.hpp"

#include <sqlite3.h>

#include <algorithm>

#include "core/background_thread.hpp"
#include "core/log.hpp"

namespace brokle::storage::sqlite {

namespace {

// SQLite calls this after every commit on the writer's connection, with the WAL's frame count.
int on_wal_commit(void* ctx, sqlite3* db, const char* schema, int frames) {
  auto* self = static_cast<wal_checkpointer*>(ctx);
  if (!self->after_commit(frames)) return SQLITE_OK;
  int log = 0, done = 0;
  int rc = sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
  // Not reaching the end (a reader still needs older frames): the next commit asks again. A
  // failure (I/O) is reported once per failing spell; the WAL keeps every commit meanwhile.
  bool failed = rc != SQLITE_OK && rc != SQLITE_BUSY;
  if (self->writer_failed(failed)) {
    log::warn("WAL checkpoint after a commit failed; the WAL grows until one succeeds",
              {{"error", sqlite3_errmsg(db)}, {"wal_frames", std::to_string(frames)}});
  }
  self->writer_finished(rc == SQLITE_OK && done >= log, done);
  return SQLITE_OK;  // the commit itself succeeded whatever the checkpoint did
}

}  // namespace

result<std::unique_ptr<wal_checkpointer>> wal_checkpointer::attach(connection& writer,
                                                                   const std::filesystem::path& file,
                                                                   options opts) {
  auto own = connection::open(file.string(), false);
  if (!own) return own.err();
  auto q = writer.prepare("PRAGMA page_size");
  if (!q) return q.err();
  auto row = q->step();
  if (!row) return row.err();
  const int64_t page = *row ? q->column_int(0) : 0;
  if (page <= 0) return make_error(errc::internal, "cannot read the database page size of " + file.string());
  auto frames = [page](int64_t bytes) { return std::max<int64_t>(1, bytes / page); };
  frame_thresholds t{frames(opts.background_bytes), frames(opts.restart_bytes), frames(opts.catch_up_bytes),
                     frames(opts.limit_bytes)};
  std::unique_ptr<wal_checkpointer> c(new wal_checkpointer(writer, std::move(*own), t, page));
  sqlite3_wal_hook(writer.handle(), on_wal_commit, c.get());
  c->thread_ = std::thread([p = c.get()] { p->loop(); });
  return c;
}

wal_checkpointer::wal_checkpointer(connection& writer, connection own, frame_thresholds t, int64_t page_size)
    : writer_(writer), own_(std::move(own)), at_(t), page_size_(page_size) {}

wal_checkpointer::~wal_checkpointer() {
  sqlite3_wal_hook(writer_.handle(), nullptr, nullptr);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool wal_checkpointer::after_commit(int64_t frames) {
  bool wake = false;
  wal_frames_.store(frames, std::memory_order_relaxed);
  std::unique_lock lock(mu_);
  if (frames < last_frames_) {  // the WAL started over
    backfilled_ = 0;
    requested_at_ = 0;
  }
  last_frames_ = frames;
  bool writer_now = false;
  if (frames >= at_.limit) {
    // The bound: wait out a background pass (it holds the checkpoint lock), then checkpoint.
    cv_.wait(lock, [&] { return !running_ || stopping_; });
    writer_now = true;
  } else if (frames >= at_.restart && !running_ && !requested_ &&
             (frames - backfilled_ <= at_.catch_up || frames >= 2 * at_.restart)) {
    // Caught up, or past twice the restart size: big commits arriving faster than a pass can
    // close the gap (16 x 512-span exporters grew the WAL toward the limit), so the writer
    // finishes what the pass just left (what one pass's duration of commits wrote).
    writer_now = true;
  } else if (!running_ && !requested_ &&
             (frames >= at_.restart || frames - requested_at_ >= at_.background)) {
    requested_ = true;
    requested_at_ = frames;
    wake = true;
  }
  // No background pass starts while the writer checkpoints, so the writer never finds the lock taken.
  writer_active_ = writer_now;
  lock.unlock();
  if (wake) cv_.notify_all();
  return writer_now;
}

void wal_checkpointer::writer_finished(bool reached_end, int64_t frames) {
  {
    std::lock_guard lock(mu_);
    writer_active_ = false;
    if (reached_end) backfilled_ = frames;
  }
  if (reached_end) writer_checkpoints_.fetch_add(1, std::memory_order_relaxed);
  cv_.notify_all();
}

bool wal_checkpointer::writer_failed(bool failed) noexcept {
  bool first = failed && !writer_failing_;
  writer_failing_ = failed;
  return first;
}

void wal_checkpointer::loop() {
  mark_background_thread("brokle-checkpt");
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || (requested_ && !writer_active_); });
      if (stopping_) return;
      requested_ = false;
      running_ = true;
    }
    int log = 0, done = 0;
    int rc = sqlite3_wal_checkpoint_v2(own_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    bool failed = rc != SQLITE_OK && rc != SQLITE_BUSY;
    if (failed && !failing_) {  // logged once per failing spell, not once per pass
      log::warn("background WAL checkpoint failed; the writer checkpoints at the WAL limit meanwhile",
                {{"error", sqlite3_errmsg(own_.handle())}});
    }
    failing_ = failed;
    background_passes_.fetch_add(1, std::memory_order_relaxed);
    {
      std::lock_guard lock(mu_);
      running_ = false;
      if (rc == SQLITE_OK && done >= 0) backfilled_ = done;
    }
    cv_.notify_all();  // a writer at the WAL limit waits for this
  }
}

}  // namespace brokle::storage::sqlite
