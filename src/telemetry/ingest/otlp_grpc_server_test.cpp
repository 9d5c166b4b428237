// The OTLP/gRPC server against a real ingest pipeline over an in-memory writer, called with the
// generated gRPC client stubs (what OpenTelemetry exporters use on the wire).
#include "telemetry/ingest/otlp_grpc_server.hpp"

#include <google/protobuf/any.pb.h>
#include <google/protobuf/duration.pb.h>
#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>

#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "storage/sqlite/sqlite_test_support.hpp"
#include "telemetry/ingest/ingest_service.hpp"
#include "telemetry/otlp/otlp_responses.hpp"

namespace brokle::telemetry {
namespace {

namespace fs = std::filesystem;
namespace trace_v1 = opentelemetry::proto::collector::trace::v1;
namespace logs_v1 = opentelemetry::proto::collector::logs::v1;
namespace metrics_v1 = opentelemetry::proto::collector::metrics::v1;
using namespace std::chrono_literals;

// A store that records what it commits, and can be held (a slow disk: the queue fills behind it)
// or told to fail (a store that is down).
class gated_writer : public storage::telemetry_writer {
 public:
  status write(const storage::telemetry_batch& b) override {
    std::unique_lock lock(mu_);
    ++entered_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return !held_; });
    if (failing_) return make_error(errc::unavailable, "disk I/O error");
    spans_.insert(spans_.end(), b.spans.begin(), b.spans.end());
    logs_.insert(logs_.end(), b.logs.begin(), b.logs.end());
    metrics_.insert(metrics_.end(), b.metrics.begin(), b.metrics.end());
    return ok_v;
  }

  void hold() {
    std::lock_guard lock(mu_);
    held_ = true;
  }
  void release() {
    std::lock_guard lock(mu_);
    held_ = false;
    changed_.notify_all();
  }
  void fail() {
    std::lock_guard lock(mu_);
    failing_ = true;
  }
  // Waits until write() has been entered `n` times in all.
  bool wait_entered(int n) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, 10s, [&] { return entered_ >= n; });
  }
  std::vector<storage::span_record> spans() {
    std::lock_guard lock(mu_);
    return spans_;
  }
  std::vector<storage::log_record> logs() {
    std::lock_guard lock(mu_);
    return logs_;
  }
  std::vector<storage::metric_point_record> metrics() {
    std::lock_guard lock(mu_);
    return metrics_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  bool held_ = false;
  bool failing_ = false;
  int entered_ = 0;
  std::vector<storage::span_record> spans_;
  std::vector<storage::log_record> logs_;
  std::vector<storage::metric_point_record> metrics_;
};

constexpr std::string_view good_key = "bk_test_key";

project_scope project(std::string id) { return scope_factory_for_tests::project("org", std::move(id)); }

result<project_scope> authenticate(std::string_view key) {
  if (key == good_key) return project("p-key");
  return make_error(errc::unauthenticated, "invalid API key");
}

std::string bytes(size_t n, char fill) { return std::string(n, fill); }

trace_v1::ExportTraceServiceRequest spans_request(int n, std::string attribute = {}) {
  trace_v1::ExportTraceServiceRequest req;
  auto* ss = req.add_resource_spans()->add_scope_spans();
  for (int i = 0; i < n; ++i) {
    auto* s = ss->add_spans();
    s->set_trace_id(bytes(16, '\x11'));
    s->set_span_id(bytes(7, '\x22') + static_cast<char>(i + 1));
    s->set_name("op-" + std::to_string(i));
    s->set_start_time_unix_nano(1'700'000'000'000'000'000ull);
    s->set_end_time_unix_nano(1'700'000'000'100'000'000ull);
    if (!attribute.empty()) {
      auto* kv = s->add_attributes();
      kv->set_key("payload");
      kv->mutable_value()->set_string_value(attribute);
    }
  }
  return req;
}

// A parsed google.rpc.Status with its RetryInfo detail (parsed with protobuf's own readers, not ours).
struct retry_details {
  int64_t code = -1;
  std::string message;
  std::string type_url;
  int64_t seconds = -1;
  int32_t nanos = -1;
};

std::optional<retry_details> parse_retry_details(const std::string& status_bytes) {
  google::protobuf::UnknownFieldSet status;
  if (!status.ParseFromString(status_bytes)) return std::nullopt;
  retry_details out;
  using field = google::protobuf::UnknownField;
  for (int i = 0; i < status.field_count(); ++i) {
    const auto& f = status.field(i);
    if (f.number() == 1 && f.type() == field::TYPE_VARINT) out.code = static_cast<int64_t>(f.varint());
    if (f.number() == 2 && f.type() == field::TYPE_LENGTH_DELIMITED) out.message = f.length_delimited();
    if (f.number() == 3 && f.type() == field::TYPE_LENGTH_DELIMITED) {
      google::protobuf::Any any;
      if (!any.ParseFromString(f.length_delimited())) return std::nullopt;
      out.type_url = any.type_url();
      google::protobuf::UnknownFieldSet retry_info;
      if (!retry_info.ParseFromString(any.value()) || retry_info.field_count() != 1) return std::nullopt;
      google::protobuf::Duration d;
      if (retry_info.field(0).number() != 1 || !d.ParseFromString(retry_info.field(0).length_delimited()))
        return std::nullopt;
      out.seconds = d.seconds();
      out.nanos = d.nanos();
    }
  }
  return out;
}

class otlp_grpc_server_test : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / "brokle-otlp-grpc" / std::to_string(::getpid()) /
                 ::testing::UnitTest::GetInstance()->current_test_info()->name();

  void SetUp() override { fs::remove_all(dir); }
  void TearDown() override {
    writer.release();
    if (server) server->stop(std::chrono::system_clock::now() + 5s);
    server.reset();
    if (pipeline) pipeline->stop();
    fs::remove_all(dir);
  }

  // Starts the pipeline and the server; `tune` adjusts the options first.
  void start(std::function<void(pipeline_options&, otlp_grpc_options&)> tune = {}) {
    pipeline_options po;
    po.dlq_dir = dir / "dlq";
    po.linger = 1ms;
    po.dlq_replay_interval = 1h;
    po.retry_after_ms = 1500;
    otlp_grpc_options so;
    so.bind_address = "127.0.0.1";
    so.port = 0;
    so.authenticate = authenticate;
    if (tune) tune(po, so);
    pipeline = std::make_unique<ingest_pipeline>(writer, po);
    ASSERT_TRUE(pipeline->start());
    ingest = std::make_unique<ingest_service>(*pipeline, ingest_filters{}, nullptr);
    server = std::make_unique<otlp_grpc_server>(*ingest, so);
    auto port = server->start();
    ASSERT_TRUE(port) << port.err().message;
    ASSERT_NE(*port, 0);
    EXPECT_EQ(server->port(), *port);
    channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(*port), grpc::InsecureChannelCredentials());
  }

  // A client context carrying `key` (x-api-key unless bearer) and a deadline.
  static std::unique_ptr<grpc::ClientContext> context(std::string_view key = good_key, bool bearer = false) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + 20s);
    if (!key.empty()) {
      if (bearer)
        ctx->AddMetadata("authorization", "Bearer " + std::string(key));
      else
        ctx->AddMetadata("x-api-key", std::string(key));
    }
    return ctx;
  }

  grpc::Status export_spans(const trace_v1::ExportTraceServiceRequest& req, trace_v1::ExportTraceServiceResponse* resp,
                            std::unique_ptr<grpc::ClientContext> ctx = context()) {
    return trace_v1::TraceService::NewStub(channel)->Export(ctx.get(), req, resp);
  }

  // Starts a span export on another thread (it blocks until the data is durable).
  std::future<grpc::Status> export_spans_async(trace_v1::ExportTraceServiceRequest req) {
    return std::async(std::launch::async, [this, req = std::move(req)] {
      trace_v1::ExportTraceServiceResponse resp;
      return export_spans(req, &resp);
    });
  }

  gated_writer writer;
  std::unique_ptr<ingest_pipeline> pipeline;
  std::unique_ptr<ingest_service> ingest;
  std::unique_ptr<otlp_grpc_server> server;
  std::shared_ptr<grpc::Channel> channel;
};

TEST_F(otlp_grpc_server_test, traces_are_answered_only_once_durable) {
  start();
  writer.hold();
  auto call = export_spans_async(spans_request(2));
  ASSERT_TRUE(writer.wait_entered(1));
  // The store has the rows in hand but has not committed: no answer yet.
  EXPECT_EQ(call.wait_for(300ms), std::future_status::timeout);
  EXPECT_TRUE(writer.spans().empty());
  writer.release();
  auto st = call.get();
  ASSERT_TRUE(st.ok()) << st.error_message();
  auto spans = writer.spans();
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].project_id, "p-key");
  EXPECT_EQ(spans[0].trace_id, std::string(32, '1'));
  auto c = server->counters();
  EXPECT_EQ(c.trace_requests, 1u);
  EXPECT_EQ(c.items_accepted, 2u);
  EXPECT_EQ(c.items_rejected, 0u);
}

TEST_F(otlp_grpc_server_test, logs_and_metrics_are_accepted) {
  start();
  logs_v1::ExportLogsServiceRequest logs;
  auto* lr = logs.add_resource_logs()->add_scope_logs()->add_log_records();
  lr->set_time_unix_nano(1'700'000'000'000'000'000ull);
  lr->set_severity_number(opentelemetry::proto::logs::v1::SEVERITY_NUMBER_INFO);
  lr->mutable_body()->set_string_value("hello from gRPC");
  logs_v1::ExportLogsServiceResponse logs_resp;
  auto ctx = context();
  auto st = logs_v1::LogsService::NewStub(channel)->Export(ctx.get(), logs, &logs_resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_FALSE(logs_resp.has_partial_success());
  ASSERT_EQ(writer.logs().size(), 1u);
  EXPECT_EQ(writer.logs()[0].body, "hello from gRPC");
  EXPECT_EQ(writer.logs()[0].project_id, "p-key");

  metrics_v1::ExportMetricsServiceRequest metrics;
  auto* m = metrics.add_resource_metrics()->add_scope_metrics()->add_metrics();
  m->set_name("queue.depth");
  auto* p = m->mutable_gauge()->add_data_points();
  p->set_time_unix_nano(1'700'000'000'000'000'000ull);
  p->set_as_double(42);
  auto* unnamed = metrics.mutable_resource_metrics(0)->mutable_scope_metrics(0)->add_metrics();  // rejected
  unnamed->mutable_gauge()->add_data_points()->set_as_double(1);
  metrics_v1::ExportMetricsServiceResponse metrics_resp;
  auto ctx2 = context(good_key, /*bearer=*/true);
  st = metrics_v1::MetricsService::NewStub(channel)->Export(ctx2.get(), metrics, &metrics_resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(metrics_resp.partial_success().rejected_data_points(), 1);
  ASSERT_EQ(writer.metrics().size(), 1u);
  EXPECT_EQ(writer.metrics()[0].name, "queue.depth");
  EXPECT_EQ(writer.metrics()[0].value, 42);
  auto c = server->counters();
  EXPECT_EQ(c.log_requests, 1u);
  EXPECT_EQ(c.metric_requests, 1u);
  EXPECT_EQ(c.items_accepted, 2u);
  EXPECT_EQ(c.items_rejected, 1u);
}

TEST_F(otlp_grpc_server_test, a_span_with_a_bad_id_is_a_partial_success) {
  start();
  auto req = spans_request(2);
  req.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(1)->set_span_id("abc");
  trace_v1::ExportTraceServiceResponse resp;
  auto st = export_spans(req, &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_TRUE(resp.has_partial_success());
  EXPECT_EQ(resp.partial_success().rejected_spans(), 1);
  EXPECT_NE(resp.partial_success().error_message().find("span id"), std::string::npos)
      << resp.partial_success().error_message();
  ASSERT_EQ(writer.spans().size(), 1u);
  EXPECT_EQ(writer.spans()[0].name, "op-0");
  EXPECT_EQ(server->counters().items_rejected, 1u);
}

TEST_F(otlp_grpc_server_test, refuses_calls_without_a_key_or_with_a_bad_one) {
  start();
  trace_v1::ExportTraceServiceResponse resp;
  auto missing = export_spans(spans_request(1), &resp, context(""));
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(missing.error_message().find("x-api-key"), std::string::npos);
  auto wrong = export_spans(spans_request(1), &resp, context("bk_wrong"));
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  auto wrong_bearer = export_spans(spans_request(1), &resp, context("bk_wrong", /*bearer=*/true));
  EXPECT_EQ(wrong_bearer.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  auto basic = context("");
  basic->AddMetadata("authorization", "Basic Ymtfd3Jvbmc6");
  EXPECT_EQ(export_spans(spans_request(1), &resp, std::move(basic)).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(writer.spans().empty());
  EXPECT_EQ(server->counters().unauthenticated, 4u);
  EXPECT_EQ(server->counters().trace_requests, 4u);
}

TEST_F(otlp_grpc_server_test, calls_without_a_key_go_to_the_default_project_when_configured) {
  start([](pipeline_options&, otlp_grpc_options& so) { so.default_project = project("p-default"); });
  trace_v1::ExportTraceServiceResponse resp;
  auto st = export_spans(spans_request(1), &resp, context(""));
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_TRUE(export_spans(spans_request(1), &resp, context(good_key)).ok());
  // A bad key is refused even with a default project: a typo must not silently land elsewhere.
  EXPECT_EQ(export_spans(spans_request(1), &resp, context("bk_wrong")).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  auto spans = writer.spans();
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].project_id, "p-default");
  EXPECT_EQ(spans[1].project_id, "p-key");
}

TEST_F(otlp_grpc_server_test, messages_over_the_limit_are_resource_exhausted_even_when_gzipped) {
  start([](pipeline_options&, otlp_grpc_options& so) { so.max_message_bytes = 64 * 1024; });
  trace_v1::ExportTraceServiceResponse resp;
  auto big = spans_request(1, std::string(100 * 1024, 'x'));
  auto st = export_spans(big, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << st.error_message();
  // ~100 KiB of 'x' gzips to well under the limit; the limit applies to the inflated message.
  auto ctx = context();
  ctx->set_compression_algorithm(GRPC_COMPRESS_GZIP);
  auto zipped = export_spans(big, &resp, std::move(ctx));
  EXPECT_EQ(zipped.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << zipped.error_message();
  EXPECT_TRUE(writer.spans().empty());
  // Just under the limit passes.
  ASSERT_TRUE(export_spans(spans_request(1, std::string(60 * 1024, 'x')), &resp).ok());
  EXPECT_EQ(writer.spans().size(), 1u);
}

// Raw bytes through the generic stub, as a broken exporter would send them.
grpc::Status call_raw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method, std::string body,
                      grpc::ByteBuffer& response, std::unique_ptr<grpc::ClientContext> ctx) {
  grpc::GenericStub stub(channel);
  grpc::Slice slice(std::move(body));
  grpc::ByteBuffer request(&slice, 1);
  std::promise<grpc::Status> done;
  stub.UnaryCall(ctx.get(), method, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) { done.set_value(std::move(s)); });
  return done.get_future().get();
}

TEST_F(otlp_grpc_server_test, an_undecodable_message_is_invalid_argument) {
  start();
  const std::string method = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
  grpc::ByteBuffer response;
  // Field 1 (resource_spans) announcing 4 GiB: truncated.
  auto st = call_raw(channel, method, "\x0a\xff\xff\xff\xff\x0f", response, context());
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_code() << " " << st.error_message();
  EXPECT_NE(st.error_message().find("ExportTraceServiceRequest"), std::string::npos) << st.error_message();
  // Nesting deeper than the OTLP decoders accept (max_nesting_depth): arrays in arrays in an attribute.
  auto deep = spans_request(1);
  auto* kv = deep.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->add_attributes();
  kv->set_key("deep");
  auto* v = kv->mutable_value();
  for (int i = 0; i < otlp::max_nesting_depth; ++i) v = v->mutable_array_value()->add_values();
  v->set_int_value(1);
  st = call_raw(channel, method, deep.SerializeAsString(), response, context());
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_code() << " " << st.error_message();
  EXPECT_TRUE(writer.spans().empty());
  EXPECT_EQ(server->counters().invalid, 2u);
  // The same path with a valid message works, and its response is a valid (empty) message.
  st = call_raw(channel, method, spans_request(1).SerializeAsString(), response, context());
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(response.Length(), 0u);
  EXPECT_EQ(writer.spans().size(), 1u);
}

TEST_F(otlp_grpc_server_test, gzip_and_deflate_compressed_calls_are_accepted) {
  start();
  auto ctx = context();
  ctx->set_compression_algorithm(GRPC_COMPRESS_GZIP);
  trace_v1::ExportTraceServiceResponse resp;
  auto st = export_spans(spans_request(3, std::string(4096, 'z')), &resp, std::move(ctx));
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(writer.spans().size(), 3u);
  auto deflated = context();
  deflated->set_compression_algorithm(GRPC_COMPRESS_DEFLATE);
  st = export_spans(spans_request(1, std::string(4096, 'z')), &resp, std::move(deflated));
  ASSERT_TRUE(st.ok()) << st.error_message();
}

TEST_F(otlp_grpc_server_test, a_full_queue_is_unavailable_with_a_retry_info_detail) {
  // The queue counts rows until they are written, the writer's batch included.
  start([](pipeline_options& po, otlp_grpc_options&) { po.max_queued_rows = 6; });
  writer.hold();
  auto first = export_spans_async(spans_request(3));  // taken by the writer, which then blocks
  ASSERT_TRUE(writer.wait_entered(1));
  auto second = export_spans_async(spans_request(3));  // waits in the queue
  for (int i = 0; i < 500 && pipeline->queued_rows() < 6; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(pipeline->queued_rows(), 6u);

  trace_v1::ExportTraceServiceResponse resp;
  auto refused = export_spans(spans_request(3), &resp);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(refused.error_message().find("queue is full"), std::string::npos) << refused.error_message();
  auto details = parse_retry_details(refused.error_details());
  ASSERT_TRUE(details) << "status details are not a google.rpc.Status with RetryInfo";
  EXPECT_EQ(details->code, static_cast<int64_t>(grpc::StatusCode::UNAVAILABLE));
  EXPECT_EQ(details->message, refused.error_message());
  EXPECT_EQ(details->type_url, "type.googleapis.com/google.rpc.RetryInfo");
  EXPECT_EQ(details->seconds, 1);  // pipeline retry_after_ms = 1500
  EXPECT_EQ(details->nanos, 500'000'000);
  EXPECT_EQ(server->counters().unavailable, 1u);

  writer.release();
  EXPECT_TRUE(first.get().ok());
  EXPECT_TRUE(second.get().ok());
  EXPECT_EQ(writer.spans().size(), 6u);
}

TEST_F(otlp_grpc_server_test, data_that_cannot_be_made_durable_is_unavailable) {
  // The store fails and the dead-letter queue has no room: nothing is durable, the client retries.
  start([](pipeline_options& po, otlp_grpc_options&) { po.dlq_max_bytes = 1; });
  writer.fail();
  trace_v1::ExportTraceServiceResponse resp;
  auto st = export_spans(spans_request(1), &resp);
  ASSERT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE) << st.error_message();
  auto details = parse_retry_details(st.error_details());
  ASSERT_TRUE(details);
  EXPECT_EQ(details->seconds, 1);
  EXPECT_EQ(details->nanos, 500'000'000);
}

TEST_F(otlp_grpc_server_test, stop_waits_for_calls_in_flight_to_become_durable) {
  start();
  writer.hold();
  auto call = export_spans_async(spans_request(2));
  ASSERT_TRUE(writer.wait_entered(1));
  auto stopped = std::async(std::launch::async, [&] { server->stop(std::chrono::system_clock::now() + 10s); });
  EXPECT_EQ(stopped.wait_for(300ms), std::future_status::timeout);  // still waiting for the write
  writer.release();
  stopped.get();
  auto st = call.get();
  EXPECT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(writer.spans().size(), 2u);
  // Stopped means stopped: new calls do not connect.
  trace_v1::ExportTraceServiceResponse resp;
  auto ctx = context();
  ctx->set_deadline(std::chrono::system_clock::now() + 1s);
  EXPECT_FALSE(export_spans(spans_request(1), &resp, std::move(ctx)).ok());
}

TEST_F(otlp_grpc_server_test, stop_answers_unavailable_for_calls_not_durable_by_the_deadline) {
  start();
  writer.hold();
  auto call = export_spans_async(spans_request(2));
  ASSERT_TRUE(writer.wait_entered(1));
  auto t0 = std::chrono::steady_clock::now();
  server->stop(std::chrono::system_clock::now() + 300ms);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  auto st = call.get();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE) << st.error_message();
  EXPECT_EQ(server->counters().unavailable, 1u);
  writer.release();  // the late acknowledgement finds the call answered and the server gone
  server.reset();
  pipeline->stop();
  EXPECT_EQ(writer.spans().size(), 2u);
}

TEST_F(otlp_grpc_server_test, a_port_in_use_is_a_clear_error) {
  start();
  otlp_grpc_options so;
  so.bind_address = "127.0.0.1";
  so.port = server->port();
  otlp_grpc_server second(*ingest, so);
  auto r = second.start();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.err().code, errc::unavailable);
  EXPECT_NE(r.err().message.find("127.0.0.1:" + std::to_string(server->port())), std::string::npos) << r.err().message;
  EXPECT_NE(r.err().message.find("in use"), std::string::npos);
  EXPECT_FALSE(server->start());  // not twice either
}

TEST(otlp_status_details, retry_info_round_trips_through_protobuf) {
  auto d = parse_retry_details(otlp::status_with_retry_info(14, "later", 2'250));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->code, 14);
  EXPECT_EQ(d->message, "later");
  EXPECT_EQ(d->type_url, "type.googleapis.com/google.rpc.RetryInfo");
  EXPECT_EQ(d->seconds, 2);
  EXPECT_EQ(d->nanos, 250'000'000);
  auto zero = parse_retry_details(otlp::status_with_retry_info(8, "", -5));
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->seconds, 0);  // an empty Duration: "retry now"
  EXPECT_EQ(zero->nanos, 0);
}

}  // namespace
}  // namespace brokle::telemetry
