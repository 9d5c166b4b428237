#include "net/blocking_pool.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <future>
#include <thread>

namespace brokle::net {

namespace asio = boost::asio;

TEST(blocking_pool, runs_work_off_the_io_thread_and_resumes_with_the_result) {
  blocking_pool pool(2, 16, "test");
  asio::io_context io;
  std::thread::id io_thread, work_thread, resumed_thread;
  auto fut = asio::co_spawn(
      io,
      [&]() -> asio::awaitable<int> {
        io_thread = std::this_thread::get_id();
        auto r = co_await pool.run([&] {
          work_thread = std::this_thread::get_id();
          return 41 + 1;
        });
        resumed_thread = std::this_thread::get_id();
        co_return r ? *r : -1;
      },
      asio::use_future);
  io.run();
  EXPECT_EQ(fut.get(), 42);
  EXPECT_NE(work_thread, io_thread);
  EXPECT_EQ(resumed_thread, io_thread);
}

TEST(blocking_pool, rejects_with_unavailable_when_the_queue_is_full) {
  blocking_pool pool(1, 1, "tiny");
  std::promise<void> release;
  auto gate = release.get_future().share();
  std::atomic<bool> first_running{false};
  asio::io_context io;
  std::atomic<int> ok{0}, rejected{0};
  auto job = [&]() -> asio::awaitable<void> {
    auto r = co_await pool.run([&] {
      first_running = true;
      gate.wait();
      return 1;
    });
    if (r) ++ok;
    else if (r.err().code == errc::unavailable) ++rejected;
  };
  asio::co_spawn(io, job(), asio::detached);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        // Once the only thread is busy, one job fits in the queue and two are refused at once.
        asio::steady_timer t(io);
        while (!first_running) {
          t.expires_after(std::chrono::milliseconds(1));
          co_await t.async_wait(asio::use_awaitable);
        }
        for (int i = 0; i < 3; ++i) asio::co_spawn(io, job(), asio::detached);
        while (rejected < 2) {
          t.expires_after(std::chrono::milliseconds(1));
          co_await t.async_wait(asio::use_awaitable);
        }
        release.set_value();
      },
      asio::detached);
  io.run();
  EXPECT_EQ(ok.load(), 2);
  EXPECT_EQ(rejected.load(), 2);
  EXPECT_EQ(pool.rejected(), 2u);
}

TEST(blocking_pool, rethrows_work_exceptions_in_the_caller) {
  blocking_pool pool(1, 4, "test");
  asio::io_context io;
  auto fut = asio::co_spawn(
      io,
      [&]() -> asio::awaitable<bool> {
        try {
          (void)co_await pool.run([]() -> int { throw std::runtime_error("boom"); });
        } catch (const std::runtime_error&) {
          co_return true;
        }
        co_return false;
      },
      asio::use_future);
  io.run();
  EXPECT_TRUE(fut.get());
}

}  // namespace brokle::net
