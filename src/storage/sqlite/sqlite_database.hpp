// The embedded store's connections: one writer (SQLite allows one at a time; callers serialise on
// it) and a fixed set of readers (WAL lets them run beside the writer). Callers are already on
// the blocking pool, so waiting for a connection blocks a pool thread, never an I/O thread.
// Bound: `readers` connections; a caller past that waits for one to free up.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "core/result.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

namespace brokle::storage::sqlite {

class database {
 public:
  static result<std::unique_ptr<database>> open(const std::filesystem::path& file, size_t readers);

  template <class F>
  auto write(F&& f) {
    std::lock_guard lock(writer_mu_);
    return f(writer_);
  }

  template <class F>
  auto read(F&& f) {
    size_t slot = acquire_reader();
    struct release_guard {
      database* d;
      size_t s;
      ~release_guard() { d->release_reader(s); }
    } guard{this, slot};
    return f(readers_[slot]);
  }

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  size_t acquire_reader();
  void release_reader(size_t slot);

  std::filesystem::path path_;
  std::mutex writer_mu_;
  connection writer_;
  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<connection> readers_;
  std::vector<bool> reader_busy_;
};

}  // namespace brokle::storage::sqlite
