#include "telemetry/ingest/llm_payloads.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json/serialize.hpp>

#include "core/ulid.hpp"
#include "telemetry/ingest/json_fields.hpp"

namespace brokle::telemetry {

using namespace storage;

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string id_or_new(const json_fields& f, const decode_context& ctx, std::initializer_list<std::string_view> keys) {
  auto id = f.id(keys);
  if (id) return *id;
  if (ctx.require_id) throw field_error("field '" + std::string(*keys.begin()) + "' is required");
  return new_ulid();
}

template <class F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const field_error& e) {
    return make_error(errc::invalid_argument, e.what());
  }
}

void read_usage(const json_fields& f, observation_record& o) {
  auto read = [&](const boost::json::value* v) {
    if (!v) return;
    if (!v->is_object()) throw field_error("field 'usage' must be an object");
    json_fields u(v->as_object());
    if (auto n = u.integer({"input", "input_tokens", "prompt_tokens", "promptTokens", "inputTokens"})) o.input_tokens = *n;
    if (auto n = u.integer({"output", "output_tokens", "completion_tokens", "completionTokens", "outputTokens"}))
      o.output_tokens = *n;
    if (auto n = u.integer({"cache_read_input_tokens", "cached_input_tokens", "input_cached_tokens", "cache_read",
                            "input_cache_read", "cachedInputTokens"}))
      o.cached_input_tokens = *n;
    if (auto n = u.integer({"cache_creation_input_tokens", "cache_write_input_tokens", "input_cache_creation",
                            "cache_creation", "cacheCreationInputTokens"}))
      o.cache_write_input_tokens = *n;
    if (auto n = u.integer({"reasoning_tokens", "output_reasoning_tokens", "output_reasoning", "reasoningTokens"}))
      o.reasoning_tokens = *n;
    // Langfuse puts costs inside `usage` too.
    if (auto c = u.number({"totalCost", "total_cost"})) {
      o.cost_usd = *c;
    } else {
      auto in = u.number({"inputCost", "input_cost"}), out = u.number({"outputCost", "output_cost"});
      if (in || out) o.cost_usd = in.value_or(0) + out.value_or(0);
    }
    if (auto d = u.find("prompt_tokens_details"); d && d->is_object())
      if (auto n = json_fields(d->as_object()).integer({"cached_tokens"})) o.cached_input_tokens = *n;
    if (auto d = u.find("completion_tokens_details"); d && d->is_object())
      if (auto n = json_fields(d->as_object()).integer({"reasoning_tokens"})) o.reasoning_tokens = *n;
  };
  read(f.find_any({"usage"}));
  read(f.find_any({"usage_details", "usageDetails"}));
  for (auto n : {o.input_tokens, o.output_tokens, o.cached_input_tokens, o.cache_write_input_tokens, o.reasoning_tokens})
    if (n < 0) throw field_error("token counts must not be negative");
}

void read_cost(const json_fields& f, observation_record& o) {
  if (auto c = f.number({"cost_usd", "cost", "total_cost", "totalCost", "calculated_total_cost"})) o.cost_usd = *c;
  if (auto* d = f.find_any({"cost_details", "costDetails"})) {
    if (!d->is_object()) throw field_error("field 'cost_details' must be an object");
    json_fields c(d->as_object());
    if (auto t = c.number({"total"})) {
      o.cost_usd = *t;
    } else {
      double sum = 0;
      for (const auto& [k, v] : d->as_object())
        if (v.is_number()) sum += v.to_number<double>();
      if (sum > 0) o.cost_usd = sum;
    }
  }
  if (o.cost_usd < 0) throw field_error("cost must not be negative");
}

}  // namespace

std::optional<observation_type> parse_observation_type(std::string_view s) {
  auto t = upper(s);
  if (t == "GENERATION" || t == "EMBEDDING") return observation_type::generation;
  if (t == "EVENT") return observation_type::event;
  if (t == "SPAN" || t == "AGENT" || t == "TOOL" || t == "CHAIN" || t == "RETRIEVER" || t == "EVALUATOR" ||
      t == "GUARDRAIL")
    return observation_type::span;
  return std::nullopt;
}

result<trace_record> decode_trace(const boost::json::object& o, const decode_context& ctx) {
  return guarded([&]() -> result<trace_record> {
    json_fields f(o);
    trace_record t;
    t.id = id_or_new(f, ctx, {"id", "trace_id", "traceId"});
    t.name = f.string({"name"}, 1024).value_or("");
    t.user_id = f.string({"user_id", "userId"}, 256).value_or("");
    t.session_id = f.string({"session_id", "sessionId"}, 256).value_or("");
    t.environment = f.string({"environment"}, 64).value_or(ctx.environment);
    t.release = f.string({"release"}, 256).value_or("");
    t.version = f.string({"version"}, 256).value_or("");
    t.input_json = f.any_json({"input"}).value_or("");
    t.output_json = f.any_json({"output"}).value_or("");
    t.metadata_json = f.any_json({"metadata"}).value_or("");
    t.tags = f.strings({"tags"}).value_or(std::vector<std::string>{});
    t.is_public = f.boolean({"public", "is_public"}).value_or(false);
    t.timestamp_ms = f.time_ms({"timestamp", "start_time", "startTime", "created_at"}).value_or(ctx.require_id ? 0 : ctx.now_ms);
    t.updated_at_ms = ctx.now_ms;
    return t;
  });
}

result<observation_record> decode_observation(const boost::json::object& o, const decode_context& ctx,
                                              std::optional<observation_type> type_hint) {
  return guarded([&]() -> result<observation_record> {
    json_fields f(o);
    observation_record r;
    r.id = id_or_new(f, ctx, {"id", "observation_id", "observationId"});
    r.trace_id = f.id({"trace_id", "traceId"}).value_or("");
    if (r.trace_id.empty() && !ctx.require_id) r.trace_id = r.id;  // Langfuse: an orphan observation is its own trace
    r.parent_observation_id = f.id({"parent_observation_id", "parentObservationId"}).value_or("");
    if (auto t = f.string({"type"}, 32)) {
      auto parsed = parse_observation_type(*t);
      if (!parsed) throw field_error("field 'type' must be SPAN, GENERATION or EVENT");
      r.type = *parsed;
    } else if (type_hint) {
      r.type = *type_hint;
    }
    r.name = f.string({"name"}, 1024).value_or("");
    if (auto l = f.string({"level"}, 16)) {
      r.level = upper(*l);
      if (r.level != "DEBUG" && r.level != "DEFAULT" && r.level != "WARNING" && r.level != "ERROR")
        throw field_error("field 'level' must be DEBUG, DEFAULT, WARNING or ERROR");
    }
    r.status_message = f.string({"status_message", "statusMessage"}, 4096).value_or("");
    r.environment = f.string({"environment"}, 64).value_or(ctx.environment);
    r.version = f.string({"version"}, 256).value_or("");
    r.start_time_ms = f.time_ms({"start_time", "startTime", "timestamp"}).value_or(ctx.require_id ? 0 : ctx.now_ms);
    r.end_time_ms = f.time_ms({"end_time", "endTime"}).value_or(r.type == observation_type::event ? r.start_time_ms : 0);
    r.completion_start_time_ms = f.time_ms({"completion_start_time", "completionStartTime"}).value_or(0);
    if (r.end_time_ms && r.start_time_ms && r.end_time_ms < r.start_time_ms)
      throw field_error("field 'end_time' is before 'start_time'");
    r.model = f.string({"model"}, 256).value_or("");
    r.provider = f.string({"provider", "system"}, 128).value_or("");
    r.model_parameters_json = f.any_json({"model_parameters", "modelParameters"}, 64 << 10).value_or("");
    r.input_json = f.any_json({"input"}).value_or("");
    r.output_json = f.any_json({"output"}).value_or("");
    r.metadata_json = f.any_json({"metadata"}).value_or("");
    read_usage(f, r);
    read_cost(f, r);
    return r;
  });
}

result<score_record> decode_score(const boost::json::object& o, const decode_context& ctx) {
  return guarded([&]() -> result<score_record> {
    json_fields f(o);
    score_record s;
    s.id = id_or_new(f, ctx, {"id", "score_id"});
    s.trace_id = f.id({"trace_id", "traceId"}).value_or("");
    s.observation_id = f.id({"observation_id", "observationId"}).value_or("");
    auto name = f.string({"name"}, 256);
    if (!name || name->empty()) throw field_error("field 'name' is required");
    s.name = *name;
    if (s.trace_id.empty() && s.observation_id.empty())
      throw field_error("a score needs 'trace_id' or 'observation_id'");
    auto* v = f.find("value");
    if (!v) throw field_error("field 'value' is required");
    auto declared = f.string({"data_type", "dataType"}, 16);
    std::string type = declared ? upper(*declared) : "";
    if (v->is_bool()) {
      s.data_type = score_data_type::boolean;
      s.value = v->as_bool() ? 1 : 0;
    } else if (v->is_number()) {
      s.value = v->to_number<double>();
      s.data_type = type == "BOOLEAN" ? score_data_type::boolean : score_data_type::numeric;
      if (s.data_type == score_data_type::boolean && s.value != 0 && s.value != 1)
        throw field_error("a BOOLEAN score's value must be 0 or 1");
    } else if (v->is_string()) {
      if (v->as_string().size() > 1024) throw field_error("field 'value' is longer than 1024 bytes");
      s.data_type = score_data_type::categorical;
      s.string_value = std::string(v->as_string());
    } else {
      throw field_error("field 'value' must be a number, a string or a boolean");
    }
    if (!type.empty() && type != "NUMERIC" && type != "CATEGORICAL" && type != "BOOLEAN")
      throw field_error("field 'data_type' must be NUMERIC, CATEGORICAL or BOOLEAN");
    if (type == "NUMERIC" && s.data_type != score_data_type::numeric)
      throw field_error("a NUMERIC score needs a numeric 'value'");
    if (type == "CATEGORICAL" && s.data_type != score_data_type::categorical)
      throw field_error("a CATEGORICAL score needs a string 'value'");
    if (auto sv = f.string({"string_value", "stringValue"}, 1024)) s.string_value = *sv;
    s.source = upper(f.string({"source"}, 32).value_or("API"));
    s.comment = f.string({"comment"}, 4096).value_or("");
    s.environment = f.string({"environment"}, 64).value_or(ctx.environment);
    s.timestamp_ms = f.time_ms({"timestamp", "created_at"}).value_or(ctx.now_ms);
    return s;
  });
}

result<event_record> decode_event(const boost::json::object& o, const decode_context& ctx) {
  return guarded([&]() -> result<event_record> {
    json_fields f(o);
    event_record e;
    e.id = id_or_new(f, ctx, {"id", "event_id"});
    e.trace_id = f.id({"trace_id", "traceId"}).value_or("");
    e.type = f.string({"type", "event_type"}, 64).value_or("event");
    auto name = f.string({"name"}, 256);
    if (!name || name->empty()) throw field_error("field 'name' is required");
    e.name = *name;
    if (auto* b = f.find_any({"body", "properties", "data", "attributes"})) {
      if (!b->is_object()) throw field_error("field 'body' must be an object");
      e.body_json = *f.any_json({"body", "properties", "data", "attributes"});
    }
    e.timestamp_ms = f.time_ms({"timestamp"}).value_or(ctx.now_ms);
    return e;
  });
}

result<event_record> decode_route_decision(const boost::json::object& o, const decode_context& ctx) {
  return guarded([&]() -> result<event_record> {
    json_fields f(o);
    event_record e;
    e.id = id_or_new(f, ctx, {"id", "decision_id"});
    e.trace_id = f.id({"trace_id", "traceId"}).value_or("");
    e.type = "route";
    auto model = f.string({"selected_model", "model_selected", "model"}, 256);
    auto provider = f.string({"selected_provider", "provider"}, 128);
    if (!model && !provider) throw field_error("a routing decision needs 'selected_model' or 'selected_provider'");
    e.name = provider ? (model ? *provider + "/" + *model : *provider) : *model;
    auto body = boost::json::serialize(o);
    if (body.size() > (64 << 10)) throw field_error("a routing decision is larger than 64 KiB");
    e.body_json = std::move(body);
    e.timestamp_ms = f.time_ms({"timestamp"}).value_or(ctx.now_ms);
    return e;
  });
}

}  // namespace brokle::telemetry
