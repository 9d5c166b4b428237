// libFuzzer target: OTLP/protobuf log export bodies.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_checks.hpp"
#include "telemetry/otlp/logs_decoder.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  brokle::fuzz::silence_protobuf_logs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto r = brokle::telemetry::otlp::decode_logs(body, brokle::telemetry::otlp::body_encoding::protobuf, 1);
  if (!r.ok()) {
    brokle::fuzz::require(r.err().code == brokle::errc::invalid_argument, "logs error code", r.err().message);
    return 0;
  }
  for (const auto& l : r->logs) brokle::fuzz::check_log(l);
  return 0;
}
