#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

namespace brokle::net {

// A deadline that is cheap to move. Beast's stream timeouts start and cancel a timer for every
// read and write (and each expires_after cancels two), several timer-queue operations per
// request; here setting or clearing the deadline only records a time. One timer is armed no later
// than the deadline; when it fires early (the deadline moved on), it re-arms for the deadline;
// only a deadline earlier than the armed time re-arms at once. A connection that keeps moving its
// deadline forward costs one timer wait per timeout period, not per operation.
//
// `on_expiry` runs on the executor once the deadline has passed without being moved or cleared,
// and never after this object is destroyed. Not thread-safe: use it from its executor only.
class lazy_deadline {
 public:
  using clock = std::chrono::steady_clock;
  lazy_deadline(boost::asio::any_io_executor ex, std::function<void()> on_expiry);
  ~lazy_deadline();
  lazy_deadline(const lazy_deadline&) = delete;
  lazy_deadline& operator=(const lazy_deadline&) = delete;

  void set(clock::duration after) { set_at(clock::now() + after); }
  void set_at(clock::time_point due);
  void clear();
  bool armed() const;  // a deadline is set (not yet passed or cleared)

 private:
  struct state;
  std::shared_ptr<state> s_;
};

}  // namespace brokle::net
