#include "storage/sqlite/sqlite_organization_store.hpp"

#include <array>

namespace brokle::storage::sqlite {

namespace {

constexpr std::string_view select_membership =
    "SELECT m.org_id, o.name, m.user_id, u.email, u.name, m.role, m.created_at FROM memberships m"
    " JOIN organizations o ON o.id = m.org_id JOIN users u ON u.id = m.user_id ";

constexpr std::string_view select_invitation =
    "SELECT id, org_id, email, role, token_hash, invited_by, created_at, expires_at, accepted_at, revoked_at"
    " FROM invitations ";

membership_record read_membership(const statement& s) {
  membership_record m;
  m.org_id = s.column_text(0);
  m.org_name = s.column_text(1);
  m.user_id = s.column_text(2);
  m.email = s.column_text(3);
  m.name = s.column_text(4);
  m.role = s.column_text(5);
  m.created_at = s.column_int(6);
  return m;
}

invitation_record read_invitation(const statement& s) {
  invitation_record r;
  r.id = s.column_text(0);
  r.org_id = s.column_text(1);
  r.email = s.column_text(2);
  r.role = s.column_text(3);
  r.token_hash = s.column_text(4);
  r.invited_by = s.column_text(5);
  r.created_at = s.column_int(6);
  r.expires_at = s.column_int(7);
  if (!s.is_null(8)) r.accepted_at = s.column_int(8);
  if (!s.is_null(9)) r.revoked_at = s.column_int(9);
  return r;
}

bool is_member_role(std::string_view role) {
  constexpr std::array<std::string_view, 4> roles = {"owner", "admin", "developer", "viewer"};
  for (auto r : roles)
    if (r == role) return true;
  return false;
}

status require_user(connection& c, std::string_view user_id) {
  auto s = c.prepare("SELECT 1 FROM users WHERE id = ?");
  if (!s) return s.err();
  s->bind(1, user_id);
  auto row = s->step();
  if (!row) return row.err();
  if (!*row) return make_error(errc::not_found, "no such user");
  return ok_v;
}

result<std::optional<membership_record>> find_membership(connection& c, std::string_view org_id,
                                                         std::string_view user_id) {
  std::string sql(select_membership);
  sql += "WHERE m.org_id = ? AND m.user_id = ?";
  auto rows = query_all(c, sql, read_membership, org_id, user_id);
  if (!rows) return rows.err();
  if (rows->empty()) return std::optional<membership_record>{};
  return std::optional<membership_record>{std::move(rows->front())};
}

}  // namespace

status sqlite_organization_store::create(const organization_record& org, std::string_view owner_id) {
  return db_->write([&](connection& c) -> status {
    transaction tx(c);
    if (auto st = tx.begin(); !st) return st;
    if (auto st = require_user(c, owner_id); !st) return st;
    {
      auto s =
          c.prepare("INSERT INTO organizations (id, name, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?)");
      if (!s) return s.err();
      s->bind_all(org.id, org.name, org.created_by, org.created_at, org.created_at);
      if (auto st = s->run(); !st) return st;
    }
    {
      auto s = c.prepare("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, 'owner', ?)");
      if (!s) return s.err();
      s->bind_all(org.id, owner_id, org.created_at);
      if (auto st = s->run(); !st) return st;
    }
    return tx.commit();
  });
}

result<std::vector<membership_record>> sqlite_organization_store::memberships_of_user(std::string_view user_id) {
  std::string sql(select_membership);
  sql += "WHERE m.user_id = ? ORDER BY m.created_at, m.org_id";
  return db_->read([&](connection& c) { return query_all(c, sql, read_membership, user_id); });
}

result<std::optional<membership_record>> sqlite_organization_store::membership(std::string_view org_id,
                                                                               std::string_view user_id) {
  return db_->read([&](connection& c) { return find_membership(c, org_id, user_id); });
}

result<organization_record> sqlite_organization_store::get(const org_scope& sc) {
  return db_->read([&](connection& c) -> result<organization_record> {
    auto s = c.prepare("SELECT id, name, created_by, created_at FROM organizations WHERE id = ?");
    if (!s) return s.err();
    s->bind(1, sc.org_id());
    auto row = s->step();
    if (!row) return row.err();
    if (!*row) return make_error(errc::not_found, "no such organization");
    return organization_record{s->column_text(0), s->column_text(1), s->column_text(2), s->column_int(3)};
  });
}

status sqlite_organization_store::rename(const org_scope& sc, std::string_view name, int64_t now) {
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare("UPDATE organizations SET name = ?, updated_at = ? WHERE id = ?");
    if (!s) return s.err();
    s->bind_all(name, now, sc.org_id());
    return run_changing_one(c, *s, "no such organization");
  });
}

status sqlite_organization_store::remove(const org_scope& sc) {
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare("DELETE FROM organizations WHERE id = ?");
    if (!s) return s.err();
    s->bind(1, sc.org_id());
    return run_changing_one(c, *s, "no such organization");
  });
}

result<std::vector<membership_record>> sqlite_organization_store::members(const org_scope& sc) {
  std::string sql(select_membership);
  sql += "WHERE m.org_id = ? ORDER BY m.created_at, m.user_id";
  return db_->read([&](connection& c) { return query_all(c, sql, read_membership, sc.org_id()); });
}

status sqlite_organization_store::add_member(const org_scope& sc, std::string_view user_id, std::string_view role,
                                             int64_t now) {
  if (!is_member_role(role)) return make_error(errc::invalid_argument, "unknown role");
  return db_->write([&](connection& c) -> status {
    if (auto st = require_user(c, user_id); !st) return st;
    auto s = c.prepare("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, ?, ?)");
    if (!s) return s.err();
    s->bind_all(sc.org_id(), user_id, role, now);
    return s->run();
  });
}

status sqlite_organization_store::set_role(const org_scope& sc, std::string_view user_id, std::string_view role) {
  if (!is_member_role(role)) return make_error(errc::invalid_argument, "unknown role");
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare("UPDATE memberships SET role = ? WHERE org_id = ? AND user_id = ?");
    if (!s) return s.err();
    s->bind_all(role, sc.org_id(), user_id);
    return run_changing_one(c, *s, "not a member of this organization");
  });
}

status sqlite_organization_store::remove_member(const org_scope& sc, std::string_view user_id) {
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare("DELETE FROM memberships WHERE org_id = ? AND user_id = ?");
    if (!s) return s.err();
    s->bind_all(sc.org_id(), user_id);
    return run_changing_one(c, *s, "not a member of this organization");
  });
}

result<int64_t> sqlite_organization_store::count_owners(const org_scope& sc) {
  return db_->read([&](connection& c) -> result<int64_t> {
    auto s = c.prepare("SELECT count(*) FROM memberships WHERE org_id = ? AND role = 'owner'");
    if (!s) return s.err();
    s->bind(1, sc.org_id());
    auto row = s->step();
    if (!row) return row.err();
    return s->column_int(0);
  });
}

status sqlite_organization_store::create_invitation(const org_scope& sc, const invitation_record& inv) {
  if (!inv.org_id.empty() && inv.org_id != sc.org_id())
    return make_error(errc::invalid_argument, "invitation names another organization");
  if (inv.role == "owner" || !is_member_role(inv.role))
    return make_error(errc::invalid_argument, "an invitation's role must be admin, developer or viewer");
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare(
        "INSERT INTO invitations (id, org_id, email, role, token_hash, invited_by, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!s) return s.err();
    s->bind_all(inv.id, sc.org_id(), inv.email, inv.role, inv.token_hash, inv.invited_by, inv.created_at,
                inv.expires_at);
    return s->run();
  });
}

result<std::vector<invitation_record>> sqlite_organization_store::invitations(const org_scope& sc) {
  std::string sql(select_invitation);
  sql += "WHERE org_id = ? ORDER BY created_at DESC, id DESC";
  return db_->read([&](connection& c) { return query_all(c, sql, read_invitation, sc.org_id()); });
}

status sqlite_organization_store::revoke_invitation(const org_scope& sc, std::string_view invitation_id, int64_t now) {
  return db_->write([&](connection& c) -> status {
    auto s = c.prepare(
        "UPDATE invitations SET revoked_at = ?"
        " WHERE id = ? AND org_id = ? AND accepted_at IS NULL AND revoked_at IS NULL");
    if (!s) return s.err();
    s->bind_all(now, invitation_id, sc.org_id());
    return run_changing_one(c, *s, "no such pending invitation");
  });
}

result<membership_record> sqlite_organization_store::accept_invitation(std::string_view token_hash,
                                                                       std::string_view user_id,
                                                                       std::string_view user_email, int64_t now) {
  return db_->write([&](connection& c) -> result<membership_record> {
    transaction tx(c);
    if (auto st = tx.begin(); !st) return st.err();
    if (auto st = require_user(c, user_id); !st) return st.err();
    std::string sql(select_invitation);
    // email compares under the column's NOCASE collation.
    sql += "WHERE token_hash = ? AND email = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?";
    auto found = query_all(c, sql, read_invitation, token_hash, user_email, now);
    if (!found) return found.err();
    if (found->empty()) return make_error(errc::not_found, "no such invitation");
    const invitation_record& inv = found->front();
    {
      auto s = c.prepare("UPDATE invitations SET accepted_at = ? WHERE id = ?");
      if (!s) return s.err();
      s->bind_all(now, inv.id);
      if (auto st = s->run(); !st) return st.err();
    }
    {
      auto s = c.prepare("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, ?, ?)");
      if (!s) return s.err();
      s->bind_all(inv.org_id, user_id, inv.role, now);
      if (auto st = s->run(); !st) {
        if (st.err().code == errc::conflict) return make_error(errc::conflict, "already a member");
        return st.err();
      }
    }
    auto m = find_membership(c, inv.org_id, user_id);
    if (!m) return m.err();
    if (!*m) return make_error(errc::internal, "membership vanished inside its own transaction");
    if (auto st = tx.commit(); !st) return st.err();
    return std::move(**m);
  });
}

}  // namespace brokle::storage::sqlite
