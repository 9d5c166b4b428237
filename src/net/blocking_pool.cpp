#include "net/blocking_pool.hpp"

#include <memory>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace brokle::net {

blocking_pool::blocking_pool(size_t threads, size_t queue_limit, std::string name)
    : name_(std::move(name)), queue_limit_(queue_limit) {
  if (threads == 0) threads = 1;
  workers_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

blocking_pool::~blocking_pool() { stop(); }

void blocking_pool::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
  workers_.clear();
}

size_t blocking_pool::queue_depth() const {
  std::lock_guard lock(mu_);
  return jobs_.size();
}

bool blocking_pool::enqueue(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || jobs_.size() >= queue_limit_) {
      rejected_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void blocking_pool::worker_loop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping and drained
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

boost::asio::awaitable<bool> blocking_pool::submit(std::function<void()> work) {
  auto initiate = [this, &work](auto handler) {
    // The handler is move-only; share it between the job and the rejection path.
    auto h = std::make_shared<decltype(handler)>(std::move(handler));
    auto ex = boost::asio::get_associated_executor(*h);
    bool queued = enqueue([h, ex, w = std::move(work)]() mutable {
      w();
      boost::asio::post(ex, [h]() mutable { (*h)(true); });
    });
    if (!queued) boost::asio::post(ex, [h]() mutable { (*h)(false); });
  };
  co_return co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(bool)>(
      initiate, boost::asio::use_awaitable);
}

}  // namespace brokle::net
