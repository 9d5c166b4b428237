#include "storage/sqlite/sqlite_session_store.hpp"

namespace brokle::storage::sqlite {

namespace {

constexpr std::string_view select_session =
    "SELECT id, user_id, refresh_hash, created_at, expires_at, revoked_at, user_agent, ip FROM sessions ";

session_record read_session(const statement& s) {
  session_record r;
  r.id = s.column_text(0);
  r.user_id = s.column_text(1);
  r.refresh_hash = s.column_text(2);
  r.created_at = s.column_int(3);
  r.expires_at = s.column_int(4);
  if (!s.is_null(5)) r.revoked_at = s.column_int(5);
  r.user_agent = s.column_text(6);
  r.ip = s.column_text(7);
  return r;
}

}  // namespace

status sqlite_session_store::create(const session_record& r) {
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare(
        "INSERT INTO sessions (id, user_id, refresh_hash, created_at, expires_at, revoked_at, user_agent, ip)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!s) return s.err();
    s->bind_all(r.id, r.user_id, r.refresh_hash, r.created_at, r.expires_at);
    if (r.revoked_at)
      s->bind(6, *r.revoked_at);
    else
      s->bind_null(6);
    s->bind(7, r.user_agent);
    s->bind(8, r.ip);
    return s->run();
  });
}

result<std::optional<session_record>> sqlite_session_store::find_where(std::string_view where, std::string_view key) {
  std::string sql(select_session);
  sql += where;
  return db_->read([&](connection& c) -> result<std::optional<session_record>> {
    auto s = c.prepare(sql);
    if (!s) return s.err();
    s->bind(1, key);
    auto row = s->step();
    if (!row) return row.err();
    if (!*row) return std::optional<session_record>{};
    return std::optional<session_record>{read_session(*s)};
  });
}

result<std::optional<session_record>> sqlite_session_store::find_by_refresh_hash(std::string_view hash) {
  return find_where("WHERE refresh_hash = ?", hash);
}

result<std::optional<session_record>> sqlite_session_store::find_by_previous_hash(std::string_view hash) {
  return find_where("WHERE previous_hash = ?", hash);
}

result<std::optional<session_record>> sqlite_session_store::find(std::string_view session_id) {
  return find_where("WHERE id = ?", session_id);
}

result<bool> sqlite_session_store::rotate(std::string_view session_id, std::string_view old_hash,
                                          std::string_view new_hash, int64_t new_expires_at) {
  return db_->write([&](connection& c) -> result<bool> {
    auto s = c.prepare(
        "UPDATE sessions SET previous_hash = refresh_hash, refresh_hash = ?, expires_at = ?"
        " WHERE id = ? AND refresh_hash = ? AND revoked_at IS NULL");
    if (!s) return s.err();
    s->bind_all(new_hash, new_expires_at, session_id, old_hash);
    if (auto st = s->run(); !st) return st.err();
    return c.changes() == 1;
  });
}

status sqlite_session_store::revoke(std::string_view session_id, int64_t now) {
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare("UPDATE sessions SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?");
    if (!s) return s.err();
    s->bind_all(now, session_id);
    if (auto st = s->run(); !st) return st;
    if (c.changes() == 0) return make_error(errc::not_found, "no such session");
    return ok_v;
  });
}

status sqlite_session_store::revoke_all_for_user(std::string_view user_id, int64_t now) {
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL");
    if (!s) return s.err();
    s->bind_all(now, user_id);
    return s->run();
  });
}

}  // namespace brokle::storage::sqlite
