// `brokle migrate up|down|status`, working directly on the configured store.
#pragma once

#include <string>

#include "app/config.hpp"

namespace brokle::app {

int migrate(const resolved_config& rc, const std::string& action, int steps);

}  // namespace brokle::app
