// Reading flat span attribute maps ({"gen_ai.usage.input_tokens": 12, ...}) the way producers
// actually write them: numbers may arrive as ints, doubles or decimal strings, and the same fact
// arrives under several names depending on the semantic-conventions version and the SDK.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace brokle::telemetry::genai {

// The first of `keys` that holds a non-empty string.
std::string first_string(const boost::json::object& attrs, std::initializer_list<std::string_view> keys);

// The first of `keys` that holds a non-negative whole number (int, integral double, or decimal
// string); nullopt when none does.
std::optional<int64_t> first_count(const boost::json::object& attrs, std::initializer_list<std::string_view> keys);

// A value that may be JSON text in a string attribute (gen_ai.input.messages is a JSON string when
// the exporter cannot send structured attributes): the parsed value when the string is valid JSON
// of an array or object, the value itself otherwise.
boost::json::value structured(const boost::json::value& v);

}  // namespace brokle::telemetry::genai
