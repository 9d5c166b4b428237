// Langfuse-compatible ingestion, so applications instrumented with Langfuse SDKs send to Brokle by
// changing the host: `POST /api/public/ingestion` (batched events, 207 multi-status) and
// `POST /api/public/otel/v1/traces` (OTLP). Basic auth: public key = the project id, secret key =
// a project API key.
#pragma once

#include <functional>

#include "api/identity_http.hpp"
#include "net/router.hpp"
#include "telemetry/ingest/ingest_service.hpp"

namespace brokle::api {

struct langfuse_api {
  identity_http& id;
  telemetry::ingest_service& ingest;
  // OTLP/HTTP traces for an already authenticated project (set by the OTLP routes).
  std::function<boost::asio::awaitable<net::http_response>(net::request_context&, const project_scope&)> otlp_traces;
};

void add_langfuse_routes(net::router& r, langfuse_api& api);

}  // namespace brokle::api
