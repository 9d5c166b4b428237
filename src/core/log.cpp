#include "core/log.hpp"

#include <atomic>
#include <memory>
#include <mutex>

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace brokle::log {
namespace {

std::mutex g_init_mu;
std::shared_ptr<spdlog::logger> g_logger;
std::atomic<int> g_level{static_cast<int>(level::info)};
std::atomic<int> g_format{static_cast<int>(format::text)};

spdlog::level::level_enum to_spd(level l) {
  switch (l) {
    case level::trace: return spdlog::level::trace;
    case level::debug: return spdlog::level::debug;
    case level::info: return spdlog::level::info;
    case level::warn: return spdlog::level::warn;
    case level::error: return spdlog::level::err;
    case level::off: return spdlog::level::off;
  }
  return spdlog::level::info;
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v)
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
  return false;
}

}  // namespace

bool parse_level(std::string_view s, level& out) {
  if (s == "trace") out = level::trace;
  else if (s == "debug") out = level::debug;
  else if (s == "info") out = level::info;
  else if (s == "warn" || s == "warning") out = level::warn;
  else if (s == "error") out = level::error;
  else if (s == "off") out = level::off;
  else return false;
  return true;
}

bool parse_format(std::string_view s, format& out) {
  if (s == "text") out = format::text;
  else if (s == "json") out = format::json;
  else return false;
  return true;
}

std::string render_payload(format fmt, std::string_view msg, std::initializer_list<field> fields) {
  std::string out;
  out.reserve(msg.size() + fields.size() * 24 + 16);
  if (fmt == format::json) {
    out += "\"msg\":";
    append_json_string(out, msg);
    for (const auto& f : fields) {
      out += ',';
      append_json_string(out, f.key);
      out += ':';
      append_json_string(out, f.value);
    }
  } else {
    out += msg;
    for (const auto& f : fields) {
      out += ' ';
      out += f.key;
      out += '=';
      if (needs_quotes(f.value)) append_json_string(out, f.value);
      else out += f.value;
    }
  }
  return out;
}

void init(level lvl, format fmt) {
  std::lock_guard lock(g_init_mu);
  g_level = static_cast<int>(lvl);
  g_format = static_cast<int>(fmt);
  if (!g_logger) {
    spdlog::init_thread_pool(8192, 1);
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    g_logger = std::make_shared<spdlog::async_logger>("brokle", sink, spdlog::thread_pool(),
                                                      spdlog::async_overflow_policy::overrun_oldest);
  }
  if (fmt == format::json)
    g_logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})", spdlog::pattern_time_type::utc);
  else
    g_logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %-5l %v", spdlog::pattern_time_type::utc);
  g_logger->set_level(to_spd(lvl));
  g_logger->flush_on(spdlog::level::warn);
}

bool enabled(level lvl) { return static_cast<int>(lvl) >= g_level.load(std::memory_order_relaxed) && lvl != level::off; }

void write(level lvl, std::string_view msg, std::initializer_list<field> fields) {
  if (!enabled(lvl)) return;
  auto logger = g_logger;
  std::string payload = render_payload(static_cast<format>(g_format.load(std::memory_order_relaxed)), msg, fields);
  if (!logger) {
    // Before init (early start-up errors): plain stderr.
    fprintf(stderr, "%s\n", payload.c_str());
    return;
  }
  logger->log(to_spd(lvl), "{}", payload);
}

void flush() {
  if (auto l = g_logger) l->flush();
}

uint64_t dropped() {
  auto tp = spdlog::thread_pool();
  return tp ? tp->overrun_counter() : 0;
}

void shutdown() {
  flush();
  std::lock_guard lock(g_init_mu);
  g_logger.reset();
  spdlog::shutdown();
}

}  // namespace brokle::log
