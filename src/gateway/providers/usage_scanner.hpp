#pragma once

#include "gateway/pricing/price_table.hpp"

#include <optional>
#include <string_view>

namespace brokle::gateway {

// Reads an OpenAI-shaped "usage" object straight from its JSON text, without building a JSON
// tree: prompt_tokens, completion_tokens, cache_creation_input_tokens and the nested
// prompt_tokens_details.cached_tokens / completion_tokens_details.reasoning_tokens, every other
// member skipped. `text` starts at the object's '{'. A member that is not a number counts 0, a
// repeated one takes its last value, a fraction is cut to its whole part (as usage_of reads a
// parsed object). nullopt when the text is not one well-formed object (then the caller parses it
// properly), or when a key holds an escape or nesting goes deeper than 32 levels.
// *end, when given, is set to the offset just past the object's '}'.
std::optional<token_usage> scan_usage_object(std::string_view text, size_t* end = nullptr);

}  // namespace brokle::gateway
