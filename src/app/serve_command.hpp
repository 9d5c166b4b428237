// `brokle serve`: wires stores, services, listeners and shutdown order for one process.
#pragma once

#include "app/config.hpp"

namespace brokle::app {

// Runs until SIGINT/SIGTERM, then drains and returns the exit code (0 on a clean stop).
int serve(const resolved_config& rc);

}  // namespace brokle::app
