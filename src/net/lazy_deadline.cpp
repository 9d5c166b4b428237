#include "net/lazy_deadline.hpp"

#include <boost/asio/steady_timer.hpp>

namespace brokle::net {

struct lazy_deadline::state : std::enable_shared_from_this<state> {
  explicit state(boost::asio::any_io_executor ex) : timer(std::move(ex)) {}

  // Arms the timer for `t`; the wait it replaces, if any, is stale (its generation is old).
  void arm(clock::time_point t) {
    armed_at = t;
    ++generation;
    timer.expires_at(t);
    timer.async_wait([self = shared_from_this(), gen = generation](const boost::system::error_code& ec) {
      if (ec || gen != self->generation) return;
      self->fired();
    });
  }

  void fired() {
    armed_at = clock::time_point::max();
    if (due == clock::time_point::max()) return;
    if (clock::now() < due) {
      arm(due);
      return;
    }
    due = clock::time_point::max();
    if (on_expiry) on_expiry();
  }

  boost::asio::steady_timer timer;
  clock::time_point due = clock::time_point::max();
  clock::time_point armed_at = clock::time_point::max();  // max: no wait pending
  uint64_t generation = 0;
  std::function<void()> on_expiry;
};

lazy_deadline::lazy_deadline(boost::asio::any_io_executor ex, std::function<void()> on_expiry)
    : s_(std::make_shared<state>(std::move(ex))) {
  s_->on_expiry = std::move(on_expiry);
}

lazy_deadline::~lazy_deadline() {
  s_->on_expiry = nullptr;
  s_->due = clock::time_point::max();
  ++s_->generation;
  s_->timer.cancel();
}

void lazy_deadline::set_at(clock::time_point due) {
  s_->due = due;
  if (s_->armed_at > due) s_->arm(due);
}

void lazy_deadline::clear() { s_->due = clock::time_point::max(); }

bool lazy_deadline::armed() const { return s_->due != clock::time_point::max(); }

}  // namespace brokle::net
