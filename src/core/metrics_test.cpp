#include "core/metrics.hpp"

#include <gtest/gtest.h>

namespace brokle::metrics {

TEST(metrics, renders_counters_gauges_and_histograms_in_exposition_format) {
  registry reg;
  auto& req = reg.add_counter("test_requests_total", "Requests.", {"route", "status"});
  req.with({"/a", "200"}).inc(3);
  req.with({"/a", "200"}).inc();
  auto& g = reg.add_gauge("test_in_flight", "In flight.").get();
  g.set(2);
  g.add(-1);
  auto& h = reg.add_histogram("test_latency_seconds", "Latency.", {"route"}, {0.1, 1}).with({"/a"});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  std::string out = reg.render();
  EXPECT_NE(out.find("# TYPE test_requests_total counter"), std::string::npos);
  EXPECT_NE(out.find("test_requests_total{route=\"/a\",status=\"200\"} 4"), std::string::npos) << out;
  EXPECT_NE(out.find("test_in_flight 1"), std::string::npos) << out;
  EXPECT_NE(out.find("test_latency_seconds_bucket{route=\"/a\",le=\"0.1\"} 1"), std::string::npos) << out;
  EXPECT_NE(out.find("test_latency_seconds_bucket{route=\"/a\",le=\"1\"} 2"), std::string::npos) << out;
  EXPECT_NE(out.find("test_latency_seconds_bucket{route=\"/a\",le=\"+Inf\"} 3"), std::string::npos) << out;
  EXPECT_NE(out.find("test_latency_seconds_count{route=\"/a\"} 3"), std::string::npos) << out;
  EXPECT_NE(out.find("test_latency_seconds_sum{route=\"/a\"} 5.55"), std::string::npos) << out;
}

TEST(metrics, escapes_label_values) {
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

TEST(metrics, folds_series_past_the_bound_into_overflow) {
  registry reg;
  auto& c = reg.add_counter("test_total", "T.", {"k"});
  for (size_t i = 0; i < registry::default_max_series + 10; ++i) c.with({std::to_string(i)}).inc();
  std::string out = reg.render();
  EXPECT_NE(out.find("test_total{k=\"_overflow\"} 10"), std::string::npos);
  EXPECT_EQ(reg.series_dropped().value(), 10u);
}

TEST(metrics, callback_families_are_collected_at_render_time) {
  registry reg;
  int calls = 0;
  reg.add_callback("test_depth", "Depth.", family_type::gauge, {"q"}, [&](auto& out) {
    ++calls;
    out.push_back({{"x"}, 7});
  });
  EXPECT_NE(reg.render().find("test_depth{q=\"x\"} 7"), std::string::npos);
  EXPECT_EQ(calls, 1);
}

}  // namespace brokle::metrics
