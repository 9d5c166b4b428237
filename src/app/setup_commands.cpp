#include "app/setup_commands.hpp"

#include <cstdio>

#include "app/identity_module.hpp"
#include "core/log.hpp"
#include "core/ulid.hpp"
#include "storage/store_set.hpp"

namespace brokle::app {

namespace {

struct opened {
  storage::store_set stores;
  std::unique_ptr<identity_module> id;
};

int fail_line(const std::string& msg) {
  std::fprintf(stderr, "error: %s\n", msg.c_str());
  return 1;
}

result<opened> open_everything(const resolved_config& rc) {
  log::init(log::level::warn, log::format::text);
  auto stores = storage::open_sqlite_stores({rc.values.data_dir, 1});
  if (!stores) return stores.err();
  storage::migration_runner runner(*stores->migrations, storage::embedded_migration_files());
  if (rc.values.auto_migrate) {
    if (auto n = runner.up(); !n) return n.err();
  }
  if (auto ready = runner.check_ready(); !ready) return ready.err();
  auto id = make_identity_module(rc.values, *stores);
  if (!id) return id.err();
  return opened{std::move(*stores), std::move(*id)};
}

// The owner for CLI-created projects: by email, or the first admin (else the first user).
result<storage::user_record> resolve_owner(opened& o, const std::string& email) {
  if (!email.empty()) {
    auto u = o.stores.users->find_by_email(email);
    if (!u) return u.err();
    if (!*u) return make_error(errc::not_found, "no user with email " + email);
    return **u;
  }
  auto u = o.stores.users->first_admin();
  if (!u) return u.err();
  if (!*u) return make_error(errc::not_found, "no users yet: run `brokle user create --email ... --password-stdin --admin`");
  return **u;
}

result<org_scope> default_org(opened& o, const storage::user_record& owner) {
  auto mine = o.stores.organizations->memberships_of_user(owner.id);
  if (!mine) return mine.err();
  for (const auto& m : *mine)
    if (m.role == "owner") return identity::access_policy::operator_scope(m.org_id);
  auto org = o.id->orgs->create({owner.id, "cli"}, "Default");
  if (!org) return org.err();
  return identity::access_policy::operator_scope(org->id);
}

}  // namespace

int user_create(const resolved_config& rc, const user_create_args& a, const std::string& password) {
  auto o = open_everything(rc);
  if (!o) return fail_line(o.err().message);
  auto u = o->id->auth->create_user(a.email, password, a.name, a.admin);
  if (!u) return fail_line(u.err().message);
  o->id->audit->record({"cli", "local"}, "", "user.create", "user", u->id, "success",
                       a.admin ? R"({"admin":true})" : "{}");
  std::printf("%s\n", u->id.c_str());
  return 0;
}

int project_create(const resolved_config& rc, const project_create_args& a) {
  auto o = open_everything(rc);
  if (!o) return fail_line(o.err().message);
  auto owner = resolve_owner(*o, a.owner_email);
  if (!owner) return fail_line(owner.err().message);
  auto scope = default_org(*o, *owner);
  if (!scope) return fail_line(scope.err().message);
  auto p = o->id->projects->create({owner->id, "cli"}, scope->org_id(), a.name, "");
  if (!p) return fail_line(p.err().message);
  std::printf("%s\n", p->id.c_str());
  return 0;
}

int key_create(const resolved_config& rc, const key_create_args& a) {
  auto o = open_everything(rc);
  if (!o) return fail_line(o.err().message);
  auto owner = resolve_owner(*o, "");
  // Find the project by id or by name among the organizations the operator's user owns.
  auto mine = owner ? o->stores.organizations->memberships_of_user(owner->id)
                    : result<std::vector<storage::membership_record>>(owner.err());
  if (!mine) return fail_line(mine.err().message);
  for (const auto& m : *mine) {
    auto scope = identity::access_policy::operator_scope(m.org_id);
    auto projects = o->stores.projects->list(scope);
    if (!projects) return fail_line(projects.err().message);
    for (const auto& p : *projects) {
      if (p.id != a.project && p.name != a.project) continue;
      identity::new_key_request req;
      req.name = a.name;
      auto key = o->id->projects->create_key_as_operator(scope, p.id, req);
      if (!key) return fail_line(key.err().message);
      std::printf("%s\n", key->full_key.c_str());
      return 0;
    }
  }
  return fail_line("no project '" + a.project + "' (create it with `brokle project create --name ...`)");
}

}  // namespace brokle::app
