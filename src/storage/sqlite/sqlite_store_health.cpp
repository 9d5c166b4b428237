#include "storage/sqlite/sqlite_store_health.hpp"

#include <chrono>

namespace brokle::storage::sqlite {

result<store_probe> sqlite_store_health::probe() {
  auto t0 = std::chrono::steady_clock::now();
  auto version = db_->read([](connection& c) -> result<int> {
    auto s = c.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations WHERE dirty = 0");
    if (!s) return s.err();
    auto row = s->step();
    if (!row) return row.err();
    return static_cast<int>(s->column_int(0));
  });
  if (!version) return version.err();
  auto latency = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
  return store_probe{"sqlite", latency, *version};
}

}  // namespace brokle::storage::sqlite
