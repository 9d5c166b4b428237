// Liveness (/health), readiness with store latency (/health/db, /health/ready), Prometheus
// /metrics, and the live health stream over SSE (/health/stream) and WebSocket (/ws/health).
#pragma once

#include "api/api_services.hpp"
#include "net/router.hpp"

namespace brokle::api {

void add_health_routes(net::router& r, api_services& s);

}  // namespace brokle::api
