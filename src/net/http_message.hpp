// Brokle's own HTTP request/response values. Handlers see only these; Beast stays inside the
// server implementation so the rest of the code base compiles without it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

namespace brokle::net {

class stream_channel;
class body_sink;

enum class http_method { get, head, post, put, patch, del, options, other };

http_method parse_method(std::string_view s);
std::string_view method_name(http_method m);

bool iequals(std::string_view a, std::string_view b) noexcept;
// An origin-form request target with nothing to decode (only RFC 3986 path and query characters,
// no percent escapes) split into path and query; false for anything else (the caller's URL
// parser decides).
bool split_plain_target(std::string_view target, std::string& path, std::string& query);
// A CR or LF in `s` (a header that would smuggle a line break into a message). One pass:
// find_first_of("\r\n") calls memchr once per character.
inline bool has_line_break(std::string_view s) noexcept {
  for (char c : s)
    if (c == '\r' || c == '\n') return true;
  return false;
}

// Ordered header list with case-insensitive lookup (requests rarely carry more than ~20).
class header_map {
 public:
  struct entry {
    std::string name;
    std::string value;
  };
  std::string_view get(std::string_view name) const noexcept;  // "" when absent
  bool has(std::string_view name) const noexcept;
  void set(std::string name, std::string value);  // replaces any existing
  void add(std::string name, std::string value);  // appends
  void erase(std::string_view name);
  const std::vector<entry>& entries() const noexcept { return entries_; }
  std::vector<entry>& entries() noexcept { return entries_; }

 private:
  std::vector<entry> entries_;
};

struct http_request {
  http_method method = http_method::get;
  std::string method_text;
  std::string target;  // raw request-target
  std::string path;    // decoded path, no query
  std::string query;   // raw query string without '?'
  unsigned version = 11;
  header_map headers;
  std::string body;
  std::string remote_address;

  std::string_view header(std::string_view name) const noexcept { return headers.get(name); }
  // The first value of one query parameter, decoded as a form would be ("%3A" -> ':', '+' -> ' ');
  // false when absent.
  bool query_param(std::string_view name, std::string& out) const;
};

struct http_response {
  unsigned status = 200;
  header_map headers;
  std::string body;
  // When set, the body is a live stream: the server sends the headers, then every message the
  // channel yields (as SSE chunks or WebSocket frames, by route kind) until it closes.
  std::shared_ptr<stream_channel> stream;
  // When set, the body is produced chunk by chunk (Transfer-Encoding: chunked) with backpressure:
  // proxied streams. The producer owns whatever it captured until it returns.
  std::function<boost::asio::awaitable<void>(body_sink&)> producer;
  // When set, runs once on the request's thread after the response went out, with the status the
  // client got (0 when writing it failed): bookkeeping that must not delay the response, such as
  // recording a gateway call.
  std::function<void(unsigned sent_status)> after_sent;
};

// The one JSON error envelope every surface uses: {"error":{"message","type","code"}}.
http_response error_response(unsigned status, std::string_view type, std::string_view code,
                             std::string_view message);
http_response json_response(unsigned status, std::string body);
http_response text_response(unsigned status, std::string body, std::string content_type = "text/plain; charset=utf-8");

// Default error type for a status: invalid_request_error, authentication_error, ...
std::string_view error_type_for_status(unsigned status);

// Thrown by handlers to abort a whole request; the server turns it into the error envelope.
struct request_error {
  unsigned status;
  std::string code;
  std::string message;
  std::string type;  // empty -> error_type_for_status(status)
  std::vector<header_map::entry> headers = {};  // e.g. Retry-After, x-ratelimit-*
};

}  // namespace brokle::net
