// brokle_otlp_load: drives a running brokle with OTLP/HTTP protobuf exports and measures what it
// ingests end to end (each request is answered only once its rows are durable).
//
//   brokle_otlp_load traces|logs|traces-grpc|logs-grpc --port P --key K [--connections 8] [--batch 512]
//                    [--seconds 10] [--services 20] [--total N]
// (the -grpc modes call TraceService/LogsService Export on the OTLP/gRPC port; the others POST
// protobuf to /v1/traces or /v1/logs on an HTTP port)
//
// Every span has unique ids (a trace of 8 spans per 8 rows, client/server pairs across services),
// so nothing is deduplicated away; bodies are built before the clock starts.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"

namespace {

using clock_type = std::chrono::steady_clock;

struct options {
  std::string mode;
  int port = 0;
  std::string key, token, project;
  int connections = 8;
  int batch = 512;
  int seconds = 10;
  int services = 20;
  long total = 0;  // stop after this many rows (0 = run for `seconds`)
};

uint64_t now_ns() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

std::string id_bytes(uint64_t a, uint64_t b, size_t n) {
  std::string s(n, '\0');
  std::memcpy(s.data(), &a, std::min<size_t>(8, n));
  if (n > 8) std::memcpy(s.data() + 8, &b, n - 8);
  return s;
}

// Mixed into every id: without it each run re-sent the previous run's trace, span and log ids,
// which the store deduplicates, so a second run measured duplicate handling, not ingestion.
const uint64_t run_salt = now_ns() ^ (static_cast<uint64_t>(::getpid()) << 32);

std::string trace_body(uint64_t seq, int batch, int services, uint64_t worker) {
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest req;
  uint64_t t = now_ns();
  std::mt19937_64 rng((seq * 7919 + worker) ^ run_salt);
  for (int i = 0; i < batch; i += 8) {
    int svc = static_cast<int>(rng() % services);
    auto* rs = req.add_resource_spans();
    auto* a = rs->mutable_resource()->add_attributes();
    a->set_key("service.name");
    std::string svc_name("service-");
    svc_name.append(std::to_string(svc));
    a->mutable_value()->set_string_value(svc_name);
    auto* ss = rs->add_scope_spans();
    uint64_t trace_hi = rng(), trace_lo = rng() | 1;
    std::string parent;
    for (int j = 0; j < 8 && i + j < batch; ++j) {
      auto* sp = ss->add_spans();
      sp->set_trace_id(id_bytes(trace_hi, trace_lo, 16));
      std::string span_id = id_bytes(rng() | 1, 0, 8);
      sp->set_span_id(span_id);
      if (!parent.empty()) sp->set_parent_span_id(parent);
      parent = span_id;
      sp->set_name(j == 0 ? "GET /api/items" : "SELECT items");
      sp->set_kind(j == 0 ? opentelemetry::proto::trace::v1::Span::SPAN_KIND_SERVER
                          : opentelemetry::proto::trace::v1::Span::SPAN_KIND_INTERNAL);
      uint64_t dur = 1'000'000 + rng() % 50'000'000;
      sp->set_start_time_unix_nano(t - dur);
      sp->set_end_time_unix_nano(t);
      auto* attr = sp->add_attributes();
      attr->set_key("http.status_code");
      attr->mutable_value()->set_int_value(rng() % 20 == 0 ? 500 : 200);
      auto* attr2 = sp->add_attributes();
      attr2->set_key("db.statement");
      attr2->mutable_value()->set_string_value("select * from items where id = ?");
      if (rng() % 20 == 0) sp->mutable_status()->set_code(opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
    }
  }
  return req.SerializeAsString();
}

std::string logs_body(uint64_t seq, int batch, int services, uint64_t worker) {
  opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest req;
  uint64_t t = now_ns();
  std::mt19937_64 rng((seq * 104729 + worker) ^ run_salt);
  static const char* words[] = {"payment", "accepted", "declined", "user", "cart", "checkout", "timeout", "retry"};
  auto* rl = req.add_resource_logs();
  auto* a = rl->mutable_resource()->add_attributes();
  a->set_key("service.name");
  std::string svc_name("service-");
  svc_name.append(std::to_string(rng() % services));
  a->mutable_value()->set_string_value(svc_name);
  auto* sl = rl->add_scope_logs();
  for (int i = 0; i < batch; ++i) {
    auto* lr = sl->add_log_records();
    lr->set_time_unix_nano(t + i);
    lr->set_severity_number(static_cast<opentelemetry::proto::logs::v1::SeverityNumber>(rng() % 4 == 0 ? 17 : 9));
    std::string body("request ");
    body.append(std::to_string(seq)).append("-").append(std::to_string(i));
    for (int w = 0; w < 6; ++w) (body += ' ') += words[rng() % 8];
    lr->mutable_body()->set_string_value(body);
    auto* attr = lr->add_attributes();
    attr->set_key("user.id");
    std::string user("u");
    user.append(std::to_string(rng() % 1000));
    attr->mutable_value()->set_string_value(user);
  }
  return req.SerializeAsString();
}

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// One keep-alive request/response; returns the status (0 on a broken connection).
int exchange(int fd, const std::string& head, const std::string& body, std::string& buf) {
  std::string req;
  req.reserve(head.size() + body.size() + 40);
  req.append(head).append("Content-Length: ").append(std::to_string(body.size())).append("\r\n\r\n").append(body);
  size_t off = 0;
  while (off < req.size()) {
    ssize_t n = ::send(fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return 0;
    off += static_cast<size_t>(n);
  }
  buf.clear();
  char tmp[16384];
  for (;;) {
    auto end = buf.find("\r\n\r\n");
    if (end != std::string::npos) {
      size_t len = 0;
      auto cl = buf.find("Content-Length: ");
      if (cl == std::string::npos) cl = buf.find("content-length: ");
      if (cl != std::string::npos && cl < end) len = std::stoul(buf.substr(cl + 16));
      if (buf.size() >= end + 4 + len) return std::atoi(buf.c_str() + 9);
    }
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return 0;
    buf.append(tmp, static_cast<size_t>(n));
  }
}

int run_ingest(const options& o) {
  bool traces = o.mode == "traces" || o.mode == "traces-grpc";
  bool grpc_mode = o.mode.ends_with("-grpc");
  std::string head("POST /v1/");
  head.append(traces ? "traces" : "logs")
      .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\nX-API-Key: ")
      .append(o.key)
      .append("\r\n");
  // Bodies are prepared up front (enough distinct ones that none repeats during the run).
  const int per_worker = std::max(4, static_cast<int>(o.total > 0 ? o.total / o.batch / o.connections + 1
                                                                     : 600'000L * o.seconds / o.batch / o.connections));
  std::fprintf(stderr, "preparing %d requests of %d %s per connection x %d...\n", per_worker, o.batch,
               traces ? "spans" : "log records", o.connections);
  std::vector<std::vector<std::string>> bodies(o.connections);
  {
    std::vector<std::thread> prep;
    for (int w = 0; w < o.connections; ++w)
      prep.emplace_back([&, w] {
        for (int i = 0; i < per_worker; ++i)
          bodies[w].push_back(traces ? trace_body(i, o.batch, o.services, w) : logs_body(i, o.batch, o.services, w));
      });
    for (auto& t : prep) t.join();
  }
  std::atomic<long> rows{0}, requests{0}, refused{0}, failed{0};
  std::vector<std::vector<double>> latencies(o.connections);
  auto start = clock_type::now();
  auto deadline = start + std::chrono::seconds(o.seconds);
  std::vector<std::thread> workers;
  for (int w = 0; w < o.connections; ++w)
    workers.emplace_back([&, w] {
      if (grpc_mode) {
        // One channel per worker (its own HTTP/2 connection), unary Export calls back to back.
        // The bodies go out as the bytes prepared above (a generic call): parsing them into
        // messages and serializing those again per call cost the client more CPU than the server
        // spent ingesting them (~1.2 of the machine's 2 cores at 85k spans/s).
        grpc::ChannelArguments args;
        args.SetInt("grpc.use_local_subchannel_pool", 1);
        args.SetMaxSendMessageSize(64 << 20);
        auto channel = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(o.port),
                                                 grpc::InsecureChannelCredentials(), args);
        grpc::GenericStub stub(channel);
        grpc::CompletionQueue cq;
        const std::string method = traces ? "/opentelemetry.proto.collector.trace.v1.TraceService/Export"
                                          : "/opentelemetry.proto.collector.logs.v1.LogsService/Export";
        for (int i = 0; i < per_worker; ++i) {
          if (o.total > 0 ? rows.load() >= o.total : clock_type::now() >= deadline) break;
          auto t0 = clock_type::now();
          grpc::ClientContext ctx;
          ctx.AddMetadata("x-api-key", o.key);
          grpc::Slice slice(bodies[w][static_cast<size_t>(i)]);
          grpc::ByteBuffer request(&slice, 1), response;
          grpc::Status st;
          auto call = stub.PrepareUnaryCall(&ctx, method, request, &cq);
          call->StartCall();
          call->Finish(&response, &st, reinterpret_cast<void*>(1));
          void* tag = nullptr;
          bool ok = false;
          if (!cq.Next(&tag, &ok) || !ok) st = grpc::Status(grpc::StatusCode::INTERNAL, "completion queue failed");
          latencies[w].push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
          if (st.ok()) {
            rows += o.batch;
            ++requests;
          } else if (st.error_code() == grpc::StatusCode::UNAVAILABLE) {
            ++refused;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
          } else {
            ++failed;
          }
        }
        cq.Shutdown();
        void* tag = nullptr;
        bool ok = false;
        while (cq.Next(&tag, &ok)) {
        }
        return;
      }
      int fd = connect_to(o.port);
      std::string buf;
      for (int i = 0; i < per_worker; ++i) {
        if (o.total > 0 ? rows.load() >= o.total : clock_type::now() >= deadline) break;
        auto t0 = clock_type::now();
        int status = fd < 0 ? 0 : exchange(fd, head, bodies[w][i], buf);
        latencies[w].push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
        if (status == 200) {
          rows += o.batch;
          ++requests;
        } else if (status == 429 || status == 503) {
          ++refused;
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        } else {
          ++failed;
          if (fd >= 0) ::close(fd);
          fd = connect_to(o.port);
        }
      }
      if (fd >= 0) ::close(fd);
    });
  for (auto& t : workers) t.join();
  double secs = std::chrono::duration<double>(clock_type::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))]; };
  std::printf("%s: %ld rows in %.1f s = %.0f rows/s (%ld requests of %d, %d connections; refused %ld, failed %ld); "
              "request latency p50 %.1f ms p99 %.1f ms\n",
              o.mode.c_str(), rows.load(), secs, rows.load() / secs, requests.load(), o.batch, o.connections,
              refused.load(), failed.load(), pct(0.5), pct(0.99));
  return failed.load() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s traces|logs|traces-grpc|logs-grpc --port P --key K [--connections N] [--batch N] [--seconds N] "
                         "[--services N] [--total N]\n", argv[0]);
    return 2;
  }
  o.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--port") o.port = std::stoi(v);
    else if (k == "--key") o.key = v;
    else if (k == "--connections") o.connections = std::stoi(v);
    else if (k == "--batch") o.batch = std::stoi(v);
    else if (k == "--seconds") o.seconds = std::stoi(v);
    else if (k == "--services") o.services = std::stoi(v);
    else if (k == "--total") o.total = std::stol(v);
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (o.mode != "traces" && o.mode != "logs" && o.mode != "traces-grpc" && o.mode != "logs-grpc") {
    std::fprintf(stderr, "mode must be traces, logs, traces-grpc or logs-grpc\n");
    return 2;
  }
  return run_ingest(o);
}
