// The I/O threads: one io_context per thread (no locks between connections; each connection lives
// on one thread). Listeners attach to a runtime; start() runs the threads, stop() ends them.
#pragma once

#include <cstddef>
#include <memory>

namespace brokle::net {

class io_runtime {
 public:
  explicit io_runtime(size_t threads);  // 0 = one per core
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
