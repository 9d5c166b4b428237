#include "telemetry/genai/genai_span.hpp"

#include <boost/json/parse.hpp>

#include "telemetry/compact_json.hpp"
#include "telemetry/genai/genai_attributes.hpp"
#include "telemetry/genai/genai_messages.hpp"

namespace brokle::telemetry::genai {
namespace {

constexpr int64_t ns_per_ms = 1'000'000;

bool is_model_call(const boost::json::object& attrs) {
  const std::string op = first_string(attrs, {"gen_ai.operation.name"});
  if (op == "execute_tool" || op == "invoke_agent" || op == "create_agent") return false;
  const std::string kind = first_string(attrs, {"openinference.span.kind"});
  return kind.empty() || kind == "LLM" || kind == "EMBEDDING";
}

// gen_ai.request.* (temperature, max_tokens, top_p, ...) except the model, plus OpenInference's
// llm.invocation_parameters JSON; "" when there are none.
std::string model_parameters(const boost::json::object& attrs) {
  boost::json::object params;
  constexpr std::string_view request_prefix = "gen_ai.request.";
  for (const auto& kv : attrs) {
    const std::string_view key = kv.key();
    if (!key.starts_with(request_prefix) || key == "gen_ai.request.model") continue;
    params.insert_or_assign(key.substr(request_prefix.size()), kv.value());
  }
  if (const auto it = attrs.find("llm.invocation_parameters"); it != attrs.end()) {
    const boost::json::value v = structured(it->value());
    if (const auto* o = v.if_object()) {
      for (const auto& kv : *o) {
        if (!params.contains(kv.key())) params.insert_or_assign(kv.key(), kv.value());
      }
    }
  }
  return params.empty() ? std::string() : to_compact_json(params);
}

std::string metadata(const boost::json::object& attrs, const std::optional<int64_t>& total_tokens) {
  boost::json::object m;
  if (auto op = first_string(attrs, {"gen_ai.operation.name"}); !op.empty()) m["operation"] = op;
  if (auto id = first_string(attrs, {"gen_ai.response.id"}); !id.empty()) m["response_id"] = id;
  if (const auto it = attrs.find("gen_ai.response.finish_reasons"); it != attrs.end()) {
    m["finish_reasons"] = structured(it->value());
  }
  if (total_tokens) m["total_tokens"] = *total_tokens;
  return m.empty() ? std::string() : to_compact_json(m);
}

}  // namespace

bool has_genai_attributes(const boost::json::object& attributes) {
  for (const auto& kv : attributes) {
    const std::string_view key = kv.key();
    if (key.starts_with("gen_ai.") || key.starts_with("llm.")) return true;
  }
  return false;
}

std::optional<storage::observation_record> observation_from_span(const storage::span_record& span) {
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 256;  // decoded attributes nest up to otlp::max_nesting_depth; keep headroom
  const boost::json::value attrs = boost::json::parse(span.attributes_json, ec, {}, opts);
  if (ec || !attrs.is_object()) return std::nullopt;
  return observation_from_span(span, attrs.get_object());
}

std::optional<storage::observation_record> observation_from_span(const storage::span_record& span,
                                                                 const boost::json::object& attrs) {
  if (!has_genai_attributes(attrs)) return std::nullopt;

  storage::observation_record o;
  o.project_id = span.project_id;
  o.id = span.span_id;
  o.trace_id = span.trace_id;
  o.parent_observation_id = span.parent_span_id;
  o.type = is_model_call(attrs) ? storage::observation_type::generation : storage::observation_type::span;
  o.name = span.name;
  o.level = span.status == storage::span_status::error ? "ERROR" : "DEFAULT";
  o.status_message = span.status_message;
  o.environment = span.environment;
  o.start_time_ms = span.start_ns / ns_per_ms;
  o.end_time_ms = span.end_ns / ns_per_ms;

  o.model = first_string(attrs, {"gen_ai.response.model", "gen_ai.request.model", "llm.model_name",
                                 "llm.response.model", "llm.request.model"});
  o.model_requested = first_string(attrs, {"gen_ai.request.model", "llm.request.model"});
  o.provider = first_string(attrs, {"gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system"});
  o.model_parameters_json = model_parameters(attrs);

  auto input = first_count(attrs, {"gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens",
                                   "llm.token_count.prompt", "llm.usage.prompt_tokens"});
  auto output = first_count(attrs, {"gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens",
                                    "llm.token_count.completion", "llm.usage.completion_tokens"});
  const auto total = first_count(attrs, {"gen_ai.usage.total_tokens", "llm.token_count.total", "llm.usage.total_tokens"});
  // Producers that send a total and one side let us recover the other side.
  if (total && input && !output && *total >= *input) output = *total - *input;
  if (total && output && !input && *total >= *output) input = *total - *output;
  o.input_tokens = input.value_or(0);
  o.output_tokens = output.value_or(0);
  o.cached_input_tokens = first_count(attrs, {"gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.input_tokens.cache_read",
                                              "gen_ai.usage.cache_read_input_tokens",
                                              "llm.token_count.prompt_details.cache_read"})
                              .value_or(0);
  o.cache_write_input_tokens = first_count(attrs, {"gen_ai.usage.cache_creation.input_tokens",
                                                   "gen_ai.usage.input_tokens.cache_creation",
                                                   "gen_ai.usage.cache_creation_input_tokens",
                                                   "llm.token_count.prompt_details.cache_write"})
                                      .value_or(0);
  o.reasoning_tokens = first_count(attrs, {"gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.output_tokens.reasoning",
                                           "llm.token_count.completion_details.reasoning"})
                           .value_or(0);

  if (auto prompt = prompt_of(attrs)) o.input_json = to_compact_json(*prompt);
  if (auto completion = completion_of(attrs)) o.output_json = to_compact_json(*completion);
  o.metadata_json = metadata(attrs, total);
  return o;
}

}  // namespace brokle::telemetry::genai
