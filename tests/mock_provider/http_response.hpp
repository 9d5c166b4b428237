// The response a mock route produces, and its HTTP/1.x wire form. Routes fill a `mock_response`;
// the connection decides when each byte goes out (fault-injected delays, mid-stream disconnects).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace brokle::mock {

struct mock_response {
  int status = 200;
  // Points at static storage (a literal); responses only ever use a handful of types.
  std::string_view content_type = "application/json";
  bool retry_after = false;  // adds "retry-after: 1", as providers do on 429
  std::string body;          // the whole payload when !streaming

  bool streaming = false;
  // Streaming: one element per wire chunk (one SSE event, or one JSON-array element for Gemini's
  // non-SSE stream). Sent as chunked transfer-encoding on HTTP/1.1, close-delimited on HTTP/1.0.
  std::vector<std::string> events;

  // Timing requested through x-mock-* headers; the connection applies it.
  int delay_ms = 0;                  // before the first byte
  int chunk_delay_ms = 0;            // between stream events
  int first_event_delay_ms = 0;      // a stream's head goes at once, its first event this much later
  int disconnect_after_events = -1;  // close abruptly after this many events; negative = never

  // Empties the response but keeps the body's capacity (up to 1 MiB), since one instance serves
  // many requests.
  void reset();
};

std::string_view reason_phrase(int status);

// Status line and headers. `keep_alive` is what the connection will do after this response.
// Streaming responses on HTTP/1.0 are close-delimited (1.0 clients do not understand chunking).
void append_response_head(std::string& out, const mock_response& response, bool keep_alive, int minor_version);

// One chunk of a chunked body; empty data is skipped because a zero-size chunk ends the body.
void append_chunk(std::string& out, std::string_view data);

inline constexpr std::string_view last_chunk = "0\r\n\r\n";

}  // namespace brokle::mock
