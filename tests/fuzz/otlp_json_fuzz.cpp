// libFuzzer target: OTLP/JSON bodies for all three signals. Each input is decoded as traces, logs
// and metrics (a body meant for one signal is an empty request for the others), so one corpus of
// JSON documents exercises the whole reader.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_checks.hpp"
#include "telemetry/otlp/logs_decoder.hpp"
#include "telemetry/otlp/metrics_decoder.hpp"
#include "telemetry/otlp/trace_decoder.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  brokle::fuzz::silence_protobuf_logs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace otlp = brokle::telemetry::otlp;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  if (auto r = otlp::decode_traces(body, otlp::body_encoding::json); r.ok()) {
    for (const auto& s : r->spans) brokle::fuzz::check_span(s);
  } else {
    brokle::fuzz::require(r.err().code == brokle::errc::invalid_argument, "json trace error code", r.err().message);
  }
  if (auto r = otlp::decode_logs(body, otlp::body_encoding::json, 1); r.ok()) {
    for (const auto& l : r->logs) brokle::fuzz::check_log(l);
  }
  if (auto r = otlp::decode_metrics(body, otlp::body_encoding::json); r.ok()) {
    for (const auto& p : r->points) brokle::fuzz::check_point(p);
  }
  return 0;
}
