#include "telemetry/otlp/metrics_decoder.hpp"

#include <google/protobuf/arena.h>

#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "telemetry/otlp/any_value_json.hpp"

namespace brokle::telemetry::otlp {
namespace {

namespace metrics_pb = opentelemetry::proto::metrics::v1;
using storage::metric_point_record;
using storage::metric_type;

constexpr uint32_t no_recorded_value = metrics_pb::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK;

// Turns the points of one metric into records; everything a point shares with its metric is in
// `base`.
class metric_reader {
 public:
  metric_reader(metric_batch& out, const metric_point_record& base) : out_(out), base_(base) {}

  void number_points(const google::protobuf::RepeatedPtrField<metrics_pb::NumberDataPoint>& points) {
    for (const auto& p : points) {
      if ((p.flags() & no_recorded_value) != 0) continue;
      if (p.value_case() == metrics_pb::NumberDataPoint::VALUE_NOT_SET) {
        reject("data point has no value");
        continue;
      }
      metric_point_record* r = start(p);
      if (r == nullptr) continue;
      r->value = p.value_case() == metrics_pb::NumberDataPoint::kAsInt ? static_cast<double>(p.as_int()) : p.as_double();
    }
  }

  template <class Point>
  void distribution_points(const google::protobuf::RepeatedPtrField<Point>& points) {
    for (const auto& p : points) {
      if ((p.flags() & no_recorded_value) != 0) continue;
      metric_point_record* r = start(p);
      if (r == nullptr) continue;
      r->count = saturating_int64(p.count());
      if constexpr (std::is_same_v<Point, metrics_pb::SummaryDataPoint>) {
        r->sum = p.sum();
      } else {
        r->sum = p.has_sum() ? p.sum() : 0;
      }
    }
  }

  void reject(std::string_view why) { out_.rejected.add("metric '" + short_text(base_.name) + "': " + std::string(why)); }

 private:
  template <class Point>
  metric_point_record* start(const Point& p) {
    if (p.time_unix_nano() == 0) {
      reject("data point has no time");
      return nullptr;
    }
    metric_point_record& r = out_.points.emplace_back(base_);
    r.start_time_ns = unix_nanos(p.start_time_unix_nano());
    r.time_ns = unix_nanos(p.time_unix_nano());
    r.attributes_json = key_values_json_text(p.attributes());
    return &r;
  }

  metric_batch& out_;
  const metric_point_record& base_;
};

int temporality(int t) { return t >= 0 && t <= 2 ? t : 0; }

int point_count(const metrics_pb::Metric& m) {
  switch (m.data_case()) {
    case metrics_pb::Metric::kGauge: return m.gauge().data_points_size();
    case metrics_pb::Metric::kSum: return m.sum().data_points_size();
    case metrics_pb::Metric::kHistogram: return m.histogram().data_points_size();
    case metrics_pb::Metric::kExponentialHistogram: return m.exponential_histogram().data_points_size();
    case metrics_pb::Metric::kSummary: return m.summary().data_points_size();
    case metrics_pb::Metric::DATA_NOT_SET: break;
  }
  return 0;
}

}  // namespace

metric_batch metric_points_from_request(
    const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request) {
  metric_batch out;
  for (const auto& rm : request.resource_metrics()) {
    const resource_fields res = read_resource(rm.resource());
    for (const auto& sm : rm.scope_metrics()) {
      for (const auto& m : sm.metrics()) {
        metric_point_record base;
        base.name = m.name();
        base.description = m.description();
        base.unit = m.unit();
        base.service_name = res.service_name;
        base.environment = res.environment;
        base.scope_name = sm.scope().name();
        base.resource_json = res.resource_json;
        metric_reader reader(out, base);
        if (m.name().empty()) {
          for (int i = point_count(m); i > 0; --i) reader.reject("metric has no name");
          continue;
        }
        switch (m.data_case()) {
          case metrics_pb::Metric::kGauge:
            base.type = metric_type::gauge;
            reader.number_points(m.gauge().data_points());
            break;
          case metrics_pb::Metric::kSum:
            base.type = metric_type::sum;
            base.aggregation_temporality = temporality(m.sum().aggregation_temporality());
            base.is_monotonic = m.sum().is_monotonic();
            reader.number_points(m.sum().data_points());
            break;
          case metrics_pb::Metric::kHistogram:
            base.type = metric_type::histogram;
            base.aggregation_temporality = temporality(m.histogram().aggregation_temporality());
            reader.distribution_points(m.histogram().data_points());
            break;
          case metrics_pb::Metric::kExponentialHistogram:
            base.type = metric_type::exponential_histogram;
            base.aggregation_temporality = temporality(m.exponential_histogram().aggregation_temporality());
            reader.distribution_points(m.exponential_histogram().data_points());
            break;
          case metrics_pb::Metric::kSummary:
            base.type = metric_type::summary;
            reader.distribution_points(m.summary().data_points());
            break;
          case metrics_pb::Metric::DATA_NOT_SET: break;  // no points: nothing to store or reject
        }
      }
    }
  }
  return out;
}

result<metric_batch> decode_metrics(std::string_view body, body_encoding encoding) {
  google::protobuf::Arena arena;
  auto* request = google::protobuf::Arena::CreateMessage<
      opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest>(&arena);
  if (status s = parse_body(body, encoding, *request); !s) return s.err();
  return metric_points_from_request(*request);
}

}  // namespace brokle::telemetry::otlp
