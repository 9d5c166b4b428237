#include "telemetry/pipeline/batch_codec.hpp"

#include <boost/json.hpp>

namespace brokle::telemetry {

namespace json = boost::json;
using namespace storage;

namespace {

// Field readers that tolerate absence and wrong types (a damaged file fails as a whole only when
// it is not JSON at all or not a batch).
struct reader {
  const json::object& o;
  std::string str(std::string_view k) const {
    auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  }
  int64_t i64(std::string_view k) const {
    auto* v = o.if_contains(k);
    if (!v) return 0;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
    if (v->is_double()) return static_cast<int64_t>(v->as_double());
    return 0;
  }
  double num(std::string_view k) const {
    auto* v = o.if_contains(k);
    if (!v) return 0;
    if (v->is_double()) return v->as_double();
    if (v->is_int64()) return static_cast<double>(v->as_int64());
    if (v->is_uint64()) return static_cast<double>(v->as_uint64());
    return 0;
  }
  bool flag(std::string_view k) const {
    auto* v = o.if_contains(k);
    return v && v->is_bool() && v->as_bool();
  }
};

json::object encode(const span_record& r) {
  return {{"project_id", r.project_id},   {"trace_id", r.trace_id},
          {"span_id", r.span_id},         {"parent_span_id", r.parent_span_id},
          {"trace_state", r.trace_state}, {"name", r.name},
          {"kind", static_cast<int>(r.kind)}, {"start_ns", r.start_ns},
          {"end_ns", r.end_ns},           {"status", static_cast<int>(r.status)},
          {"status_message", r.status_message}, {"service_name", r.service_name},
          {"environment", r.environment}, {"scope_name", r.scope_name},
          {"scope_version", r.scope_version}, {"attributes_json", r.attributes_json},
          {"resource_json", r.resource_json}, {"events_json", r.events_json},
          {"links_json", r.links_json}};
}
void decode(const reader& f, span_record& r) {
  r.project_id = f.str("project_id");
  r.trace_id = f.str("trace_id");
  r.span_id = f.str("span_id");
  r.parent_span_id = f.str("parent_span_id");
  r.trace_state = f.str("trace_state");
  r.name = f.str("name");
  r.kind = static_cast<span_kind>(f.i64("kind"));
  r.start_ns = f.i64("start_ns");
  r.end_ns = f.i64("end_ns");
  r.status = static_cast<span_status>(f.i64("status"));
  r.status_message = f.str("status_message");
  r.service_name = f.str("service_name");
  r.environment = f.str("environment");
  r.scope_name = f.str("scope_name");
  r.scope_version = f.str("scope_version");
  r.attributes_json = f.str("attributes_json");
  r.resource_json = f.str("resource_json");
  r.events_json = f.str("events_json");
  r.links_json = f.str("links_json");
}

json::object encode(const log_record& r) {
  return {{"project_id", r.project_id},     {"id", r.id},
          {"time_ns", r.time_ns},           {"observed_time_ns", r.observed_time_ns},
          {"severity_number", r.severity_number}, {"severity_text", r.severity_text},
          {"body", r.body},                 {"trace_id", r.trace_id},
          {"span_id", r.span_id},           {"service_name", r.service_name},
          {"environment", r.environment},   {"scope_name", r.scope_name},
          {"attributes_json", r.attributes_json}, {"resource_json", r.resource_json}};
}
void decode(const reader& f, log_record& r) {
  r.project_id = f.str("project_id");
  r.id = f.str("id");
  r.time_ns = f.i64("time_ns");
  r.observed_time_ns = f.i64("observed_time_ns");
  r.severity_number = static_cast<int>(f.i64("severity_number"));
  r.severity_text = f.str("severity_text");
  r.body = f.str("body");
  r.trace_id = f.str("trace_id");
  r.span_id = f.str("span_id");
  r.service_name = f.str("service_name");
  r.environment = f.str("environment");
  r.scope_name = f.str("scope_name");
  r.attributes_json = f.str("attributes_json");
  r.resource_json = f.str("resource_json");
}

json::object encode(const trace_record& r) {
  json::array tags;
  for (const auto& t : r.tags) tags.emplace_back(t);
  return {{"project_id", r.project_id}, {"id", r.id},
          {"name", r.name},             {"user_id", r.user_id},
          {"session_id", r.session_id}, {"environment", r.environment},
          {"release", r.release},       {"version", r.version},
          {"input_json", r.input_json}, {"output_json", r.output_json},
          {"metadata_json", r.metadata_json}, {"tags", std::move(tags)},
          {"is_public", r.is_public},   {"timestamp_ms", r.timestamp_ms},
          {"updated_at_ms", r.updated_at_ms}};
}
void decode(const reader& f, trace_record& r) {
  r.project_id = f.str("project_id");
  r.id = f.str("id");
  r.name = f.str("name");
  r.user_id = f.str("user_id");
  r.session_id = f.str("session_id");
  r.environment = f.str("environment");
  r.release = f.str("release");
  r.version = f.str("version");
  r.input_json = f.str("input_json");
  r.output_json = f.str("output_json");
  r.metadata_json = f.str("metadata_json");
  if (auto* t = f.o.if_contains("tags"); t && t->is_array())
    for (const auto& v : t->as_array())
      if (v.is_string()) r.tags.emplace_back(v.as_string());
  r.is_public = f.flag("is_public");
  r.timestamp_ms = f.i64("timestamp_ms");
  r.updated_at_ms = f.i64("updated_at_ms");
}

json::object encode(const observation_record& r) {
  return {{"project_id", r.project_id},
          {"id", r.id},
          {"trace_id", r.trace_id},
          {"parent_observation_id", r.parent_observation_id},
          {"type", static_cast<int>(r.type)},
          {"name", r.name},
          {"level", r.level},
          {"status_message", r.status_message},
          {"environment", r.environment},
          {"version", r.version},
          {"start_time_ms", r.start_time_ms},
          {"end_time_ms", r.end_time_ms},
          {"completion_start_time_ms", r.completion_start_time_ms},
          {"model", r.model},
          {"model_requested", r.model_requested},
          {"provider", r.provider},
          {"key_id", r.key_id},
          {"model_parameters_json", r.model_parameters_json},
          {"input_json", r.input_json},
          {"output_json", r.output_json},
          {"metadata_json", r.metadata_json},
          {"input_tokens", r.input_tokens},
          {"output_tokens", r.output_tokens},
          {"cached_input_tokens", r.cached_input_tokens},
          {"cache_write_input_tokens", r.cache_write_input_tokens},
          {"reasoning_tokens", r.reasoning_tokens},
          {"cost_usd", r.cost_usd},
          {"http_status", r.http_status},
          {"streamed", r.streamed}};
}
void decode(const reader& f, observation_record& r) {
  r.project_id = f.str("project_id");
  r.id = f.str("id");
  r.trace_id = f.str("trace_id");
  r.parent_observation_id = f.str("parent_observation_id");
  r.type = static_cast<observation_type>(f.i64("type"));
  r.name = f.str("name");
  r.level = f.str("level");
  r.status_message = f.str("status_message");
  r.environment = f.str("environment");
  r.version = f.str("version");
  r.start_time_ms = f.i64("start_time_ms");
  r.end_time_ms = f.i64("end_time_ms");
  r.completion_start_time_ms = f.i64("completion_start_time_ms");
  r.model = f.str("model");
  r.model_requested = f.str("model_requested");
  r.provider = f.str("provider");
  r.key_id = f.str("key_id");
  r.model_parameters_json = f.str("model_parameters_json");
  r.input_json = f.str("input_json");
  r.output_json = f.str("output_json");
  r.metadata_json = f.str("metadata_json");
  r.input_tokens = f.i64("input_tokens");
  r.output_tokens = f.i64("output_tokens");
  r.cached_input_tokens = f.i64("cached_input_tokens");
  r.cache_write_input_tokens = f.i64("cache_write_input_tokens");
  r.reasoning_tokens = f.i64("reasoning_tokens");
  r.cost_usd = f.num("cost_usd");
  r.http_status = static_cast<int>(f.i64("http_status"));
  r.streamed = f.flag("streamed");
}

json::object encode(const score_record& r) {
  return {{"project_id", r.project_id}, {"id", r.id},
          {"trace_id", r.trace_id},     {"observation_id", r.observation_id},
          {"name", r.name},             {"data_type", static_cast<int>(r.data_type)},
          {"value", r.value},           {"string_value", r.string_value},
          {"source", r.source},         {"comment", r.comment},
          {"environment", r.environment}, {"timestamp_ms", r.timestamp_ms}};
}
void decode(const reader& f, score_record& r) {
  r.project_id = f.str("project_id");
  r.id = f.str("id");
  r.trace_id = f.str("trace_id");
  r.observation_id = f.str("observation_id");
  r.name = f.str("name");
  r.data_type = static_cast<score_data_type>(f.i64("data_type"));
  r.value = f.num("value");
  r.string_value = f.str("string_value");
  r.source = f.str("source");
  r.comment = f.str("comment");
  r.environment = f.str("environment");
  r.timestamp_ms = f.i64("timestamp_ms");
}

json::object encode(const event_record& r) {
  return {{"project_id", r.project_id}, {"id", r.id},     {"trace_id", r.trace_id},
          {"type", r.type},             {"name", r.name}, {"body_json", r.body_json},
          {"timestamp_ms", r.timestamp_ms}};
}
void decode(const reader& f, event_record& r) {
  r.project_id = f.str("project_id");
  r.id = f.str("id");
  r.trace_id = f.str("trace_id");
  r.type = f.str("type");
  r.name = f.str("name");
  r.body_json = f.str("body_json");
  r.timestamp_ms = f.i64("timestamp_ms");
}

json::object encode(const metric_point_record& r) {
  return {{"project_id", r.project_id},
          {"name", r.name},
          {"description", r.description},
          {"unit", r.unit},
          {"type", static_cast<int>(r.type)},
          {"service_name", r.service_name},
          {"environment", r.environment},
          {"scope_name", r.scope_name},
          {"start_time_ns", r.start_time_ns},
          {"time_ns", r.time_ns},
          {"value", r.value},
          {"count", r.count},
          {"sum", r.sum},
          {"aggregation_temporality", r.aggregation_temporality},
          {"is_monotonic", r.is_monotonic},
          {"attributes_json", r.attributes_json},
          {"resource_json", r.resource_json}};
}
void decode(const reader& f, metric_point_record& r) {
  r.project_id = f.str("project_id");
  r.name = f.str("name");
  r.description = f.str("description");
  r.unit = f.str("unit");
  r.type = static_cast<metric_type>(f.i64("type"));
  r.service_name = f.str("service_name");
  r.environment = f.str("environment");
  r.scope_name = f.str("scope_name");
  r.start_time_ns = f.i64("start_time_ns");
  r.time_ns = f.i64("time_ns");
  r.value = f.num("value");
  r.count = f.i64("count");
  r.sum = f.num("sum");
  r.aggregation_temporality = static_cast<int>(f.i64("aggregation_temporality"));
  r.is_monotonic = f.flag("is_monotonic");
  r.attributes_json = f.str("attributes_json");
  r.resource_json = f.str("resource_json");
}

template <class T>
json::array encode_all(const std::vector<T>& rows) {
  json::array a;
  a.reserve(rows.size());
  for (const auto& r : rows) a.emplace_back(encode(r));
  return a;
}

template <class T>
void decode_all(const json::object& root, std::string_view key, std::vector<T>& out) {
  auto* v = root.if_contains(key);
  if (!v || !v->is_array()) return;
  out.reserve(v->as_array().size());
  for (const auto& row : v->as_array()) {
    if (!row.is_object()) continue;
    T r;
    decode(reader{row.as_object()}, r);
    out.push_back(std::move(r));
  }
}

}  // namespace

std::string encode_batch(const telemetry_batch& b) {
  json::object root{{"brokle_batch", batch_codec_version},
                    {"spans", encode_all(b.spans)},
                    {"logs", encode_all(b.logs)},
                    {"traces", encode_all(b.traces)},
                    {"observations", encode_all(b.observations)},
                    {"scores", encode_all(b.scores)},
                    {"events", encode_all(b.events)},
                    {"metrics", encode_all(b.metrics)}};
  return json::serialize(root);
}

result<telemetry_batch> decode_batch(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return make_error(errc::invalid_argument, "not a telemetry batch (invalid JSON)");
  const auto& root = v.as_object();
  auto* ver = root.if_contains("brokle_batch");
  if (!ver || !ver->is_int64()) return make_error(errc::invalid_argument, "not a telemetry batch (no version)");
  if (ver->as_int64() > batch_codec_version)
    return make_error(errc::invalid_argument, "telemetry batch written by a newer version (" +
                                                  std::to_string(ver->as_int64()) + ")");
  telemetry_batch b;
  decode_all(root, "spans", b.spans);
  decode_all(root, "logs", b.logs);
  decode_all(root, "traces", b.traces);
  decode_all(root, "observations", b.observations);
  decode_all(root, "scores", b.scores);
  decode_all(root, "events", b.events);
  decode_all(root, "metrics", b.metrics);
  return b;
}

}  // namespace brokle::telemetry
