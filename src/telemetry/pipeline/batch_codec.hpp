// A telemetry batch as self-describing JSON, for the dead-letter queue: what is written to
// data/dlq/ must be readable by any later version that still knows the record fields. Unknown
// fields are ignored and missing ones take their defaults, so adding a field never strands a file.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "storage/telemetry_writer.hpp"

namespace brokle::telemetry {

inline constexpr int batch_codec_version = 1;

std::string encode_batch(const storage::telemetry_batch& batch);
result<storage::telemetry_batch> decode_batch(std::string_view text);

}  // namespace brokle::telemetry
