// Prompt caching for Anthropic models asked through the chat shape: Anthropic's `cache_control`
// ({"type":"ephemeral", "ttl"?}) marks the end of a cacheable prefix. OpenAI's shapes have no such
// field, so clients that cache through an OpenAI SDK put it (an extra field) on a content part, a
// message or a tool; it goes on that block, the message's last block or the tool.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/result.hpp"

namespace brokle::gateway {

// invalid_argument when `carrier` has a cache_control that is not an object.
status cache_control_of(const boost::json::object& carrier);
// A message-level cache_control (checked) onto the message's last block.
status mark_last_block(const boost::json::object& message, boost::json::array& blocks);

}  // namespace brokle::gateway
