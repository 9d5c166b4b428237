#include "telemetry/otlp/logs_decoder.hpp"

#include <gtest/gtest.h>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"

namespace brokle::telemetry::otlp {
namespace {

using opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest;
using opentelemetry::proto::logs::v1::LogRecord;

constexpr int64_t received = 1700000000000000000;

LogRecord* add_log(ExportLogsServiceRequest& req, const std::string& body) {
  if (req.resource_logs_size() == 0) {
    auto* rl = req.add_resource_logs();
    auto* kv = rl->mutable_resource()->add_attributes();
    kv->set_key("service.name");
    kv->mutable_value()->set_string_value("worker");
    rl->add_scope_logs()->mutable_scope()->set_name("app.logger");
  }
  LogRecord* l = req.mutable_resource_logs(0)->mutable_scope_logs(0)->add_log_records();
  l->mutable_body()->set_string_value(body);
  return l;
}

log_batch decode_ok(const ExportLogsServiceRequest& req) {
  auto r = decode_logs(req.SerializeAsString(), body_encoding::protobuf, received);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.err().message);
  return r.ok() ? std::move(r).value() : log_batch{};
}

TEST(otlp_logs_decoder, maps_a_log_record) {
  ExportLogsServiceRequest req;
  LogRecord* l = add_log(req, "payment failed");
  l->set_time_unix_nano(1544712660300000000ull);
  l->set_observed_time_unix_nano(1544712660400000000ull);
  l->set_severity_number(opentelemetry::proto::logs::v1::SEVERITY_NUMBER_ERROR);
  l->set_severity_text("ERROR");
  l->set_trace_id(std::string("\x5b\x8e\xff\xf7\x98\x03\x81\x03\xd2\x69\xb6\x33\x81\x3f\xc6\x0c", 16));
  l->set_span_id(std::string("\xee\xe1\x9b\x7e\xc3\xc1\xb1\x74", 8));
  l->set_event_name("payment.failure");
  auto* kv = l->add_attributes();
  kv->set_key("order");
  kv->mutable_value()->set_int_value(42);

  const log_batch b = decode_ok(req);
  ASSERT_EQ(b.logs.size(), 1u);
  const auto& r = b.logs[0];
  EXPECT_EQ(r.id, "");
  EXPECT_EQ(r.time_ns, 1544712660300000000);
  EXPECT_EQ(r.observed_time_ns, 1544712660400000000);
  EXPECT_EQ(r.severity_number, 17);
  EXPECT_EQ(r.severity_text, "ERROR");
  EXPECT_EQ(r.body, "payment failed");
  EXPECT_EQ(r.trace_id, "5b8efff798038103d269b633813fc60c");
  EXPECT_EQ(r.span_id, "eee19b7ec3c1b174");
  EXPECT_EQ(r.service_name, "worker");
  EXPECT_EQ(r.scope_name, "app.logger");
  EXPECT_EQ(r.attributes_json, R"({"order":42,"event.name":"payment.failure"})");
  EXPECT_EQ(r.resource_json, R"({"service.name":"worker"})");
}

TEST(otlp_logs_decoder, missing_times_fall_back_to_observed_then_received) {
  ExportLogsServiceRequest req;
  add_log(req, "no times");
  add_log(req, "observed only")->set_observed_time_unix_nano(5);
  const log_batch b = decode_ok(req);
  ASSERT_EQ(b.logs.size(), 2u);
  EXPECT_EQ(b.logs[0].observed_time_ns, received);
  EXPECT_EQ(b.logs[0].time_ns, received);
  EXPECT_EQ(b.logs[1].observed_time_ns, 5);
  EXPECT_EQ(b.logs[1].time_ns, 5);
}

TEST(otlp_logs_decoder, structured_bodies_become_json_text) {
  ExportLogsServiceRequest req;
  LogRecord* l = add_log(req, "");
  auto* kv = l->mutable_body()->mutable_kvlist_value()->add_values();
  kv->set_key("user");
  kv->mutable_value()->set_bool_value(true);
  add_log(req, "")->clear_body();
  const log_batch b = decode_ok(req);
  ASSERT_EQ(b.logs.size(), 2u);
  EXPECT_EQ(b.logs[0].body, R"({"user":true})");
  EXPECT_EQ(b.logs[1].body, "");
}

TEST(otlp_logs_decoder, ids_are_optional_but_must_be_well_formed) {
  ExportLogsServiceRequest req;
  add_log(req, "zero ids")->set_trace_id(std::string(16, '\0'));
  add_log(req, "bad trace")->set_trace_id("abc");
  add_log(req, "bad span")->set_span_id(std::string(16, '\x01'));
  add_log(req, "fine");
  const log_batch b = decode_ok(req);
  ASSERT_EQ(b.logs.size(), 2u);
  EXPECT_EQ(b.logs[0].body, "zero ids");
  EXPECT_EQ(b.logs[0].trace_id, "");
  EXPECT_EQ(b.logs[1].body, "fine");
  EXPECT_EQ(b.rejected.count(), 2);
  EXPECT_NE(b.rejected.message().find("log record 'bad trace': trace id"), std::string::npos) << b.rejected.message();
}

TEST(otlp_logs_decoder, decodes_the_spec_json_example) {
  const std::string body = R"({"resourceLogs":[{
    "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"my.service"}}]},
    "scopeLogs":[{"scope":{"name":"my.library","version":"1.0.0"},
      "logRecords":[{
        "timeUnixNano":"1544712660300000000","observedTimeUnixNano":"1544712660300000000",
        "severityNumber":10,"severityText":"Information",
        "traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174",
        "body":{"stringValue":"Example log record"},
        "attributes":[
          {"key":"string.attribute","value":{"stringValue":"some string"}},
          {"key":"boolean.attribute","value":{"boolValue":true}},
          {"key":"int.attribute","value":{"intValue":"10"}},
          {"key":"double.attribute","value":{"doubleValue":637.704}},
          {"key":"array.attribute","value":{"arrayValue":{"values":[{"stringValue":"many"},{"stringValue":"values"}]}}},
          {"key":"map.attribute","value":{"kvlistValue":{"values":[{"key":"some.map.key","value":{"stringValue":"some value"}}]}}}
        ]}]}]}]})";
  auto r = decode_logs(body, body_encoding::json, received);
  ASSERT_TRUE(r.ok()) << r.err().message;
  ASSERT_EQ(r->logs.size(), 1u);
  const auto& l = r->logs[0];
  EXPECT_EQ(l.time_ns, 1544712660300000000);
  EXPECT_EQ(l.severity_number, 10);
  EXPECT_EQ(l.body, "Example log record");
  EXPECT_EQ(l.trace_id, "5b8efff798038103d269b633813fc60c");
  EXPECT_EQ(l.attributes_json,
            R"({"string.attribute":"some string","boolean.attribute":true,"int.attribute":10,"double.attribute":637.704,)"
            R"("array.attribute":["many","values"],"map.attribute":{"some.map.key":"some value"}})");
}

TEST(otlp_logs_decoder, garbage_fails_the_whole_request) {
  auto r = decode_logs(std::string("\x0a\xff\x01", 3), body_encoding::protobuf, received);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().code, errc::invalid_argument);
  auto j = decode_logs(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":"text"}]}]}]})", body_encoding::json, received);
  ASSERT_FALSE(j.ok());  // body is an AnyValue object, not a bare string
}

}  // namespace
}  // namespace brokle::telemetry::otlp
