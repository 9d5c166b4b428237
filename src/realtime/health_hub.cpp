#include "realtime/health_hub.hpp"

#include "core/background_thread.hpp"

namespace brokle::realtime {

health_hub::health_hub(std::function<std::string()> snapshot, std::chrono::milliseconds interval,
                       size_t max_subscribers)
    : snapshot_(std::move(snapshot)), interval_(interval), max_subscribers_(max_subscribers) {}

health_hub::~health_hub() { stop(); }

void health_hub::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { loop(); });
}

void health_hub::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::vector<subscriber> subs;
  {
    std::lock_guard lock(mu_);
    subs.swap(subs_);
  }
  for (auto& s : subs)
    if (auto ch = s.ch.lock()) ch->close();
}

bool health_hub::subscribe(const std::shared_ptr<net::stream_channel>& ch, bool sse) {
  {
    std::lock_guard lock(mu_);
    std::erase_if(subs_, [](const subscriber& s) {
      auto c = s.ch.lock();
      return !c || c->closed();
    });
    if (stopping_ || subs_.size() >= max_subscribers_) return false;
    subs_.push_back({ch, sse});
  }
  auto snap = snapshot_();
  ch->send(sse ? net::format_sse_event(snap, "health") : snap);
  return true;
}

size_t health_hub::subscribers() const {
  std::lock_guard lock(mu_);
  return subs_.size();
}

void health_hub::publish(const std::string& snap) {
  std::vector<subscriber> subs;
  {
    std::lock_guard lock(mu_);
    std::erase_if(subs_, [](const subscriber& s) {
      auto c = s.ch.lock();
      return !c || c->closed();
    });
    subs = subs_;
  }
  std::string sse_frame;
  for (auto& s : subs) {
    auto ch = s.ch.lock();
    if (!ch) continue;
    if (s.sse) {
      if (sse_frame.empty()) sse_frame = net::format_sse_event(snap, "health");
      ch->send(sse_frame);
    } else {
      ch->send(snap);
    }
  }
}

void health_hub::loop() {
  name_this_thread("brokle-health");
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, interval_, [&] { return stopping_; });
    if (stopping_) break;
    bool any = !subs_.empty();
    lock.unlock();
    if (any) publish(snapshot_());
    lock.lock();
  }
}

}  // namespace brokle::realtime
