// The Langfuse ingestion API's batch (`POST /api/public/ingestion`): {"batch": [event...]} where each
// event is an envelope {id, type, timestamp, body}. Each event is decoded on its own; the answer
// lists successes and errors per envelope id (HTTP 207), and only the valid events are stored.
// Bodies are upserts keyed by body.id, so the Langfuse SDK re-sending a whole batch after a
// partial failure never duplicates anything.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "storage/telemetry_writer.hpp"

namespace brokle::telemetry {

struct langfuse_event_result {
  std::string id;  // the envelope id
  int status = 201;
  std::string message;
};

struct langfuse_decoded {
  storage::telemetry_batch batch;
  std::vector<langfuse_event_result> successes;
  std::vector<langfuse_event_result> errors;
};

struct langfuse_limits {
  size_t max_events = 10'000;
};

// An error only when the body as a whole is unusable (not JSON, no "batch" array, too many events).
result<langfuse_decoded> decode_langfuse_batch(std::string_view body, int64_t now_ms, const std::string& environment,
                                               const langfuse_limits& limits = {});

}  // namespace brokle::telemetry
