// Turns "user U wants permission P on organization O / project X" into a scope, or a refusal.
// Not a member (or no such organization/project) is not_found, so ids of other tenants reveal
// nothing; a member whose role lacks the permission gets permission_denied.
#pragma once

#include <string_view>

#include "core/result.hpp"
#include "core/tenant_scope.hpp"
#include "identity/permissions.hpp"
#include "storage/organization_store.hpp"
#include "storage/project_store.hpp"
#include "storage/user_store.hpp"

namespace brokle::identity {

class access_policy {
 public:
  access_policy(storage::organization_store& orgs, storage::project_store& projects, storage::user_store& users)
      : orgs_(orgs), projects_(projects), users_(users) {}

  result<org_scope> authorize_org(std::string_view user_id, std::string_view org_id, permission p);
  result<project_scope> authorize_project(std::string_view user_id, std::string_view project_id, permission p);
  // The org scope that owns a project the user can see (for project routes that need both).
  result<org_scope> org_of_project(std::string_view user_id, std::string_view project_id, permission p);

  // For first-run set-up by the CLI operator (who owns the data dir): full access to one org.
  static org_scope operator_scope(std::string org_id) { return org_scope(std::move(org_id), org_role::owner); }
  static project_scope operator_project_scope(std::string org_id, std::string project_id) {
    return project_scope(std::move(org_id), std::move(project_id));
  }
  // A project the operator named in the configuration (e.g. otlp.default_project): not_found when
  // it does not exist. Never call it with an id taken from a request.
  result<project_scope> configured_project_scope(std::string_view project_id);
  // Instance-wide operations (purging every project's telemetry, vacuum): instance administrators
  // only (users created with --admin). permission_denied otherwise.
  status require_instance_admin(std::string_view user_id);

 private:
  storage::organization_store& orgs_;
  storage::project_store& projects_;
  storage::user_store& users_;
};

}  // namespace brokle::identity
