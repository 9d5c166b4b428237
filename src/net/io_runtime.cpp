#include "net/io_runtime.hpp"

#include "net/detail/io_runtime_impl.hpp"

namespace brokle::net {

io_runtime::io_runtime(size_t threads) : impl_(std::make_unique<impl>()) {
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
  for (auto& ctx : impl_->contexts) {
    auto* c = ctx.get();
    impl_->threads.emplace_back([c] { c->run(); });
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
