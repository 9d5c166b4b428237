// Guards our hand-written .proto files against drifting from the OTLP wire format: a few field
// numbers that matter most, checked through the generated descriptors, and the gRPC service names
// clients call.
#include <gtest/gtest.h>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace {

int number_of(const google::protobuf::Descriptor* d, const std::string& field) {
  const auto* f = d->FindFieldByName(field);
  return f == nullptr ? -1 : f->number();
}

TEST(otlp_proto_schema, field_numbers_match_the_wire_format) {
  const auto* span = opentelemetry::proto::trace::v1::Span::descriptor();
  EXPECT_EQ(number_of(span, "trace_id"), 1);
  EXPECT_EQ(number_of(span, "parent_span_id"), 4);
  EXPECT_EQ(number_of(span, "flags"), 16);
  EXPECT_EQ(number_of(span, "start_time_unix_nano"), 7);
  EXPECT_EQ(number_of(span, "status"), 15);
  EXPECT_EQ(span->FindFieldByName("start_time_unix_nano")->type(), google::protobuf::FieldDescriptor::TYPE_FIXED64);
  EXPECT_EQ(number_of(opentelemetry::proto::trace::v1::Status::descriptor(), "code"), 3);
  const auto* log = opentelemetry::proto::logs::v1::LogRecord::descriptor();
  EXPECT_EQ(number_of(log, "observed_time_unix_nano"), 11);
  EXPECT_EQ(number_of(log, "trace_id"), 9);
  EXPECT_EQ(number_of(log, "event_name"), 12);
  const auto* metric = opentelemetry::proto::metrics::v1::Metric::descriptor();
  EXPECT_EQ(number_of(metric, "sum"), 7);
  EXPECT_EQ(number_of(metric, "summary"), 11);
  EXPECT_EQ(number_of(opentelemetry::proto::metrics::v1::NumberDataPoint::descriptor(), "as_int"), 6);
  EXPECT_EQ(number_of(opentelemetry::proto::metrics::v1::HistogramDataPoint::descriptor(), "attributes"), 9);
  const auto* any = opentelemetry::proto::common::v1::AnyValue::descriptor();
  EXPECT_EQ(number_of(any, "kvlist_value"), 6);
  EXPECT_EQ(number_of(any, "bytes_value"), 7);
}

TEST(otlp_proto_schema, services_have_the_names_exporters_call) {
  const auto* trace = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest::descriptor()->file();
  ASSERT_NE(trace->FindServiceByName("TraceService"), nullptr);
  EXPECT_EQ(trace->FindServiceByName("TraceService")->FindMethodByName("Export")->full_name(),
            "opentelemetry.proto.collector.trace.v1.TraceService.Export");
  const auto* logs = opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest::descriptor()->file();
  EXPECT_NE(logs->FindServiceByName("LogsService"), nullptr);
  const auto* metrics = opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest::descriptor()->file();
  EXPECT_NE(metrics->FindServiceByName("MetricsService"), nullptr);
  opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceResponse response;
  response.mutable_partial_success()->set_rejected_data_points(3);
  EXPECT_EQ(response.partial_success().rejected_data_points(), 3);
}

}  // namespace
