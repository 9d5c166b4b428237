// libFuzzer target: OTLP/protobuf metric export bodies.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_checks.hpp"
#include "telemetry/otlp/metrics_decoder.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  brokle::fuzz::silence_protobuf_logs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto r = brokle::telemetry::otlp::decode_metrics(body, brokle::telemetry::otlp::body_encoding::protobuf);
  if (!r.ok()) {
    brokle::fuzz::require(r.err().code == brokle::errc::invalid_argument, "metrics error code", r.err().message);
    return 0;
  }
  for (const auto& p : r->points) brokle::fuzz::check_point(p);
  return 0;
}
