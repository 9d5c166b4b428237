#include "storage/migration_runner.hpp"

#include <algorithm>
#include <map>

namespace brokle::storage {

migration_runner::migration_runner(migration_backend& backend, const std::vector<migration_file>& files)
    : backend_(backend) {
  std::map<int, pair> by_version;
  for (const auto& f : files) {
    if (f.backend != backend.backend_name()) continue;
    auto& p = by_version[f.version];
    p.version = f.version;
    p.name = std::string(f.name);
    if (f.direction == "up") p.up = f.sql;
    else p.down = f.sql;
  }
  for (auto& [v, p] : by_version) known_.push_back(p);
}

result<std::vector<migration_status_row>> migration_runner::status_rows() {
  auto applied = backend_.applied();
  if (!applied) return applied.err();
  std::map<int, applied_migration> done;
  for (auto& a : *applied) done[a.version] = a;
  std::vector<migration_status_row> rows;
  for (const auto& k : known_) {
    auto it = done.find(k.version);
    if (it == done.end()) {
      rows.push_back({k.version, k.name, migration_status_row::state::pending, ""});
    } else {
      rows.push_back({k.version, k.name,
                      it->second.dirty ? migration_status_row::state::dirty : migration_status_row::state::applied,
                      it->second.applied_at});
      done.erase(it);
    }
  }
  // Versions in the database this binary does not know (a newer binary ran here).
  for (auto& [v, a] : done)
    rows.push_back({v, a.name + " (unknown to this binary)",
                    a.dirty ? migration_status_row::state::dirty : migration_status_row::state::applied,
                    a.applied_at});
  std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.version < b.version; });
  return rows;
}

status migration_runner::check_ready() {
  auto rows = status_rows();
  if (!rows) return rows.err();
  for (const auto& r : *rows) {
    if (r.st == migration_status_row::state::dirty)
      return make_error(errc::internal, "migration " + std::to_string(r.version) + " (" + r.name +
                                            ") is dirty: it failed half-way; inspect the database, then run "
                                            "`brokle migrate down` or fix and re-run `brokle migrate up`");
    if (r.st == migration_status_row::state::pending)
      return make_error(errc::unavailable, "migration " + std::to_string(r.version) + " (" + r.name +
                                               ") is pending: run `brokle migrate up` or enable auto-migrate");
  }
  if (!known_.empty() && !rows->empty() && rows->back().version > known_.back().version)
    return make_error(errc::internal, "the database schema (version " + std::to_string(rows->back().version) +
                                          ") is newer than this binary knows (" +
                                          std::to_string(known_.back().version) + "); upgrade brokle");
  return ok_v;
}

result<int> migration_runner::up(const std::function<void(int, std::string_view)>& progress) {
  auto rows = status_rows();
  if (!rows) return rows.err();
  int count = 0;
  for (const auto& r : *rows) {
    if (r.st == migration_status_row::state::dirty)
      return make_error(errc::internal, "migration " + std::to_string(r.version) + " is dirty; refusing to continue");
  }
  for (const auto& k : known_) {
    bool pending = std::any_of(rows->begin(), rows->end(), [&](const migration_status_row& r) {
      return r.version == k.version && r.st == migration_status_row::state::pending;
    });
    if (!pending) continue;
    if (k.up.empty()) return make_error(errc::internal, "migration " + std::to_string(k.version) + " has no up script");
    if (progress) progress(k.version, k.name);
    auto st = backend_.apply_up(k.version, k.name, k.up);
    if (!st) return make_error(st.err().code, "migration " + std::to_string(k.version) + " (" + k.name + ") failed: " +
                                                  st.err().message);
    ++count;
  }
  return count;
}

result<int> migration_runner::down(int steps, const std::function<void(int, std::string_view)>& progress) {
  auto applied = backend_.applied();
  if (!applied) return applied.err();
  auto list = *applied;
  std::sort(list.begin(), list.end(), [](auto& a, auto& b) { return a.version > b.version; });
  int count = 0;
  for (const auto& a : list) {
    if (count >= steps) break;
    auto it = std::find_if(known_.begin(), known_.end(), [&](const pair& p) { return p.version == a.version; });
    if (it == known_.end() || it->down.empty())
      return make_error(errc::internal, "migration " + std::to_string(a.version) + " has no down script in this binary");
    if (progress) progress(a.version, it->name);
    auto st = backend_.apply_down(a.version, it->down);
    if (!st) return make_error(st.err().code, "reverting migration " + std::to_string(a.version) + " failed: " +
                                                  st.err().message);
    ++count;
  }
  return count;
}

}  // namespace brokle::storage
