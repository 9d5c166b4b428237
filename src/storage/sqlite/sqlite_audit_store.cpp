#include "storage/sqlite/sqlite_audit_store.hpp"

#include <algorithm>

#include "core/ulid.hpp"

namespace brokle::storage::sqlite {

namespace {

constexpr std::string_view select_event =
    "SELECT id, org_id, actor_id, actor_ip, action, target_type, target_id, outcome, details, created_at"
    " FROM audit_log ";

audit_event read_event(const statement& s) {
  audit_event e;
  e.id = s.column_text(0);
  e.org_id = s.column_text(1);
  e.actor_id = s.column_text(2);
  e.actor_ip = s.column_text(3);
  e.action = s.column_text(4);
  e.target_type = s.column_text(5);
  e.target_id = s.column_text(6);
  e.outcome = s.column_text(7);
  e.details = s.column_text(8);
  e.created_at = s.column_int(9);
  return e;
}

int64_t page_size(int limit) { return std::clamp(limit, 1, sqlite_audit_store::max_page); }

result<std::vector<audit_event>> collect_events(statement& s) {
  std::vector<audit_event> out;
  for (;;) {
    auto row = s.step();
    if (!row) return row.err();
    if (!*row) return out;
    out.push_back(read_event(s));
  }
}

}  // namespace

status sqlite_audit_store::append(const audit_event& e) {
  std::string id = e.id.empty() ? new_ulid() : e.id;
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare(
        "INSERT INTO audit_log (id, org_id, actor_id, actor_ip, action, target_type, target_id, outcome, details,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!s) return s.err();
    s->bind_all(id, e.org_id, e.actor_id, e.actor_ip, e.action, e.target_type, e.target_id, e.outcome, e.details,
                e.created_at);
    return s->run();
  });
}

result<std::vector<audit_event>> sqlite_audit_store::list(const org_scope& sc, const audit_query& q) {
  std::string sql(select_event);
  sql +=
      "WHERE org_id = ?1 AND created_at >= ?2 AND (?3 = 0 OR created_at < ?3)"
      " AND (?4 = '' OR substr(action, 1, length(?4)) = ?4) AND (?5 = '' OR id < ?5)"
      " ORDER BY id DESC LIMIT ?6";
  return db_->read([&](connection& c) -> result<std::vector<audit_event>> {
    auto s = c.prepare(sql);
    if (!s) return s.err();
    s->bind_all(sc.org_id(), q.since, q.until, q.action_prefix, q.before_id, page_size(q.limit));
    return collect_events(*s);
  });
}

result<std::vector<audit_event>> sqlite_audit_store::list_for_actor(std::string_view user_id, int limit) {
  std::string sql(select_event);
  sql += "WHERE org_id = '' AND actor_id = ? ORDER BY id DESC LIMIT ?";
  return db_->read([&](connection& c) -> result<std::vector<audit_event>> {
    auto s = c.prepare(sql);
    if (!s) return s.err();
    s->bind_all(user_id, page_size(limit));
    return collect_events(*s);
  });
}

}  // namespace brokle::storage::sqlite
