#include "storage/sqlite/sqlite_database.hpp"

namespace brokle::storage::sqlite {

result<std::unique_ptr<database>> database::open(const std::filesystem::path& file, size_t readers) {
  auto db = std::unique_ptr<database>(new database());
  db->path_ = file;
  auto w = connection::open(file.string(), false);
  if (!w) return w.err();
  db->writer_ = std::move(*w);
  if (readers == 0) readers = 1;
  for (size_t i = 0; i < readers; ++i) {
    auto r = connection::open(file.string(), false);
    if (!r) return r.err();
    db->readers_.push_back(std::move(*r));
    db->reader_busy_.push_back(false);
  }
  return db;
}

size_t database::acquire_reader() {
  std::unique_lock lock(readers_mu_);
  for (;;) {
    for (size_t i = 0; i < readers_.size(); ++i) {
      if (!reader_busy_[i]) {
        reader_busy_[i] = true;
        return i;
      }
    }
    readers_cv_.wait(lock);
  }
}

void database::release_reader(size_t slot) {
  {
    std::lock_guard lock(readers_mu_);
    reader_busy_[slot] = false;
  }
  readers_cv_.notify_one();
}

}  // namespace brokle::storage::sqlite
