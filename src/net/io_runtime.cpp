#include "net/io_runtime.hpp"

#include "net/detail/io_runtime_impl.hpp"

#include <string>

#include "core/background_thread.hpp"

namespace brokle::net {

namespace {

// A short repeating timer per I/O thread. Asio reprograms its timerfd (one system call) whenever
// a newly scheduled timer becomes the earliest one; with this one always due within 250 ms, the
// per-operation deadlines (seconds long, one or two per socket operation) never are. Measured on
// the gateway at one connection: ~6 timerfd_settime calls per request before, none after.
void keep_pacing(boost::asio::steady_timer& t) {
  t.expires_after(std::chrono::milliseconds(250));
  t.async_wait([&t](const boost::system::error_code& ec) {
    if (!ec) keep_pacing(t);
  });
}

// Runs the context's handlers; with busy polling, looks for new events for `window` after the
// last one before blocking (see io_runtime's constructor).
void run_io_thread(boost::asio::io_context& c, std::chrono::microseconds window) {
  if (window.count() <= 0) {
    c.run();
    return;
  }
  using clock = std::chrono::steady_clock;
  while (!c.stopped()) {
    if (c.poll() > 0) continue;
    bool ran = false;
    for (auto until = clock::now() + window; clock::now() < until;)
      if (c.poll() > 0) {
        ran = true;
        break;
      }
    if (!ran) c.run_one();
  }
}

}  // namespace

io_runtime::io_runtime(size_t threads, std::chrono::microseconds busy_poll) : impl_(std::make_unique<impl>()) {
  impl_->busy_poll = busy_poll;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (size_t i = 0; i < threads; ++i) {
    impl_->contexts.push_back(std::make_unique<boost::asio::io_context>(1));
    impl_->guards.push_back(boost::asio::make_work_guard(*impl_->contexts.back()));
  }
}

io_runtime::~io_runtime() { stop(); }

size_t io_runtime::size() const noexcept { return impl_->contexts.size(); }

void io_runtime::start() {
  if (impl_->started) return;
  impl_->started = true;
  for (size_t i = 0; i < impl_->contexts.size(); ++i) {
    auto* c = impl_->contexts[i].get();
    impl_->pacers.push_back(std::make_unique<boost::asio::steady_timer>(*c));
    keep_pacing(*impl_->pacers.back());
    impl_->threads.emplace_back([c, i, window = impl_->busy_poll] {
      name_this_thread(("brokle-io-" + std::to_string(i)).c_str());
      run_io_thread(*c, window);
    });
  }
}

void io_runtime::stop() {
  for (auto& g : impl_->guards) g.reset();
  for (auto& ctx : impl_->contexts) ctx->stop();
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
  impl_->threads.clear();
}

}  // namespace brokle::net
