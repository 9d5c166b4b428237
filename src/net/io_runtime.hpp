// The I/O threads: one io_context per thread (no locks between connections; each connection lives
// on one thread). Listeners attach to a runtime; start() runs the threads, stop() ends them.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>

namespace brokle::net {

class io_runtime {
 public:
  // threads: 0 = one per core. busy_poll: after handling events, a thread keeps polling for new
  // ones this long before it sleeps in epoll_wait. A reply that arrives within the window (an
  // upstream's answer on a fast network) is handled without a wake-up, which on virtual machines
  // costs tens of microseconds. Zero disables it. Costs CPU only while traffic flows.
  explicit io_runtime(size_t threads, std::chrono::microseconds busy_poll = std::chrono::microseconds(0));
  ~io_runtime();
  io_runtime(const io_runtime&) = delete;
  io_runtime& operator=(const io_runtime&) = delete;

  void start();
  void stop();  // stops every context and joins; idempotent
  size_t size() const noexcept;

  struct impl;
  impl& internals() noexcept { return *impl_; }

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace brokle::net
