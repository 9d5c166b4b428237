// What a chat-completions request may ask that no translated provider (Anthropic, Gemini, Cohere)
// can answer: more than one choice (`n`) and token log probabilities. Dropping them would hand
// the client less than it asked for without a word, so they are refused with a 400 naming the
// field, before any upstream call. (Sampling fields a provider lacks, like penalties, only
// shape the text and are dropped, as other gateways do.)
#pragma once

#include <boost/json/object.hpp>

#include "core/result.hpp"

namespace brokle::gateway {

status check_translatable_chat(const boost::json::object& chat_body);

}  // namespace brokle::gateway
