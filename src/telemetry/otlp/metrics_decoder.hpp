// OTLP metrics (ExportMetricsServiceRequest) into metric_point_records: one record per data point
// of a Gauge, Sum, Histogram, ExponentialHistogram or Summary. Gauges and sums keep their value,
// the others count and sum (buckets and quantiles are not kept). A point is rejected, and counted,
// when its metric has no name, it has no time, or a number point has no value; a point flagged
// "no recorded value" is skipped without being counted as rejected.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "storage/telemetry_records.hpp"
#include "telemetry/otlp/otlp_decoder.hpp"

namespace opentelemetry::proto::collector::metrics::v1 {
class ExportMetricsServiceRequest;
}

namespace brokle::telemetry::otlp {

struct metric_batch {
  std::vector<storage::metric_point_record> points;  // project_id empty: the caller fills it
  rejections rejected;                               // -> ExportMetricsPartialSuccess (data points)
};

metric_batch metric_points_from_request(
    const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request);

result<metric_batch> decode_metrics(std::string_view body, body_encoding encoding);

}  // namespace brokle::telemetry::otlp
