#include "storage/sqlite/sqlite_project_provider_store.hpp"

#include <boost/json.hpp>

namespace brokle::storage::sqlite {

namespace {

constexpr std::string_view columns =
    "id, org_id, project_id, name, type, base_url, api_version, models_json, aliases_json, sealed_key, key_hint,"
    " created_by, created_at, updated_at, responses";

std::string models_json(const std::vector<std::string>& models) {
  boost::json::array a;
  for (const auto& m : models) a.emplace_back(m);
  return boost::json::serialize(a);
}

std::string aliases_json(const std::map<std::string, std::string>& aliases) {
  boost::json::object o;
  for (const auto& [k, v] : aliases) o[k] = v;
  return boost::json::serialize(o);
}

project_provider_record read_row(const statement& s) {
  project_provider_record r;
  r.id = s.column_text(0);
  r.org_id = s.column_text(1);
  r.project_id = s.column_text(2);
  r.name = s.column_text(3);
  r.type = s.column_text(4);
  r.base_url = s.column_text(5);
  r.api_version = s.column_text(6);
  boost::system::error_code ec;
  auto models = boost::json::parse(s.column_text(7), ec);
  if (!ec && models.is_array())
    for (const auto& m : models.as_array())
      if (m.is_string()) r.models.emplace_back(m.as_string());
  auto aliases = boost::json::parse(s.column_text(8), ec);
  if (!ec && aliases.is_object())
    for (const auto& [k, v] : aliases.as_object())
      if (v.is_string()) r.aliases.emplace(std::string(k), std::string(v.as_string()));
  r.sealed_key = s.column_text(9);
  r.key_hint = s.column_text(10);
  r.created_by = s.column_text(11);
  r.created_at = s.column_int(12);
  r.updated_at = s.column_int(13);
  r.responses = s.column_text(14);
  return r;
}

status name_conflict(status st, const std::string& name) {
  if (!st && st.err().code == errc::conflict)
    return make_error(errc::conflict, "the project already has a provider named '" + name + "'");
  return st;
}

}  // namespace

status sqlite_project_provider_store::create(const project_scope& sc, const project_provider_record& r) {
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare(
        "INSERT INTO project_providers(id, org_id, project_id, name, type, base_url, api_version, models_json,"
        " aliases_json, sealed_key, key_hint, created_by, created_at, updated_at, responses)"
        " SELECT ?,?,?,?,?,?,?,?,?,?,?,?,?,?,? WHERE EXISTS"
        " (SELECT 1 FROM projects WHERE id = ? AND org_id = ?)");
    if (!s) return s.err();
    s->bind_all(r.id, sc.org_id(), sc.project_id(), r.name, r.type, r.base_url, r.api_version, models_json(r.models),
                aliases_json(r.aliases), r.sealed_key, r.key_hint, r.created_by, r.created_at, r.updated_at,
                r.responses, sc.project_id(), sc.org_id());
    return name_conflict(run_changing_one(c, *s, "project not found"), r.name);
  });
}

result<std::vector<project_provider_record>> sqlite_project_provider_store::list(const project_scope& sc) {
  return db_->read([&](connection& c) {
    return query_all(c,
                     "SELECT " + std::string(columns) +
                         " FROM project_providers WHERE project_id = ? AND org_id = ? ORDER BY name",
                     &read_row, sc.project_id(), sc.org_id());
  });
}

result<project_provider_record> sqlite_project_provider_store::get(const project_scope& sc, const std::string& id) {
  auto rows = db_->read([&](connection& c) {
    return query_all(c,
                     "SELECT " + std::string(columns) +
                         " FROM project_providers WHERE id = ? AND project_id = ? AND org_id = ?",
                     &read_row, id, sc.project_id(), sc.org_id());
  });
  if (!rows) return rows.err();
  if (rows->empty()) return make_error(errc::not_found, "provider not found");
  return std::move(rows->front());
}

status sqlite_project_provider_store::update(const project_scope& sc, const project_provider_record& r) {
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare(
        "UPDATE project_providers SET name = ?, type = ?, base_url = ?, api_version = ?, models_json = ?,"
        " aliases_json = ?, sealed_key = ?, key_hint = ?, updated_at = ?, responses = ?"
        " WHERE id = ? AND project_id = ? AND org_id = ?");
    if (!s) return s.err();
    s->bind_all(r.name, r.type, r.base_url, r.api_version, models_json(r.models), aliases_json(r.aliases),
                r.sealed_key, r.key_hint, r.updated_at, r.responses, r.id, sc.project_id(), sc.org_id());
    return name_conflict(run_changing_one(c, *s, "provider not found"), r.name);
  });
}

status sqlite_project_provider_store::remove(const project_scope& sc, const std::string& id) {
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare("DELETE FROM project_providers WHERE id = ? AND project_id = ? AND org_id = ?");
    if (!s) return s.err();
    s->bind_all(id, sc.project_id(), sc.org_id());
    return run_changing_one(c, *s, "provider not found");
  });
}

result<std::vector<project_provider_record>> sqlite_project_provider_store::all() {
  return db_->read([&](connection& c) {
    return query_all(c, "SELECT " + std::string(columns) + " FROM project_providers ORDER BY project_id, name",
                     &read_row);
  });
}

result<int64_t> sqlite_project_provider_store::version() {
  auto rows = db_->read([&](connection& c) {
    return query_all(c, "SELECT version FROM project_provider_changes WHERE id = 1",
                     +[](const statement& s) { return s.column_int(0); });
  });
  if (!rows) return rows.err();
  return rows->empty() ? int64_t{0} : rows->front();
}

}  // namespace brokle::storage::sqlite
