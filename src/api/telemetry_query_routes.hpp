// The telemetry query API (dashboard auth, telemetry.read on the project), under
// /api/v1/projects/{project_id}/:
//   traces, traces/{trace_id}, logs, logs/{log_id}/context, services,
//   metrics/dashboard, metrics/traffic, metrics/latency_heatmap, metrics/service-map,
//   analytics/llm (grouped), analytics/llm/series, analytics/traces, analytics/traces/{id},
//   analytics/observations, analytics/quality-scores
// and retention: DELETE /api/v1/projects/{project_id}/telemetry?days=N (telemetry.manage),
// DELETE /api/v1/admin/purge?days=N and POST /api/v1/admin/vacuum (instance administrators).
// Time ranges: `start` / `end` as RFC 3339 or unix numbers (s, ms, µs or ns); default the last hour.
#pragma once

#include "api/identity_http.hpp"
#include "net/router.hpp"
#include "telemetry/query/telemetry_reader.hpp"

namespace brokle::api {

struct telemetry_query_api {
  identity_http& id;
  telemetry::telemetry_reader& reader;
};

void add_telemetry_query_routes(net::router& r, telemetry_query_api& api);

}  // namespace brokle::api
