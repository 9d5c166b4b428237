// The Anthropic Messages passthrough: a /v1/messages request for a model an Anthropic provider
// serves goes upstream as the client wrote it (only the model replaced; the client's
// anthropic-version and anthropic-beta headers forwarded), and the answer comes back byte for
// byte, so nothing a translation through the OpenAI shape cannot express (extended thinking,
// documents and citations, cache_control, server tools, beta features) is lost. What the call
// record needs — usage with cache reads and writes, how a stream ended — is read on the way.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/result.hpp"
#include "gateway/pricing/price_table.hpp"
#include "gateway/provider_config.hpp"
#include "gateway/providers/stream_watch.hpp"
#include "net/upstream_client.hpp"

namespace brokle::gateway {

// The client's Anthropic headers, forwarded when present.
struct anthropic_client_headers {
  std::string_view version;  // anthropic-version: a date, 2023-06-01
  std::string_view beta;     // anthropic-beta: comma-separated feature names
};

// The request (already checked by check_messages_request) with `model` set to upstream_model.
// invalid_argument when a forwarded header is not what the API defines.
result<net::upstream_request> build_anthropic_passthrough(const provider_config& p, boost::json::object request,
                                                          const std::string& upstream_model,
                                                          const anthropic_client_headers& headers);

// The same request for token counting (POST {base}/v1/messages/count_tokens).
result<net::upstream_request> build_anthropic_count_tokens(const provider_config& p, boost::json::object request,
                                                           const std::string& upstream_model,
                                                           const anthropic_client_headers& headers);

// The usage of a whole Messages response (a `message` object); nullopt when the body is not one.
std::optional<token_usage> anthropic_message_usage(std::string_view body);

// An Anthropic error body ({"type":"error","error":{"type","message"}}): relayed as it is.
bool is_anthropic_error(std::string_view body);

// Watches a relayed Messages stream, one whole SSE event at a time: usage from message_start and
// message_delta, the end (message_stop) and an in-band `error` event. Only those events are parsed;
// content deltas pass untouched.
class anthropic_stream_watch : public stream_watch {
 public:
  void on_event(std::string_view event);
};

}  // namespace brokle::gateway
