#include "identity/access_policy.hpp"

namespace brokle::identity {

namespace {
error denied(permission p) {
  return make_error(errc::permission_denied,
                    "your role does not allow " + std::string(permission_name(p)) + " in this organization");
}
}  // namespace

result<org_scope> access_policy::authorize_org(std::string_view user_id, std::string_view org_id, permission p) {
  auto m = orgs_.membership(org_id, user_id);
  if (!m) return m.err();
  if (!*m) return make_error(errc::not_found, "organization not found");
  auto role = parse_role((*m)->role).value_or(org_role::viewer);
  if (!role_allows(role, p)) return denied(p);
  return org_scope(std::string(org_id), role);
}

result<org_scope> access_policy::org_of_project(std::string_view user_id, std::string_view project_id, permission p) {
  auto mine = orgs_.memberships_of_user(user_id);
  if (!mine) return mine.err();
  for (const auto& m : *mine) {
    auto role = parse_role(m.role).value_or(org_role::viewer);
    org_scope scope(m.org_id, role);
    auto proj = projects_.get(scope, project_id);
    if (!proj) {
      if (proj.err().code == errc::not_found) continue;
      return proj.err();
    }
    if (!role_allows(role, p)) return denied(p);
    return scope;
  }
  return make_error(errc::not_found, "project not found");
}

result<project_scope> access_policy::authorize_project(std::string_view user_id, std::string_view project_id,
                                                       permission p) {
  auto scope = org_of_project(user_id, project_id, p);
  if (!scope) return scope.err();
  return project_scope(scope->org_id(), std::string(project_id));
}

result<project_scope> access_policy::configured_project_scope(std::string_view project_id) {
  auto org = projects_.owner_of(project_id);
  if (!org) return org.err();
  return project_scope(std::move(*org), std::string(project_id));
}

status access_policy::require_instance_admin(std::string_view user_id) {
  auto u = users_.find_by_id(user_id);
  if (!u) return u.err();
  if (!*u || !(*u)->is_admin) return make_error(errc::permission_denied, "instance administrators only");
  return ok_v;
}

}  // namespace brokle::identity
