#include "core/metrics.hpp"

#include <stdexcept>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace brokle::metrics {

histogram::histogram(const std::vector<double>& bounds)
    : bounds_(bounds), buckets_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  std::sort(bounds_.begin(), bounds_.end());
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void histogram::observe(double v) noexcept {
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  buckets_[static_cast<size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  double cur = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
  }
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> histogram::cumulative() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t acc = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    acc += buckets_[i].load(std::memory_order_relaxed);
    out[i] = acc;
  }
  return out;
}

const std::vector<double>& latency_buckets() {
  static const std::vector<double> b = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                        0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return b;
}

const std::vector<double>& fine_latency_buckets() {
  static const std::vector<double> b = {0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                        0.005,   0.01,     0.025,   0.05,   0.1,     0.25,   1};
  return b;
}

std::string escape_label_value(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

namespace {

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{}", v);
}

std::string label_block(const std::vector<std::string>& names, const std::vector<std::string>& values,
                        const std::string& extra = {}) {
  if (names.empty() && extra.empty()) return {};
  std::string s = "{";
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (i) s += ',';
    s += names[i];
    s += "=\"";
    s += escape_label_value(values[i]);
    s += '"';
  }
  if (!extra.empty()) {
    if (!names.empty()) s += ',';
    s += extra;
  }
  s += '}';
  return s;
}

const char* type_name(family_type t) {
  switch (t) {
    case family_type::counter: return "counter";
    case family_type::gauge: return "gauge";
    case family_type::histogram: return "histogram";
  }
  return "untyped";
}

void header(std::string& out, const std::string& name, const std::string& help, family_type t) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type_name(t));
}

}  // namespace

template <class Metric>
Metric& family<Metric>::with(const std::vector<std::string>& label_values) {
  std::lock_guard lock(mu_);
  auto it = series_.find(label_values);
  if (it != series_.end()) return *it->second;
  if (series_.size() >= max_series_) {
    owner_.series_dropped_.inc();
    std::vector<std::string> overflow(labels.size(), "_overflow");
    auto& slot = series_[overflow];
    if (!slot) slot = make_();
    return *slot;
  }
  auto& slot = series_[label_values];
  slot = make_();
  return *slot;
}

template <>
void family<counter>::render(std::string& out) const {
  header(out, name, help, type);
  std::lock_guard lock(mu_);
  for (const auto& [lv, m] : series_)
    out += fmt::format("{}{} {}\n", name, label_block(labels, lv), m->value());
}

template <>
void family<gauge>::render(std::string& out) const {
  header(out, name, help, type);
  std::lock_guard lock(mu_);
  for (const auto& [lv, m] : series_)
    out += fmt::format("{}{} {}\n", name, label_block(labels, lv), format_value(m->value()));
}

template <>
void family<histogram>::render(std::string& out) const {
  header(out, name, help, type);
  std::lock_guard lock(mu_);
  for (const auto& [lv, m] : series_) {
    auto cum = m->cumulative();
    const auto& b = m->bounds();
    for (size_t i = 0; i < b.size(); ++i)
      out += fmt::format("{}_bucket{} {}\n", name, label_block(labels, lv, fmt::format("le=\"{}\"", format_value(b[i]))),
                         cum[i]);
    out += fmt::format("{}_bucket{} {}\n", name, label_block(labels, lv, "le=\"+Inf\""), cum.back());
    out += fmt::format("{}_sum{} {}\n", name, label_block(labels, lv), format_value(m->sum()));
    out += fmt::format("{}_count{} {}\n", name, label_block(labels, lv), cum.back());
  }
}

template class family<counter>;
template class family<gauge>;
template class family<histogram>;

namespace {
struct callback_family final : registry::family_base {
  std::function<void(std::vector<registry::sample>&)> collect;
  void render(std::string& out) const override {
    std::vector<registry::sample> samples;
    collect(samples);
    header(out, name, help, type);
    for (const auto& s : samples)
      out += fmt::format("{}{} {}\n", name, label_block(labels, s.label_values), format_value(s.value));
  }
};
}  // namespace

template <class Metric>
family<Metric>& registry::add_family(std::string name, std::string help, family_type type,
                                     std::vector<std::string> labels, std::function<std::unique_ptr<Metric>()> make) {
  std::lock_guard lock(mu_);
  // Registering a family twice (two listeners of the same server class) returns the first one, so
  // the exposition has one HELP/TYPE per name; a clash of type or labels is a programming error.
  for (auto& existing : families_) {
    if (existing->name != name) continue;
    auto* same = dynamic_cast<family<Metric>*>(existing.get());
    if (!same || existing->type != type || existing->labels != labels)
      throw std::logic_error("metric family " + name + " registered twice with different types or labels");
    return *same;
  }
  auto f = std::unique_ptr<family<Metric>>(new family<Metric>(*this, std::move(make), default_max_series));
  f->name = std::move(name);
  f->help = std::move(help);
  f->type = type;
  f->labels = std::move(labels);
  auto& ref = *f;
  families_.push_back(std::move(f));
  return ref;
}

family<counter>& registry::add_counter(std::string name, std::string help, std::vector<std::string> labels) {
  return add_family<counter>(std::move(name), std::move(help), family_type::counter, std::move(labels),
                             [] { return std::make_unique<counter>(); });
}

family<gauge>& registry::add_gauge(std::string name, std::string help, std::vector<std::string> labels) {
  return add_family<gauge>(std::move(name), std::move(help), family_type::gauge, std::move(labels),
                           [] { return std::make_unique<gauge>(); });
}

family<histogram>& registry::add_histogram(std::string name, std::string help, std::vector<std::string> labels,
                                           std::vector<double> bounds) {
  return add_family<histogram>(std::move(name), std::move(help), family_type::histogram, std::move(labels),
                               [bounds] { return std::make_unique<histogram>(bounds); });
}

void registry::add_callback(std::string name, std::string help, family_type type, std::vector<std::string> labels,
                            std::function<void(std::vector<sample>&)> collect) {
  auto f = std::make_unique<callback_family>();
  f->name = std::move(name);
  f->help = std::move(help);
  f->type = type;
  f->labels = std::move(labels);
  f->collect = std::move(collect);
  std::lock_guard lock(mu_);
  families_.push_back(std::move(f));
}

std::string registry::render() const {
  std::string out;
  out.reserve(16384);
  std::lock_guard lock(mu_);
  for (const auto& f : families_) f->render(out);
  out += fmt::format("# HELP brokle_metrics_series_dropped_total Label combinations folded into _overflow.\n"
                     "# TYPE brokle_metrics_series_dropped_total counter\n"
                     "brokle_metrics_series_dropped_total {}\n",
                     series_dropped_.value());
  return out;
}

}  // namespace brokle::metrics
