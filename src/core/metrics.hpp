// Prometheus-style self metrics: counters, gauges and histograms in families with fixed label
// names, rendered in the text exposition format. Updates are lock-free atomics; only creating a
// new label combination takes a lock, so hot paths resolve their series once and keep the pointer.
// Bound: each family holds at most max_series label combinations; past it, new combinations fold
// into one series whose labels are all "_overflow" and brokle_metrics_series_dropped_total counts it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace brokle::metrics {

class counter {
 public:
  void inc(uint64_t n = 1) noexcept { v_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

class gauge {
 public:
  void set(double v) noexcept { v_.store(v, std::memory_order_relaxed); }
  void add(double d) noexcept {
    double cur = v_.load(std::memory_order_relaxed);
    while (!v_.compare_exchange_weak(cur, cur + d, std::memory_order_relaxed)) {
    }
  }
  double value() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

class histogram {
 public:
  explicit histogram(const std::vector<double>& bounds);
  void observe(double v) noexcept;
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts per bound (Prometheus "le" semantics) plus +Inf, the sum and the count.
  std::vector<uint64_t> cumulative() const;
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }
  uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

enum class family_type { counter, gauge, histogram };

// Default latency buckets in seconds, 100 µs .. 10 s.
const std::vector<double>& latency_buckets();
// Buckets for what takes microseconds (a proxy's own time per call), 10 µs .. 1 s.
const std::vector<double>& fine_latency_buckets();

template <class Metric>
class family;

class registry {
 public:
  static constexpr size_t default_max_series = 2000;

  family<counter>& add_counter(std::string name, std::string help, std::vector<std::string> labels = {});
  family<gauge>& add_gauge(std::string name, std::string help, std::vector<std::string> labels = {});
  family<histogram>& add_histogram(std::string name, std::string help, std::vector<std::string> labels,
                                   std::vector<double> bounds = latency_buckets());
  // Values computed at scrape time (process stats, queue depths). The callback appends samples.
  struct sample {
    std::vector<std::string> label_values;
    double value;
  };
  void add_callback(std::string name, std::string help, family_type type, std::vector<std::string> labels,
                    std::function<void(std::vector<sample>&)> collect);

  std::string render() const;  // text exposition format 0.0.4

  counter& series_dropped() { return series_dropped_; }

 public:
  struct family_base;

 private:
  template <class Metric>
  family<Metric>& add_family(std::string name, std::string help, family_type type, std::vector<std::string> labels,
                             std::function<std::unique_ptr<Metric>()> make);
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<family_base>> families_;
  counter series_dropped_;

  template <class Metric>
  friend class family;
  friend struct family_access;
};

struct registry::family_base {
  std::string name, help;
  family_type type;
  std::vector<std::string> labels;
  virtual ~family_base() = default;
  virtual void render(std::string& out) const = 0;
};

template <class Metric>
class family final : public registry::family_base {
 public:
  // Returns the series for these label values (created on first use; stable address).
  Metric& with(const std::vector<std::string>& label_values);
  Metric& get() { return with({}); }
  void render(std::string& out) const override;

 private:
  friend class registry;
  family(registry& owner, std::function<std::unique_ptr<Metric>()> make, size_t max_series)
      : owner_(owner), make_(std::move(make)), max_series_(max_series) {}
  registry& owner_;
  std::function<std::unique_ptr<Metric>()> make_;
  size_t max_series_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> series_;
};

// Escapes a label value for the exposition format.
std::string escape_label_value(const std::string& v);

}  // namespace brokle::metrics
