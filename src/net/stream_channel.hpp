// The outbound side of one live connection (SSE or WebSocket): producers on any thread push
// messages; the connection's single writer drains them in order.
// Bound: at most max_messages queued and max_bytes in total. Overflow: the new message is dropped
// and counted (dropped()), so a slow client never makes the server buffer without limit; a
// producer that prefers to disconnect slow clients can check the return value and close().
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace brokle::net {

class stream_channel {
 public:
  struct limits {
    size_t max_messages = 1024;
    size_t max_bytes = 4 * 1024 * 1024;
  };
  stream_channel() : stream_channel(limits{}) {}
  explicit stream_channel(limits l) : limits_(l) {}

  // Thread-safe. Returns false (and counts a drop) when the queue is full or the channel closed.
  bool send(std::string message);
  // Thread-safe. The writer finishes what is queued, then ends the stream.
  void close();
  bool closed() const noexcept { return closed_.load(std::memory_order_acquire); }
  uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  size_t queued() const;

  // Called once when the stream ends for any reason (peer gone, close(), shutdown). Set before
  // returning the response; runs on the connection's thread.
  void on_close(std::function<void()> fn);
  // Inbound WebSocket text/binary messages (ignored for SSE). Runs on the connection's thread.
  void on_message(std::function<void(std::string_view)> fn);

  // --- used by the server's writer ---
  void attach_waker(std::function<void()> wake);
  // Moves every queued message into out; returns false when closed and empty (stream is over).
  bool drain(std::deque<std::string>& out);
  void notify_closed();
  void deliver(std::string_view inbound);

 private:
  limits limits_;
  mutable std::mutex mu_;
  std::deque<std::string> queue_;
  size_t bytes_ = 0;
  std::function<void()> wake_;
  std::function<void()> on_close_;
  std::function<void(std::string_view)> on_message_;
  std::atomic<bool> closed_{false};
  std::atomic<bool> close_notified_{false};
  std::atomic<uint64_t> dropped_{0};
};

// Formats one Server-Sent Event ("event:", "id:", multi-line "data:" fields, blank line).
std::string format_sse_event(std::string_view data, std::string_view event = {}, std::string_view id = {});

}  // namespace brokle::net
