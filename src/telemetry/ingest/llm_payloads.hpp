// The LLM-level records (traces, observations, scores, events, routing decisions) from the JSON
// the Brokle SDK routes and the Langfuse ingestion API send. Field names are accepted in
// snake_case and camelCase. Only fields present in the JSON are set, so a decoded update merges
// into the stored record (telemetry_writer's contract). Ids: the caller's (1..128 printable bytes)
// or a new ULID when a create carries none.
#pragma once

#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "core/result.hpp"
#include "storage/telemetry_records.hpp"

namespace brokle::telemetry {

struct decode_context {
  int64_t now_ms = 0;
  std::string environment;  // X-Environment header, used when the record names none
  bool require_id = false;  // updates must name what they update
};

result<storage::trace_record> decode_trace(const boost::json::object& o, const decode_context& ctx);
// `type_hint` is used when the JSON names no type (Langfuse "generation-create" etc.).
result<storage::observation_record> decode_observation(const boost::json::object& o, const decode_context& ctx,
                                                       std::optional<storage::observation_type> type_hint = {});
result<storage::score_record> decode_score(const boost::json::object& o, const decode_context& ctx);
result<storage::event_record> decode_event(const boost::json::object& o, const decode_context& ctx);
// A routing decision (`POST /v1/route`) kept as an event of type "route" with the body as sent.
result<storage::event_record> decode_route_decision(const boost::json::object& o, const decode_context& ctx);

std::optional<storage::observation_type> parse_observation_type(std::string_view s);

}  // namespace brokle::telemetry
