// Frames HTTP/1.x requests out of a connection's byte buffer for the mock provider: request line,
// headers, and Content-Length or chunked bodies. The result holds views into the caller's buffer
// (or into the caller's chunked-body scratch), so the keep-alive hot path copies nothing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace brokle::mock {

struct http_limits {
  // A header block larger than this is answered with 431 and the connection is closed.
  static constexpr std::size_t max_header_bytes = 64 * 1024;
  // More header fields than this: 431 and close.
  static constexpr std::size_t max_header_count = 128;
  // A body (declared or decoded) larger than this: 413 and close, without reading the body.
  static constexpr std::size_t max_body_bytes = 16 * 1024 * 1024;
};

struct http_header {
  std::string_view name;
  std::string_view value;
};

struct http_request {
  std::string_view method;
  std::string_view target;
  std::string_view path;   // target without query or fragment
  std::string_view query;  // text after '?', without it
  int minor_version = 1;   // HTTP/1.<minor_version>
  std::vector<http_header> headers;  // reused between requests; bound: http_limits::max_header_count
  std::string_view body;
  bool keep_alive = true;
  bool expects_continue = false;

  // First value of a header, compared case-insensitively; empty when absent.
  std::string_view header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  // Raw (not percent-decoded) value of a query parameter; empty when absent.
  std::string_view query_param(std::string_view key) const;
};

enum class parse_state {
  need_more,  // wait for more bytes
  complete,   // a whole request is framed; `consumed` bytes belong to it
  failed,     // malformed or over a limit; answer `error_status` and close
};

struct parse_outcome {
  parse_state state = parse_state::need_more;
  std::size_t consumed = 0;
  int error_status = 0;
  // need_more: the header block is complete (so `request` describes the request line and headers).
  bool headers_complete = false;
  // need_more: the buffer must hold at least this many bytes before parsing again can succeed
  // (0 when unknown, e.g. a chunked body); saves re-parsing headers on every read of a large body.
  std::size_t bytes_needed = 0;
};

// Parses one request from the front of `data`. On complete, `request.body` views `data` or
// `chunked_body` (which is overwritten). On failed, `request.path` is set when the request line
// was readable, so the caller can shape the error for the provider the path belongs to.
parse_outcome parse_http_request(std::string_view data, http_request& request, std::string& chunked_body);

}  // namespace brokle::mock
