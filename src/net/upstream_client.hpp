// Outbound HTTP/1.1 to model providers: plain TCP or TLS (OpenSSL, certificates verified against
// the system store, SNI, host name checked), a keep-alive pool per host and per I/O thread (no
// locks: a connection never leaves the thread that opened it), connect / first-byte / idle
// timeouts, and one retry on a fresh connection when a pooled one turns out to be stale.
// Bounds: at most `max_idle_per_host` idle connections kept per host and thread (extra ones are
// closed); response bodies read whole are capped at `max_body` (larger: errc::too_large).
// Streamed bodies are read chunk by chunk by the caller, so nothing is buffered beyond one read.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/result.hpp"
#include "net/http_message.hpp"
#include "net/upstream_limits.hpp"

namespace brokle::net {

// Stops an upstream call from outside, e.g. when the client that asked for it hung up: the
// connection in use is closed, so a pending send or read fails at once (check triggered()) and the
// provider sees the request go away. Lives on the call's thread; not thread-safe.
class upstream_abort {
 public:
  void trigger() {
    if (triggered_) return;
    triggered_ = true;
    if (close_) std::exchange(close_, nullptr)();
  }
  bool triggered() const noexcept { return triggered_; }
  // For the client: what closes the connection now in use (empty when none is).
  void attach(std::function<void()> close) { close_ = std::move(close); }

 private:
  std::function<void()> close_;
  bool triggered_ = false;
};

struct upstream_request {
  http_method method = http_method::post;
  std::string url;  // http(s)://host[:port]/path?query
  header_map headers;
  std::string body;
  std::shared_ptr<upstream_abort> abort;  // optional
};

struct upstream_response {
  unsigned status = 0;
  header_map headers;
  std::string body;
};

// A response whose body is still arriving. Destroying it early closes the connection (the
// upstream request is cancelled); reading it to the end returns the connection to the pool.
class upstream_stream {
 public:
  virtual ~upstream_stream() = default;
  virtual unsigned status() const = 0;
  virtual const header_map& headers() const = 0;
  // The next piece of the body; an empty optional at the end; an error if the upstream died.
  virtual boost::asio::awaitable<result<std::optional<std::string>>> next() = 0;
  // True once the whole body has been handed out: the next next() returns the end at once.
  virtual bool finished() const = 0;
  // True when body bytes have already arrived and the next next() will not wait for the network.
  virtual bool has_buffered_body() const = 0;
};

class upstream_client {
 public:
  explicit upstream_client(upstream_limits limits = {});
  ~upstream_client();

  boost::asio::awaitable<result<upstream_response>> send(upstream_request req);
  boost::asio::awaitable<result<std::unique_ptr<upstream_stream>>> open(upstream_request req);

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace brokle::net
