// What the HTTP handlers may use: domain services and interfaces, never a database connection.
#pragma once

#include <chrono>
#include <functional>

#include "core/metrics.hpp"
#include "net/blocking_pool.hpp"
#include "storage/store_set.hpp"

namespace brokle::realtime {
class health_hub;
}

namespace brokle::api {

struct api_services {
  storage::store_set& stores;
  net::blocking_pool& blocking;
  metrics::registry& metrics;
  realtime::health_hub& health;
  std::chrono::steady_clock::time_point started_at;
};

}  // namespace brokle::api
