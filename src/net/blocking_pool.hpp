// A bounded thread pool for blocking work (SQLite, password hashing, libpq) so I/O threads never
// block. A coroutine awaits run(fn): fn executes on a pool thread and the coroutine resumes on its
// own executor with the result.
// Bound: `queue_limit` waiting jobs. Overflow: run() returns errc::unavailable immediately (the
// caller answers 503) and the rejection is counted.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/result.hpp"

namespace brokle::net {

class blocking_pool {
 public:
  blocking_pool(size_t threads, size_t queue_limit, std::string name = "blocking");
  ~blocking_pool();
  blocking_pool(const blocking_pool&) = delete;
  blocking_pool& operator=(const blocking_pool&) = delete;

  // Runs fn() on a pool thread. fn's exceptions are rethrown in the awaiting coroutine.
  // fn must be trivially destructible (capture by reference or pointer): GCC 12 destroys closure
  // temporaries that appear inside a co_await expression twice (measured with ASan; see
  // docs/build.md), and `co_await pool.run([..] {...})` is exactly that shape.
  template <class F>
  boost::asio::awaitable<result<std::invoke_result_t<F&>>> run(F fn) {
    static_assert(std::is_trivially_destructible_v<F>,
                  "blocking_pool::run: capture by reference/pointer only (GCC 12 co_await temporary bug)");
    using R = std::invoke_result_t<F&>;
    std::optional<R> out;
    std::exception_ptr ex;
    std::function<void()> work = [&] {
      try {
        out.emplace(fn());
      } catch (...) {
        ex = std::current_exception();
      }
    };
    bool accepted = co_await submit(std::move(work));
    if (!accepted) co_return make_error(errc::unavailable, name_ + " pool is saturated; retry shortly");
    if (ex) std::rethrow_exception(ex);
    co_return std::move(*out);
  }

  // Stops accepting, finishes queued jobs, joins threads. Idempotent.
  void stop();

  size_t queue_depth() const;
  uint64_t rejected() const noexcept { return rejected_.load(std::memory_order_relaxed); }
  size_t threads() const noexcept { return workers_.size(); }
  size_t queue_limit() const noexcept { return queue_limit_; }

 private:
  // Non-template core: runs `work` on a pool thread and resumes the caller on its executor.
  // Resolves to false without running `work` when the queue is full or the pool stopped.
  boost::asio::awaitable<bool> submit(std::function<void()> work);
  bool enqueue(std::function<void()> job);
  void worker_loop();

  std::string name_;
  size_t queue_limit_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
  std::atomic<uint64_t> rejected_{0};
};

}  // namespace brokle::net
