// libFuzzer target: gzip and deflate request bodies. The first byte picks the coding; the limit is
// small so that bombs are common and the bound is what gets exercised.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_checks.hpp"
#include "telemetry/otlp/gzip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace otlp = brokle::telemetry::otlp;
  if (size == 0) return 0;
  constexpr size_t limit = 1 << 16;
  const auto coding = (data[0] & 1) != 0 ? otlp::content_coding::deflate : otlp::content_coding::gzip;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  auto r = otlp::decode_content(body, coding, limit);
  if (r.ok()) {
    brokle::fuzz::require(r->size() <= limit, "output within the limit", std::to_string(r->size()));
  } else {
    const auto code = r.err().code;
    brokle::fuzz::require(code == brokle::errc::invalid_argument || code == brokle::errc::too_large, "gzip error code",
                          r.err().message);
  }
  return 0;
}
