#include "storage/sqlite/sqlite_migrations.hpp"

namespace brokle::storage::sqlite {

status sqlite_migrations::ensure_table(connection& c) {
  return c.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, dirty INTEGER NOT NULL DEFAULT 0,"
      " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))");
}

result<std::vector<applied_migration>> sqlite_migrations::applied() {
  return db_.write([&](connection& c) -> result<std::vector<applied_migration>> {
    if (auto st = ensure_table(c); !st) return st.err();
    auto s = c.prepare("SELECT version, name, dirty, applied_at FROM schema_migrations ORDER BY version");
    if (!s) return s.err();
    std::vector<applied_migration> out;
    for (;;) {
      auto row = s->step();
      if (!row) return row.err();
      if (!*row) break;
      out.push_back({static_cast<int>(s->column_int(0)), s->column_text(1), s->column_int(2) != 0, s->column_text(3)});
    }
    return out;
  });
}

status sqlite_migrations::apply_up(int version, std::string_view name, std::string_view sql) {
  return db_.write([&](connection& c) -> status {
    if (auto st = ensure_table(c); !st) return st;
    auto mark = c.prepare("INSERT OR REPLACE INTO schema_migrations(version, name, dirty) VALUES (?, ?, 1)");
    if (!mark) return mark.err();
    if (auto st = mark->bind_all(int64_t{version}, name).run(); !st) return st;
    auto applied = [&]() -> status {
      transaction tx(c);
      if (auto st = tx.begin(); !st) return st;
      if (auto st = c.exec(sql); !st) return st;
      auto clean = c.prepare(
          "UPDATE schema_migrations SET dirty = 0, applied_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') "
          "WHERE version = ?");
      if (!clean) return clean.err();
      if (auto st = clean->bind(1, int64_t{version}).run(); !st) return st;
      return tx.commit();
    }();
    if (!applied) {
      // The transaction rolled back cleanly, so the schema is as before: drop the mark. Only a
      // crash between the mark and the commit leaves a dirty row (and SQLite's journal undoes
      // the half-run script on reopen, so `migrate up` may then be retried).
      if (auto unmark = c.prepare("DELETE FROM schema_migrations WHERE version = ? AND dirty = 1"))
        (void)unmark->bind(1, int64_t{version}).run();
    }
    return applied;
  });
}

status sqlite_migrations::apply_down(int version, std::string_view sql) {
  return db_.write([&](connection& c) -> status {
    transaction tx(c);
    if (auto st = tx.begin(); !st) return st;
    if (auto st = c.exec(sql); !st) return st;
    auto del = c.prepare("DELETE FROM schema_migrations WHERE version = ?");
    if (!del) return del.err();
    if (auto st = del->bind(1, int64_t{version}).run(); !st) return st;
    return tx.commit();
  });
}

}  // namespace brokle::storage::sqlite
