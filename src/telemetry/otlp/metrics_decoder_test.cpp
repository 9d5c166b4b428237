#include "telemetry/otlp/metrics_decoder.hpp"

#include <gtest/gtest.h>

#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"

namespace brokle::telemetry::otlp {
namespace {

using opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;
namespace mpb = opentelemetry::proto::metrics::v1;

mpb::Metric* add_metric(ExportMetricsServiceRequest& req, const std::string& name) {
  if (req.resource_metrics_size() == 0) {
    auto* rm = req.add_resource_metrics();
    auto* kv = rm->mutable_resource()->add_attributes();
    kv->set_key("service.name");
    kv->mutable_value()->set_string_value("api");
    rm->add_scope_metrics()->mutable_scope()->set_name("meter");
  }
  auto* m = req.mutable_resource_metrics(0)->mutable_scope_metrics(0)->add_metrics();
  m->set_name(name);
  m->set_unit("1");
  return m;
}

metric_batch decode_ok(const ExportMetricsServiceRequest& req) {
  auto r = decode_metrics(req.SerializeAsString(), body_encoding::protobuf);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.err().message);
  return r.ok() ? std::move(r).value() : metric_batch{};
}

TEST(otlp_metrics_decoder, maps_each_metric_type) {
  ExportMetricsServiceRequest req;
  auto* g = add_metric(req, "queue.depth")->mutable_gauge()->add_data_points();
  g->set_time_unix_nano(10);
  g->set_as_int(7);
  auto* kv = g->add_attributes();
  kv->set_key("queue");
  kv->mutable_value()->set_string_value("a");

  auto* sum = add_metric(req, "requests")->mutable_sum();
  sum->set_is_monotonic(true);
  sum->set_aggregation_temporality(mpb::AGGREGATION_TEMPORALITY_CUMULATIVE);
  auto* sp = sum->add_data_points();
  sp->set_start_time_unix_nano(5);
  sp->set_time_unix_nano(11);
  sp->set_as_double(2.5);

  auto* h = add_metric(req, "latency")->mutable_histogram()->add_data_points();
  h->set_time_unix_nano(12);
  h->set_count(4);
  h->set_sum(100.0);
  h->add_bucket_counts(4);

  auto* e = add_metric(req, "size")->mutable_exponential_histogram()->add_data_points();
  e->set_time_unix_nano(13);
  e->set_count(3);

  auto* s = add_metric(req, "rtt")->mutable_summary()->add_data_points();
  s->set_time_unix_nano(14);
  s->set_count(2);
  s->set_sum(9);

  add_metric(req, "no data");  // a metric without data has no points: nothing stored or rejected

  const metric_batch b = decode_ok(req);
  EXPECT_TRUE(b.rejected.empty()) << b.rejected.message();
  ASSERT_EQ(b.points.size(), 5u);
  EXPECT_EQ(b.points[0].name, "queue.depth");
  EXPECT_EQ(b.points[0].type, storage::metric_type::gauge);
  EXPECT_EQ(b.points[0].value, 7.0);
  EXPECT_EQ(b.points[0].time_ns, 10);
  EXPECT_EQ(b.points[0].unit, "1");
  EXPECT_EQ(b.points[0].service_name, "api");
  EXPECT_EQ(b.points[0].scope_name, "meter");
  EXPECT_EQ(b.points[0].attributes_json, R"({"queue":"a"})");
  EXPECT_EQ(b.points[1].type, storage::metric_type::sum);
  EXPECT_EQ(b.points[1].value, 2.5);
  EXPECT_EQ(b.points[1].start_time_ns, 5);
  EXPECT_TRUE(b.points[1].is_monotonic);
  EXPECT_EQ(b.points[1].aggregation_temporality, 2);
  EXPECT_EQ(b.points[2].type, storage::metric_type::histogram);
  EXPECT_EQ(b.points[2].count, 4);
  EXPECT_EQ(b.points[2].sum, 100.0);
  EXPECT_EQ(b.points[3].type, storage::metric_type::exponential_histogram);
  EXPECT_EQ(b.points[3].count, 3);
  EXPECT_EQ(b.points[3].sum, 0.0);
  EXPECT_EQ(b.points[4].type, storage::metric_type::summary);
  EXPECT_EQ(b.points[4].sum, 9.0);
}

TEST(otlp_metrics_decoder, rejects_bad_points_and_skips_no_recorded_value) {
  ExportMetricsServiceRequest req;
  auto* gauge = add_metric(req, "g")->mutable_gauge();
  gauge->add_data_points()->set_time_unix_nano(1);  // no value
  auto* no_time = gauge->add_data_points();
  no_time->set_as_double(1);
  auto* flagged = gauge->add_data_points();
  flagged->set_time_unix_nano(1);
  flagged->set_flags(mpb::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
  auto* good = gauge->add_data_points();
  good->set_time_unix_nano(1);
  good->set_as_double(3);
  auto* unnamed = add_metric(req, "")->mutable_sum();
  unnamed->add_data_points()->set_as_int(1);
  unnamed->add_data_points()->set_as_int(2);

  const metric_batch b = decode_ok(req);
  ASSERT_EQ(b.points.size(), 1u);
  EXPECT_EQ(b.points[0].value, 3.0);
  EXPECT_EQ(b.rejected.count(), 4);
  EXPECT_NE(b.rejected.message().find("metric 'g': data point has no value"), std::string::npos);
  EXPECT_NE(b.rejected.message().find("metric has no name"), std::string::npos);
}

TEST(otlp_metrics_decoder, decodes_json_with_string_int64_and_as_int) {
  const std::string body = R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[
    {"name":"my.counter","unit":"1","sum":{"aggregationTemporality":1,"isMonotonic":true,
      "dataPoints":[{"asInt":"5","startTimeUnixNano":"1544712660300000000","timeUnixNano":"1544712660300000001"}]}},
    {"name":"my.histogram","histogram":{"aggregationTemporality":1,"dataPoints":[
      {"timeUnixNano":"1544712660300000000","count":"2","sum":2,"bucketCounts":["1","1"],"explicitBounds":[1],"min":0,"max":2}]}}
  ]}]}]})";
  auto r = decode_metrics(body, body_encoding::json);
  ASSERT_TRUE(r.ok()) << r.err().message;
  ASSERT_EQ(r->points.size(), 2u);
  EXPECT_EQ(r->points[0].value, 5.0);
  EXPECT_EQ(r->points[0].aggregation_temporality, 1);
  EXPECT_EQ(r->points[0].service_name, "unknown_service");
  EXPECT_EQ(r->points[1].count, 2);
  EXPECT_EQ(r->points[1].sum, 2.0);
}

TEST(otlp_metrics_decoder, garbage_fails_the_whole_request) {
  auto r = decode_metrics("not protobuf at all", body_encoding::protobuf);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().code, errc::invalid_argument);
}

}  // namespace
}  // namespace brokle::telemetry::otlp
