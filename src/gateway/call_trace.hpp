#pragma once

#include "gateway/call_recorder.hpp"
#include "storage/generation_store.hpp"
#include "storage/telemetry_writer.hpp"

namespace brokle::gateway {

// A gateway call as LLM telemetry: a generation observation (model asked and used, provider, key,
// tokens, cost, latency, time to first token, status, error) and, when the call is its trace's
// root, the trace itself ("gateway <endpoint>", with the request id in its metadata).
storage::telemetry_batch llm_trace_of(const storage::generation_record& rec, const call_trace& where);

}  // namespace brokle::gateway
