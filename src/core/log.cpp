#include "core/log.hpp"

#include "core/background_thread.hpp"
#include "core/json_string.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace brokle::log {
namespace {

// stderr, one write(2) per batch: spdlog's stderr sink flushes after every line, which cost a
// system call per request with the access log on. flush() may come from another thread.
class batched_stderr_sink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    formatter_->format(msg, buffer_);
    if (buffer_.size() >= (1u << 16)) flush_();
  }
  void flush_() override {
    if (buffer_.size() == 0) return;
    std::fwrite(buffer_.data(), 1, buffer_.size(), stderr);
    std::fflush(stderr);
    buffer_.clear();
  }

 private:
  spdlog::memory_buf_t buffer_;
};

std::mutex g_init_mu;
std::shared_ptr<spdlog::logger> g_logger;  // synchronous; only the writer thread calls it

// The line queue between request threads and the writer thread. Producers append under a mutex
// and wake the writer only when a batch is worth writing (or for warnings and errors); otherwise
// the writer drains every 20 ms. A wake-up per line cost a context switch per request (measured
// with perf on the gateway benchmark). Bound: kMaxQueued lines; past it the oldest is dropped
// and counted.
struct queued_line {
  spdlog::log_clock::time_point at;
  spdlog::level::level_enum lvl;
  std::string text;
};
constexpr size_t kMaxQueued = 8192;
constexpr size_t kWakeAt = 512;
struct line_queue {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<queued_line> lines;
  bool stopping = false;
  std::thread writer;
};
line_queue* g_queue = nullptr;
std::atomic<uint64_t> g_dropped{0};

void writer_loop(line_queue* q) {
  mark_background_thread("brokle-log");
  std::vector<queued_line> batch;
  std::unique_lock lock(q->mu);
  for (;;) {
    q->cv.wait_for(lock, std::chrono::milliseconds(20), [&] { return q->stopping || q->lines.size() >= kWakeAt; });
    batch.swap(q->lines);
    bool done = q->stopping;
    lock.unlock();
    if (auto l = g_logger) {
      for (auto& line : batch) l->log(line.at, spdlog::source_loc{}, line.lvl, line.text);
      if (!batch.empty()) l->flush();
    }
    batch.clear();
    lock.lock();
    if (done && q->lines.empty()) return;
  }
}
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
    // Only the writer thread writes stderr, a batch at a time.
    std::setvbuf(stderr, nullptr, _IOFBF, 1 << 16);
    auto sink = std::make_shared<batched_stderr_sink>();
    g_logger = std::make_shared<spdlog::logger>("brokle", sink);
    g_queue = new line_queue();
    g_queue->writer = std::thread(writer_loop, g_queue);
    // Commands that return from main without shutdown() must still stop the writer before static
    // destructors run (it uses g_logger); atexit handlers run first. shutdown() is idempotent.
    std::atexit([] { shutdown(); });
  }
  if (fmt == format::json)
    g_logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})", spdlog::pattern_time_type::utc);
  else
    g_logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %-5l %v", spdlog::pattern_time_type::utc);
  g_logger->set_level(to_spd(lvl));
}

bool enabled(level lvl) { return static_cast<int>(lvl) >= g_level.load(std::memory_order_relaxed) && lvl != level::off; }

void write(level lvl, std::string_view msg, std::initializer_list<field> fields) {
  if (!enabled(lvl)) return;
  std::string payload = render_payload(static_cast<format>(g_format.load(std::memory_order_relaxed)), msg, fields);
  line_queue* q = g_queue;
  if (!q) {
    // Before init (early start-up errors): plain stderr.
    fprintf(stderr, "%s\n", payload.c_str());
    return;
  }
  bool wake;
  {
    std::lock_guard lock(q->mu);
    if (q->lines.size() >= kMaxQueued) {
      q->lines.erase(q->lines.begin());
      g_dropped.fetch_add(1, std::memory_order_relaxed);
    }
    q->lines.push_back({spdlog::log_clock::now(), to_spd(lvl), std::move(payload)});
    wake = q->lines.size() == kWakeAt || lvl >= level::warn;
  }
  if (wake) q->cv.notify_one();
}

void flush() {
  line_queue* q = g_queue;
  if (!q) return;
  // Wait until the writer has taken everything queued so far.
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard lock(q->mu);
      if (q->lines.empty()) break;
    }
    q->cv.notify_one();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (auto l = g_logger) l->flush();
}

uint64_t dropped() { return g_dropped.load(std::memory_order_relaxed); }

void shutdown() {
  std::lock_guard lock(g_init_mu);
  line_queue* q = g_queue;
  if (!q) return;
  {
    std::lock_guard qlock(q->mu);
    q->stopping = true;
  }
  q->cv.notify_one();
  q->writer.join();
  g_queue = nullptr;
  delete q;
  g_logger.reset();
}

}  // namespace brokle::log
