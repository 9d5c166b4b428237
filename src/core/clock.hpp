// Wall-clock time as unix milliseconds, behind an interface so tests can move time (lockout
// windows, token expiry) without sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace brokle {

// The system clock as unix time, for code that records when something happened.
inline int64_t unix_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
inline int64_t unix_now_ms() { return unix_now_ns() / 1'000'000; }

class clock_source {
 public:
  virtual ~clock_source() = default;
  virtual int64_t now_ms() const = 0;
};

class system_clock_source final : public clock_source {
 public:
  int64_t now_ms() const override { return unix_now_ms(); }
};

class manual_clock final : public clock_source {
 public:
  explicit manual_clock(int64_t start_ms) : now_(start_ms) {}
  int64_t now_ms() const override { return now_.load(); }
  void advance(std::chrono::milliseconds d) { now_ += d.count(); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace brokle
