// The Brokle SDK telemetry routes (API-key auth, project from the key): traces, observations,
// quality scores, events and routing decisions as JSON. `POST /v1/traces` also takes OTLP bodies
// (protobuf, or JSON with `resourceSpans`), which the OTLP routes handle.
#pragma once

#include <functional>

#include "api/identity_http.hpp"
#include "net/router.hpp"
#include "telemetry/ingest/ingest_service.hpp"

namespace brokle::api {

struct sdk_telemetry_api {
  identity_http& id;
  telemetry::ingest_service& ingest;
  // Deletes a trace with its observations and scores; not_found when the project has no such trace.
  std::function<status(const project_scope&, const std::string& trace_id)> delete_trace;
  // The OTLP/HTTP trace handler, for OTLP bodies sent to /v1/traces (set by the OTLP routes).
  std::function<boost::asio::awaitable<net::http_response>(net::request_context&)> otlp_traces;
  size_t max_batch_items = 1000;
};

void add_sdk_telemetry_routes(net::router& r, sdk_telemetry_api& api);

}  // namespace brokle::api
