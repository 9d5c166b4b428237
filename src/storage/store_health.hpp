// Readiness of the configured store: a round trip that proves it answers, with its latency.
#pragma once

#include <chrono>
#include <string>

#include "core/result.hpp"

namespace brokle::storage {

struct store_probe {
  std::string backend;
  std::chrono::microseconds latency;
  int schema_version;
};

class store_health {
 public:
  virtual ~store_health() = default;
  virtual result<store_probe> probe() = 0;
};

}  // namespace brokle::storage
