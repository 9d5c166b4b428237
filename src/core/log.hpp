// Structured logging: one line per event, as human text ("msg k=v ...") or JSON objects, chosen
// at start-up. Lines go through a bounded queue (8192 entries) to one writer thread that writes
// in batches; when the queue is full the oldest line is dropped and counted (log::dropped()), so
// logging never blocks a request. Warnings and errors wake the writer at once.
// Every call site passes fields explicitly (request_id among them) — no hidden thread-local state,
// which would be wrong across coroutine suspensions.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace brokle::log {

enum class level { trace, debug, info, warn, error, off };
enum class format { text, json };

struct field {
  std::string_view key;
  std::string_view value;
};

// Parses "trace|debug|info|warn|error|off"; returns false on anything else.
bool parse_level(std::string_view s, level& out);
bool parse_format(std::string_view s, format& out);

// Sets up the process logger (stderr). Safe to call again (e.g. after config is read).
void init(level lvl, format fmt);
void flush();
void shutdown();
bool enabled(level lvl);
uint64_t dropped();

void write(level lvl, std::string_view msg, std::initializer_list<field> fields = {});
inline void debug(std::string_view msg, std::initializer_list<field> f = {}) { write(level::debug, msg, f); }
inline void info(std::string_view msg, std::initializer_list<field> f = {}) { write(level::info, msg, f); }
inline void warn(std::string_view msg, std::initializer_list<field> f = {}) { write(level::warn, msg, f); }
inline void error(std::string_view msg, std::initializer_list<field> f = {}) { write(level::error, msg, f); }

// Renders the payload part of a line (exposed for tests).
std::string render_payload(format fmt, std::string_view msg, std::initializer_list<field> fields);

}  // namespace brokle::log
