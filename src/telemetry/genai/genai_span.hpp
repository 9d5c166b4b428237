// GenAI spans into LLM observations. A span is a GenAI span when its attributes carry OpenTelemetry
// GenAI semantic-convention keys (gen_ai.*) or OpenInference keys (llm.*); it becomes an
// observation_record with the span's ids (observation id = span id, parent = parent span id),
// times in milliseconds, status, model, provider, token usage, prompt and completion. Model calls
// (chat, completions, embeddings, ...) are generations; tool and agent steps (gen_ai.operation.name
// execute_tool / invoke_agent / create_agent, OpenInference span kinds other than LLM and
// EMBEDDING) are spans. cost_usd is left 0: the caller prices the tokens (gateway/pricing).
//
// The attribute names read, in order of preference, are tabled in docs/telemetry.md.
#pragma once

#include <optional>

#include <boost/json/object.hpp>

#include "storage/telemetry_records.hpp"

namespace brokle::telemetry::genai {

bool has_genai_attributes(const boost::json::object& attributes);

// nullopt when the span has no GenAI attributes (or its attributes_json is not a JSON object).
std::optional<storage::observation_record> observation_from_span(const storage::span_record& span);

// The same, for a caller that already parsed span.attributes_json.
std::optional<storage::observation_record> observation_from_span(const storage::span_record& span,
                                                                 const boost::json::object& attributes);

}  // namespace brokle::telemetry::genai
