#pragma once

#include <string>
#include <string_view>

namespace brokle {

// Appends `s` as a JSON string, as Boost.JSON's serializer writes one: the quote, the backslash
// and control characters escaped (\b \f \n \r \t, others \u00XX), every other byte as it is
// (UTF-8 passes through). Unescaped stretches are copied whole.
void append_json_string(std::string& out, std::string_view s);

}  // namespace brokle
