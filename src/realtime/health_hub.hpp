// The live health stream: every `interval` a snapshot (status, uptime, connections, store
// latency) goes to each subscriber, and a new subscriber gets one at once.
// Bound: max_subscribers; past it subscribe() refuses (the route answers 503). A subscriber whose
// queue is full misses snapshots (counted by its channel), it never slows the others.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "net/stream_channel.hpp"

namespace brokle::realtime {

class health_hub {
 public:
  health_hub(std::function<std::string()> snapshot, std::chrono::milliseconds interval, size_t max_subscribers = 1000);
  ~health_hub();

  void start();
  void stop();  // closes every subscriber's stream
  // sse=true frames snapshots as Server-Sent Events, otherwise as bare JSON (WebSocket text).
  bool subscribe(const std::shared_ptr<net::stream_channel>& ch, bool sse);
  size_t subscribers() const;

 private:
  struct subscriber {
    std::weak_ptr<net::stream_channel> ch;
    bool sse;
  };
  void publish(const std::string& snap);
  void loop();

  std::function<std::string()> snapshot_;
  std::chrono::milliseconds interval_;
  size_t max_subscribers_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<subscriber> subs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace brokle::realtime
