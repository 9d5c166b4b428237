// Internal to net/: the Asio side of io_runtime.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/io_runtime.hpp"

namespace brokle::net {

struct io_runtime::impl {
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards;
  // One per context; declared after `contexts` so they are destroyed first.
  std::vector<std::unique_ptr<boost::asio::steady_timer>> pacers;
  std::vector<std::thread> threads;
  std::atomic<size_t> next{0};
  std::chrono::microseconds busy_poll{0};
  bool started = false;

  boost::asio::io_context& pick() { return *contexts[next.fetch_add(1, std::memory_order_relaxed) % contexts.size()]; }
};

}  // namespace brokle::net
