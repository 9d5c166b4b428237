// OpenAI chat completions <-> Cohere chat v2 (/v2/chat): messages and tool results, tools,
// sampling (p, max_tokens, stop_sequences), JSON mode, finish reasons, usage (tokens /
// billed_units), errors ({"message"}), and the v2 event stream (content-delta, tool-call-*,
// message-end) re-emitted as chat.completion.chunk events. Field names are facts of the public APIs.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/result.hpp"
#include "gateway/provider_config.hpp"
#include "gateway/providers/anthropic_wire.hpp"
#include "gateway/providers/openai_shapes.hpp"
#include "net/upstream_client.hpp"

namespace brokle::gateway {

result<net::upstream_request> build_cohere_request(const provider_config& p, const boost::json::object& openai_body,
                                                   const std::string& upstream_model);
translated_response cohere_to_openai(const boost::json::object& response, std::string_view model);
std::string cohere_error_to_openai(std::string_view body, unsigned status);

class cohere_stream_translator {
 public:
  cohere_stream_translator(std::string model, bool include_usage) : chunks_(std::move(model), include_usage) {}
  void on_event(const boost::json::object& event, std::string& out);
  bool finished() const { return finished_; }
  const token_usage& usage() const { return usage_; }

 private:
  chunk_writer chunks_;
  token_usage usage_;
  bool finished_ = false;
};

}  // namespace brokle::gateway
