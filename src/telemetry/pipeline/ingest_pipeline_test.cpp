#include "telemetry/pipeline/ingest_pipeline.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>

#include "telemetry/pipeline/batch_codec.hpp"

namespace brokle::telemetry {
namespace {

namespace fs = std::filesystem;
using storage::telemetry_batch;

// A writer that keeps what it is given and can be told to refuse (a store that is down).
class recording_writer : public storage::telemetry_writer {
 public:
  status write(const telemetry_batch& b) override {
    std::lock_guard lock(mu);
    ++calls;
    if (failing) return make_error(errc::unavailable, "disk I/O error");
    for (const auto& s : b.spans) spans.push_back(s.span_id);
    for (const auto& l : b.logs) logs.push_back(l.id);
    ++batches;
    return ok_v;
  }
  std::mutex mu;
  bool failing = false;
  int calls = 0, batches = 0;
  std::vector<std::string> spans, logs;
};

telemetry_batch spans(int n, int first = 0) {
  telemetry_batch b;
  for (int i = 0; i < n; ++i) {
    storage::span_record s;
    s.project_id = "p";
    s.trace_id = std::string(32, 'a');
    s.span_id = std::to_string(first + i);
    s.name.assign("op", 2);
    b.spans.push_back(std::move(s));
  }
  return b;
}

struct temp_dir {
  fs::path path = fs::temp_directory_path() / "brokle-pipeline" / std::to_string(::getpid()) /
                  ::testing::UnitTest::GetInstance()->current_test_info()->name();
  temp_dir() { fs::remove_all(path); }
  ~temp_dir() { fs::remove_all(path); }
};

pipeline_options options(const fs::path& dir) {
  pipeline_options o;
  o.dlq_dir = dir / "dlq";
  o.linger = std::chrono::milliseconds(1);
  o.dlq_replay_interval = std::chrono::hours(1);  // replays only when asked, so tests control timing
  return o;
}

// Submits and waits for the acknowledgement.
status submit_and_wait(ingest_pipeline& p, telemetry_batch b) {
  std::promise<status> acked;
  auto f = acked.get_future();
  auto s = p.submit(std::move(b), [&](const status& st) { acked.set_value(st); });
  if (!s) return s;
  return f.get();
}

TEST(ingest_pipeline, acknowledges_after_the_rows_are_written) {
  temp_dir d;
  recording_writer w;
  ingest_pipeline p(w, options(d.path));
  ASSERT_TRUE(p.start());
  ASSERT_TRUE(submit_and_wait(p, spans(3)));
  {
    std::lock_guard lock(w.mu);
    EXPECT_EQ(w.spans.size(), 3u);  // written before the ack fired
  }
  EXPECT_EQ(p.rows_written(), 3u);
  EXPECT_EQ(p.queued_rows(), 0u);
}

TEST(ingest_pipeline, refuses_empty_batches_and_submissions_before_start) {
  temp_dir d;
  recording_writer w;
  ingest_pipeline p(w, options(d.path));
  auto before = p.submit(spans(1), nullptr);
  ASSERT_FALSE(before);
  EXPECT_EQ(before.err().code, errc::unavailable);
  ASSERT_TRUE(p.start());
  auto empty = p.submit(telemetry_batch{}, nullptr);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.err().code, errc::invalid_argument);
}

TEST(ingest_pipeline, a_full_queue_refuses_with_a_retry_hint_and_counts_it) {
  temp_dir d;
  auto o = options(d.path);
  o.max_queued_rows = 10;
  // A writer held on a gate, so the queue fills up behind it.
  std::mutex gate;
  std::unique_lock hold(gate);
  struct blocking_writer : storage::telemetry_writer {
    std::mutex& gate;
    explicit blocking_writer(std::mutex& g) : gate(g) {}
    status write(const telemetry_batch&) override {
      std::lock_guard lock(gate);
      return ok_v;
    }
  } bw(gate);
  ingest_pipeline blocked(bw, o);
  ASSERT_TRUE(blocked.start());
  ASSERT_TRUE(blocked.submit(spans(6), nullptr));
  // The writer may have taken the first batch already (and be waiting on the gate); keep adding
  // until the queue itself is over its bound.
  status refused = ok_v;
  for (int i = 0; i < 10 && refused; ++i) refused = blocked.submit(spans(6), nullptr);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.err().code, errc::unavailable);
  EXPECT_GT(refused.err().retry_after_ms, 0);
  EXPECT_GE(blocked.rows_rejected(), 6u);
  hold.unlock();
  blocked.stop();
  EXPECT_EQ(blocked.queued_rows(), 0u);
}

TEST(ingest_pipeline, a_failing_store_sends_batches_to_the_dead_letter_queue_and_replay_delivers_them_once) {
  temp_dir d;
  recording_writer w;
  w.failing = true;
  ingest_pipeline p(w, options(d.path));
  ASSERT_TRUE(p.start());
  ASSERT_TRUE(submit_and_wait(p, spans(4, 0)));   // acknowledged: it is in the DLQ
  ASSERT_TRUE(submit_and_wait(p, spans(4, 100)));
  EXPECT_EQ(p.dead_letters().files(), 2u);
  EXPECT_EQ(p.rows_dead_lettered(), 8u);
  {
    std::lock_guard lock(w.mu);
    EXPECT_TRUE(w.spans.empty());
    w.failing = false;  // the disk heals
  }
  p.replay_dead_letters_now();
  for (int i = 0; i < 500 && (p.dead_letters().files() > 0 || p.rows_replayed() < 8); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(p.dead_letters().files(), 0u);
  EXPECT_EQ(p.rows_replayed(), 8u);
  std::lock_guard lock(w.mu);
  ASSERT_EQ(w.spans.size(), 8u);
  EXPECT_EQ(w.spans.front(), "0");
  EXPECT_EQ(w.spans.back(), "103");
}

TEST(ingest_pipeline, dead_letters_left_by_a_previous_process_are_replayed_at_start) {
  temp_dir d;
  {
    dead_letter_queue q(d.path / "dlq", 1 << 20);
    ASSERT_TRUE(q.open());
    ASSERT_TRUE(q.put(spans(5)));
  }
  recording_writer w;
  ingest_pipeline p(w, options(d.path));
  ASSERT_TRUE(p.start());
  for (int i = 0; i < 500 && (p.rows_replayed() < 5 || p.dead_letters().files() > 0); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(p.rows_replayed(), 5u);
  EXPECT_EQ(p.dead_letters().files(), 0u);
}

TEST(ingest_pipeline, when_store_and_dead_letter_queue_both_refuse_the_client_is_not_acknowledged) {
  temp_dir d;
  recording_writer w;
  w.failing = true;
  auto o = options(d.path);
  o.dlq_max_bytes = 16;  // nothing fits
  ingest_pipeline p(w, o);
  ASSERT_TRUE(p.start());
  auto s = submit_and_wait(p, spans(2));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.err().code, errc::unavailable);
  EXPECT_EQ(p.rows_lost(), 2u);
}

TEST(ingest_pipeline, stop_writes_everything_queued_and_subscribers_see_each_commit) {
  temp_dir d;
  recording_writer w;
  ingest_pipeline p(w, options(d.path));
  std::atomic<size_t> seen{0};
  p.on_committed([&](const telemetry_batch& b) { seen += b.spans.size(); });
  ASSERT_TRUE(p.start());
  std::atomic<int> acks{0};
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(p.submit(spans(10, i * 10), [&](const status& s) { acks += s.ok(); }));
  p.stop();
  EXPECT_EQ(acks.load(), 50);
  EXPECT_EQ(seen.load(), 500u);
  std::lock_guard lock(w.mu);
  EXPECT_EQ(w.spans.size(), 500u);
  EXPECT_LT(w.batches, 50);  // grouped into fewer transactions than submissions
  EXPECT_FALSE(p.submit(spans(1), nullptr));
}

TEST(dead_letter_queue, files_appear_atomically_are_bounded_and_unreadable_ones_are_set_aside) {
  temp_dir d;
  fs::create_directories(d.path / "dlq");
  std::ofstream(d.path / "dlq" / ".01HALFWRITTEN.tmp") << "{\"brokle_batch\":1,\"spa";  // a crash mid-write
  std::ofstream(d.path / "dlq" / "00000000000000000000000000.batch.json") << "garbage";
  dead_letter_queue q(d.path / "dlq", 4096);
  ASSERT_TRUE(q.open());
  EXPECT_FALSE(fs::exists(d.path / "dlq" / ".01HALFWRITTEN.tmp"));
  EXPECT_EQ(q.files(), 1u);
  ASSERT_TRUE(q.put(spans(2)));
  auto entries = q.list();
  ASSERT_EQ(entries.size(), 2u);
  auto bad = q.read(entries[0]);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.err().code, errc::invalid_argument);
  q.quarantine(entries[0]);
  EXPECT_TRUE(fs::exists(d.path / "dlq" / "corrupt" / entries[0].path.filename()));
  auto good = q.read(entries[1]);
  ASSERT_TRUE(good);
  EXPECT_EQ(good->spans.size(), 2u);
  q.remove(entries[1]);
  EXPECT_EQ(q.files(), 0u);
  EXPECT_EQ(q.bytes(), 0u);
  auto too_big = q.put(spans(100));
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.err().code, errc::unavailable);
  EXPECT_EQ(q.files(), 0u);
}

TEST(batch_codec, round_trips_every_record_kind) {
  telemetry_batch b = spans(1);
  b.spans[0].kind = storage::span_kind::client;
  b.spans[0].status = storage::span_status::error;
  b.spans[0].start_ns = 1700000000123456789;
  b.spans[0].attributes_json = R"({"http.method":"GET"})";
  storage::log_record l;
  l.id = "L1";
  l.body = "line with \"quotes\"\n";
  l.severity_number = 17;
  b.logs.push_back(l);
  storage::trace_record t;
  t.id = "T";
  t.tags = {"a", "b"};
  t.is_public = true;
  b.traces.push_back(t);
  storage::observation_record o;
  o.id = "O";
  o.type = storage::observation_type::generation;
  o.cache_write_input_tokens = 33;
  o.cost_usd = 0.125;
  o.input_tokens = 7;
  o.streamed = true;
  b.observations.push_back(o);
  storage::score_record s;
  s.id = "S";
  s.data_type = storage::score_data_type::categorical;
  s.string_value = "good";
  b.scores.push_back(s);
  storage::event_record e;
  e.id = "E";
  e.body_json = R"({"x":1})";
  b.events.push_back(e);
  storage::metric_point_record m;
  m.name = "http.server.duration";
  m.type = storage::metric_type::histogram;
  m.count = 3;
  m.sum = 1.5;
  b.metrics.push_back(m);

  auto back = decode_batch(encode_batch(b));
  ASSERT_TRUE(back) << back.err().message;
  EXPECT_EQ(back->spans[0].kind, storage::span_kind::client);
  EXPECT_EQ(back->spans[0].status, storage::span_status::error);
  EXPECT_EQ(back->spans[0].start_ns, 1700000000123456789);
  EXPECT_EQ(back->spans[0].attributes_json, R"({"http.method":"GET"})");
  EXPECT_EQ(back->logs[0].body, "line with \"quotes\"\n");
  EXPECT_EQ(back->logs[0].severity_number, 17);
  EXPECT_EQ(back->traces[0].tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(back->traces[0].is_public);
  EXPECT_EQ(back->observations[0].type, storage::observation_type::generation);
  EXPECT_DOUBLE_EQ(back->observations[0].cost_usd, 0.125);
  EXPECT_TRUE(back->observations[0].streamed);
  EXPECT_EQ(back->observations[0].cache_write_input_tokens, 33);
  EXPECT_EQ(back->scores[0].string_value, "good");
  EXPECT_EQ(back->events[0].body_json, R"({"x":1})");
  EXPECT_EQ(back->metrics[0].type, storage::metric_type::histogram);
  EXPECT_EQ(back->metrics[0].count, 3);
  EXPECT_DOUBLE_EQ(back->metrics[0].sum, 1.5);
  EXPECT_FALSE(decode_batch("[]"));
  EXPECT_FALSE(decode_batch(R"({"brokle_batch":99})"));
}

}  // namespace
}  // namespace brokle::telemetry
