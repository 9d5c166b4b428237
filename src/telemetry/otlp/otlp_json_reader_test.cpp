#include "telemetry/otlp/otlp_json_reader.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace brokle::telemetry::otlp {
namespace {

using opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;

const opentelemetry::proto::trace::v1::Span& only_span(const ExportTraceServiceRequest& r) {
  return r.resource_spans(0).scope_spans(0).spans(0);
}

ExportTraceServiceRequest read_span_json(const std::string& span_json) {
  ExportTraceServiceRequest req;
  const status s = read_otlp_json(R"({"resourceSpans":[{"scopeSpans":[{"spans":[)" + span_json + "]}]}]}", req);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.err().message);
  return req;
}

TEST(otlp_json, accepts_snake_case_keys_and_enum_names_like_the_collector) {
  auto req = read_span_json(R"({"trace_id":"5B8EFFF798038103D269B633813FC60C","span_id":"eee19b7ec3c1b174",
      "kind":"SPAN_KIND_CONSUMER","start_time_unix_nano":"5","status":{"code":"STATUS_CODE_OK"}})");
  const auto& s = only_span(req);
  EXPECT_EQ(s.trace_id().size(), 16u);
  EXPECT_EQ(static_cast<unsigned char>(s.trace_id()[0]), 0x5b);
  EXPECT_EQ(s.kind(), opentelemetry::proto::trace::v1::Span::SPAN_KIND_CONSUMER);
  EXPECT_EQ(s.start_time_unix_nano(), 5u);
  EXPECT_EQ(s.status().code(), opentelemetry::proto::trace::v1::Status::STATUS_CODE_OK);
}

TEST(otlp_json, ignores_unknown_fields_unknown_enum_names_and_nulls) {
  auto req = read_span_json(R"({"name":"n","futureField":{"a":[1,{"b":null}]},"kind":"SPAN_KIND_FROM_THE_FUTURE",
                                "parentSpanId":null,"attributes":null})");
  const auto& s = only_span(req);
  EXPECT_EQ(s.name(), "n");
  EXPECT_EQ(s.kind(), 0);
  EXPECT_TRUE(s.parent_span_id().empty());
}

TEST(otlp_json, reads_64_bit_integers_as_numbers_or_strings) {
  auto req = read_span_json(R"({"startTimeUnixNano":18446744073709551615,"endTimeUnixNano":"18446744073709551614",
      "droppedAttributesCount":4294967295,"attributes":[
        {"key":"a","value":{"intValue":"-9223372036854775808"}},
        {"key":"b","value":{"intValue":9223372036854775807}},
        {"key":"c","value":{"intValue":1e3}}]})");
  const auto& s = only_span(req);
  EXPECT_EQ(s.start_time_unix_nano(), 18446744073709551615ull);
  EXPECT_EQ(s.end_time_unix_nano(), 18446744073709551614ull);
  EXPECT_EQ(s.dropped_attributes_count(), 4294967295u);
  EXPECT_EQ(s.attributes(0).value().int_value(), INT64_MIN);
  EXPECT_EQ(s.attributes(1).value().int_value(), INT64_MAX);
  EXPECT_EQ(s.attributes(2).value().int_value(), 1000);
}

TEST(otlp_json, rejects_out_of_range_and_fractional_integers) {
  for (const char* span : {R"({"droppedAttributesCount":4294967296})", R"({"startTimeUnixNano":"-1"})",
                           R"({"attributes":[{"key":"a","value":{"intValue":"9223372036854775808"}}]})",
                           R"({"attributes":[{"key":"a","value":{"intValue":1.5}}]})",
                           R"({"startTimeUnixNano":""})", R"({"startTimeUnixNano":" 5"})"}) {
    ExportTraceServiceRequest req;
    const status s = read_otlp_json(std::string(R"({"resourceSpans":[{"scopeSpans":[{"spans":[)") + span + "]}]}]}", req);
    ASSERT_FALSE(s.ok()) << span;
    EXPECT_EQ(s.err().code, errc::invalid_argument);
  }
}

TEST(otlp_json, reads_doubles_including_the_proto3_special_strings) {
  auto req = read_span_json(R"({"attributes":[{"key":"a","value":{"doubleValue":0.25}},
      {"key":"b","value":{"doubleValue":"NaN"}},{"key":"c","value":{"doubleValue":"-Infinity"}},
      {"key":"d","value":{"doubleValue":3}},{"key":"e","value":{"doubleValue":"2.5"}}]})");
  const auto& a = only_span(req).attributes();
  EXPECT_DOUBLE_EQ(a[0].value().double_value(), 0.25);
  EXPECT_TRUE(std::isnan(a[1].value().double_value()));
  EXPECT_EQ(a[2].value().double_value(), -INFINITY);
  EXPECT_DOUBLE_EQ(a[3].value().double_value(), 3.0);
  EXPECT_DOUBLE_EQ(a[4].value().double_value(), 2.5);
}

TEST(otlp_json, bytes_values_are_base64_but_ids_are_hex) {
  auto req = read_span_json(R"({"spanId":"0102030405060708","attributes":[
      {"key":"raw","value":{"bytesValue":"AAEC/w=="}},{"key":"url","value":{"bytesValue":"AAEC_w"}}]})");
  const auto& s = only_span(req);
  EXPECT_EQ(s.span_id(), std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_EQ(s.attributes(0).value().bytes_value(), std::string("\x00\x01\x02\xff", 4));
  EXPECT_EQ(s.attributes(1).value().bytes_value(), std::string("\x00\x01\x02\xff", 4));

  ExportTraceServiceRequest bad;
  EXPECT_FALSE(read_otlp_json(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[
      {"key":"raw","value":{"bytesValue":"not base64!"}}]}]}]}]})", bad).ok());
}

TEST(otlp_json, log_ids_are_hex_too) {
  opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest req;
  ASSERT_TRUE(read_otlp_json(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[
      {"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","severityNumber":10}]}]}]})", req).ok());
  const auto& l = req.resource_logs(0).scope_logs(0).log_records(0);
  EXPECT_EQ(l.trace_id().size(), 16u);
  EXPECT_EQ(l.span_id().size(), 8u);
  EXPECT_EQ(l.severity_number(), 10);
}

TEST(otlp_json, nesting_is_bounded) {
  std::string deep = R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":)";
  std::string tail;
  for (int i = 0; i < 60; ++i) {
    deep += R"({"arrayValue":{"values":[)";
    tail += "]}}";
  }
  const std::string body = deep + R"({"intValue":1})" + tail + "}]}]}]}]}";
  ExportTraceServiceRequest req;
  const status s = read_otlp_json(body, req);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.err().code, errc::invalid_argument);
}

}  // namespace
}  // namespace brokle::telemetry::otlp
