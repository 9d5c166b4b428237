#include "telemetry/ingest/otlp_grpc_server.hpp"
#include "core/clock.hpp"

#include <google/protobuf/arena.h>
#include <google/protobuf/io/coded_stream.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/server_callback.h>

#include <atomic>
#include <climits>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/log.hpp"
#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "telemetry/ingest/ingest_service.hpp"
#include "telemetry/otlp/logs_decoder.hpp"
#include "telemetry/otlp/metrics_decoder.hpp"
#include "telemetry/otlp/otlp_responses.hpp"
#include "telemetry/otlp/trace_decoder.hpp"

namespace brokle::telemetry {

namespace {

namespace trace_v1 = opentelemetry::proto::collector::trace::v1;
namespace logs_v1 = opentelemetry::proto::collector::logs::v1;
namespace metrics_v1 = opentelemetry::proto::collector::metrics::v1;

grpc::Status retry_status(grpc::StatusCode code, const std::string& message, int64_t retry_after_ms) {
  return grpc::Status(code, message, otlp::status_with_retry_info(static_cast<int>(code), message, retry_after_ms));
}

grpc::Status status_for(const error& e, int64_t default_retry_ms) {
  int64_t retry = e.retry_after_ms > 0 ? e.retry_after_ms : default_retry_ms;
  switch (e.code) {
    case errc::invalid_argument: return {grpc::StatusCode::INVALID_ARGUMENT, e.message};
    case errc::unauthenticated: return {grpc::StatusCode::UNAUTHENTICATED, e.message};
    case errc::permission_denied: return {grpc::StatusCode::PERMISSION_DENIED, e.message};
    case errc::too_large: return {grpc::StatusCode::RESOURCE_EXHAUSTED, e.message};
    // Per OTLP, RESOURCE_EXHAUSTED is retried only when it carries RetryInfo.
    case errc::rate_limited: return retry_status(grpc::StatusCode::RESOURCE_EXHAUSTED, e.message, retry);
    case errc::unavailable: return retry_status(grpc::StatusCode::UNAVAILABLE, e.message, retry);
    case errc::timed_out: return retry_status(grpc::StatusCode::DEADLINE_EXCEEDED, e.message, retry);
    default: return {grpc::StatusCode::INTERNAL, "internal error"};
  }
}

std::string_view metadata_value(const grpc::CallbackServerContext& ctx, std::string_view name) {
  const auto& md = ctx.client_metadata();
  auto it = md.find(grpc::string_ref(name.data(), name.size()));
  if (it == md.end()) return {};
  return {it->second.data(), it->second.size()};
}

// gRPC lower-cases metadata keys; the Bearer scheme name is case-insensitive.
std::string_view presented_key(const grpc::CallbackServerContext& ctx) {
  if (auto key = metadata_value(ctx, "x-api-key"); !key.empty()) return key;
  auto auth = metadata_value(ctx, "authorization");
  constexpr std::string_view scheme = "bearer ";
  if (auth.size() <= scheme.size()) return {};
  for (size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(auth[i])) != scheme[i]) return {};
  auto key = auth.substr(scheme.size());
  while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
  return key;
}

// The services take their messages raw and parse them here: a message gRPC's generated handler
// cannot parse would be answered UNIMPLEMENTED (gRPC 1.51), where OTLP wants INVALID_ARGUMENT.
// Nesting is bounded like every other OTLP body; size is bounded by gRPC (max_message_bytes).
bool parse_request(const grpc::ByteBuffer& raw, google::protobuf::Message& into) {
  grpc::ByteBuffer shared = raw;  // the reader wants a mutable buffer; copying only refs the slices
  grpc::ProtoBufferReader reader(&shared);
  google::protobuf::io::CodedInputStream in(&reader);
  in.SetRecursionLimit(otlp::max_nesting_depth);
  return into.ParseFromCodedStream(&in) && in.ConsumedEntireMessage();
}

// One request's records and what the decoder rejected from it.
struct decoded_export {
  storage::telemetry_batch batch;
  otlp::rejections rejected;
};

decoded_export decode(const trace_v1::ExportTraceServiceRequest& request) {
  auto d = otlp::spans_from_request(request);
  decoded_export out;
  out.batch.spans = std::move(d.spans);
  out.rejected = std::move(d.rejected);
  return out;
}

decoded_export decode(const logs_v1::ExportLogsServiceRequest& request) {
  auto d = otlp::logs_from_request(request, unix_now_ns());
  decoded_export out;
  out.batch.logs = std::move(d.logs);
  out.rejected = std::move(d.rejected);
  return out;
}

decoded_export decode(const metrics_v1::ExportMetricsServiceRequest& request) {
  auto d = otlp::metric_points_from_request(request);
  decoded_export out;
  out.batch.metrics = std::move(d.points);
  out.rejected = std::move(d.rejected);
  return out;
}

void set_partial_success(trace_v1::ExportTraceServiceResponse& r, int64_t rejected, std::string message) {
  r.mutable_partial_success()->set_rejected_spans(rejected);
  r.mutable_partial_success()->set_error_message(std::move(message));
}
void set_partial_success(logs_v1::ExportLogsServiceResponse& r, int64_t rejected, std::string message) {
  r.mutable_partial_success()->set_rejected_log_records(rejected);
  r.mutable_partial_success()->set_error_message(std::move(message));
}
void set_partial_success(metrics_v1::ExportMetricsServiceResponse& r, int64_t rejected, std::string message) {
  r.mutable_partial_success()->set_rejected_data_points(rejected);
  r.mutable_partial_success()->set_error_message(std::move(message));
}

// One Export call from arrival to answer. Answered exactly once: by the pipeline's
// acknowledgement, or by stop() when its deadline passes first (the late acknowledgement then
// finds the call answered and leaves the reactor, which gRPC may have freed, alone).
class export_call {
 public:
  explicit export_call(grpc::ServerUnaryReactor* reactor) : reactor_(reactor) {}
  void answer(const grpc::Status& s) {
    if (!answered_.exchange(true)) reactor_->Finish(s);
  }

 private:
  grpc::ServerUnaryReactor* reactor_;
  std::atomic<bool> answered_{false};
};

// What the services and the pipeline's acknowledgements share. Acknowledgements hold it by
// shared_ptr, so one arriving after the server is gone still finds it.
struct server_state : std::enable_shared_from_this<server_state> {
  server_state(ingest_service& i, otlp_grpc_options o) : ingest(i), opts(std::move(o)) {}

  // Answers one Export call whose messages are a Request and a Response (raw on the wire).
  template <class Request, class Response>
  grpc::ServerUnaryReactor* serve(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer& raw_request,
                                  grpc::ByteBuffer& raw_response, std::atomic<uint64_t>& requests);
  result<project_scope> authorize(const grpc::CallbackServerContext& ctx) const;
  // Forgets the call (if stop() has not taken it) and answers it.
  void complete(const std::shared_ptr<export_call>& call, const grpc::Status& s);
  void count(const grpc::Status& s);

  ingest_service& ingest;
  const otlp_grpc_options opts;

  std::mutex mu;
  std::condition_variable drained;                                                  // in_flight became empty
  bool stopping = false;                                                            // guarded by mu
  std::unordered_map<const export_call*, std::shared_ptr<export_call>> in_flight;  // guarded by mu

  std::atomic<uint64_t> trace_requests{0}, log_requests{0}, metric_requests{0}, items_accepted{0},
      items_rejected{0}, unauthenticated{0}, invalid{0}, unavailable{0}, failed{0};
};

result<project_scope> server_state::authorize(const grpc::CallbackServerContext& ctx) const {
  auto key = presented_key(ctx);
  if (key.empty()) {
    if (opts.default_project) return *opts.default_project;
    return make_error(errc::unauthenticated, "send a project API key in x-api-key or authorization: Bearer metadata");
  }
  if (!opts.authenticate) return make_error(errc::unauthenticated, "API keys are not accepted by this receiver");
  return opts.authenticate(key);
}

void server_state::count(const grpc::Status& s) {
  switch (s.error_code()) {
    case grpc::StatusCode::OK: break;
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED: unauthenticated.fetch_add(1, std::memory_order_relaxed); break;
    case grpc::StatusCode::INVALID_ARGUMENT: invalid.fetch_add(1, std::memory_order_relaxed); break;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::RESOURCE_EXHAUSTED: unavailable.fetch_add(1, std::memory_order_relaxed); break;
    default: failed.fetch_add(1, std::memory_order_relaxed); break;
  }
}

void server_state::complete(const std::shared_ptr<export_call>& call, const grpc::Status& s) {
  {
    std::lock_guard lock(mu);
    if (in_flight.erase(call.get()) > 0 && in_flight.empty()) drained.notify_all();
  }
  count(s);
  call->answer(s);
}

template <class Request, class Response>
grpc::ServerUnaryReactor* server_state::serve(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer& raw_request,
                                              grpc::ByteBuffer& raw_response, std::atomic<uint64_t>& requests) {
  auto* reactor = ctx->DefaultReactor();
  auto call = std::make_shared<export_call>(reactor);
  requests.fetch_add(1, std::memory_order_relaxed);
  try {
    auto scope = authorize(*ctx);
    if (!scope) {
      complete(call, status_for(scope.err(), opts.retry_after_ms));
      return reactor;
    }
    google::protobuf::Arena arena;  // the request's many small messages, freed at once
    auto* request = google::protobuf::Arena::CreateMessage<Request>(&arena);
    if (!parse_request(raw_request, *request)) {
      complete(call, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                  "the message is not a valid " + Request::descriptor()->name()));
      return reactor;
    }
    auto d = decode(*request);
    Response response;
    if (!d.rejected.empty()) {
      items_rejected.fetch_add(static_cast<uint64_t>(d.rejected.count()), std::memory_order_relaxed);
      set_partial_success(response, d.rejected.count(), d.rejected.message());
    }
    // Always a message, even an empty one: a unary OK without one is an error for the client.
    grpc::Slice bytes(response.SerializeAsString());
    raw_response = grpc::ByteBuffer(&bytes, 1);
    const char* refusal = nullptr;
    {
      std::lock_guard lock(mu);
      if (stopping)
        refusal = "the server is shutting down; retry";
      else if (in_flight.size() >= opts.max_in_flight_calls)
        refusal = "too many export calls in flight; retry";
      else
        in_flight.emplace(call.get(), call);
    }
    if (refusal) {
      complete(call, retry_status(grpc::StatusCode::UNAVAILABLE, refusal, opts.retry_after_ms));
      return reactor;
    }
    size_t items = d.batch.size();
    // The acknowledgement may run inside submit() (a batch the filters empty) or later on the
    // pipeline's writer thread; either way it answers.
    auto submitted = ingest.submit(*scope, std::move(d.batch),
                                   [self = shared_from_this(), call](const status& durable) {
                                     self->complete(call, durable ? grpc::Status::OK
                                                                  : status_for(durable.err(),
                                                                               self->opts.retry_after_ms));
                                   });
    if (!submitted) {
      complete(call, status_for(submitted.err(), opts.retry_after_ms));
      return reactor;
    }
    items_accepted.fetch_add(items, std::memory_order_relaxed);
  } catch (const std::exception& e) {
    log::error("OTLP/gRPC export failed", {{"error", e.what()}});
    complete(call, grpc::Status(grpc::StatusCode::INTERNAL, "internal error"));
  }
  return reactor;
}

// An OTLP service (Rpc: TraceService, LogsService or MetricsService) whose Export takes raw
// messages (see parse_request) and hands each call to the shared state.
template <class Rpc, class Request, class Response>
class export_service final : public Rpc::template WithRawCallbackMethod_Export<typename Rpc::Service> {
 public:
  export_service(server_state& state, std::atomic<uint64_t>& requests) : state_(state), requests_(requests) {}
  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override {
    return state_.serve<Request, Response>(ctx, *request, *response, requests_);
  }

 private:
  server_state& state_;
  std::atomic<uint64_t>& requests_;
};

using trace_service =
    export_service<trace_v1::TraceService, trace_v1::ExportTraceServiceRequest, trace_v1::ExportTraceServiceResponse>;
using logs_service =
    export_service<logs_v1::LogsService, logs_v1::ExportLogsServiceRequest, logs_v1::ExportLogsServiceResponse>;
using metrics_service = export_service<metrics_v1::MetricsService, metrics_v1::ExportMetricsServiceRequest,
                                       metrics_v1::ExportMetricsServiceResponse>;

std::string listen_address(const std::string& host, uint16_t port) {
  bool bare_ipv6 = host.find(':') != std::string::npos && (host.empty() || host.front() != '[');
  return (bare_ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

struct otlp_grpc_server::impl {
  impl(ingest_service& ingest, otlp_grpc_options opts)
      : state(std::make_shared<server_state>(ingest, std::move(opts))),
        traces(*state, state->trace_requests),
        logs(*state, state->log_requests),
        metrics(*state, state->metric_requests) {}

  std::shared_ptr<server_state> state;
  trace_service traces;
  logs_service logs;
  metrics_service metrics;
  std::unique_ptr<grpc::Server> server;
  bool started = false;  // a server is not restarted: gRPC services register with one server only
  uint16_t port = 0;
};

otlp_grpc_server::otlp_grpc_server(ingest_service& ingest, otlp_grpc_options opts)
    : impl_(std::make_unique<impl>(ingest, std::move(opts))) {}

otlp_grpc_server::~otlp_grpc_server() { stop(std::chrono::system_clock::now()); }

result<uint16_t> otlp_grpc_server::start() {
  if (impl_->started) return make_error(errc::conflict, "the OTLP/gRPC server was already started");
  const auto& opts = impl_->state->opts;
  if (opts.max_message_bytes == 0 || opts.max_message_bytes > static_cast<size_t>(INT_MAX))
    return make_error(errc::invalid_argument, "otlp gRPC max_message_bytes must be between 1 and 2 GiB");
  if (opts.max_in_flight_calls == 0)
    return make_error(errc::invalid_argument, "otlp gRPC max_in_flight_calls must be at least 1");
  auto address = listen_address(opts.bind_address, opts.port);
  grpc::ServerBuilder builder;
  int selected_port = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &selected_port);
  // gRPC sets SO_REUSEPORT by default: a second process would then share a port already in use
  // instead of failing to start.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Checked by gRPC against the decompressed message too, so gzip cannot smuggle in more.
  builder.SetMaxReceiveMessageSize(static_cast<int>(opts.max_message_bytes));
  builder.SetCompressionAlgorithmSupportStatus(GRPC_COMPRESS_GZIP, true);
  builder.RegisterService(&impl_->traces);
  builder.RegisterService(&impl_->logs);
  builder.RegisterService(&impl_->metrics);
  auto server = builder.BuildAndStart();
  if (!server || selected_port == 0)
    return make_error(errc::unavailable, "cannot listen for OTLP/gRPC on " + address +
                                             ": the port is in use, or the address is not local or not permitted");
  impl_->started = true;
  impl_->server = std::move(server);
  impl_->port = static_cast<uint16_t>(selected_port);
  return impl_->port;
}

void otlp_grpc_server::stop(std::chrono::system_clock::time_point deadline) {
  if (!impl_->server) return;
  auto& state = *impl_->state;
  // gRPC's Shutdown stops listening at once, cancels what still runs at the deadline, and returns
  // only when every call has been answered; so it runs beside the drain below, which answers the
  // calls the pipeline has not acknowledged by the deadline.
  std::thread shutdown([this, deadline] { impl_->server->Shutdown(deadline); });
  std::vector<std::shared_ptr<export_call>> unanswered;
  {
    std::unique_lock lock(state.mu);
    state.stopping = true;
    state.drained.wait_until(lock, deadline, [&] { return state.in_flight.empty(); });
    for (auto& [_, call] : state.in_flight) unanswered.push_back(call);
    state.in_flight.clear();
  }
  auto shutting_down =
      retry_status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down; retry", state.opts.retry_after_ms);
  for (auto& call : unanswered) {
    state.count(shutting_down);
    call->answer(shutting_down);
  }
  shutdown.join();
  impl_->server.reset();
}

uint16_t otlp_grpc_server::port() const noexcept { return impl_->port; }

otlp_grpc_counters otlp_grpc_server::counters() const noexcept {
  const auto& s = *impl_->state;
  otlp_grpc_counters c;
  c.trace_requests = s.trace_requests.load(std::memory_order_relaxed);
  c.log_requests = s.log_requests.load(std::memory_order_relaxed);
  c.metric_requests = s.metric_requests.load(std::memory_order_relaxed);
  c.items_accepted = s.items_accepted.load(std::memory_order_relaxed);
  c.items_rejected = s.items_rejected.load(std::memory_order_relaxed);
  c.unauthenticated = s.unauthenticated.load(std::memory_order_relaxed);
  c.invalid = s.invalid.load(std::memory_order_relaxed);
  c.unavailable = s.unavailable.load(std::memory_order_relaxed);
  c.failed = s.failed.load(std::memory_order_relaxed);
  return c;
}

}  // namespace brokle::telemetry
