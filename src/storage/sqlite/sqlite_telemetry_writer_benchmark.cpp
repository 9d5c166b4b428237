// The SQLite telemetry store's write rate (spans/s and logs/s in 5,000-row batches, the pipeline's
// batch size) and its query latency on a store holding 1M spans. Each write benchmark starts from an
// empty database file in the temp directory; `items_per_second` is the rate. Run:
//   build/release/bench/brokle_benchmarks --benchmark_filter=telemetry
// Shapes: traces of 10 spans (a server root, client/server pairs across 4 services, ~150-byte
// attribute maps), logs with ~80-byte bodies over 8 services, times advancing 10 µs per record.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <random>

#include "core/ulid.hpp"
#include "storage/sqlite/sqlite_telemetry_query_store.hpp"
#include "storage/sqlite/sqlite_telemetry_writer.hpp"
#include "storage/sqlite/sqlite_test_support.hpp"

namespace {

using namespace brokle;
using namespace brokle::storage;

constexpr int batch_rows = 5'000;
constexpr int64_t base_ns = 1'700'000'000'000'000'000;
constexpr int64_t step_ns = 10'000;
const char* services[] = {"frontend", "checkout", "payments", "inventory", "mailer", "auth", "search", "ledger"};

std::string hex(std::mt19937_64& rng, int digits) {
  static const char* d = "0123456789abcdef";
  std::string s(static_cast<size_t>(digits), '0');
  uint64_t v = rng();
  for (int i = 0; i < digits; ++i) {
    if (i == 16) v = rng();
    s[static_cast<size_t>(i)] = d[v & 15];
    v >>= 4;
  }
  return s;
}

struct generator {
  std::mt19937_64 rng{42};
  int64_t n = 0;

  void spans(telemetry_batch& b, int count) {
    b.spans.reserve(static_cast<size_t>(count));
    for (int t = 0; t < count / 10; ++t) {
      std::string trace = hex(rng, 32);
      std::string ids[10];
      for (auto& id : ids) id = hex(rng, 16);
      for (int i = 0; i < 10; ++i) {
        span_record s;
        s.project_id = "proj-bench";
        s.trace_id = trace;
        s.span_id = ids[i];
        // 0 is the root; odd spans are clients of the root, each followed by its server child.
        s.parent_span_id = i == 0 ? "" : (i % 2 ? ids[0] : ids[i - 1]);
        s.kind = i == 0 ? span_kind::server : (i % 2 ? span_kind::client : span_kind::server);
        s.service_name = services[i == 0 ? 0 : (i % 2 ? 0 : 1 + (i / 2) % 4)];
        s.name = "GET /api/v1/items/{id}";
        s.start_ns = base_ns + (n++) * step_ns;
        s.end_ns = s.start_ns + static_cast<int64_t>(rng() % 50'000'000);
        s.status = rng() % 50 == 0 ? span_status::error : span_status::ok;
        s.attributes_json = R"({"http.method":"GET","http.route":"/api/v1/items/{id}","http.status_code":200,)"
                            R"("net.peer.name":"10.0.0.12","user.id":"u-)" + std::to_string(rng() % 10'000) + R"("})";
        s.resource_json = R"({"service.name":")" + s.service_name + R"("})";
        b.spans.push_back(std::move(s));
      }
    }
  }

  // Spans of long-lived traces trickling in: each batch adds one span to `count` traces drawn at
  // random from `live` open ones (a trace retires after 10 spans and a new one takes its place),
  // so nearly every span updates a trace summary written by an earlier batch.
  struct open_trace {
    std::string id, root;
    int spans = 0;
  };
  std::vector<open_trace> live;
  void scattered_spans(telemetry_batch& b, int count, size_t live_traces) {
    while (live.size() < live_traces) live.push_back({hex(rng, 32), hex(rng, 16), 0});
    b.spans.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
      auto& t = live[rng() % live.size()];
      span_record s;
      s.project_id = "proj-bench";
      s.trace_id = t.id;
      s.span_id = t.spans == 0 ? t.root : hex(rng, 16);
      s.parent_span_id = t.spans == 0 ? "" : t.root;
      s.kind = t.spans == 0 ? span_kind::server : span_kind::client;
      s.service_name = services[rng() % 8];
      s.name = "GET /api/v1/items/{id}";
      s.start_ns = base_ns + (n++) * step_ns;
      s.end_ns = s.start_ns + static_cast<int64_t>(rng() % 50'000'000);
      s.status = rng() % 50 == 0 ? span_status::error : span_status::ok;
      s.attributes_json = R"({"http.method":"GET","http.status_code":200,"user.id":"u-)" + std::to_string(rng() % 10'000) + R"("})";
      s.resource_json = R"({"service.name":")" + s.service_name + R"("})";
      b.spans.push_back(std::move(s));
      if (++t.spans == 10) t = {hex(rng, 32), hex(rng, 16), 0};
    }
  }

  void logs(telemetry_batch& b, int count) {
    b.logs.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
      log_record l;
      l.project_id = "proj-bench";
      l.id = new_ulid();
      l.time_ns = base_ns + (n++) * step_ns;
      l.observed_time_ns = l.time_ns;
      l.severity_number = rng() % 20 == 0 ? 17 : 9;
      l.service_name = services[rng() % 8];
      l.body = "request " + std::to_string(rng() % 1'000'000) + " handled in " + std::to_string(rng() % 900) +
               " ms for user u-" + std::to_string(rng() % 10'000) + " status ok cache hit";
      l.attributes_json = R"({"http.status_code":200})";
      b.logs.push_back(std::move(l));
    }
  }
};

struct bench_db {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("brokle-tbench-" + new_ulid());
  std::shared_ptr<sqlite::database> db = sqlite::open_migrated_database(dir);
  std::unique_ptr<sqlite::sqlite_telemetry_writer> writer = sqlite::sqlite_telemetry_writer::open(dir / "t.db").value();
  ~bench_db() {
    writer.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }
};

enum class workload { spans, scattered_spans, logs };

void write_rows(benchmark::State& state, workload w) {
  bench_db d;
  generator g;
  for (auto _ : state) {
    state.PauseTiming();
    telemetry_batch b;
    if (w == workload::logs) g.logs(b, batch_rows);
    else if (w == workload::spans) g.spans(b, batch_rows);
    else g.scattered_spans(b, batch_rows, 50'000);
    state.ResumeTiming();
    if (auto st = d.writer->write(b); !st) state.SkipWithError(st.err().message.c_str());
  }
  state.SetItemsProcessed(state.iterations() * batch_rows);
}

void BM_telemetry_write_spans(benchmark::State& state) { write_rows(state, workload::spans); }
void BM_telemetry_write_scattered_spans(benchmark::State& state) { write_rows(state, workload::scattered_spans); }
void BM_telemetry_write_logs(benchmark::State& state) { write_rows(state, workload::logs); }
// 200 batches = 1M rows, the size the architecture notes measured raw inserts at.
BENCHMARK(BM_telemetry_write_spans)->Iterations(200)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_telemetry_write_scattered_spans)->Iterations(200)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_telemetry_write_logs)->Iterations(200)->Unit(benchmark::kMillisecond)->UseRealTime();

// One store, built on first use: 1M spans (100k traces) and 200k logs over ~12 minutes.
struct query_store {
  bench_db d;
  std::unique_ptr<sqlite::sqlite_telemetry_query_store> q = std::make_unique<sqlite::sqlite_telemetry_query_store>(d.db);
  project_scope scope = scope_factory_for_tests::project("org-bench", "proj-bench");
  std::vector<std::string> trace_ids;
  time_range range{base_ns, base_ns + 60LL * 60 * 1'000'000'000};

  query_store() {
    generator g;
    for (int i = 0; i < 200; ++i) {
      telemetry_batch b;
      g.spans(b, batch_rows);
      if (i % 5 == 0) g.logs(b, batch_rows);
      if (i % 20 == 0) trace_ids.push_back(b.spans[static_cast<size_t>(i % 100) * 10].trace_id);
      d.writer->write(b).ok();
    }
  }
  static query_store& get() {
    static query_store s;
    return s;
  }
};

void BM_telemetry_query_trace_by_id(benchmark::State& state) {
  auto& s = query_store::get();
  size_t i = 0;
  for (auto _ : state) {
    auto d = s.q->get_trace(s.scope, s.trace_ids[i++ % s.trace_ids.size()]);
    if (!d || d->spans.size() != 10) state.SkipWithError("trace not found whole");
  }
}
void BM_telemetry_query_dashboard(benchmark::State& state) {
  auto& s = query_store::get();
  for (auto _ : state) benchmark::DoNotOptimize(s.q->dashboard(s.scope, {s.range}).value());
}
void BM_telemetry_query_services(benchmark::State& state) {
  auto& s = query_store::get();
  for (auto _ : state) benchmark::DoNotOptimize(s.q->list_services(s.scope, {s.range}).value());
}
void BM_telemetry_query_traffic(benchmark::State& state) {
  auto& s = query_store::get();
  for (auto _ : state) benchmark::DoNotOptimize(s.q->traffic(s.scope, {s.range}).value());
}
void BM_telemetry_query_heatmap(benchmark::State& state) {
  auto& s = query_store::get();
  for (auto _ : state) benchmark::DoNotOptimize(s.q->latency_heatmap(s.scope, {s.range}).value());
}
void BM_telemetry_query_service_map(benchmark::State& state) {
  auto& s = query_store::get();
  for (auto _ : state) benchmark::DoNotOptimize(s.q->get_service_map(s.scope, {s.range}).value());
}
void BM_telemetry_query_traces_newest(benchmark::State& state) {
  auto& s = query_store::get();
  for (auto _ : state) benchmark::DoNotOptimize(s.q->list_traces(s.scope, {s.range}).value());
}
void BM_telemetry_query_traces_slowest_errors(benchmark::State& state) {
  auto& s = query_store::get();
  trace_query q{s.range};
  q.status = trace_status_filter::error;
  q.sort = trace_sort::duration;
  for (auto _ : state) benchmark::DoNotOptimize(s.q->list_traces(s.scope, q).value());
}
void BM_telemetry_query_logs_text(benchmark::State& state) {
  auto& s = query_store::get();
  log_query q{s.range};
  q.text = "request 4242*";
  for (auto _ : state) benchmark::DoNotOptimize(s.q->search_logs(s.scope, q).value());
}
void BM_telemetry_query_logs_errors(benchmark::State& state) {
  auto& s = query_store::get();
  log_query q{s.range};
  q.min_severity = 17;
  q.services = {"payments"};
  for (auto _ : state) benchmark::DoNotOptimize(s.q->search_logs(s.scope, q).value());
}
BENCHMARK(BM_telemetry_query_trace_by_id)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_telemetry_query_dashboard)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_telemetry_query_services)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_telemetry_query_traffic)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_telemetry_query_heatmap)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_telemetry_query_service_map)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_telemetry_query_traces_newest)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_telemetry_query_traces_slowest_errors)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_telemetry_query_logs_text)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_telemetry_query_logs_errors)->Unit(benchmark::kMicrosecond);

}  // namespace
