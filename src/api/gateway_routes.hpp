// Routes of the OpenAI-compatible gateway (API-key auth) and its dashboard view.
#pragma once

#include "api/identity_http.hpp"
#include "gateway/call_recorder.hpp"
#include "gateway/provider_directory.hpp"
#include "gateway/pricing/price_table.hpp"
#include "gateway/providers/openai_wire.hpp"
#include "identity/access_policy.hpp"
#include "net/router.hpp"
#include "net/upstream_client.hpp"
#include "storage/generation_store.hpp"

namespace brokle::api {

struct gateway_api {
  identity_http& id;
  gateway::provider_directory& directory;  // project providers first, then the TOML ones
  gateway::price_table& prices;
  net::upstream_client& upstream;
  gateway::call_recorder& recorder;
  identity::access_policy& policy;
  storage::generation_store& generations;
};

void add_gateway_routes(net::router& r, gateway_api& gw);

}  // namespace brokle::api
