#include "telemetry/otlp/trace_decoder.hpp"

#include <google/protobuf/arena.h>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "telemetry/compact_json.hpp"
#include "telemetry/otlp/any_value_json.hpp"
#include "telemetry/otlp/otlp_ids.hpp"

namespace brokle::telemetry::otlp {
namespace {

namespace trace_pb = opentelemetry::proto::trace::v1;

// Why a span cannot be stored, or nullptr when its ids are fine.
const char* id_problem(const trace_pb::Span& s) {
  if (!is_valid_id(s.trace_id(), trace_id_bytes)) return "trace id must be 16 bytes, not all zero";
  if (!is_valid_id(s.span_id(), span_id_bytes)) return "span id must be 8 bytes, not all zero";
  if (!is_zero_id(s.parent_span_id()) && s.parent_span_id().size() != span_id_bytes) {
    return "parent span id must be empty or 8 bytes";
  }
  return nullptr;
}

storage::span_kind to_kind(int k) {
  return k >= 1 && k <= 5 ? static_cast<storage::span_kind>(k) : storage::span_kind::unspecified;
}

storage::span_status to_status(int c) {
  return c == 1 || c == 2 ? static_cast<storage::span_status>(c) : storage::span_status::unset;
}

std::string events_json(const trace_pb::Span& s) {
  if (s.events().empty()) return "[]";
  boost::json::array a;
  a.reserve(static_cast<size_t>(s.events_size()));
  for (const auto& e : s.events()) {
    a.push_back(boost::json::object{{"time_ns", unix_nanos(e.time_unix_nano())},
                                    {"name", e.name()},
                                    {"attributes", key_values_to_json(e.attributes())}});
  }
  return to_compact_json(a);
}

// Links with malformed ids are dropped (they only decorate the span); the span itself is kept.
std::string links_json(const trace_pb::Span& s) {
  if (s.links().empty()) return "[]";
  boost::json::array a;
  for (const auto& l : s.links()) {
    if (!is_valid_id(l.trace_id(), trace_id_bytes) || !is_valid_id(l.span_id(), span_id_bytes)) continue;
    boost::json::object o{{"trace_id", to_hex(l.trace_id())},
                          {"span_id", to_hex(l.span_id())},
                          {"attributes", key_values_to_json(l.attributes())}};
    if (!l.trace_state().empty()) o["trace_state"] = l.trace_state();
    a.push_back(std::move(o));
  }
  return to_compact_json(a);
}

std::string span_label(const trace_pb::Span& s) { return "span '" + short_text(s.name()) + "'"; }

}  // namespace

span_batch spans_from_request(const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request) {
  span_batch out;
  size_t total = 0;
  for (const auto& rs : request.resource_spans()) {
    for (const auto& ss : rs.scope_spans()) total += static_cast<size_t>(ss.spans_size());
  }
  out.spans.reserve(total);

  for (const auto& rs : request.resource_spans()) {
    const resource_fields res = read_resource(rs.resource());
    for (const auto& ss : rs.scope_spans()) {
      for (const auto& s : ss.spans()) {
        if (const char* problem = id_problem(s)) {
          out.rejected.add(span_label(s) + ": " + problem);
          continue;
        }
        storage::span_record r;
        r.trace_id = to_hex(s.trace_id());
        r.span_id = to_hex(s.span_id());
        if (!is_zero_id(s.parent_span_id())) r.parent_span_id = to_hex(s.parent_span_id());
        r.trace_state = s.trace_state();
        r.name = s.name();
        r.kind = to_kind(s.kind());
        r.start_ns = unix_nanos(s.start_time_unix_nano());
        r.end_ns = unix_nanos(s.end_time_unix_nano());
        r.status = to_status(s.status().code());
        r.status_message = s.status().message();
        r.service_name = res.service_name;
        r.environment = res.environment;
        r.scope_name = ss.scope().name();
        r.scope_version = ss.scope().version();
        r.attributes_json = key_values_json_text(s.attributes());
        r.resource_json = res.resource_json;
        r.events_json = events_json(s);
        r.links_json = links_json(s);
        out.spans.push_back(std::move(r));
      }
    }
  }
  return out;
}

result<span_batch> decode_traces(std::string_view body, body_encoding encoding) {
  google::protobuf::Arena arena;
  auto* request =
      google::protobuf::Arena::CreateMessage<opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest>(&arena);
  if (status s = parse_body(body, encoding, *request); !s) return s.err();
  return spans_from_request(*request);
}

}  // namespace brokle::telemetry::otlp
