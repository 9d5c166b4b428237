// The prompt and completion of a GenAI span, from whichever attribute form the producer used:
//   gen_ai.input.messages / gen_ai.output.messages     (current semconv; JSON string or array)
//   gen_ai.prompt / gen_ai.completion                  (older semconv, Vercel AI SDK; text or JSON)
//   gen_ai.prompt.N.role, gen_ai.prompt.N.content, ... (OpenLLMetry's indexed form)
//   llm.input_messages.N.message.role / .content       (OpenInference indexed form)
//   input.value / output.value                         (OpenInference, text or JSON)
// Indexed forms become an array of objects ordered by N, keyed by what follows the index.
#pragma once

#include <optional>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace brokle::telemetry::genai {

std::optional<boost::json::value> prompt_of(const boost::json::object& attrs);
std::optional<boost::json::value> completion_of(const boost::json::object& attrs);

}  // namespace brokle::telemetry::genai
