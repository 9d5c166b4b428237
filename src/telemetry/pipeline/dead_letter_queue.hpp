// The dead-letter queue: telemetry batches the store could not take, kept as files in data/dlq/
// until a later write succeeds. A file appears atomically (written to a temp name, fsynced, renamed,
// directory fsynced), so after any crash a file in the queue is either complete or absent.
// Bound: max_bytes on disk. Overflow: put() fails and the caller does not acknowledge the data
// (the client is told to retry), so nothing acknowledged is ever dropped.
// Files are named by a ULID, so listing them in name order replays them in arrival order. A file
// that cannot be read back is moved to dlq/corrupt/ and counted, never deleted silently.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "storage/telemetry_writer.hpp"

namespace brokle::telemetry {

class dead_letter_queue {
 public:
  dead_letter_queue(std::filesystem::path dir, uint64_t max_bytes);

  // Scans the directory (removing temp files a crash left behind). Call once before use.
  status open();

  // Persists the batch durably. Fails when the disk refuses or the queue is at its bound.
  status put(const storage::telemetry_batch& batch);

  struct entry {
    std::filesystem::path path;
    uint64_t bytes = 0;
  };
  // Queued files, oldest first.
  std::vector<entry> list() const;
  result<storage::telemetry_batch> read(const entry& e) const;
  // After the batch was written to the store.
  void remove(const entry& e);
  // A file that cannot be decoded: set aside in corrupt/ so it is neither replayed forever nor lost.
  void quarantine(const entry& e);

  size_t files() const noexcept { return files_.load(); }
  uint64_t bytes() const noexcept { return bytes_.load(); }
  uint64_t quarantined() const noexcept { return quarantined_.load(); }
  const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  std::filesystem::path dir_;
  uint64_t max_bytes_;
  mutable std::mutex mu_;
  std::atomic<size_t> files_{0};
  std::atomic<uint64_t> bytes_{0};
  std::atomic<uint64_t> quarantined_{0};
};

}  // namespace brokle::telemetry
