#include "net/stream_channel.hpp"

namespace brokle::net {

bool stream_channel::send(std::string message) {
  std::function<void()> wake;
  {
    std::lock_guard lock(mu_);
    if (closed_.load(std::memory_order_relaxed) || queue_.size() >= limits_.max_messages ||
        bytes_ + message.size() > limits_.max_bytes) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    bytes_ += message.size();
    queue_.push_back(std::move(message));
    wake = wake_;
  }
  if (wake) wake();
  return true;
}

void stream_channel::close() {
  std::function<void()> wake;
  {
    std::lock_guard lock(mu_);
    if (closed_.exchange(true)) return;
    wake = wake_;
  }
  if (wake) wake();
}

size_t stream_channel::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void stream_channel::on_close(std::function<void()> fn) {
  std::lock_guard lock(mu_);
  on_close_ = std::move(fn);
}

void stream_channel::on_message(std::function<void(std::string_view)> fn) {
  std::lock_guard lock(mu_);
  on_message_ = std::move(fn);
}

void stream_channel::attach_waker(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  wake_ = std::move(wake);
}

bool stream_channel::drain(std::deque<std::string>& out) {
  std::lock_guard lock(mu_);
  if (queue_.empty()) return !closed_.load(std::memory_order_relaxed);
  while (!queue_.empty()) {
    out.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  bytes_ = 0;
  return true;
}

void stream_channel::notify_closed() {
  std::function<void()> fn;
  {
    std::lock_guard lock(mu_);
    closed_.store(true);
    wake_ = nullptr;
    if (close_notified_.exchange(true)) return;
    fn = std::move(on_close_);
    on_message_ = nullptr;
  }
  if (fn) fn();
}

void stream_channel::deliver(std::string_view inbound) {
  std::function<void(std::string_view)> fn;
  {
    std::lock_guard lock(mu_);
    fn = on_message_;
  }
  if (fn) fn(inbound);
}

std::string format_sse_event(std::string_view data, std::string_view event, std::string_view id) {
  std::string out;
  out.reserve(data.size() + event.size() + id.size() + 24);
  if (!event.empty()) {
    out += "event: ";
    out += event;
    out += '\n';
  }
  if (!id.empty()) {
    out += "id: ";
    out += id;
    out += '\n';
  }
  size_t start = 0;
  while (true) {
    size_t nl = data.find('\n', start);
    out += "data: ";
    out += data.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    out += '\n';
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  out += '\n';
  return out;
}

}  // namespace brokle::net
