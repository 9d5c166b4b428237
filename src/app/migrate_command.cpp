#include "app/migrate_command.hpp"

#include <cstdio>

#include "storage/store_set.hpp"

namespace brokle::app {

int migrate(const resolved_config& rc, const std::string& action, int steps) {
  auto stores = storage::open_sqlite_stores({rc.values.data_dir, 1});
  if (!stores) {
    std::fprintf(stderr, "error: cannot open the store: %s\n", stores.err().message.c_str());
    return 1;
  }
  storage::migration_runner runner(*stores->migrations, storage::embedded_migration_files());
  auto progress_up = [](int v, std::string_view name) {
    std::printf("applying %04d %.*s ...\n", v, static_cast<int>(name.size()), name.data());
    std::fflush(stdout);
  };
  auto progress_down = [](int v, std::string_view name) {
    std::printf("reverting %04d %.*s ...\n", v, static_cast<int>(name.size()), name.data());
    std::fflush(stdout);
  };
  if (action == "up") {
    auto n = runner.up(progress_up);
    if (!n) {
      std::fprintf(stderr, "error: %s\n", n.err().message.c_str());
      return 1;
    }
    if (*n == 0) std::printf("schema is up to date (%s)\n", stores->location.c_str());
    else std::printf("applied %d migration(s) to %s\n", *n, stores->location.c_str());
    return 0;
  }
  if (action == "down") {
    auto n = runner.down(steps, progress_down);
    if (!n) {
      std::fprintf(stderr, "error: %s\n", n.err().message.c_str());
      return 1;
    }
    std::printf("reverted %d migration(s) in %s\n", *n, stores->location.c_str());
    return 0;
  }
  auto rows = runner.status_rows();
  if (!rows) {
    std::fprintf(stderr, "error: %s\n", rows.err().message.c_str());
    return 1;
  }
  std::printf("store: %s (%s)\n", stores->location.c_str(), stores->backend.c_str());
  std::printf("%-8s %-10s %-28s %s\n", "VERSION", "STATE", "APPLIED AT", "NAME");
  int pending = 0, dirty = 0;
  for (const auto& r : *rows) {
    const char* st = r.st == storage::migration_status_row::state::applied ? "applied"
                     : r.st == storage::migration_status_row::state::dirty ? "DIRTY"
                                                                            : "pending";
    if (r.st == storage::migration_status_row::state::pending) ++pending;
    if (r.st == storage::migration_status_row::state::dirty) ++dirty;
    std::printf("%04d     %-10s %-28s %s\n", r.version, st, r.applied_at.empty() ? "-" : r.applied_at.c_str(),
                r.name.c_str());
  }
  std::printf("%zu migration(s): %d pending, %d dirty\n", rows->size(), pending, dirty);
  return dirty ? 3 : 0;
}

}  // namespace brokle::app
