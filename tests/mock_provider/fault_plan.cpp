// Reads the x-mock-* headers into a fault_plan.
#include "fault_plan.hpp"

#include <algorithm>
#include <charconv>

namespace brokle::mock {
namespace {

std::optional<std::int64_t> header_integer(const http_request& request, std::string_view name) {
  const std::string_view text = request.header(name);
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

int clamp_delay(std::optional<std::int64_t> value) {
  if (!value) return 0;
  return static_cast<int>(std::clamp<std::int64_t>(*value, 0, fault_plan::max_delay_ms));
}

// Faults can also ride in the request body as `mock-fault:key=value,key=value` (inside a message,
// say), for requests that reach the mock through a gateway that does not forward x-mock-* headers.
void read_body_directives(std::string_view body, fault_plan& plan) {
  constexpr std::string_view marker = "mock-fault:";
  auto at = body.find(marker);
  if (at == std::string_view::npos) return;
  std::string_view rest = body.substr(at + marker.size());
  size_t end = rest.find_first_of("\" \t\n");
  rest = rest.substr(0, end);
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view pair = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = pair.substr(0, eq), text = pair.substr(eq + 1);
    std::int64_t value = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{}) continue;
    if (key == "status" && value >= 400 && value <= 599) plan.status = static_cast<int>(value);
    else if (key == "disconnect" && value >= 0) plan.disconnect_after_chunks = static_cast<int>(std::min<std::int64_t>(value, 1'000'000));
    else if (key == "delay") plan.delay_ms = clamp_delay(value);
    else if (key == "chunk_delay") plan.chunk_delay_ms = clamp_delay(value);
    else if (key == "ttft") plan.first_event_delay_ms = clamp_delay(value);
    else if (key == "cached" && value >= 0) plan.cached_tokens = value;
    else if (key == "cache_write" && value >= 0) plan.cache_write_tokens = value;
    else if (key == "stream_error" && value >= 0) plan.stream_error_after = static_cast<int>(std::min<std::int64_t>(value, 1'000'000));
    else if (key == "malformed") plan.malformed_answer = value != 0;
  }
}

}  // namespace

fault_plan read_fault_plan(const http_request& request) {
  fault_plan plan;
  read_body_directives(request.body, plan);
  // Most requests carry no x-mock-* header; one scan avoids six lookups on the hot path.
  bool any = false;
  for (const auto& field : request.headers) {
    if (field.name.size() > 7 && (field.name[0] == 'x' || field.name[0] == 'X') && field.name[1] == '-' &&
        (field.name[2] == 'm' || field.name[2] == 'M')) {
      any = true;
      break;
    }
  }
  if (!any) return plan;

  plan.delay_ms = clamp_delay(header_integer(request, "x-mock-delay-ms"));
  plan.chunk_delay_ms = clamp_delay(header_integer(request, "x-mock-chunk-delay-ms"));
  plan.first_event_delay_ms = clamp_delay(header_integer(request, "x-mock-first-event-delay-ms"));
  if (const auto status = header_integer(request, "x-mock-status"); status && *status >= 400 && *status <= 599) {
    plan.status = static_cast<int>(*status);
  }
  if (const auto after = header_integer(request, "x-mock-disconnect-after-chunks"); after && *after >= 0) {
    plan.disconnect_after_chunks = static_cast<int>(std::min<std::int64_t>(*after, 1'000'000));
  }
  if (request.has_header("x-mock-reply")) plan.reply = request.header("x-mock-reply");
  if (const auto cached = header_integer(request, "x-mock-cached-tokens"); cached && *cached >= 0) {
    plan.cached_tokens = *cached;
  }
  if (const auto written = header_integer(request, "x-mock-cache-write-tokens"); written && *written >= 0) {
    plan.cache_write_tokens = *written;
  }
  if (const auto after = header_integer(request, "x-mock-stream-error-after"); after && *after >= 0) {
    plan.stream_error_after = static_cast<int>(std::min<std::int64_t>(*after, 1'000'000));
  }
  return plan;
}

}  // namespace brokle::mock
