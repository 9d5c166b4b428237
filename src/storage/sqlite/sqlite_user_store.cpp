#include "storage/sqlite/sqlite_user_store.hpp"

namespace brokle::storage::sqlite {

namespace {

constexpr std::string_view select_user =
    "SELECT id, email, name, password_hash, is_admin, mfa_secret, mfa_enabled, mfa_last_step, failed_logins,"
    " first_failed_at, locked_until, created_at FROM users ";

user_record read_user(const statement& s) {
  user_record u;
  u.id = s.column_text(0);
  u.email = s.column_text(1);
  u.name = s.column_text(2);
  u.password_hash = s.column_text(3);
  u.is_admin = s.column_int(4) != 0;
  u.mfa_secret = s.column_text_opt(5);
  u.mfa_enabled = s.column_int(6) != 0;
  u.mfa_last_step = s.column_int(7);
  u.failed_logins = static_cast<int>(s.column_int(8));
  u.first_failed_at = s.column_int(9);
  u.locked_until = s.column_int(10);
  u.created_at = s.column_int(11);
  return u;
}

error no_such_user() { return make_error(errc::not_found, "no such user"); }

// Runs a statement that names one user and reports not_found when it changed no row.
status run_on_user(connection& c, statement& s) {
  if (auto st = s.run(); !st) return st;
  if (c.changes() == 0) return no_such_user();
  return ok_v;
}

result<bool> user_exists(connection& c, std::string_view id) {
  auto s = c.prepare("SELECT 1 FROM users WHERE id = ?");
  if (!s) return s.err();
  s->bind(1, id);
  return s->step();
}

}  // namespace

status sqlite_user_store::create(const user_record& u) {
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare(
        "INSERT INTO users (id, email, name, password_hash, is_admin, mfa_secret, mfa_enabled, mfa_last_step,"
        " failed_logins, first_failed_at, locked_until, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!s) return s.err();
    s->bind_all(u.id, u.email, u.name, u.password_hash);
    s->bind(5, int64_t{u.is_admin ? 1 : 0});
    if (u.mfa_secret)
      s->bind(6, *u.mfa_secret);
    else
      s->bind_null(6);
    s->bind(7, int64_t{u.mfa_enabled ? 1 : 0});
    s->bind(8, u.mfa_last_step);
    s->bind(9, int64_t{u.failed_logins});
    s->bind(10, u.first_failed_at);
    s->bind(11, u.locked_until);
    s->bind(12, u.created_at);
    s->bind(13, u.created_at);
    auto st = s->run();
    if (!st && st.err().code == errc::conflict) return make_error(errc::conflict, "email already registered");
    return st;
  });
}

result<std::optional<user_record>> sqlite_user_store::find_where(std::string_view where, std::string_view key) {
  std::string sql(select_user);
  sql += where;
  return db_->read([&](connection& c) -> result<std::optional<user_record>> {
    auto s = c.prepare(sql);
    if (!s) return s.err();
    s->bind(1, key);
    auto row = s->step();
    if (!row) return row.err();
    if (!*row) return std::optional<user_record>{};
    return std::optional<user_record>{read_user(*s)};
  });
}

result<std::optional<user_record>> sqlite_user_store::first_admin() {
  // The id (a ULID, time-ordered) is bound as a floor that every id passes.
  return find_where("WHERE id >= ? ORDER BY is_admin DESC, created_at, id LIMIT 1", "");
}

result<std::optional<user_record>> sqlite_user_store::find_by_email(std::string_view email) {
  return find_where("WHERE email = ?", email);  // the column is COLLATE NOCASE
}

result<std::optional<user_record>> sqlite_user_store::find_by_id(std::string_view id) {
  return find_where("WHERE id = ?", id);
}

result<int64_t> sqlite_user_store::count() {
  return db_->read([](connection& c) -> result<int64_t> {
    auto s = c.prepare("SELECT count(*) FROM users");
    if (!s) return s.err();
    auto row = s->step();
    if (!row) return row.err();
    return s->column_int(0);
  });
}

status sqlite_user_store::update_profile(std::string_view id, std::string_view name, int64_t now) {
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare("UPDATE users SET name = ?, updated_at = ? WHERE id = ?");
    if (!s) return s.err();
    s->bind_all(name, now, id);
    return run_on_user(c, *s);
  });
}

status sqlite_user_store::update_password(std::string_view id, std::string_view password_hash, int64_t now) {
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?");
    if (!s) return s.err();
    s->bind_all(password_hash, now, id);
    return run_on_user(c, *s);
  });
}

result<int64_t> sqlite_user_store::record_login_failure(std::string_view id, int64_t now,
                                                        const login_failure_policy& p) {
  return db_->write([&](connection& c) -> result<int64_t> {
    transaction tx(c);
    if (auto st = tx.begin(); !st) return st.err();
    int64_t failed = 0, first_failed_at = 0, locked_until = 0;
    {
      auto s = c.prepare("SELECT failed_logins, first_failed_at, locked_until FROM users WHERE id = ?");
      if (!s) return s.err();
      s->bind(1, id);
      auto row = s->step();
      if (!row) return row.err();
      if (!*row) return no_such_user();
      failed = s->column_int(0);
      first_failed_at = s->column_int(1);
      locked_until = s->column_int(2);
    }
    bool locked = locked_until > now;
    bool lock_expired = locked_until != 0 && !locked;
    if (!locked && (failed == 0 || lock_expired || now - first_failed_at >= p.window_ms)) {
      failed = 0;
      first_failed_at = now;
      locked_until = 0;
    }
    ++failed;
    if (!locked && failed >= p.max_failures) locked_until = now + p.lock_ms;
    {
      auto s = c.prepare("UPDATE users SET failed_logins = ?, first_failed_at = ?, locked_until = ? WHERE id = ?");
      if (!s) return s.err();
      s->bind_all(failed, first_failed_at, locked_until, id);
      if (auto st = s->run(); !st) return st.err();
    }
    if (auto st = tx.commit(); !st) return st.err();
    return locked_until;
  });
}

status sqlite_user_store::clear_login_failures(std::string_view id) {
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare("UPDATE users SET failed_logins = 0, first_failed_at = 0, locked_until = 0 WHERE id = ?");
    if (!s) return s.err();
    s->bind(1, id);
    return run_on_user(c, *s);
  });
}

status sqlite_user_store::set_pending_mfa(std::string_view id, std::string_view sealed_secret, int64_t now) {
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare(
        "UPDATE users SET mfa_secret = ?, mfa_last_step = 0, updated_at = ? WHERE id = ? AND mfa_enabled = 0");
    if (!s) return s.err();
    s->bind_all(sealed_secret, now, id);
    if (auto st = s->run(); !st) return st;
    if (c.changes() == 1) return ok_v;
    auto exists = user_exists(c, id);
    if (!exists) return exists.err();
    if (!*exists) return no_such_user();
    return make_error(errc::conflict, "MFA is already enabled");
  });
}

status sqlite_user_store::enable_mfa(std::string_view id, const std::vector<std::string>& recovery_hashes,
                                     int64_t now) {
  return db_->write([&](connection& c) -> status {
    transaction tx(c);
    if (auto st = tx.begin(); !st) return st;
    {
      auto s = c.prepare("UPDATE users SET mfa_enabled = 1, updated_at = ? WHERE id = ? AND mfa_secret IS NOT NULL");
      if (!s) return s.err();
      s->bind_all(now, id);
      if (auto st = s->run(); !st) return st;
      if (c.changes() == 0) {
        auto exists = user_exists(c, id);
        if (!exists) return exists.err();
        if (!*exists) return no_such_user();
        return make_error(errc::conflict, "no pending MFA secret to enable");
      }
    }
    {
      auto s = c.prepare("DELETE FROM recovery_codes WHERE user_id = ?");
      if (!s) return s.err();
      s->bind(1, id);
      if (auto st = s->run(); !st) return st;
    }
    auto s = c.prepare("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)");
    if (!s) return s.err();
    for (const auto& h : recovery_hashes) {
      s->reset();
      s->bind_all(id, h);
      if (auto st = s->run(); !st) return st;
    }
    return tx.commit();
  });
}

status sqlite_user_store::disable_mfa(std::string_view id, int64_t now) {
  return db_->write([&](connection& c) -> status {
    transaction tx(c);
    if (auto st = tx.begin(); !st) return st;
    {
      auto s = c.prepare(
          "UPDATE users SET mfa_enabled = 0, mfa_secret = NULL, mfa_last_step = 0, updated_at = ? WHERE id = ?");
      if (!s) return s.err();
      s->bind_all(now, id);
      if (auto st = run_on_user(c, *s); !st) return st;
    }
    {
      auto s = c.prepare("DELETE FROM recovery_codes WHERE user_id = ?");
      if (!s) return s.err();
      s->bind(1, id);
      if (auto st = s->run(); !st) return st;
    }
    return tx.commit();
  });
}

result<bool> sqlite_user_store::advance_mfa_step(std::string_view id, int64_t step) {
  return db_->write([&](connection& c) -> result<bool> {
    // The comparison happens inside the UPDATE, so two requests with the same code cannot both win.
    auto s = c.prepare("UPDATE users SET mfa_last_step = ? WHERE id = ? AND mfa_last_step < ?");
    if (!s) return s.err();
    s->bind_all(step, id, step);
    if (auto st = s->run(); !st) return st.err();
    if (c.changes() == 1) return true;
    auto exists = user_exists(c, id);
    if (!exists) return exists.err();
    if (!*exists) return no_such_user();
    return false;
  });
}

result<bool> sqlite_user_store::use_recovery_code(std::string_view id, std::string_view code_hash, int64_t now) {
  return db_->write([&](connection& c) -> result<bool> {
    auto s = c.prepare("UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL");
    if (!s) return s.err();
    s->bind_all(now, id, code_hash);
    if (auto st = s->run(); !st) return st.err();
    return c.changes() == 1;
  });
}

result<int> sqlite_user_store::unused_recovery_codes(std::string_view id) {
  return db_->read([&](connection& c) -> result<int> {
    auto s = c.prepare("SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL");
    if (!s) return s.err();
    s->bind(1, id);
    auto row = s->step();
    if (!row) return row.err();
    return static_cast<int>(s->column_int(0));
  });
}

status sqlite_user_store::delete_user(std::string_view id) {
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare("DELETE FROM users WHERE id = ?");
    if (!s) return s.err();
    s->bind(1, id);
    return run_on_user(c, *s);
  });
}

}  // namespace brokle::storage::sqlite
