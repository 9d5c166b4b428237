// OTLP logs (ExportLogsServiceRequest) into log_records. Trace and span ids are optional on logs:
// empty or all-zero means "not correlated"; any other value must be 16 / 8 bytes or the record is
// rejected and counted, and the rest of the request is kept. log_record.id is left empty (the
// ingest pipeline assigns it) and project_id is the caller's.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "storage/telemetry_records.hpp"
#include "telemetry/otlp/otlp_decoder.hpp"

namespace opentelemetry::proto::collector::logs::v1 {
class ExportLogsServiceRequest;
}

namespace brokle::telemetry::otlp {

struct log_batch {
  std::vector<storage::log_record> logs;
  rejections rejected;  // -> ExportLogsPartialSuccess
};

// `received_ns` stands in for observed_time_unix_nano when the producer sent none (the OTLP data
// model makes the receiver the observer then); time_ns falls back to the observed time.
log_batch logs_from_request(const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request,
                            int64_t received_ns);

result<log_batch> decode_logs(std::string_view body, body_encoding encoding, int64_t received_ns);

}  // namespace brokle::telemetry::otlp
