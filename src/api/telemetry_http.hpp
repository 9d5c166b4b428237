// Route-side helpers shared by every telemetry ingestion surface.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "core/tenant_scope.hpp"
#include "net/request_context.hpp"
#include "telemetry/ingest/ingest_service.hpp"

namespace brokle::api {

// Submits the batch and suspends the request until it is durable (committed, or in the
// dead-letter queue). Refusals (queue full, store and DLQ down) abort the request with
// 503 + Retry-After; nothing was acknowledged, so the client's retry loses nothing.
boost::asio::awaitable<telemetry::ingest_counts> ingest_durably(telemetry::ingest_service& svc,
                                                                const project_scope& scope,
                                                                storage::telemetry_batch batch);

// Same, for surfaces that answer their own error shape (OTLP, gRPC): the error instead of a throw.
boost::asio::awaitable<result<telemetry::ingest_counts>> try_ingest_durably(telemetry::ingest_service& svc,
                                                                            const project_scope& scope,
                                                                            storage::telemetry_batch batch);

}  // namespace brokle::api
