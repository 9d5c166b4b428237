// Wire form of mock responses: status line, headers, chunk framing.
#include "http_response.hpp"

#include <charconv>

namespace brokle::mock {
namespace {

void append_number(std::string& out, std::size_t value, int base = 10) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value, base);
  out.append(digits, end);
}

}  // namespace

void mock_response::reset() {
  status = 200;
  content_type = "application/json";
  retry_after = false;
  body.clear();
  // One huge answer (a /mock/stats echoing a 16 MiB body) should not pin that memory forever.
  if (body.capacity() > 1024 * 1024) std::string().swap(body);
  streaming = false;
  events.clear();
  delay_ms = 0;
  chunk_delay_ms = 0;
  disconnect_after_events = -1;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 529: return "Overloaded";
    default: return "Status";
  }
}

void append_response_head(std::string& out, const mock_response& response, bool keep_alive, int minor_version) {
  out.append(minor_version == 0 ? "HTTP/1.0 " : "HTTP/1.1 ");
  append_number(out, static_cast<std::size_t>(response.status));
  out.push_back(' ');
  out.append(reason_phrase(response.status));
  out.append("\r\nContent-Type: ");
  out.append(response.content_type);
  if (response.streaming) {
    out.append("\r\nCache-Control: no-cache");
    if (minor_version == 1) out.append("\r\nTransfer-Encoding: chunked");
  } else {
    out.append("\r\nContent-Length: ");
    append_number(out, response.body.size());
  }
  if (response.retry_after) out.append("\r\nretry-after: 1");
  if (!keep_alive) {
    out.append("\r\nConnection: close");
  } else if (minor_version == 0) {
    out.append("\r\nConnection: keep-alive");
  }
  out.append("\r\n\r\n");
}

void append_chunk(std::string& out, std::string_view data) {
  if (data.empty()) return;
  append_number(out, data.size(), 16);
  out.append("\r\n");
  out.append(data);
  out.append("\r\n");
}

}  // namespace brokle::mock
