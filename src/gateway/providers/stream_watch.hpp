// What a passthrough relay learns from a provider's event stream while it passes it on untouched:
// the usage, whether the stream reached its terminal event, and the provider's in-band error.
// Each wire format derives one and reads its own events in on_event(std::string_view event).
#pragma once

#include <string>

#include "gateway/pricing/price_table.hpp"

namespace brokle::gateway {

class stream_watch {
 public:
  bool finished() const { return finished_; }
  // "overloaded_error: Overloaded" when the provider sent an error; empty otherwise.
  const std::string& error() const { return error_; }
  // "malformed message_delta event" when an event read for usage was not JSON (it is relayed all
  // the same, but what it carried is lost); empty otherwise.
  const std::string& malformed() const { return malformed_; }
  const token_usage& usage() const { return usage_; }

 protected:
  token_usage usage_;
  bool finished_ = false;
  std::string error_;
  std::string malformed_;
};

}  // namespace brokle::gateway
