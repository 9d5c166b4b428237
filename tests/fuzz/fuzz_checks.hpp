// Oracles shared by the fuzz targets: beyond "does not crash", every record a decoder returns must
// hold valid JSON in its JSON fields and well-formed ids, and the GenAI mapping must accept it.
#pragma once

#include <cstdlib>
#include <cstdio>
#include <string>

#include <boost/json/parse.hpp>
#include <google/protobuf/stubs/logging.h>

#include "storage/telemetry_records.hpp"
#include "telemetry/genai/genai_span.hpp"

namespace brokle::fuzz {

inline void require(bool ok, const char* what, const std::string& detail) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant broken: %s: %.200s\n", what, detail.c_str());
  std::abort();
}

inline void require_json(const std::string& text, const char* what) {
  if (text.empty()) return;  // optional JSON fields are empty when absent
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 1000;
  (void)boost::json::parse(text, ec, {}, opts);
  require(!ec, what, text);
}

inline bool is_lower_hex(const std::string& s, size_t size) {
  if (s.size() != size) return false;
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

inline void check_span(const storage::span_record& s) {
  require(is_lower_hex(s.trace_id, 32), "trace id", s.trace_id);
  require(is_lower_hex(s.span_id, 16), "span id", s.span_id);
  require(s.parent_span_id.empty() || is_lower_hex(s.parent_span_id, 16), "parent span id", s.parent_span_id);
  require_json(s.attributes_json, "span attributes");
  require_json(s.resource_json, "span resource");
  require_json(s.events_json, "span events");
  require_json(s.links_json, "span links");
  if (auto o = telemetry::genai::observation_from_span(s)) {
    require(o->id == s.span_id, "observation id", o->id);
    require_json(o->input_json, "observation input");
    require_json(o->output_json, "observation output");
    require_json(o->model_parameters_json, "observation parameters");
    require_json(o->metadata_json, "observation metadata");
    require(o->input_tokens >= 0 && o->output_tokens >= 0, "token counts", o->id);
  }
}

inline void check_log(const storage::log_record& l) {
  require(l.trace_id.empty() || is_lower_hex(l.trace_id, 32), "log trace id", l.trace_id);
  require(l.span_id.empty() || is_lower_hex(l.span_id, 16), "log span id", l.span_id);
  require_json(l.attributes_json, "log attributes");
  require_json(l.resource_json, "log resource");
}

inline void check_point(const storage::metric_point_record& p) {
  require(!p.name.empty(), "metric name", p.name);
  require_json(p.attributes_json, "metric attributes");
  require_json(p.resource_json, "metric resource");
}

// libprotobuf logs every refused UTF-8 string to stderr; fuzzing produces millions of them.
inline void silence_protobuf_logs() { google::protobuf::SetLogHandler(nullptr); }

}  // namespace brokle::fuzz
