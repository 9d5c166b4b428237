#include "storage/sqlite/sqlite_telemetry_writer.hpp"

#include <gtest/gtest.h>

#include "storage/sqlite/sqlite_telemetry_test_support.hpp"
#include "storage/sqlite/trace_summary_state.hpp"
#include "storage/store_set.hpp"

namespace brokle::storage::sqlite {

namespace {

using sqlite_telemetry_writer_test = sqlite_telemetry_fixture;

telemetry_batch three_span_trace(const std::string& project) {
  telemetry_batch b;
  auto t = trace_hex(1);
  b.spans.push_back(make_span(project, t, span_hex(1), "", "frontend", t0_ns, 50 * ms_ns, span_kind::server));
  b.spans.push_back(make_span(project, t, span_hex(2), span_hex(1), "frontend", t0_ns + ms_ns, 40 * ms_ns,
                              span_kind::client));
  b.spans.push_back(make_span(project, t, span_hex(3), span_hex(2), "checkout", t0_ns + 2 * ms_ns, 30 * ms_ns,
                              span_kind::server, span_status::error));
  b.logs.push_back(make_log(project, "01HLOG0000000000000000001", "frontend", t0_ns, "hello world"));
  return b;
}

telemetry_batch three_span_trace_with_id(const std::string& project, const std::string& t) {
  telemetry_batch b;
  b.spans.push_back(make_span(project, t, span_hex(1), "", "frontend", t0_ns, 50 * ms_ns, span_kind::server));
  b.spans.push_back(make_span(project, t, span_hex(2), span_hex(1), "frontend", t0_ns, 40 * ms_ns, span_kind::client));
  b.spans.push_back(make_span(project, t, span_hex(3), span_hex(2), "checkout", t0_ns, 30 * ms_ns, span_kind::server));
  return b;
}

// Every lookup of one trace's summary (trace detail, delete, logs of a trace) goes through
// trace_summary_match: trace_lookup by the id's last digits, or the writer's unindexed tail (a
// rowid range), and it reaches one row even when many ids share their first half: 64-bit ids
// zero-padded on the left (Zipkin B3, Datadog) and ids that start with a time (X-Ray).
TEST_F(sqlite_telemetry_writer_test, a_trace_summary_lookup_searches_the_id_index_and_visits_one_row) {
  std::vector<std::string> ids;
  for (uint64_t i = 1; i <= 200; ++i) {
    ids.push_back(hex_id(0, 16) + hex_id(i * 0x9e3779b97f4a7c15ULL, 16));       // 64-bit, zero-padded
    ids.push_back(hex_id(0x5f4e3d2c00000000ULL, 16) + hex_id(i * 0xc2b2ae3d27d4eb4fULL, 16));  // time-led
  }
  for (const auto& id : ids) write(three_span_trace_with_id("proj-alpha", id));
  auto lookup = [&](const std::string& sql_head, const std::string& id) {
    return db->read([&](connection& c) -> std::pair<std::string, int64_t> {
      auto s = c.prepare(sql_head + " FROM trace_summaries WHERE" + trace_summary_match);
      if (!s) return {"prepare failed: " + s.err().message, -1};
      s->bind_all(std::string("proj-alpha"), id);
      std::string out;
      for (;;) {
        auto row = s->step();
        if (!row || !*row) break;
        out += s->column_text(sql_head.rfind("EXPLAIN", 0) == 0 ? 3 : 0) + "\n";
      }
      return {out, s->vm_steps()};
    });
  };
  // Fewer than a flush's worth: still in the tail, found by the rowid scan of the tail.
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_lookup"), 0);
  EXPECT_EQ(lookup("SELECT span_count", ids[7]).first, "3\n");
  EXPECT_EQ(lookup("SELECT span_count", ids[300]).first, "3\n");

  ASSERT_TRUE(writer->flush_trace_lookup());
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_lookup"), 400);
  EXPECT_EQ(count("SELECT indexed_upto FROM trace_lookup_state"), count("SELECT MAX(seq) FROM trace_summaries"));
  auto [plan, plan_steps] = lookup("EXPLAIN QUERY PLAN SELECT seq", ids[7]);
  EXPECT_NE(plan.find("SEARCH trace_lookup USING PRIMARY KEY (key=?)"), std::string::npos) << plan;
  EXPECT_NE(plan.find("SEARCH trace_summaries USING INTEGER PRIMARY KEY (rowid>?)"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("SCAN trace_summaries"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("SCAN trace_lookup\n"), std::string::npos) << plan;  // trace_lookup_state is one row
  // Bare: one row found costs a few dozen steps; walking 200 ids that share a key costs thousands.
  auto [one, one_steps] = lookup("SELECT span_count", ids[7]);
  EXPECT_EQ(one, "3\n");
  auto [other, other_steps] = lookup("SELECT span_count", ids[300]);
  EXPECT_EQ(other, "3\n");
  EXPECT_LT(one_steps, 100);
  EXPECT_LT(other_steps, 100);
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_summaries"), 400);
}

// The writer indexes trace summaries in bulk; whichever side of a flush a trace's pieces land on,
// the summary is found and merged, never stored twice, and a rolled-back write leaves no trace of
// itself in what the writer remembers.
TEST_F(sqlite_telemetry_writer_test, traces_arriving_in_pieces_merge_across_lookup_flushes) {
  auto piece = [&](const std::string& trace, int span) {
    telemetry_batch b;
    b.spans.push_back(make_span("proj-alpha", trace, span_hex(static_cast<uint64_t>(span)), "", "svc", t0_ns, ms_ns));
    return b;
  };
  const std::string a = hex_id(1, 16) + hex_id(0xabcdef, 16), b = hex_id(2, 16) + hex_id(0x123456, 16);
  write(piece(a, 1));                       // unindexed: found through the writer's memory
  write(piece(a, 2));
  ASSERT_TRUE(writer->flush_trace_lookup());  // indexed: found through trace_lookup
  write(piece(a, 3));
  writer->fail_next_commit_for_tests();
  EXPECT_FALSE(writer->write(piece(b, 1)));  // rolled back: b was never stored
  write(piece(b, 2));
  write(piece(b, 2));                        // a replay
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_summaries"), 2);
  EXPECT_EQ(count("SELECT span_count FROM trace_summaries WHERE trace_id = '" + a + "'"), 3);
  EXPECT_EQ(count("SELECT span_count FROM trace_summaries WHERE trace_id = '" + b + "'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM spans"), 4);

  // Deleting the newest summary hands its seq to the next insert: it counts as unindexed again.
  ASSERT_TRUE(writer->flush_trace_lookup());
  const int64_t seq_of_b = count("SELECT seq FROM trace_summaries WHERE trace_id = '" + b + "'");
  const int64_t seq_of_a = count("SELECT seq FROM trace_summaries WHERE trace_id = '" + a + "'");
  ASSERT_GT(seq_of_b, seq_of_a);
  EXPECT_EQ(count("SELECT indexed_upto FROM trace_lookup_state"), seq_of_b);
  ASSERT_TRUE(db->write([&](connection& conn) { return conn.exec("DELETE FROM trace_summaries WHERE trace_id = '" + b + "'"); }));
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_lookup WHERE seq NOT IN (SELECT seq FROM trace_summaries)"), 0);
  EXPECT_EQ(count("SELECT indexed_upto FROM trace_lookup_state"), seq_of_a);
  const std::string c = hex_id(3, 16) + hex_id(0x777777, 16);
  write(piece(c, 1));
  EXPECT_EQ(count("SELECT seq FROM trace_summaries WHERE trace_id = '" + c + "'"), seq_of_b) << "the seq is reused";
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_summaries WHERE" + std::string(trace_summary_match), "proj-alpha", c), 1)
      << "readers find it in the tail";
  write(piece(c, 2));
  ASSERT_TRUE(writer->flush_trace_lookup());
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_lookup WHERE key = substr('" + c + "', -12)"), 1);
  write(piece(c, 3));
  EXPECT_EQ(count("SELECT span_count FROM trace_summaries WHERE trace_id = '" + c + "'"), 3);
}

// A writer that stops (or dies) with summaries not yet in trace_lookup leaves them as the tail; the
// next writer indexes that tail when it opens, so its own lookups (which trust trace_lookup plus
// its memory) still find those traces and a later piece merges instead of starting a second summary.
TEST_F(sqlite_telemetry_writer_test, a_new_writer_indexes_the_tail_its_predecessor_left) {
  const std::string id = trace_hex(42);
  write(three_span_trace_with_id("proj-alpha", id));
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_lookup"), 0) << "still in the tail";
  writer.reset();  // no flush on the way out: as after kill -9
  auto w = sqlite_telemetry_writer::open(dir / "t.db");
  ASSERT_TRUE(w) << w.err().message;
  writer = std::move(*w);
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_lookup"), 1);
  EXPECT_EQ(count("SELECT indexed_upto FROM trace_lookup_state"), count("SELECT MAX(seq) FROM trace_summaries"));
  telemetry_batch more;
  more.spans.push_back(make_span("proj-alpha", id, span_hex(9), span_hex(1), "late", t0_ns, ms_ns));
  write(more);
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_summaries"), 1);
  EXPECT_EQ(count("SELECT span_count FROM trace_summaries"), 4);
}

TEST_F(sqlite_telemetry_writer_test, its_gauges_report_the_wal_and_keep_their_names) {
  auto value_of = [&](std::string_view name) {
    for (const auto& g : writer->gauges())
      if (name == g.name) return g.value;
    ADD_FAILURE() << "no gauge " << name;
    return -1.0;
  };
  auto names = [&] {
    std::vector<std::string> n;
    for (const auto& g : writer->gauges()) n.emplace_back(g.name);
    return n;
  };
  auto before = names();
  ASSERT_EQ(before.size(), 3u);
  write(three_span_trace_with_id("proj-alpha", trace_hex(77)));
  // A commit went into the WAL: at least one whole frame (16 KiB page + 24-byte header).
  EXPECT_GE(value_of("brokle_store_wal_bytes"), 24.0 + connection::new_database_page_size);
  EXPECT_EQ(value_of("brokle_store_checkpoints_writer_total"), 0.0);
  EXPECT_EQ(names(), before);
}

TEST_F(sqlite_telemetry_writer_test, same_batch_twice_stores_everything_once) {
  auto b = three_span_trace("proj-alpha");
  b.observations.push_back(make_generation("proj-alpha", "obs1", trace_hex(1), "gpt-4o", t0_ms, 800));
  b.scores.push_back({"proj-alpha", "score1", trace_hex(1), "", "accuracy", score_data_type::numeric, 0.9});
  b.events.push_back({"proj-alpha", "ev1", trace_hex(1), "route", "chosen", "{}", t0_ms});
  b.traces.push_back({"proj-alpha", trace_hex(1), "checkout flow"});
  write(b);
  write(b);
  EXPECT_EQ(count("SELECT COUNT(*) FROM spans"), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM logs"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM observations"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM scores"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM telemetry_events"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM llm_traces"), 1);
  EXPECT_EQ(count("SELECT span_count FROM trace_summaries"), 3);
  EXPECT_EQ(count("SELECT error_count FROM trace_summaries"), 1);
  EXPECT_EQ(count("SELECT SUM(span_count) FROM span_rollups"), 3);
  EXPECT_EQ(count("SELECT SUM(log_count) FROM log_rollups"), 1);
  EXPECT_EQ(count("SELECT SUM(calls) FROM llm_rollups"), 1);
  EXPECT_EQ(count("SELECT SUM(call_count) FROM service_edge_rollups"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM logs_fts WHERE logs_fts MATCH 'hello'"), 1);
}

TEST_F(sqlite_telemetry_writer_test, a_span_repeated_inside_one_batch_is_stored_once) {
  telemetry_batch b;
  auto s = make_span("proj-alpha", trace_hex(7), span_hex(9), "", "api", t0_ns, ms_ns);
  b.spans = {s, s};
  write(b);
  EXPECT_EQ(count("SELECT COUNT(*) FROM spans"), 1);
  EXPECT_EQ(count("SELECT span_count FROM trace_summaries"), 1);
}

TEST_F(sqlite_telemetry_writer_test, non_hex_span_ids_dedupe_exactly) {
  telemetry_batch b;
  auto t = std::string("sdk-trace-1");
  b.spans.push_back(make_span("proj-alpha", t, "step-a", "", "sdk", t0_ns, ms_ns));
  b.spans.push_back(make_span("proj-alpha", t, "step-b", "step-a", "sdk", t0_ns, ms_ns));
  write(b);
  telemetry_batch again;
  again.spans.push_back(make_span("proj-alpha", t, "step-b", "step-a", "sdk", t0_ns, ms_ns));
  again.spans.push_back(make_span("proj-alpha", t, "step-c", "step-a", "sdk", t0_ns, ms_ns));
  write(again);
  EXPECT_EQ(count("SELECT COUNT(*) FROM spans"), 3);
  EXPECT_EQ(count("SELECT span_count FROM trace_summaries"), 3);
}

TEST_F(sqlite_telemetry_writer_test, same_span_id_in_two_projects_is_two_spans) {
  telemetry_batch b;
  b.spans.push_back(make_span("proj-alpha", trace_hex(1), span_hex(1), "", "api", t0_ns, ms_ns));
  b.spans.push_back(make_span("proj-beta", trace_hex(1), span_hex(1), "", "api", t0_ns, ms_ns));
  write(b);
  write(b);
  EXPECT_EQ(count("SELECT COUNT(*) FROM spans"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM trace_summaries"), 2);
}

TEST_F(sqlite_telemetry_writer_test, summary_follows_spans_arriving_child_first_in_separate_batches) {
  auto t = trace_hex(2);
  telemetry_batch child;
  child.spans.push_back(make_span("proj-alpha", t, span_hex(2), span_hex(1), "db", t0_ns + 5 * ms_ns, 10 * ms_ns));
  write(child);
  EXPECT_EQ(count("SELECT root_span_id = '' FROM trace_summaries"), 1);
  EXPECT_EQ(count("SELECT duration_ns FROM trace_summaries"), 10 * ms_ns);
  telemetry_batch root;
  root.spans.push_back(make_span("proj-alpha", t, span_hex(1), "", "api", t0_ns, 100 * ms_ns));
  write(root);
  auto d = queries->get_trace(alpha, t);
  ASSERT_TRUE(d) << d.err().message;
  EXPECT_EQ(d->summary.root_span_id, span_hex(1));
  EXPECT_EQ(d->summary.root_service, "api");
  EXPECT_EQ(d->summary.start_ns, t0_ns);
  EXPECT_EQ(d->summary.duration_ns, 100 * ms_ns);
  EXPECT_EQ(d->summary.span_count, 2);
  EXPECT_EQ(d->summary.services, (std::vector<std::string>{"db", "api"}));
  EXPECT_EQ(count("SELECT SUM(root_count) FROM span_rollups"), 1);
}

TEST_F(sqlite_telemetry_writer_test, trace_records_merge_set_fields_and_keep_the_rest) {
  telemetry_batch first;
  trace_record t{"proj-alpha", "tr1", "first name", "user-1"};
  t.tags = {"a", "b"};
  t.timestamp_ms = t0_ms;
  first.traces.push_back(t);
  write(first);
  telemetry_batch second;
  trace_record update{"proj-alpha", "tr1"};
  update.output_json = R"({"answer":42})";
  update.is_public = true;
  second.traces.push_back(update);
  write(second);
  auto d = queries->get_trace(alpha, "tr1");
  ASSERT_TRUE(d) << d.err().message;
  ASSERT_TRUE(d->llm_trace);
  EXPECT_EQ(d->llm_trace->name, "first name");
  EXPECT_EQ(d->llm_trace->user_id, "user-1");
  EXPECT_EQ(d->llm_trace->output_json, R"({"answer":42})");
  EXPECT_EQ(d->llm_trace->tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(d->llm_trace->is_public);
  EXPECT_EQ(d->llm_trace->timestamp_ms, t0_ms);
}

TEST_F(sqlite_telemetry_writer_test, observation_merge_replaces_its_rollup_contribution) {
  // Created open (no end, no tokens), then completed: one call with the final numbers.
  telemetry_batch open;
  auto o = make_generation("proj-alpha", "gen1", "tr1", "gpt-4o", t0_ms, 0);
  o.end_time_ms = 0;
  o.input_tokens = 0;
  o.output_tokens = 0;
  o.cost_usd = 0;
  open.observations.push_back(o);
  write(open);
  EXPECT_EQ(count("SELECT SUM(calls) FROM llm_rollups"), 1);
  EXPECT_EQ(count("SELECT SUM(latency_count) FROM llm_rollups"), 0);

  telemetry_batch done;
  observation_record completion;
  completion.project_id = "proj-alpha";
  completion.id = "gen1";
  completion.end_time_ms = t0_ms + 1500;
  completion.completion_start_time_ms = t0_ms + 300;
  completion.output_tokens = 77;
  completion.input_tokens = 10;
  completion.cached_input_tokens = 3;
  completion.cache_write_input_tokens = 4;
  completion.cost_usd = 0.25;
  done.observations.push_back(completion);
  write(done);
  write(done);  // a replay changes nothing
  EXPECT_EQ(count("SELECT SUM(calls) FROM llm_rollups"), 1);
  EXPECT_EQ(count("SELECT SUM(output_tokens) FROM llm_rollups"), 77);
  EXPECT_EQ(count("SELECT SUM(cached_tokens) FROM llm_rollups"), 3);
  EXPECT_EQ(count("SELECT SUM(cache_write_tokens) FROM llm_rollups"), 4);
  EXPECT_EQ(count("SELECT SUM(latency_sum_ms) FROM llm_rollups"), 1500);
  EXPECT_EQ(count("SELECT SUM(ttft_sum_ms) FROM llm_rollups"), 300);
  auto obs = queries->list_observations(alpha, {all, "tr1"});
  ASSERT_TRUE(obs) << obs.err().message;
  ASSERT_EQ(obs->items.size(), 1u);
  EXPECT_EQ(obs->items[0].model, "gpt-4o");
  EXPECT_EQ(obs->items[0].type, observation_type::generation);
  EXPECT_EQ(obs->items[0].output_tokens, 77);
}

TEST_F(sqlite_telemetry_writer_test, a_new_generation_counts_exactly_what_was_stored) {
  // New rows skip the read-back: their rollup contribution comes from the record itself and must
  // match what a merge would read (model falling back to model_requested, errors, ttft, buckets).
  telemetry_batch b;
  auto failed = make_generation("proj-alpha", "genA", "trA", "", t0_ms, 800);
  failed.model_requested = "alias-model";
  failed.http_status = 502;
  failed.completion_start_time_ms = t0_ms + 200;
  b.observations.push_back(failed);
  // The same id again in the same batch: the second one merges into the first.
  auto again = failed;
  again.output_tokens = 30;
  b.observations.push_back(again);
  write(b);
  EXPECT_EQ(count("SELECT SUM(calls) FROM llm_rollups WHERE model = 'alias-model'"), 1);
  EXPECT_EQ(count("SELECT SUM(errors) FROM llm_rollups"), 1);
  EXPECT_EQ(count("SELECT SUM(output_tokens) FROM llm_rollups"), 30);
  EXPECT_EQ(count("SELECT SUM(latency_sum_ms) FROM llm_rollups"), 800);
  EXPECT_EQ(count("SELECT SUM(ttft_sum_ms) FROM llm_rollups"), 200);
  EXPECT_EQ(count("SELECT COUNT(*) FROM observations"), 1);
  write(b);  // a replay of a batch of new rows changes nothing
  EXPECT_EQ(count("SELECT SUM(calls) FROM llm_rollups"), 1);
  EXPECT_EQ(count("SELECT SUM(output_tokens) FROM llm_rollups"), 30);
}

TEST_F(sqlite_telemetry_writer_test, a_generation_is_priced_once_merging_brings_model_and_tokens_together) {
  // Langfuse's SDKs send the model on generation-create and the usage on generation-update.
  auto w = sqlite_telemetry_writer::open(dir / "t.db", [](const observation_record& o) {
    return o.model == "gpt-4o-mini" ? o.input_tokens * 0.001 + o.output_tokens * 0.002 : 0.0;
  });
  ASSERT_TRUE(w) << w.err().message;
  writer = std::move(*w);
  auto cost_millis = [&](const char* id) {
    return count(std::string("SELECT CAST(ROUND(cost_usd * 1000) AS INTEGER) FROM observations WHERE id = '") + id + "'");
  };
  auto batch_of = [](std::vector<observation_record> v) {
    telemetry_batch b;
    b.observations = std::move(v);
    return b;
  };
  auto create = make_generation("proj-alpha", "gen1", "tr1", "gpt-4o-mini", t0_ms, 0);
  create.input_tokens = create.output_tokens = 0;
  create.cost_usd = 0;
  auto unpriced = make_generation("proj-alpha", "gen2", "tr1", "no-such-model", t0_ms, 10);
  unpriced.cost_usd = 0;
  auto sent = make_generation("proj-alpha", "gen3", "tr1", "gpt-4o-mini", t0_ms, 10);  // cost 0.5 as sent
  write(batch_of({create, unpriced, sent}));
  EXPECT_EQ(cost_millis("gen1"), 0);
  EXPECT_EQ(cost_millis("gen2"), 0);
  EXPECT_EQ(cost_millis("gen3"), 500);

  observation_record update;
  update.project_id = "proj-alpha";
  update.id = "gen1";
  update.trace_id = "tr1";
  update.end_time_ms = t0_ms + 900;
  update.input_tokens = 100;
  update.output_tokens = 20;
  write(batch_of({update}));
  write(batch_of({update}));  // a replay changes nothing
  EXPECT_EQ(cost_millis("gen1"), 140);
  EXPECT_EQ(cost_millis("gen3"), 500);
  EXPECT_EQ(count("SELECT CAST(ROUND(SUM(cost_usd) * 1000) AS INTEGER) FROM llm_rollups WHERE model = 'gpt-4o-mini'"), 640);
  EXPECT_EQ(count("SELECT SUM(calls) FROM llm_rollups WHERE model = 'gpt-4o-mini'"), 2);
}

TEST_F(sqlite_telemetry_writer_test, prompt_cache_writes_are_stored_merged_and_priced) {
  // Priced at 3 per written token, 1 per other input token: the pricer sees the merged row's writes.
  auto w = sqlite_telemetry_writer::open(dir / "t.db", [](const observation_record& o) {
    return static_cast<double>(o.input_tokens - o.cache_write_input_tokens) + 3.0 * o.cache_write_input_tokens;
  });
  ASSERT_TRUE(w) << w.err().message;
  writer = std::move(*w);
  telemetry_batch create;
  auto c = make_generation("proj-alpha", "gen1", "tr1", "claude-3-5-haiku", t0_ms, 0);
  c.input_tokens = c.output_tokens = 0;
  c.cost_usd = 0;
  create.observations.push_back(c);
  write(create);
  EXPECT_EQ(count("SELECT cache_write_input_tokens FROM observations WHERE id = 'gen1'"), 0);

  telemetry_batch update;
  observation_record u;
  u.project_id = "proj-alpha";
  u.id = "gen1";
  u.trace_id = "tr1";
  u.input_tokens = 100;
  u.cache_write_input_tokens = 40;
  update.observations.push_back(u);
  write(update);
  EXPECT_EQ(count("SELECT cache_write_input_tokens FROM observations WHERE id = 'gen1'"), 40);
  EXPECT_EQ(count("SELECT CAST(cost_usd AS INTEGER) FROM observations WHERE id = 'gen1'"), 60 + 3 * 40);
  // A later update without the field keeps what was stored.
  telemetry_batch later;
  observation_record v = u;
  v.cache_write_input_tokens = 0;
  v.end_time_ms = t0_ms + 500;
  later.observations.push_back(v);
  write(later);
  EXPECT_EQ(count("SELECT cache_write_input_tokens FROM observations WHERE id = 'gen1'"), 40);
}

TEST_F(sqlite_telemetry_writer_test, observation_moving_to_another_model_moves_its_rollup) {
  telemetry_batch b;
  b.observations.push_back(make_generation("proj-alpha", "gen1", "tr1", "gpt-4o", t0_ms, 100));
  write(b);
  telemetry_batch fix;
  observation_record o;
  o.project_id = "proj-alpha";
  o.id = "gen1";
  o.model = "gpt-4o-mini";
  fix.observations.push_back(o);
  write(fix);
  EXPECT_EQ(count("SELECT SUM(calls) FROM llm_rollups WHERE model = 'gpt-4o'"), 0);
  EXPECT_EQ(count("SELECT SUM(calls) FROM llm_rollups WHERE model = 'gpt-4o-mini'"), 1);
}

TEST_F(sqlite_telemetry_writer_test, a_constraint_violation_anywhere_writes_nothing) {
  auto b = three_span_trace("proj-alpha");
  b.observations.push_back(make_generation("proj-alpha", "obs1", trace_hex(1), "gpt-4o", t0_ms, 800));
  b.scores.push_back({"proj-alpha", "", trace_hex(1), "", "bad: empty id"});
  auto st = writer->write(b);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.err().code, errc::conflict);
  for (const char* table : {"spans", "trace_summaries", "logs", "observations", "scores", "span_rollups",
                            "log_rollups", "llm_rollups", "service_edge_rollups"}) {
    EXPECT_EQ(count(std::string("SELECT COUNT(*) FROM ") + table), 0) << table;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM logs_fts WHERE logs_fts MATCH 'hello'"), 0);
  // The writer is still usable and the good rows go in on their own.
  b.scores.clear();
  write(b);
  EXPECT_EQ(count("SELECT COUNT(*) FROM spans"), 3);
}

TEST_F(sqlite_telemetry_writer_test, a_failure_before_commit_writes_nothing_and_state_survives) {
  auto b = three_span_trace("proj-alpha");
  write(b);
  telemetry_batch more;
  more.spans.push_back(make_span("proj-alpha", trace_hex(1), span_hex(4), span_hex(1), "frontend", t0_ns, ms_ns));
  more.logs.push_back(make_log("proj-alpha", "01HLOG0000000000000000002", "frontend", t0_ns, "second"));
  writer->fail_next_commit_for_tests();
  ASSERT_FALSE(writer->write(more));
  EXPECT_EQ(count("SELECT span_count FROM trace_summaries"), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM spans"), 3);
  EXPECT_EQ(count("SELECT SUM(span_count) FROM span_rollups"), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM logs"), 1);
  write(more);  // the retry succeeds and counts once
  EXPECT_EQ(count("SELECT span_count FROM trace_summaries"), 4);
  EXPECT_EQ(count("SELECT SUM(span_count) FROM span_rollups"), 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM logs"), 2);
}

TEST_F(sqlite_telemetry_writer_test, service_edge_completes_across_batches_in_either_order) {
  // Server half first, client half two minutes later in another batch.
  auto t1 = trace_hex(11);
  telemetry_batch server_first;
  server_first.spans.push_back(make_span("proj-alpha", t1, span_hex(2), span_hex(1), "payments", t0_ns + ms_ns,
                                         20 * ms_ns, span_kind::server, span_status::error));
  write(server_first);
  EXPECT_EQ(count("SELECT COUNT(*) FROM service_edge_rollups"), 0);
  telemetry_batch client_later;
  client_later.spans.push_back(make_span("proj-alpha", t1, span_hex(1), "", "checkout", t0_ns, 30 * ms_ns,
                                         span_kind::client));
  write(client_later);

  // Client first; two consumers of one producer arrive later.
  auto t2 = trace_hex(12);
  telemetry_batch producer;
  producer.spans.push_back(make_span("proj-alpha", t2, span_hex(1), "", "checkout", t0_ns, 10 * ms_ns,
                                     span_kind::producer));
  write(producer);
  telemetry_batch consumers;
  consumers.spans.push_back(make_span("proj-alpha", t2, span_hex(2), span_hex(1), "mailer", t0_ns + 5 * minute_ns,
                                      ms_ns, span_kind::consumer));
  consumers.spans.push_back(make_span("proj-alpha", t2, span_hex(3), span_hex(1), "ledger", t0_ns + 5 * minute_ns,
                                      ms_ns, span_kind::consumer));
  // An internal child does not make an edge.
  consumers.spans.push_back(make_span("proj-alpha", t2, span_hex(4), span_hex(1), "audit", t0_ns, ms_ns));
  write(consumers);
  write(consumers);  // replayed: no double count

  auto map = queries->get_service_map(alpha, {all});
  ASSERT_TRUE(map) << map.err().message;
  ASSERT_EQ(map->edges.size(), 3u);
  EXPECT_EQ(map->edges[0].client_service, "checkout");
  EXPECT_EQ(map->edges[0].server_service, "ledger");
  EXPECT_EQ(map->edges[1].server_service, "mailer");
  EXPECT_EQ(map->edges[2].server_service, "payments");
  EXPECT_EQ(map->edges[2].call_count, 1);
  EXPECT_EQ(map->edges[2].error_count, 1);
  EXPECT_EQ(map->edges[2].avg_duration_ns, 30 * ms_ns);
  EXPECT_EQ(map->nodes.size(), 5u);
}

TEST_F(sqlite_telemetry_writer_test, empty_batch_is_a_no_op) {
  EXPECT_TRUE(writer->write({}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM spans"), 0);
}

}  // namespace

}  // namespace brokle::storage::sqlite

namespace brokle::storage {

namespace {

TEST(sqlite_telemetry_store_set, writer_factory_and_queries_share_one_file) {
  auto dir = std::filesystem::temp_directory_path() / ("brokle-telemetry-set-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    auto set = open_sqlite_stores({dir, 2});
    ASSERT_TRUE(set) << set.err().message;
    ASSERT_TRUE(migration_runner(*set->migrations, embedded_migration_files()).up());
    ASSERT_TRUE(set->open_telemetry_writer && set->telemetry_queries && set->retention);
    auto w = set->open_telemetry_writer({});
    ASSERT_TRUE(w) << w.err().message;
    telemetry_batch b;
    b.spans.push_back(sqlite::make_span("proj-alpha", sqlite::trace_hex(1), sqlite::span_hex(1), "", "api",
                                        sqlite::t0_ns, sqlite::ms_ns));
    ASSERT_TRUE((*w)->write(b));
    auto scope = scope_factory_for_tests::project("org1", "proj-alpha");
    auto d = set->telemetry_queries->get_trace(scope, sqlite::trace_hex(1));
    ASSERT_TRUE(d) << d.err().message;
    EXPECT_EQ(d->spans.size(), 1u);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace

}  // namespace brokle::storage
