// /api/v1/projects/{project_id}/providers[/{provider_id}]: a project's own model providers
// (dashboard auth; providers.read to list, providers.manage to change). Keys are write-only.
#pragma once

#include "api/identity_http.hpp"
#include "gateway/project_provider_service.hpp"
#include "net/router.hpp"

namespace brokle::api {

struct provider_api {
  identity_http& id;
  gateway::project_provider_service& providers;
};

void add_provider_routes(net::router& r, provider_api& api);

}  // namespace brokle::api
