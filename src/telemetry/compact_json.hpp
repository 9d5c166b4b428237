// Compact JSON text for stored attribute maps. Boost.JSON's serializer writes 0.5 as "5E-1" and a
// NaN as the invalid token NaN; this writer prints the shortest round-trip decimal ("0.5", "1.0")
// and writes non-finite doubles as the strings "NaN", "Infinity", "-Infinity" (the proto3 JSON
// spelling), so every stored text is valid JSON that reads back to the same numbers.
#pragma once

#include <string>

#include <boost/json/value.hpp>

namespace brokle::telemetry {

std::string to_compact_json(const boost::json::value& v);
void append_compact_json(const boost::json::value& v, std::string& out);

}  // namespace brokle::telemetry
