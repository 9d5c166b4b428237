// OTLP/HTTP: POST /v1/traces, /v1/logs, /v1/metrics with application/x-protobuf or
// application/json bodies, optionally gzip/deflate encoded, per the OTLP specification: 200 with
// an Export*ServiceResponse (partial_success when items were rejected), 400 with a google.rpc.Status
// for bad data, 401 without a valid key, 413 past the decompressed-size limit, 415 for other
// content types or encodings, 503 + Retry-After when ingestion is saturated or the store and the
// dead-letter queue both refuse. A request is answered only after its data is durable.
// Authentication: a project API key (X-API-Key or Authorization: Bearer), or, when the operator
// configured otlp.default_project, no key at all (private networks only).
#pragma once

#include <optional>

#include "api/identity_http.hpp"
#include "net/router.hpp"
#include "telemetry/ingest/ingest_service.hpp"
#include "telemetry/otlp/otlp_responses.hpp"

namespace brokle::api {

struct otlp_api {
  identity_http& id;
  telemetry::ingest_service& ingest;
  std::optional<project_scope> default_project;
  size_t max_decompressed = 64 * 1024 * 1024;
};

// One export request. `scope` set: already authenticated (Langfuse's OTLP route).
boost::asio::awaitable<net::http_response> otlp_export(net::request_context& ctx, otlp_api& api,
                                                       telemetry::otlp::signal s,
                                                       std::optional<project_scope> scope = std::nullopt);

// traces too when `with_traces` (the OTLP port); the main port's /v1/traces is shared with the
// SDK route, which hands OTLP bodies to otlp_export.
void add_otlp_routes(net::router& r, otlp_api& api, bool with_traces);

}  // namespace brokle::api
