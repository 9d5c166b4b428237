#include "gateway/call_recorder.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <thread>

#include "core/ulid.hpp"
#include "gateway/call_trace.hpp"
#include "storage/sqlite/sqlite_generation_store.hpp"
#include "storage/sqlite/sqlite_test_support.hpp"

namespace brokle::gateway {

namespace {

using scopes = scope_factory_for_tests;

storage::generation_record call(const project_scope& s, std::string endpoint = "chat.completions") {
  storage::generation_record g;
  g.id = new_ulid();
  g.request_id = "req-" + g.id;
  g.org_id = s.org_id();
  g.project_id = s.project_id();
  g.endpoint = std::move(endpoint);
  g.model_requested = g.model_used = "gpt-4o-mini";
  g.provider = "mock";
  g.status = 200;
  g.input_tokens = 12;
  g.output_tokens = 3;
  g.cost_usd = 0.001;
  g.started_at = 1'700'000'000'000;
  g.latency_ms = 40;
  g.time_to_first_token_ms = 15;
  g.streamed = true;
  return g;
}

struct recorder_test : ::testing::Test {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("brokle-recorder-" + std::to_string(::getpid()) + "-" +
                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::shared_ptr<storage::sqlite::database> db = storage::sqlite::open_migrated_database(dir);
  storage::sqlite::sqlite_generation_store store{db};
  project_scope mine = scopes::project("org-a", "proj-a");
  ~recorder_test() override { std::filesystem::remove_all(dir); }
};

}  // namespace

// Every record is stored; those pushed with a trace also reach the sink, with their project and
// trace, from the recorder's thread; stop() flushes both.
TEST_F(recorder_test, stores_every_call_and_hands_traced_ones_to_the_sink) {
  std::mutex mu;
  std::vector<std::pair<storage::generation_record, call_trace>> seen;
  std::thread::id sink_thread;
  call_recorder r(store);
  r.send_traces_to([&](const storage::generation_record& rec, const call_trace& t) {
    std::lock_guard lock(mu);
    sink_thread = std::this_thread::get_id();
    seen.emplace_back(rec, t);
  });
  r.start();
  auto a = call(mine), b = call(mine), c = call(mine);
  ASSERT_TRUE(r.push(a, call_trace{mine, "", ""}));
  ASSERT_TRUE(r.push(b));  // no trace: the call record only
  ASSERT_TRUE(r.push(c, call_trace{mine, "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"}));
  r.stop();
  EXPECT_EQ(r.written(), 3u);
  auto stored = store.recent(mine, 10);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->size(), 3u);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_NE(sink_thread, std::this_thread::get_id());
  EXPECT_EQ(seen[0].first.id, a.id);
  EXPECT_EQ(seen[0].second.scope.project_id(), "proj-a");
  EXPECT_EQ(seen[1].first.id, c.id);
  EXPECT_EQ(seen[1].second.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST_F(recorder_test, a_full_queue_drops_and_counts) {
  call_recorder r(store, 2);  // not started: nothing drains the queue
  EXPECT_TRUE(r.push(call(mine)));
  EXPECT_TRUE(r.push(call(mine), call_trace{mine, "", ""}));
  EXPECT_FALSE(r.push(call(mine)));
  EXPECT_EQ(r.dropped(), 1u);
}

// A call that starts its own trace: the trace (named for the endpoint, the request id in its
// metadata) and its generation. A call inside the caller's trace: only the generation, under
// the caller's span.
TEST(call_trace, a_call_becomes_a_generation_in_its_trace) {
  auto s = scopes::project("org-a", "proj-a");
  auto rec = call(s);
  auto root = llm_trace_of(rec, call_trace{s, "", ""});
  ASSERT_EQ(root.traces.size(), 1u);
  EXPECT_EQ(root.traces[0].id, rec.id);
  EXPECT_EQ(root.traces[0].name, "gateway chat.completions");
  EXPECT_NE(root.traces[0].metadata_json.find(rec.request_id), std::string::npos);
  EXPECT_EQ(root.traces[0].updated_at_ms, rec.started_at + 40);
  ASSERT_EQ(root.observations.size(), 1u);
  const auto& o = root.observations[0];
  EXPECT_EQ(o.trace_id, rec.id);
  EXPECT_EQ(o.type, storage::observation_type::generation);
  EXPECT_EQ(o.level, "DEFAULT");
  EXPECT_EQ(o.completion_start_time_ms, rec.started_at + 15);
  EXPECT_EQ(o.input_tokens, 12);
  EXPECT_EQ(o.cost_usd, 0.001);
  EXPECT_TRUE(o.streamed);

  rec.status = 502;
  rec.error = "upstream closed";
  auto inside = llm_trace_of(rec, call_trace{s, "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"});
  EXPECT_TRUE(inside.traces.empty());
  ASSERT_EQ(inside.observations.size(), 1u);
  EXPECT_EQ(inside.observations[0].trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(inside.observations[0].parent_observation_id, "00f067aa0ba902b7");
  EXPECT_EQ(inside.observations[0].level, "ERROR");
  EXPECT_EQ(inside.observations[0].status_message, "upstream closed");
}

}  // namespace brokle::gateway
