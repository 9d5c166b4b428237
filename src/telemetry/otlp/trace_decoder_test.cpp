#include "telemetry/otlp/trace_decoder.hpp"

#include <gtest/gtest.h>

#include <google/protobuf/stubs/logging.h>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace brokle::telemetry::otlp {
namespace {

using opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using opentelemetry::proto::trace::v1::Span;

const std::string trace_bytes("\x5b\x8e\xff\xf7\x98\x03\x81\x03\xd2\x69\xb6\x33\x81\x3f\xc6\x0c", 16);
const std::string span_bytes("\xee\xe1\x9b\x7e\xc3\xc1\xb1\x74", 8);
const std::string parent_bytes("\xee\xe1\x9b\x7e\xc3\xc1\xb1\x73", 8);

void set_string_attr(opentelemetry::proto::common::v1::KeyValue* kv, const std::string& key, const std::string& value) {
  kv->set_key(key);
  kv->mutable_value()->set_string_value(value);
}

Span* add_span(ExportTraceServiceRequest& req, const std::string& name) {
  if (req.resource_spans_size() == 0) {
    auto* rs = req.add_resource_spans();
    set_string_attr(rs->mutable_resource()->add_attributes(), "service.name", "checkout");
    set_string_attr(rs->mutable_resource()->add_attributes(), "deployment.environment.name", "prod");
    auto* ss = rs->add_scope_spans();
    ss->mutable_scope()->set_name("brokle.test");
    ss->mutable_scope()->set_version("1.2.3");
  }
  Span* s = req.mutable_resource_spans(0)->mutable_scope_spans(0)->add_spans();
  s->set_trace_id(trace_bytes);
  s->set_span_id(span_bytes);
  s->set_name(name);
  return s;
}

span_batch decode_ok(const ExportTraceServiceRequest& req) {
  auto r = decode_traces(req.SerializeAsString(), body_encoding::protobuf);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.err().message);
  return r.ok() ? std::move(r).value() : span_batch{};
}

TEST(otlp_trace_decoder, maps_every_span_field_from_protobuf) {
  ExportTraceServiceRequest req;
  Span* s = add_span(req, "GET /cart");
  s->set_parent_span_id(parent_bytes);
  s->set_trace_state("vendor=1");
  s->set_kind(Span::SPAN_KIND_SERVER);
  s->set_start_time_unix_nano(1544712660000000000ull);
  s->set_end_time_unix_nano(1544712661000000000ull);
  s->mutable_status()->set_code(opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
  s->mutable_status()->set_message("boom");
  set_string_attr(s->add_attributes(), "http.method", "GET");
  auto* count = s->add_attributes();
  count->set_key("items");
  count->mutable_value()->set_int_value(9007199254740993);  // 2^53 + 1: must survive exactly
  auto* ev = s->add_events();
  ev->set_time_unix_nano(1544712660500000000ull);
  ev->set_name("exception");
  set_string_attr(ev->add_attributes(), "exception.type", "E");
  auto* link = s->add_links();
  link->set_trace_id(trace_bytes);
  link->set_span_id(parent_bytes);
  auto* bad_link = s->add_links();  // dropped: links only decorate a span
  bad_link->set_trace_id("short");
  bad_link->set_span_id(span_bytes);

  const span_batch b = decode_ok(req);
  ASSERT_EQ(b.spans.size(), 1u);
  EXPECT_TRUE(b.rejected.empty());
  const auto& r = b.spans[0];
  EXPECT_EQ(r.project_id, "");
  EXPECT_EQ(r.trace_id, "5b8efff798038103d269b633813fc60c");
  EXPECT_EQ(r.span_id, "eee19b7ec3c1b174");
  EXPECT_EQ(r.parent_span_id, "eee19b7ec3c1b173");
  EXPECT_EQ(r.trace_state, "vendor=1");
  EXPECT_EQ(r.name, "GET /cart");
  EXPECT_EQ(r.kind, storage::span_kind::server);
  EXPECT_EQ(r.start_ns, 1544712660000000000);
  EXPECT_EQ(r.duration_ns(), 1000000000);
  EXPECT_EQ(r.status, storage::span_status::error);
  EXPECT_EQ(r.status_message, "boom");
  EXPECT_EQ(r.service_name, "checkout");
  EXPECT_EQ(r.environment, "prod");
  EXPECT_EQ(r.scope_name, "brokle.test");
  EXPECT_EQ(r.scope_version, "1.2.3");
  EXPECT_EQ(r.attributes_json, R"({"http.method":"GET","items":9007199254740993})");
  EXPECT_EQ(r.resource_json, R"({"service.name":"checkout","deployment.environment.name":"prod"})");
  EXPECT_EQ(r.events_json, R"([{"time_ns":1544712660500000000,"name":"exception","attributes":{"exception.type":"E"}}])");
  EXPECT_EQ(r.links_json, R"([{"trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b173","attributes":{}}])");
}

TEST(otlp_trace_decoder, defaults_service_and_reads_the_old_environment_key) {
  ExportTraceServiceRequest req;
  auto* rs = req.add_resource_spans();
  set_string_attr(rs->mutable_resource()->add_attributes(), "deployment.environment", "staging");
  auto* s = rs->add_scope_spans()->add_spans();
  s->set_trace_id(trace_bytes);
  s->set_span_id(span_bytes);
  s->set_parent_span_id(std::string(8, '\0'));  // all-zero parent: a root span
  const span_batch b = decode_ok(req);
  ASSERT_EQ(b.spans.size(), 1u);
  EXPECT_EQ(b.spans[0].service_name, "unknown_service");
  EXPECT_EQ(b.spans[0].environment, "staging");
  EXPECT_EQ(b.spans[0].parent_span_id, "");
  EXPECT_EQ(b.spans[0].kind, storage::span_kind::unspecified);
}

TEST(otlp_trace_decoder, rejects_spans_with_invalid_ids_and_keeps_the_rest) {
  ExportTraceServiceRequest req;
  add_span(req, "good");
  add_span(req, "short trace")->set_trace_id(trace_bytes.substr(0, 15));
  add_span(req, "zero trace")->set_trace_id(std::string(16, '\0'));
  add_span(req, "no span id")->set_span_id("");
  add_span(req, "zero span")->set_span_id(std::string(8, '\0'));
  add_span(req, "long parent")->set_parent_span_id(trace_bytes);
  add_span(req, "good too");

  const span_batch b = decode_ok(req);
  ASSERT_EQ(b.spans.size(), 2u);
  EXPECT_EQ(b.spans[0].name, "good");
  EXPECT_EQ(b.spans[1].name, "good too");
  EXPECT_EQ(b.rejected.count(), 5);
  const std::string m = b.rejected.message();
  EXPECT_NE(m.find("span 'short trace': trace id must be 16 bytes"), std::string::npos) << m;
  EXPECT_NE(m.find("span 'zero span': span id must be 8 bytes"), std::string::npos) << m;
  EXPECT_NE(m.find("span 'long parent': parent span id"), std::string::npos) << m;
}

TEST(otlp_trace_decoder, bounds_the_rejection_message) {
  ExportTraceServiceRequest req;
  for (int i = 0; i < 50; ++i) add_span(req, std::string(1000, 'x'))->set_span_id("");
  const span_batch b = decode_ok(req);
  EXPECT_EQ(b.spans.size(), 0u);
  EXPECT_EQ(b.rejected.count(), 50);
  EXPECT_LT(b.rejected.message().size(), 1000u);
  EXPECT_NE(b.rejected.message().find("and 45 more"), std::string::npos);
}

TEST(otlp_trace_decoder, truncated_or_garbage_protobuf_fails_the_whole_request) {
  ExportTraceServiceRequest req;
  set_string_attr(add_span(req, "a span with a name long enough to cut")->add_attributes(), "k", "v");
  const std::string wire = req.SerializeAsString();
  for (size_t cut : {wire.size() - 1, wire.size() / 2, size_t{3}}) {
    auto r = decode_traces(std::string_view(wire).substr(0, cut), body_encoding::protobuf);
    ASSERT_FALSE(r.ok()) << "cut at " << cut;
    EXPECT_EQ(r.err().code, errc::invalid_argument);
  }
  for (std::string garbage : {std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11), std::string("{\"resourceSpans\":[]}"),
                              std::string("\x0a\x05\x12\x03\x0c", 5) /* a stray end-group tag */}) {
    auto r = decode_traces(garbage, body_encoding::protobuf);
    ASSERT_FALSE(r.ok()) << garbage;
    EXPECT_EQ(r.err().code, errc::invalid_argument);
  }
}

TEST(otlp_trace_decoder, invalid_utf8_in_a_protobuf_string_fails_the_whole_request) {
  // proto3 strings must be UTF-8; libprotobuf refuses the parse (and logs, silenced here), so
  // nothing that is not UTF-8 can reach the stored JSON.
  auto* previous = google::protobuf::SetLogHandler(nullptr);
  ExportTraceServiceRequest req;
  set_string_attr(add_span(req, "utf8")->add_attributes(), "k", "bad \xff byte");
  std::string wire;
  req.SerializeToString(&wire);
  auto r = decode_traces(wire, body_encoding::protobuf);
  google::protobuf::SetLogHandler(previous);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().code, errc::invalid_argument);
}

TEST(otlp_trace_decoder, empty_body_is_an_empty_request) {
  auto r = decode_traces("", body_encoding::protobuf);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->spans.empty());
  EXPECT_TRUE(r->rejected.empty());
}

TEST(otlp_trace_decoder, too_deep_attribute_nesting_fails) {
  ExportTraceServiceRequest req;
  auto* v = add_span(req, "deep")->add_attributes();
  v->set_key("deep");
  auto* any = v->mutable_value();
  for (int i = 0; i < 200; ++i) any = any->mutable_array_value()->add_values();
  any->set_int_value(1);
  auto r = decode_traces(req.SerializeAsString(), body_encoding::protobuf);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().code, errc::invalid_argument);
}

TEST(otlp_trace_decoder, decodes_the_spec_json_example) {
  // The shape of opentelemetry-proto's examples/trace.json: upper-case hex ids, string int64 times.
  const std::string body = R"({
    "resourceSpans": [{
      "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "my.service"}}]},
      "scopeSpans": [{
        "scope": {"name": "my.library", "version": "1.0.0",
                  "attributes": [{"key": "my.scope.attribute", "value": {"stringValue": "some scope attribute"}}]},
        "spans": [{
          "traceId": "5B8EFFF798038103D269B633813FC60C",
          "spanId": "EEE19B7EC3C1B174",
          "parentSpanId": "EEE19B7EC3C1B173",
          "name": "I'm a server span",
          "startTimeUnixNano": "1544712660000000000",
          "endTimeUnixNano": 1544712661000000000,
          "kind": 2,
          "status": {"code": 2, "message": "failed"},
          "attributes": [{"key": "my.span.attr", "value": {"stringValue": "some value"}},
                         {"key": "count", "value": {"intValue": "9007199254740993"}}],
          "events": [{"timeUnixNano": "1544712660500000000", "name": "e1"}],
          "links": [{"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "0000000000000001"}],
          "someFutureField": {"nested": [1, 2, 3]}
        }]
      }]
    }]
  })";
  auto r = decode_traces(body, body_encoding::json);
  ASSERT_TRUE(r.ok()) << r.err().message;
  ASSERT_EQ(r->spans.size(), 1u);
  const auto& s = r->spans[0];
  EXPECT_EQ(s.trace_id, "5b8efff798038103d269b633813fc60c");
  EXPECT_EQ(s.span_id, "eee19b7ec3c1b174");
  EXPECT_EQ(s.parent_span_id, "eee19b7ec3c1b173");
  EXPECT_EQ(s.name, "I'm a server span");
  EXPECT_EQ(s.kind, storage::span_kind::server);
  EXPECT_EQ(s.start_ns, 1544712660000000000);
  EXPECT_EQ(s.end_ns, 1544712661000000000);
  EXPECT_EQ(s.status, storage::span_status::error);
  EXPECT_EQ(s.status_message, "failed");
  EXPECT_EQ(s.service_name, "my.service");
  EXPECT_EQ(s.scope_name, "my.library");
  EXPECT_EQ(s.attributes_json, R"({"my.span.attr":"some value","count":9007199254740993})");
  EXPECT_EQ(s.events_json, R"([{"time_ns":1544712660500000000,"name":"e1","attributes":{}}])");
  EXPECT_EQ(s.links_json, R"([{"trace_id":"5b8efff798038103d269b633813fc60c","span_id":"0000000000000001","attributes":{}}])");
}

TEST(otlp_trace_decoder, json_ids_that_are_not_hex_reject_only_their_span) {
  const std::string body = R"({"resourceSpans":[{"scopeSpans":[{"spans":[
    {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"ok"},
    {"traceId":"zz8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"not hex"},
    {"traceId":"5b8efff798038103d269b633813fc60","spanId":"eee19b7ec3c1b174","name":"odd length"},
    {"traceId":"5b8efff798038103d269b633813fc6","spanId":"eee19b7ec3c1b174","name":"15 bytes"},
    {"traceId":"W44P95gDgQPSabYzgT/GDA==","spanId":"eee19b7ec3c1b174","name":"base64"},
    {"traceId":"5b8efff798038103d269b633813fc60c","name":"no span id"}
  ]}]}]})";
  auto r = decode_traces(body, body_encoding::json);
  ASSERT_TRUE(r.ok()) << r.err().message;
  ASSERT_EQ(r->spans.size(), 1u);
  EXPECT_EQ(r->spans[0].name, "ok");
  EXPECT_EQ(r->rejected.count(), 5);
}

TEST(otlp_trace_decoder, invalid_json_fails_the_whole_request) {
  for (const char* body : {"", "{", "[]", "null", R"({"resourceSpans": {}})",
                           R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":[2]}]}]}]})",
                           R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"12abc"}]}]}]})",
                           R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":-1}]}]}]})",
                           R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"name":7}]}]}]})"}) {
    auto r = decode_traces(body, body_encoding::json);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.err().code, errc::invalid_argument) << body;
  }
}

TEST(otlp_trace_decoder, json_error_names_the_field) {
  auto r = decode_traces(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{},{"kind":true}]}]}]})", body_encoding::json);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.err().message.find("resourceSpans[0].scopeSpans[0].spans[1].kind"), std::string::npos) << r.err().message;
}

TEST(otlp_trace_decoder, protobuf_and_json_of_the_same_request_agree) {
  ExportTraceServiceRequest req;
  Span* s = add_span(req, "same");
  s->set_kind(Span::SPAN_KIND_CLIENT);
  s->set_start_time_unix_nano(1);
  s->set_end_time_unix_nano(18446744073709551615ull);  // past int64: saturates
  set_string_attr(s->add_attributes(), "a", "b");
  const std::string json = R"({"resourceSpans":[{"resource":{"attributes":[
      {"key":"service.name","value":{"stringValue":"checkout"}},
      {"key":"deployment.environment.name","value":{"stringValue":"prod"}}]},
    "scopeSpans":[{"scope":{"name":"brokle.test","version":"1.2.3"},"spans":[{
      "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"same","kind":3,
      "startTimeUnixNano":"1","endTimeUnixNano":"18446744073709551615",
      "attributes":[{"key":"a","value":{"stringValue":"b"}}]}]}]}]})";
  auto from_pb = decode_ok(req);
  auto from_json = decode_traces(json, body_encoding::json);
  ASSERT_TRUE(from_json.ok()) << from_json.err().message;
  ASSERT_EQ(from_pb.spans.size(), 1u);
  ASSERT_EQ(from_json->spans.size(), 1u);
  const auto& a = from_pb.spans[0];
  const auto& b = from_json->spans[0];
  EXPECT_EQ(a.trace_id, b.trace_id);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.start_ns, b.start_ns);
  EXPECT_EQ(a.end_ns, INT64_MAX);
  EXPECT_EQ(a.end_ns, b.end_ns);
  EXPECT_EQ(a.attributes_json, b.attributes_json);
  EXPECT_EQ(a.resource_json, b.resource_json);
  EXPECT_EQ(a.scope_version, b.scope_version);
}

TEST(otlp_trace_decoder, spans_from_request_serves_an_already_parsed_request) {
  ExportTraceServiceRequest req;
  add_span(req, "grpc");
  const span_batch b = spans_from_request(req);
  ASSERT_EQ(b.spans.size(), 1u);
  EXPECT_EQ(b.spans[0].name, "grpc");
}

}  // namespace
}  // namespace brokle::telemetry::otlp
