// Standard process_* metrics (CPU, memory, file descriptors, start time) read from /proc at
// scrape time, plus brokle_build_info.
#pragma once

#include "core/metrics.hpp"

namespace brokle::app {

void register_process_metrics(metrics::registry& reg);

struct process_memory {
  uint64_t rss_bytes = 0;
  uint64_t virtual_bytes = 0;
};
process_memory read_process_memory();

}  // namespace brokle::app
