// Dashboard identity routes (/api/v1/auth, users, organizations, projects, keys, rbac, onboarding,
// audit-logs) and the public SDK key check (/v1/auth/validate-key). Handlers parse and shape JSON;
// the services decide.
#pragma once

#include "api/identity_http.hpp"
#include "identity/account_service.hpp"
#include "identity/organization_service.hpp"
#include "identity/project_service.hpp"
#include "net/router.hpp"
#include "storage/audit_store.hpp"

namespace brokle::api {

struct identity_api {
  identity_http http;
  identity::organization_service& orgs;
  identity::project_service& projects;
  identity::account_service& accounts;
  identity::access_policy& policy;
  storage::organization_store& org_store;
  storage::audit_store& audit_reads;
};

void add_auth_routes(net::router& r, identity_api& api);
void add_organization_routes(net::router& r, identity_api& api);
void add_project_routes(net::router& r, identity_api& api);
void add_account_routes(net::router& r, identity_api& api);
void add_sdk_auth_routes(net::router& r, identity_api& api);

net::http_response json_ok(boost::json::value v, unsigned status = 200);

}  // namespace brokle::api
