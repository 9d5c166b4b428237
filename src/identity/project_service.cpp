#include "identity/project_service.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "core/ulid.hpp"
#include "identity/api_key.hpp"

namespace brokle::identity {

result<storage::project_record> project_service::create(const audit_actor& actor, std::string_view org_id,
                                                        std::string name, std::string description) {
  auto scope = policy_.authorize_org(actor.user_id, org_id, permission::projects_write);
  if (!scope) return scope.err();
  auto now = clock_.now_ms();
  storage::project_record p{new_ulid(), std::string(org_id), std::move(name), std::move(description), 0, 0, now};
  if (auto st = projects_.create(*scope, p); !st) {
    if (st.err().code == errc::conflict)
      return make_error(errc::conflict, "a project named '" + p.name + "' already exists in this organization");
    return st.err();
  }
  audit_.record(actor, p.org_id, "project.create", "project", p.id, "success",
                boost::json::serialize(boost::json::object{{"name", p.name}}));
  return p;
}

result<std::vector<storage::project_record>> project_service::list(std::string_view user_id,
                                                                   std::string_view org_id) {
  auto scope = policy_.authorize_org(user_id, org_id, permission::projects_read);
  if (!scope) return scope.err();
  return projects_.list(*scope);
}

result<std::vector<storage::project_record>> project_service::list_all(std::string_view user_id,
                                                                       storage::organization_store& orgs) {
  auto mine = orgs.memberships_of_user(user_id);
  if (!mine) return mine.err();
  std::vector<storage::project_record> out;
  for (const auto& m : *mine) {
    auto part = list(user_id, m.org_id);
    if (!part) return part.err();
    out.insert(out.end(), part->begin(), part->end());
  }
  return out;
}

result<storage::project_record> project_service::get(std::string_view user_id, std::string_view project_id) {
  auto scope = policy_.org_of_project(user_id, project_id, permission::projects_read);
  if (!scope) return scope.err();
  return projects_.get(*scope, project_id);
}

result<storage::project_record> project_service::update(const audit_actor& actor, std::string_view project_id,
                                                        const storage::project_update& u) {
  auto scope = policy_.authorize_project(actor.user_id, project_id, permission::projects_write);
  if (!scope) return scope.err();
  if (auto st = projects_.update(*scope, u, clock_.now_ms()); !st) return st.err();
  audit_.record(actor, scope->org_id(), "project.update", "project", std::string(project_id));
  return get(actor.user_id, project_id);
}

status project_service::remove(const audit_actor& actor, std::string_view project_id) {
  auto scope = policy_.authorize_project(actor.user_id, project_id, permission::projects_delete);
  if (!scope) return scope.err();
  // Keys die with the project: take them out of the index before the rows go.
  if (auto keys = projects_.list_keys(*scope)) {
    for (auto k : *keys) {
      k.revoked_at = clock_.now_ms();
      keys_.apply(k);
    }
  }
  if (auto st = projects_.remove(*scope); !st) return st;
  audit_.record(actor, scope->org_id(), "project.delete", "project", std::string(project_id));
  return ok_v;
}

result<created_key> project_service::make_key(const project_scope& scope, const storage::project_record& project,
                                              const new_key_request& req, const std::string& created_by) {
  auto generated = generate_api_key(scope.project_id(), pepper_);
  auto now = clock_.now_ms();
  created_key out;
  out.full_key = std::move(generated.full_key);
  auto& r = out.record;
  r.id = new_ulid();
  r.project_id = scope.project_id();
  r.org_id = scope.org_id();
  r.name = req.name;
  r.key_hash = std::move(generated.key_hash);
  r.preview = std::move(generated.preview);
  r.rpm_limit = req.rpm_limit ? req.rpm_limit : project.rpm_limit;
  r.tpm_limit = req.tpm_limit ? req.tpm_limit : project.tpm_limit;
  r.created_by = created_by;
  r.created_at = now;
  r.expires_at = req.expires_at;
  r.updated_at = now;
  if (auto st = projects_.create_key(scope, r); !st) return st.err();
  keys_.apply(r);
  return out;
}

result<created_key> project_service::create_key(const audit_actor& actor, std::string_view project_id,
                                                const new_key_request& req) {
  auto org = policy_.org_of_project(actor.user_id, project_id, permission::keys_manage);
  if (!org) return org.err();
  auto project = projects_.get(*org, project_id);
  if (!project) return project.err();
  auto scope = policy_.authorize_project(actor.user_id, project_id, permission::keys_manage);
  if (!scope) return scope.err();
  auto key = make_key(*scope, *project, req, actor.user_id);
  if (!key) return key.err();
  audit_.record(actor, scope->org_id(), "api_key.create", "api_key", key->record.id, "success",
                boost::json::serialize(boost::json::object{{"project_id", std::string(project_id)},
                                                           {"name", req.name},
                                                           {"preview", key->record.preview}}));
  return key;
}

result<created_key> project_service::create_key_as_operator(const org_scope& org, std::string_view project_id,
                                                            const new_key_request& req) {
  auto project = projects_.get(org, project_id);
  if (!project) return project.err();
  auto scope = access_policy::operator_project_scope(org.org_id(), std::string(project_id));
  auto key = make_key(scope, *project, req, "cli");
  if (!key) return key.err();
  audit_.record({"cli", "local"}, org.org_id(), "api_key.create", "api_key", key->record.id, "success",
                boost::json::serialize(boost::json::object{{"project_id", std::string(project_id)},
                                                           {"preview", key->record.preview}}));
  return key;
}

result<std::vector<storage::api_key_record>> project_service::list_keys(std::string_view user_id,
                                                                        std::string_view project_id) {
  auto scope = policy_.authorize_project(user_id, project_id, permission::keys_read);
  if (!scope) return scope.err();
  return projects_.list_keys(*scope);
}

status project_service::revoke_key(const audit_actor& actor, std::string_view project_id, std::string_view key_id) {
  auto scope = policy_.authorize_project(actor.user_id, project_id, permission::keys_manage);
  if (!scope) return scope.err();
  auto now = clock_.now_ms();
  if (auto st = projects_.revoke_key(*scope, key_id, now); !st) return st;
  storage::api_key_record gone;
  gone.id = std::string(key_id);
  gone.revoked_at = now;
  keys_.apply(gone);
  audit_.record(actor, scope->org_id(), "api_key.revoke", "api_key", std::string(key_id));
  return ok_v;
}

}  // namespace brokle::identity
