#include "gateway/call_trace.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>

namespace brokle::gateway {

storage::telemetry_batch llm_trace_of(const storage::generation_record& rec, const call_trace& where) {
  storage::telemetry_batch b;
  const std::string& trace_id = where.trace_id.empty() ? rec.id : where.trace_id;
  int64_t end_ms = rec.started_at + rec.latency_ms;
  if (where.parent_span_id.empty()) {
    storage::trace_record t;
    t.id = trace_id;
    t.name = "gateway " + rec.endpoint;
    t.environment = rec.environment;
    t.timestamp_ms = rec.started_at;
    t.updated_at_ms = end_ms;
    t.metadata_json = R"({"request_id":)" + boost::json::serialize(boost::json::string_view(rec.request_id)) +
                      R"(,"gateway":true})";
    b.traces.push_back(std::move(t));
  }
  storage::observation_record o;
  o.id = rec.id;
  o.trace_id = trace_id;
  o.parent_observation_id = where.parent_span_id;
  o.type = storage::observation_type::generation;
  o.name = rec.endpoint;
  o.level = rec.status >= 400 ? "ERROR" : "DEFAULT";
  o.status_message = rec.error;
  o.environment = rec.environment;
  o.start_time_ms = rec.started_at;
  o.end_time_ms = end_ms;
  if (rec.time_to_first_token_ms > 0) o.completion_start_time_ms = rec.started_at + rec.time_to_first_token_ms;
  o.model = rec.model_used;
  o.model_requested = rec.model_requested;
  o.provider = rec.provider;
  o.key_id = rec.key_id;
  o.input_tokens = rec.input_tokens;
  o.output_tokens = rec.output_tokens;
  o.cached_input_tokens = rec.cached_input_tokens;
  o.cache_write_input_tokens = rec.cache_write_input_tokens;
  o.reasoning_tokens = rec.reasoning_tokens;
  o.cost_usd = rec.cost_usd;
  o.http_status = rec.status;
  o.streamed = rec.streamed;
  b.observations.push_back(std::move(o));
  return b;
}

}  // namespace brokle::gateway
