// Hands every gateway call's record to storage off the response path: handlers push() (a lock and
// a deque append), a writer thread batches (up to 500 rows or every 200 ms) into one transaction.
// Bound: 10,000 queued records. Overflow: the record is dropped and counted (dropped()); a failed
// batch write is counted (write_failures()) and its rows are dropped after one retry.
// stop() writes everything still queued before returning (graceful shutdown flushes).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "storage/generation_store.hpp"

namespace brokle::gateway {

class call_recorder {
 public:
  explicit call_recorder(storage::generation_store& store, size_t max_queued = 10000);
  ~call_recorder();
  void start();
  void stop();
  bool push(storage::generation_record r);
  uint64_t dropped() const noexcept { return dropped_.load(); }
  uint64_t written() const noexcept { return written_.load(); }
  uint64_t write_failures() const noexcept { return failures_.load(); }
  size_t queued() const;

 private:
  void loop();
  void write(std::vector<storage::generation_record>& batch);

  storage::generation_store& store_;
  size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<storage::generation_record> queue_;
  bool stopping_ = false;
  std::thread thread_;
  std::atomic<uint64_t> dropped_{0}, written_{0}, failures_{0};
};

}  // namespace brokle::gateway
