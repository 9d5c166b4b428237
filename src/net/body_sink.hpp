// Where a streamed response body goes: the handler's producer awaits write() for each chunk, and
// the await lasts until the bytes are on the client's socket. That is the backpressure: a slow
// client slows the producer (and the upstream read behind it) instead of growing a buffer.
#pragma once

#include <string_view>

#include <boost/asio/awaitable.hpp>

namespace brokle::net {

class body_sink {
 public:
  virtual ~body_sink() = default;
  // False when the client is gone (or too slow past the write timeout): stop producing.
  virtual boost::asio::awaitable<bool> write(std::string_view chunk) = 0;
  // The producer's last piece: a sink may end the body in the same write (one system call and
  // one wake-up of the client fewer). Writing after it is an error. By default, a plain write.
  virtual boost::asio::awaitable<bool> write_last(std::string_view chunk) { co_return co_await write(chunk); }
  // Sends whatever the sink holds back (the response head, which otherwise waits to share a
  // write with the first chunk): for producers about to wait a while for their first chunk.
  virtual boost::asio::awaitable<bool> flush() { co_return true; }
};

}  // namespace brokle::net
