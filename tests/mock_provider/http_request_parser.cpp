// HTTP/1.x request framing for the mock provider. Deliberately strict where ambiguity could let a
// client desynchronise the stream (conflicting lengths, obs-fold, bad chunk sizes), tolerant where
// real clients differ harmlessly (bare LF line ends, leading empty lines, chunk extensions).
#include "http_request_parser.hpp"

#include <charconv>

#include "ascii_text.hpp"

namespace brokle::mock {
namespace {

constexpr bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

constexpr bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_token_char(c)) return false;
  }
  return true;
}

// Field values may hold visible characters, spaces, tabs and obs-text; other controls are refused.
constexpr bool is_field_value(std::string_view s) {
  for (char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7F) return false;
  }
  return true;
}

// Reads one line starting at `pos`; the line excludes its LF and an optional CR before it.
// Returns false when no LF has arrived yet.
bool next_line(std::string_view data, std::size_t& pos, std::string_view& line) {
  const std::size_t lf = data.find('\n', pos);
  if (lf == std::string_view::npos) return false;
  std::size_t end = lf;
  if (end > pos && data[end - 1] == '\r') --end;
  line = data.substr(pos, end - pos);
  pos = lf + 1;
  return true;
}

bool parse_decimal(std::string_view text, std::size_t& value) {
  if (text.empty() || text.size() > 18) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size();
}

// Splits the target into path and query; accepts absolute-form by dropping scheme and authority.
void split_target(std::string_view target, http_request& request) {
  std::string_view rest = target;
  if (const auto scheme = rest.find("://"); scheme != std::string_view::npos && rest.front() != '/') {
    rest.remove_prefix(scheme + 3);
    const auto slash = rest.find('/');
    rest = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  }
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  const auto question = rest.find('?');
  request.path = rest.substr(0, question);
  request.query = question == std::string_view::npos ? std::string_view{} : rest.substr(question + 1);
}

parse_outcome fail(int status) {
  parse_outcome outcome;
  outcome.state = parse_state::failed;
  outcome.error_status = status;
  return outcome;
}

// Walks a chunked body starting at `pos`. With `copy_into` null it only finds the end; otherwise it
// appends the decoded bytes. Returns need_more/complete/failed with `consumed` = end offset.
parse_outcome walk_chunked(std::string_view data, std::size_t pos, std::string* copy_into) {
  std::size_t decoded = 0;
  for (;;) {
    std::string_view line;
    if (!next_line(data, pos, line)) {
      // A size line longer than any sane one means garbage, not a slow client.
      if (data.size() - pos > 1024) return fail(400);
      return {};
    }
    const std::string_view size_text = trim_ows(line.substr(0, line.find(';')));
    std::size_t size = 0;
    if (size_text.empty() || size_text.size() > 8) return fail(size_text.size() > 8 ? 413 : 400);
    auto [end, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (ec != std::errc{} || end != size_text.data() + size_text.size()) return fail(400);
    if (size == 0) {
      // Trailer section: header lines until an empty line; their content is ignored.
      for (;;) {
        std::string_view trailer;
        if (!next_line(data, pos, trailer)) {
          if (data.size() - pos > http_limits::max_header_bytes) return fail(431);
          return {};
        }
        if (trailer.empty()) break;
      }
      parse_outcome outcome;
      outcome.state = parse_state::complete;
      outcome.consumed = pos;
      return outcome;
    }
    decoded += size;
    if (decoded > http_limits::max_body_bytes) return fail(413);
    if (data.size() - pos < size) return {};
    if (copy_into != nullptr) copy_into->append(data.substr(pos, size));
    pos += size;
    // The chunk data must be followed by its own line end.
    std::string_view after;
    if (!next_line(data, pos, after)) {
      if (data.size() - pos > 1) return fail(400);
      return {};
    }
    if (!after.empty()) return fail(400);
  }
}

}  // namespace

std::string_view http_request::header(std::string_view name) const {
  for (const auto& field : headers) {
    if (iequals(field.name, name)) return field.value;
  }
  return {};
}

bool http_request::has_header(std::string_view name) const {
  for (const auto& field : headers) {
    if (iequals(field.name, name)) return true;
  }
  return false;
}

std::string_view http_request::query_param(std::string_view key) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == key) return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return {};
}

parse_outcome parse_http_request(std::string_view data, http_request& request, std::string& chunked_body) {
  request.headers.clear();
  request.path = {};
  request.body = {};
  request.expects_continue = false;

  std::size_t pos = 0;
  // RFC 9112 lets a server skip empty lines before the request line (some clients send a stray CRLF).
  while (pos < data.size() && (data[pos] == '\r' || data[pos] == '\n')) ++pos;
  if (pos > http_limits::max_header_bytes) return fail(400);
  if (pos == data.size()) return {};

  const auto header_end_limit = [&](std::size_t from) {
    return data.size() - from > http_limits::max_header_bytes ? fail(431) : parse_outcome{};
  };
  const std::size_t request_start = pos;

  std::string_view line;
  if (!next_line(data, pos, line)) return header_end_limit(request_start);

  // request-line = method SP request-target SP HTTP-version
  const auto first_space = line.find(' ');
  const auto last_space = line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space) return fail(400);
  request.method = line.substr(0, first_space);
  request.target = line.substr(first_space + 1, last_space - first_space - 1);
  const std::string_view version = line.substr(last_space + 1);
  if (!is_token(request.method) || request.target.empty() || request.target.find(' ') != std::string_view::npos) {
    return fail(400);
  }
  for (char c : request.target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return fail(400);
  }
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/") return fail(400);
  if (version == "HTTP/1.1") {
    request.minor_version = 1;
  } else if (version == "HTTP/1.0") {
    request.minor_version = 0;
  } else {
    return fail(505);
  }
  split_target(request.target, request);

  std::size_t content_length = 0;
  bool has_content_length = false;
  bool chunked = false;
  bool has_transfer_encoding = false;
  bool connection_close = false;
  bool connection_keep_alive = false;

  for (;;) {
    if (!next_line(data, pos, line)) return header_end_limit(request_start);
    if (pos - request_start > http_limits::max_header_bytes) return fail(431);
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') return fail(400);  // obs-fold is refused
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return fail(400);
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim_ows(line.substr(colon + 1));
    if (!is_token(name) || !is_field_value(value)) return fail(400);
    if (request.headers.size() == http_limits::max_header_count) return fail(431);
    request.headers.push_back({name, value});

    if (iequals(name, "content-length")) {
      std::size_t length = 0;
      if (!parse_decimal(value, length)) return fail(400);
      if (has_content_length && length != content_length) return fail(400);
      has_content_length = true;
      content_length = length;
    } else if (iequals(name, "transfer-encoding")) {
      has_transfer_encoding = true;
      // Only "chunked" as the final coding frames a request body; anything else is unsupported.
      std::string_view last = value;
      if (const auto comma = value.rfind(','); comma != std::string_view::npos) last = trim_ows(value.substr(comma + 1));
      chunked = iequals(last, "chunked");
      if (!chunked) return fail(501);
    } else if (iequals(name, "connection")) {
      std::string_view rest = value;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view token = trim_ows(rest.substr(0, comma));
        if (iequals(token, "close")) connection_close = true;
        if (iequals(token, "keep-alive")) connection_keep_alive = true;
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    } else if (iequals(name, "expect")) {
      request.expects_continue = iequals(value, "100-continue");
    }
  }

  // Both framings at once is the classic request-smuggling shape: refuse it.
  if (has_transfer_encoding && has_content_length) return fail(400);
  request.keep_alive = request.minor_version == 1 ? !connection_close : (connection_keep_alive && !connection_close);

  const std::size_t body_start = pos;
  if (chunked) {
    parse_outcome walked = walk_chunked(data, body_start, nullptr);
    if (walked.state == parse_state::need_more) {
      walked.headers_complete = true;
      return walked;
    }
    if (walked.state == parse_state::failed) return walked;
    chunked_body.clear();
    walk_chunked(data, body_start, &chunked_body);
    request.body = chunked_body;
    return walked;
  }

  if (content_length > http_limits::max_body_bytes) return fail(413);
  if (data.size() - body_start < content_length) {
    parse_outcome waiting;
    waiting.headers_complete = true;
    waiting.bytes_needed = body_start + content_length;
    return waiting;
  }
  request.body = data.substr(body_start, content_length);
  parse_outcome done;
  done.state = parse_state::complete;
  done.consumed = body_start + content_length;
  return done;
}

}  // namespace brokle::mock
