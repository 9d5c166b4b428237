// Per-request fault injection for the mock provider, read from x-mock-* request headers so a test
// (or a benchmark) can drive each request's behaviour without restarting the server.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "http_request_parser.hpp"

namespace brokle::mock {

struct fault_plan {
  // Every delay is clamped to this, so a typo cannot park a connection for days.
  static constexpr int max_delay_ms = 10 * 60 * 1000;

  int delay_ms = 0;        // x-mock-delay-ms: before the first response byte
  int chunk_delay_ms = 0;  // x-mock-chunk-delay-ms: between stream events
  int first_event_delay_ms = 0;  // x-mock-first-event-delay-ms: stream head at once, first event later
  int status = 0;          // x-mock-status: 400..599 answers that error; 0 = none
  int disconnect_after_chunks = -1;   // x-mock-disconnect-after-chunks: >= 0 cuts the stream
  std::optional<std::string_view> reply;  // x-mock-reply: reply text (views the request)
  std::optional<std::int64_t> cached_tokens;  // x-mock-cached-tokens: reported cache-read tokens
  std::optional<std::int64_t> cache_write_tokens;  // x-mock-cache-write-tokens: cache writes (Anthropic)
  // x-mock-stream-error-after: >= 0 ends an Anthropic or Responses stream after that many content
  // deltas with an in-band `error` event (overloaded_error / server_error), as the real APIs do when
  // they shed load mid-stream.
  int stream_error_after = -1;
  // Body fault malformed=1: a non-streamed OpenAI chat answer that is 200 but not a chat
  // completion (usage only), for the gateway's handling of answers it cannot reshape.
  bool malformed_answer = false;
};

// Unparseable or out-of-range values are ignored (status) or clamped (delays, counts). Besides
// the headers, a body containing `mock-fault:status=429,disconnect=2,delay=100,chunk_delay=10,ttft=500`
// sets the same faults (headers win), so tests can reach the mock through the gateway; the body
// also takes cached=N, cache_write=N, stream_error=N and malformed=1.
fault_plan read_fault_plan(const http_request& request);

}  // namespace brokle::mock
