#include "storage/sqlite/sqlite_project_store.hpp"

namespace brokle::storage::sqlite {

namespace {

constexpr std::string_view select_project =
    "SELECT id, org_id, name, description, rpm_limit, tpm_limit, created_at, retention_days FROM projects ";

// Keys joined to their project, so the org is filled and scope checks can filter on p.org_id.
constexpr std::string_view select_key =
    "SELECT k.id, k.project_id, p.org_id, k.name, k.key_hash, k.preview, k.rpm_limit, k.tpm_limit, k.created_by,"
    " k.created_at, k.expires_at, k.revoked_at, k.updated_at FROM api_keys k JOIN projects p ON p.id = k.project_id ";

project_record read_project(const statement& s) {
  project_record p;
  p.id = s.column_text(0);
  p.org_id = s.column_text(1);
  p.name = s.column_text(2);
  p.description = s.column_text(3);
  p.rpm_limit = s.column_int(4);
  p.tpm_limit = s.column_int(5);
  p.created_at = s.column_int(6);
  p.retention_days = s.column_int(7);
  return p;
}

api_key_record read_key(const statement& s) {
  api_key_record k;
  k.id = s.column_text(0);
  k.project_id = s.column_text(1);
  k.org_id = s.column_text(2);
  k.name = s.column_text(3);
  k.key_hash = s.column_text(4);
  k.preview = s.column_text(5);
  k.rpm_limit = s.column_int(6);
  k.tpm_limit = s.column_int(7);
  k.created_by = s.column_text(8);
  k.created_at = s.column_int(9);
  k.expires_at = s.column_int(10);
  if (!s.is_null(11)) k.revoked_at = s.column_int(11);
  k.updated_at = s.column_int(12);
  return k;
}

template <class T>
void bind_opt(statement& s, int idx, const std::optional<T>& v) {
  if (v)
    s.bind(idx, *v);
  else
    s.bind_null(idx);
}


}  // namespace

status sqlite_project_store::create(const org_scope& sc, const project_record& p) {
  if (!p.org_id.empty() && p.org_id != sc.org_id())
    return make_error(errc::invalid_argument, "project names another organization");
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare(
        "INSERT INTO projects (id, org_id, name, description, rpm_limit, tpm_limit, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!s) return s.err();
    s->bind_all(p.id, sc.org_id(), p.name, p.description, p.rpm_limit, p.tpm_limit, p.created_at, p.created_at);
    return s->run();
  });
}

result<std::vector<project_record>> sqlite_project_store::list(const org_scope& sc) {
  std::string sql(select_project);
  sql += "WHERE org_id = ? ORDER BY created_at, id";
  return db_->read([&](connection& c) { return query_all(c, sql, read_project, sc.org_id()); });
}

result<project_record> sqlite_project_store::get(const org_scope& sc, std::string_view project_id) {
  std::string sql(select_project);
  sql += "WHERE id = ? AND org_id = ?";
  return db_->read([&](connection& c) -> result<project_record> {
    auto rows = query_all(c, sql, read_project, project_id, sc.org_id());
    if (!rows) return rows.err();
    if (rows->empty()) return make_error(errc::not_found, "no such project");
    return std::move(rows->front());
  });
}

status sqlite_project_store::update(const project_scope& sc, const project_update& u, int64_t now) {
  return db_->write([&](connection& c) -> status {
    // An unset field binds NULL and keeps the column as it is.
    auto s = c.prepare(
        "UPDATE projects SET name = coalesce(?, name), description = coalesce(?, description),"
        " rpm_limit = coalesce(?, rpm_limit), tpm_limit = coalesce(?, tpm_limit),"
        " retention_days = coalesce(?, retention_days), updated_at = ?"
        " WHERE id = ? AND org_id = ?");
    if (!s) return s.err();
    bind_opt(*s, 1, u.name);
    bind_opt(*s, 2, u.description);
    bind_opt(*s, 3, u.rpm_limit);
    bind_opt(*s, 4, u.tpm_limit);
    bind_opt(*s, 5, u.retention_days);
    s->bind(6, now);
    s->bind(7, sc.project_id());
    s->bind(8, sc.org_id());
    return run_changing_one(c, *s, "no such project");
  });
}

status sqlite_project_store::remove(const project_scope& sc) {
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare("DELETE FROM projects WHERE id = ? AND org_id = ?");
    if (!s) return s.err();
    s->bind_all(sc.project_id(), sc.org_id());
    return run_changing_one(c, *s, "no such project");
  });
}

status sqlite_project_store::create_key(const project_scope& sc, const api_key_record& k) {
  if (!k.project_id.empty() && k.project_id != sc.project_id())
    return make_error(errc::invalid_argument, "key names another project");
  return db_->write([&](connection& c) -> status {
    // Inserting from the scoped project row means nothing is written unless it is in the scope.
    auto s = c.prepare(
        "INSERT INTO api_keys (id, project_id, name, key_hash, preview, rpm_limit, tpm_limit, created_by,"
        " created_at, expires_at, revoked_at, updated_at)"
        " SELECT ?, p.id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM projects p WHERE p.id = ? AND p.org_id = ?");
    if (!s) return s.err();
    s->bind_all(k.id, k.name, k.key_hash, k.preview, k.rpm_limit, k.tpm_limit, k.created_by, k.created_at,
                k.expires_at);
    bind_opt(*s, 10, k.revoked_at);
    s->bind(11, k.updated_at != 0 ? k.updated_at : k.created_at);
    s->bind(12, sc.project_id());
    s->bind(13, sc.org_id());
    return run_changing_one(c, *s, "no such project");
  });
}

result<std::vector<api_key_record>> sqlite_project_store::list_keys(const project_scope& sc) {
  std::string sql(select_key);
  sql += "WHERE k.project_id = ? AND p.org_id = ? ORDER BY k.created_at, k.id";
  return db_->read([&](connection& c) { return query_all(c, sql, read_key, sc.project_id(), sc.org_id()); });
}

status sqlite_project_store::revoke_key(const project_scope& sc, std::string_view key_id, int64_t now) {
  return db_->write([&](connection& c) -> status {
    // SET expressions see the old row, so a second revoke leaves both times as they were.
    auto s = c.prepare(
        "UPDATE api_keys SET"
        " updated_at = CASE WHEN revoked_at IS NULL THEN max(?1, updated_at + 1) ELSE updated_at END,"
        " revoked_at = coalesce(revoked_at, ?1)"
        " WHERE id = ?2 AND project_id = ?3 AND project_id IN (SELECT id FROM projects WHERE org_id = ?4)");
    if (!s) return s.err();
    s->bind_all(now, key_id, sc.project_id(), sc.org_id());
    return run_changing_one(c, *s, "no such API key");
  });
}

result<std::vector<api_key_record>> sqlite_project_store::keys_changed_since(int64_t since) {
  std::string sql(select_key);
  sql += "WHERE k.updated_at > ? ORDER BY k.updated_at, k.id";
  return db_->read([&](connection& c) -> result<std::vector<api_key_record>> {
    auto live = query_all(c, sql, read_key, since);
    if (!live) return live;
    // Deleted keys come back as revoked records so the index drops them.
    auto gone = c.prepare("SELECT id, project_id, key_hash, deleted_at FROM api_key_tombstones WHERE deleted_at > ?");
    if (!gone) return gone.err();
    gone->bind(1, since);
    for (;;) {
      auto row = gone->step();
      if (!row) return row.err();
      if (!*row) break;
      api_key_record k;
      k.id = gone->column_text(0);
      k.project_id = gone->column_text(1);
      k.key_hash = gone->column_text(2);
      k.revoked_at = gone->column_int(3);
      k.updated_at = gone->column_int(3);
      live->push_back(std::move(k));
    }
    return live;
  });
}

result<std::string> sqlite_project_store::owner_of(std::string_view project_id) {
  auto rows = db_->read([&](connection& c) {
    return query_all(c, "SELECT org_id FROM projects WHERE id = ?", +[](const statement& s) { return s.column_text(0); },
                     project_id);
  });
  if (!rows) return rows.err();
  if (rows->empty()) return make_error(errc::not_found, "project not found");
  return std::move(rows->front());
}

}  // namespace brokle::storage::sqlite
