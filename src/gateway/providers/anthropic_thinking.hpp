// Extended thinking for Anthropic models asked through the chat shape: Anthropic's own `thinking`
// object when the client sent one (an extra body field), else one made from reasoning_effort (see
// reasoning.hpp). Thinking tokens count toward max_tokens, as reasoning tokens count toward
// OpenAI's max_completion_tokens: a client limit caps the budget (it must be above the API's
// minimum of 1,024), no limit leaves 4,096 tokens for the answer beyond the budget.
#pragma once

#include <boost/json/object.hpp>

#include "core/result.hpp"

namespace brokle::gateway {

// Sets `thinking` (and max_tokens when the client gave none) on `anthropic_body`, whose max_tokens
// is already set; `max_given` says whether the client set it. True when thinking was turned on.
result<bool> add_thinking(const boost::json::object& chat_body, bool max_given, boost::json::object& anthropic_body);

}  // namespace brokle::gateway
