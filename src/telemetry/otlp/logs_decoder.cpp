#include "telemetry/otlp/logs_decoder.hpp"

#include <google/protobuf/arena.h>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "telemetry/compact_json.hpp"
#include "telemetry/otlp/any_value_json.hpp"
#include "telemetry/otlp/otlp_ids.hpp"

namespace brokle::telemetry::otlp {
namespace {

namespace logs_pb = opentelemetry::proto::logs::v1;

const char* id_problem(const logs_pb::LogRecord& l) {
  if (!is_zero_id(l.trace_id()) && l.trace_id().size() != trace_id_bytes) return "trace id must be empty or 16 bytes";
  if (!is_zero_id(l.span_id()) && l.span_id().size() != span_id_bytes) return "span id must be empty or 8 bytes";
  return nullptr;
}

// event_name (OTLP 1.5+) has no column of its own: it is kept as the "event.name" attribute unless
// the producer set that attribute too.
std::string attributes_json(const logs_pb::LogRecord& l) {
  if (l.event_name().empty()) return key_values_json_text(l.attributes());
  boost::json::object o = key_values_to_json(l.attributes());
  if (!o.contains("event.name")) o["event.name"] = l.event_name();
  return to_compact_json(o);
}

}  // namespace

log_batch logs_from_request(const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request,
                            int64_t received_ns) {
  log_batch out;
  size_t total = 0;
  for (const auto& rl : request.resource_logs()) {
    for (const auto& sl : rl.scope_logs()) total += static_cast<size_t>(sl.log_records_size());
  }
  out.logs.reserve(total);

  for (const auto& rl : request.resource_logs()) {
    const resource_fields res = read_resource(rl.resource());
    for (const auto& sl : rl.scope_logs()) {
      for (const auto& l : sl.log_records()) {
        if (const char* problem = id_problem(l)) {
          out.rejected.add("log record '" + short_text(any_value_text(l.body())) + "': " + problem);
          continue;
        }
        storage::log_record r;
        r.observed_time_ns = l.observed_time_unix_nano() != 0 ? unix_nanos(l.observed_time_unix_nano()) : received_ns;
        r.time_ns = l.time_unix_nano() != 0 ? unix_nanos(l.time_unix_nano()) : r.observed_time_ns;
        const int sev = static_cast<int>(l.severity_number());
        r.severity_number = sev >= 0 && sev <= 24 ? sev : 0;
        r.severity_text = l.severity_text();
        r.body = any_value_text(l.body());
        if (!is_zero_id(l.trace_id())) r.trace_id = to_hex(l.trace_id());
        if (!is_zero_id(l.span_id())) r.span_id = to_hex(l.span_id());
        r.service_name = res.service_name;
        r.environment = res.environment;
        r.scope_name = sl.scope().name();
        r.attributes_json = attributes_json(l);
        r.resource_json = res.resource_json;
        out.logs.push_back(std::move(r));
      }
    }
  }
  return out;
}

result<log_batch> decode_logs(std::string_view body, body_encoding encoding, int64_t received_ns) {
  google::protobuf::Arena arena;
  auto* request =
      google::protobuf::Arena::CreateMessage<opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest>(&arena);
  if (status s = parse_body(body, encoding, *request); !s) return s.err();
  return logs_from_request(*request, received_ns);
}

}  // namespace brokle::telemetry::otlp
