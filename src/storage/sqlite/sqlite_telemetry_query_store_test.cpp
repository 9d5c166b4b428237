#include "storage/sqlite/sqlite_telemetry_query_store.hpp"

#include <gtest/gtest.h>

#include "storage/sqlite/span_time_index.hpp"

#include <algorithm>

#include "storage/sqlite/sqlite_telemetry_test_support.hpp"
#include "storage/telemetry_latency_buckets.hpp"

namespace brokle::storage::sqlite {

namespace {

// Project alpha: five traces a minute apart; trace i has a root in "api" lasting (i+1)*100 ms and
// one child; trace 3 fails in "db"; trace 4's root carries http.route=/cart. Project beta: one
// trace, one log, one generation, to prove nothing leaks across projects.
struct sqlite_telemetry_query_test : sqlite_telemetry_fixture {
  void SetUp() override {
    sqlite_telemetry_fixture::SetUp();
    telemetry_batch b;
    for (uint64_t i = 0; i < 5; ++i) {
      auto t = trace_hex(i);
      int64_t start = t0_ns + static_cast<int64_t>(i) * minute_ns;
      auto root = make_span("proj-alpha", t, span_hex(1), "", "api", start, static_cast<int64_t>(i + 1) * 100 * ms_ns,
                            span_kind::server);
      root.name = i == 2 ? "GET /search_50%" : "GET /items";
      if (i == 4) root.attributes_json = R"({"http.route":"/cart","http.status_code":200})";
      auto child = make_span("proj-alpha", t, span_hex(2), span_hex(1), i == 3 ? "db" : "cache", start + ms_ns,
                             10 * ms_ns, span_kind::client, i == 3 ? span_status::error : span_status::ok);
      child.attributes_json = i == 1 ? R"({"db.system":"redis"})" : "{}";
      child.name = i == 0 ? "special lookup" : "lookup";
      b.spans.push_back(root);
      b.spans.push_back(child);
    }
    b.spans.push_back(make_span("proj-beta", trace_hex(0), span_hex(1), "", "beta-svc", t0_ns, ms_ns));
    const char* bodies[] = {"user login succeeded", "payment failed: card declined", "cache miss for key=abc",
                            "connection refused (NEAR timeout)", "payment retried"};
    for (int i = 0; i < 5; ++i) {
      auto l = make_log("proj-alpha", "01HLOG00000000000000000" + std::to_string(10 + i), i % 2 ? "worker" : "api",
                        t0_ns + i * 10'000 * ms_ns, bodies[i], i == 1 ? 17 : 9);
      if (i == 1) {
        l.trace_id = trace_hex(3);
        l.attributes_json = R"({"user.id":"u-1"})";
      }
      b.logs.push_back(l);
    }
    b.logs.push_back(make_log("proj-beta", "01HLOG0000000000000000099", "beta-svc", t0_ns, "payment failed beta"));
    b.observations.push_back(make_generation("proj-alpha", "g1", "tr-1", "gpt-4o", t0_ms, 1000));
    auto cached = make_generation("proj-alpha", "g2", "tr-1", "gpt-4o", t0_ms + 1000, 3000);
    cached.cached_input_tokens = 40;
    cached.cache_write_input_tokens = 25;
    b.observations.push_back(cached);
    auto failed = make_generation("proj-alpha", "g3", "tr-2", "claude-3", t0_ms + 2000, 500);
    failed.provider = "anthropic";
    failed.http_status = 500;
    failed.completion_start_time_ms = failed.start_time_ms + 200;
    b.observations.push_back(failed);
    b.observations.push_back(make_generation("proj-beta", "gb", "tr-b", "gpt-4o", t0_ms, 1000));
    b.traces.push_back({"proj-alpha", "tr-1", "chat", "user-1", "sess-1"});
    b.traces.back().timestamp_ms = t0_ms;
    b.scores.push_back({"proj-alpha", "s1", "tr-1", "", "helpfulness", score_data_type::numeric, 0.8});
    b.scores.back().timestamp_ms = t0_ms;
    b.scores.push_back({"proj-alpha", "s2", "tr-2", "", "accuracy", score_data_type::numeric, 0.3});
    b.scores.back().timestamp_ms = t0_ms + 1;
    write(b);
  }

  std::vector<std::string> trace_ids(const trace_query& q) {
    auto r = queries->list_traces(alpha, q);
    EXPECT_TRUE(r) << (r ? "" : r.err().message);
    std::vector<std::string> ids;
    if (r) {
      for (const auto& t : r->items) ids.push_back(t.trace_id.substr(16));
    }
    return ids;
  }
  std::vector<std::string> log_bodies(const log_query& q, const project_scope* s = nullptr) {
    auto r = queries->search_logs(s ? *s : alpha, q);
    EXPECT_TRUE(r) << (r ? "" : r.err().message);
    std::vector<std::string> out;
    if (r) {
      for (const auto& l : r->items) out.push_back(l.body);
    }
    return out;
  }
  static std::string n(int i) { return span_hex(static_cast<uint64_t>(i)); }
};

TEST_F(sqlite_telemetry_query_test, traces_sorted_by_time_and_duration_both_ways) {
  trace_query q{all};
  EXPECT_EQ(trace_ids(q), (std::vector<std::string>{n(4), n(3), n(2), n(1), n(0)}));
  q.order = sort_order::asc;
  EXPECT_EQ(trace_ids(q), (std::vector<std::string>{n(0), n(1), n(2), n(3), n(4)}));
  q.sort = trace_sort::duration;
  q.order = sort_order::desc;
  EXPECT_EQ(trace_ids(q).front(), n(4));
}

// Past 20,000 traces in range, errors-by-duration walks the partial index instead of sorting;
// both plans must give the same answer, including for a trace whose error arrives in a later
// batch.
TEST_F(sqlite_telemetry_fixture, errors_by_duration_is_the_same_answer_by_either_plan) {
  telemetry_batch b;
  const int traces = 20'500;
  for (int i = 0; i < traces; ++i) {
    // Every 7th trace fails; durations spread so that the slowest failing ones are known.
    auto status = i % 7 == 0 ? span_status::error : span_status::ok;
    b.spans.push_back(make_span("proj-alpha", trace_hex(static_cast<uint64_t>(i)), span_hex(1), "", "api",
                                t0_ns + i * ms_ns, (1 + (i * 7919) % 100'000) * 1000, span_kind::server, status));
  }
  write(b);
  auto duration_of = [](int i) -> int64_t { return (1 + (i * 7919) % 100'000) * 1000; };
  // A later batch: the slowest trace without an error gets a failing child (a trace's duration is
  // its root's), which must move it into the errors view.
  int late_failure = 1;
  for (int i = 0; i < traces; ++i)
    if (i % 7 != 0 && duration_of(i) > duration_of(late_failure)) late_failure = i;
  telemetry_batch late;
  late.spans.push_back(make_span("proj-alpha", trace_hex(static_cast<uint64_t>(late_failure)), span_hex(2), span_hex(1),
                                 "db", t0_ns + late_failure * ms_ns, 1000, span_kind::client, span_status::error));
  write(late);

  auto expect_for = [&](const time_range& r) {
    // The answer computed the slow way.
    std::vector<std::pair<int64_t, std::string>> all_errors;
    for (int i = 0; i < traces; ++i) {
      int64_t start = t0_ns + i * ms_ns;
      if (start < r.start_ns || start >= r.end_ns) continue;
      if (i % 7 == 0 || i == late_failure) all_errors.emplace_back(duration_of(i), trace_hex(static_cast<uint64_t>(i)));
    }
    std::sort(all_errors.begin(), all_errors.end(), [](auto& a, auto& b) { return a.first > b.first; });
    std::vector<std::string> ids;
    for (size_t k = 0; k < all_errors.size() && k < 20; ++k) ids.push_back(all_errors[k].second);
    return ids;
  };
  ASSERT_EQ(expect_for(all).front(), trace_hex(static_cast<uint64_t>(late_failure)));
  for (const time_range& r : {all, time_range{t0_ns + 100 * ms_ns, t0_ns + 400 * ms_ns}}) {
    trace_query q{r};
    q.status = trace_status_filter::error;
    q.sort = trace_sort::duration;
    q.page.limit = 20;
    auto got = queries->list_traces(alpha, q);
    ASSERT_TRUE(got) << got.err().message;
    std::vector<std::string> ids;
    for (const auto& t : got->items) ids.push_back(t.trace_id);
    EXPECT_EQ(ids, expect_for(r));
    for (const auto& t : got->items) EXPECT_GT(t.error_count, 0);
  }
}

TEST_F(sqlite_telemetry_query_test, trace_filters) {
  trace_query q{{t0_ns + minute_ns, t0_ns + 4 * minute_ns}};
  EXPECT_EQ(trace_ids(q), (std::vector<std::string>{n(3), n(2), n(1)}));

  q = trace_query{all};
  q.status = trace_status_filter::error;
  EXPECT_EQ(trace_ids(q), (std::vector<std::string>{n(3)}));
  q.status = trace_status_filter::ok;
  EXPECT_EQ(trace_ids(q).size(), 4u);

  q = trace_query{all};
  q.services = {"db"};
  EXPECT_EQ(trace_ids(q), (std::vector<std::string>{n(3)}));
  q.services = {"db", "cache"};
  EXPECT_EQ(trace_ids(q).size(), 5u);

  q = trace_query{all};
  q.min_duration_ns = 200 * ms_ns;
  q.max_duration_ns = 400 * ms_ns;
  EXPECT_EQ(trace_ids(q), (std::vector<std::string>{n(3), n(2), n(1)}));

  q = trace_query{all};
  q.name_contains = "50%";  // wildcards in the input are literal
  EXPECT_EQ(trace_ids(q), (std::vector<std::string>{n(2)}));
  q.name_contains = "special";
  EXPECT_TRUE(trace_ids(q).empty());  // only the child is called that
  q.name_scope = match_scope::any_span;
  EXPECT_EQ(trace_ids(q), (std::vector<std::string>{n(0)}));

  q = trace_query{all};
  q.attributes = {{"http.route", "/cart"}};
  q.attribute_scope = match_scope::root_span;
  EXPECT_EQ(trace_ids(q), (std::vector<std::string>{n(4)}));
  q.attributes = {{"http.status_code", "200"}};
  EXPECT_EQ(trace_ids(q), (std::vector<std::string>{n(4)}));
  q.attributes = {{"db.system", "redis"}};
  EXPECT_TRUE(trace_ids(q).empty());
  q.attribute_scope = match_scope::any_span;
  EXPECT_EQ(trace_ids(q), (std::vector<std::string>{n(1)}));

  q.attributes = {{"bad\"key", "x"}};
  auto bad = queries->list_traces(alpha, q);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.err().code, errc::invalid_argument);
}

TEST_F(sqlite_telemetry_query_test, trace_pages) {
  trace_query q{all};
  q.page = {2, 0};
  auto p1 = queries->list_traces(alpha, q);
  ASSERT_TRUE(p1);
  EXPECT_EQ(p1->items.size(), 2u);
  EXPECT_TRUE(p1->has_more);
  q.page = {2, p1->next_offset};
  auto p2 = queries->list_traces(alpha, q);
  q.page = {2, 4};
  auto p3 = queries->list_traces(alpha, q);
  ASSERT_TRUE(p2 && p3);
  EXPECT_EQ(p2->items[0].trace_id.substr(16), n(2));
  EXPECT_EQ(p3->items.size(), 1u);
  EXPECT_FALSE(p3->has_more);
  q.page = {100000, -5};  // clamped
  auto big = queries->list_traces(alpha, q);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->items.size(), 5u);
}

TEST_F(sqlite_telemetry_query_test, trace_detail_is_a_tree_with_llm_records) {
  auto d = queries->get_trace(alpha, trace_hex(3));
  ASSERT_TRUE(d) << d.err().message;
  ASSERT_EQ(d->spans.size(), 2u);
  EXPECT_EQ(d->spans[0].span.span_id, span_hex(1));
  EXPECT_EQ(d->spans[0].depth, 0);
  EXPECT_EQ(d->spans[1].depth, 1);
  EXPECT_EQ(d->spans[1].span.service_name, "db");
  EXPECT_EQ(d->summary.error_count, 1);

  auto llm = queries->get_trace(alpha, "tr-1");
  ASSERT_TRUE(llm) << llm.err().message;
  EXPECT_TRUE(llm->spans.empty());
  ASSERT_TRUE(llm->llm_trace);
  EXPECT_EQ(llm->llm_trace->user_id, "user-1");
  EXPECT_EQ(llm->observations.size(), 2u);
  ASSERT_EQ(llm->scores.size(), 1u);
  EXPECT_EQ(llm->scores[0].name, "helpfulness");

  auto missing = queries->get_trace(alpha, "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.err().code, errc::not_found);
}

TEST_F(sqlite_telemetry_query_test, deep_trace_orders_parent_before_children) {
  telemetry_batch b;
  auto t = std::string("deep-trace");
  // Arrives leaf first; the chain is 1 <- 2 <- 3, and 4 is a sibling of 2 that started earlier.
  b.spans.push_back(make_span("proj-alpha", t, "3", "2", "s", t0_ns + 30, 1));
  b.spans.push_back(make_span("proj-alpha", t, "2", "1", "s", t0_ns + 20, 1));
  b.spans.push_back(make_span("proj-alpha", t, "4", "1", "s", t0_ns + 10, 1));
  b.spans.push_back(make_span("proj-alpha", t, "1", "", "s", t0_ns, 100));
  b.spans.push_back(make_span("proj-alpha", t, "orphan", "gone", "s", t0_ns + 5, 1));
  write(b);
  auto d = queries->get_trace(alpha, t);
  ASSERT_TRUE(d) << d.err().message;
  std::vector<std::pair<std::string, int>> got;
  for (const auto& s : d->spans) got.emplace_back(s.span.span_id, s.depth);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, int>>{{"1", 0}, {"4", 1}, {"2", 1}, {"3", 2}, {"orphan", 0}}));
}

TEST_F(sqlite_telemetry_query_test, log_filters) {
  log_query q{all};
  EXPECT_EQ(log_bodies(q).size(), 5u);
  q.services = {"worker"};
  EXPECT_EQ(log_bodies(q), (std::vector<std::string>{"connection refused (NEAR timeout)", "payment failed: card declined"}));
  q = log_query{all};
  q.min_severity = 17;
  EXPECT_EQ(log_bodies(q), (std::vector<std::string>{"payment failed: card declined"}));
  q = log_query{all};
  q.trace_id = trace_hex(3);
  EXPECT_EQ(log_bodies(q), (std::vector<std::string>{"payment failed: card declined"}));
  q = log_query{all};
  q.attributes = {{"user.id", "u-1"}};
  EXPECT_EQ(log_bodies(q).size(), 1u);
  q = log_query{{t0_ns, t0_ns + 15'000 * ms_ns}};
  q.order = sort_order::asc;
  EXPECT_EQ(log_bodies(q), (std::vector<std::string>{"user login succeeded", "payment failed: card declined"}));
}

TEST_F(sqlite_telemetry_query_test, log_full_text_search) {
  log_query q{all};
  q.text = "payment";
  EXPECT_EQ(log_bodies(q), (std::vector<std::string>{"payment retried", "payment failed: card declined"}));
  q.text = "PAYMENT declined";
  EXPECT_EQ(log_bodies(q), (std::vector<std::string>{"payment failed: card declined"}));
  q.text = "pay*";
  EXPECT_EQ(log_bodies(q).size(), 2u);
  q.text = "key=abc";
  EXPECT_EQ(log_bodies(q), (std::vector<std::string>{"cache miss for key=abc"}));
  q.text = "payment";
  EXPECT_EQ(log_bodies(q, &beta), (std::vector<std::string>{"payment failed beta"}));
}

TEST_F(sqlite_telemetry_query_test, log_search_survives_hostile_fts_input) {
  for (const char* text : {"\"", "\"payment", "payment\"\"\"", "*", "**", "pay**", "NEAR(payment retried)",
                           "NEAR", "(((", "payment)", "AND OR NOT", "col:payment", "body:payment", "^payment",
                           "payment + - {}", "'; DROP TABLE logs; --", "\xff\xfe", "日本語 payment"}) {
    log_query q{all};
    q.text = text;
    auto r = queries->search_logs(alpha, q);
    EXPECT_TRUE(r) << text << ": " << (r ? "" : r.err().message);
  }
  log_query q{all};
  q.text = "NEAR";  // a word like any other
  EXPECT_EQ(log_bodies(q), (std::vector<std::string>{"connection refused (NEAR timeout)"}));
  q.text = "(refused";
  EXPECT_EQ(log_bodies(q).size(), 1u);
  q.text = "***";  // no term at all: no text filter
  EXPECT_EQ(log_bodies(q).size(), 5u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM logs"), 6);
}

TEST_F(sqlite_telemetry_query_test, log_context_is_same_service_around_the_log) {
  auto ctx = queries->log_context(alpha, "01HLOG0000000000000000012", 10);
  ASSERT_TRUE(ctx) << ctx.err().message;
  // api logs at +0 s, +20 s, +40 s; all within a minute of +20 s.
  std::vector<std::string> got;
  for (const auto& l : *ctx) got.push_back(l.body);
  EXPECT_EQ(got, (std::vector<std::string>{"user login succeeded", "cache miss for key=abc", "payment retried"}));
  auto one_side = queries->log_context(alpha, "01HLOG0000000000000000012", 0);
  ASSERT_TRUE(one_side);
  EXPECT_EQ(one_side->size(), 1u);
  auto other_project = queries->log_context(beta, "01HLOG0000000000000000012", 10);
  ASSERT_FALSE(other_project);
  EXPECT_EQ(other_project.err().code, errc::not_found);
}

TEST_F(sqlite_telemetry_query_test, services_and_dashboard) {
  auto services = queries->list_services(alpha, {all});
  ASSERT_TRUE(services) << services.err().message;
  ASSERT_EQ(services->size(), 3u);
  const auto& api = (*services)[0];
  EXPECT_EQ(api.name, "api");
  EXPECT_EQ(api.span_count, 5);
  EXPECT_EQ(api.avg_duration_ns, 300 * ms_ns);
  // 100..500 ms fall in the (50, 100], (100, 200], (200, 500] ms buckets.
  EXPECT_GT(api.p50_ns, 200 * ms_ns);
  EXPECT_LE(api.p50_ns, 500 * ms_ns);
  EXPECT_LE(api.p95_ns, 500 * ms_ns);
  EXPECT_EQ((*services)[1].name, "cache");
  EXPECT_EQ((*services)[2].name, "db");
  EXPECT_DOUBLE_EQ((*services)[2].error_rate, 1.0);

  auto d = queries->dashboard(alpha, {all});
  ASSERT_TRUE(d) << d.err().message;
  EXPECT_EQ(d->spans, 10);
  EXPECT_EQ(d->traces, 5);
  EXPECT_EQ(d->errors, 1);
  EXPECT_EQ(d->logs, 5);
  EXPECT_EQ(d->error_logs, 1);
  EXPECT_EQ(d->services, 3);
  EXPECT_EQ(d->llm_calls, 3);
  EXPECT_EQ(d->llm_errors, 1);
  EXPECT_EQ(d->llm_input_tokens, 300);
  EXPECT_DOUBLE_EQ(d->llm_cost_usd, 1.5);

  metrics_query only_db{all, {"db"}};
  auto filtered = queries->dashboard(alpha, only_db);
  ASSERT_TRUE(filtered);
  EXPECT_EQ(filtered->spans, 1);
  EXPECT_EQ(filtered->traces, 0);
  EXPECT_EQ(filtered->logs, 0);

  auto b = queries->dashboard(beta, {all});
  ASSERT_TRUE(b);
  EXPECT_EQ(b->spans, 1);
  EXPECT_EQ(b->logs, 1);
  EXPECT_EQ(b->llm_calls, 1);
}

TEST_F(sqlite_telemetry_query_test, traffic_and_heatmap) {
  metrics_query q{{t0_ns, t0_ns + 6 * minute_ns}};
  auto t = queries->traffic(alpha, q);
  ASSERT_TRUE(t) << t.err().message;
  ASSERT_EQ(t->size(), 6u);  // every minute, the empty last one too
  EXPECT_EQ((*t)[0].bucket_start_ns, t0_ns);
  EXPECT_EQ((*t)[0].span_count, 2);
  EXPECT_EQ((*t)[3].error_count, 1);
  EXPECT_EQ((*t)[5].span_count, 0);
  q.bucket_seconds = 180;
  auto wide = queries->traffic(alpha, q);
  ASSERT_TRUE(wide);
  ASSERT_EQ(wide->size(), 2u);
  EXPECT_EQ((*wide)[0].span_count, 6);
  EXPECT_EQ((*wide)[1].span_count, 4);
  EXPECT_EQ((*wide)[1].bucket_start_ns, t0_ns + 3 * minute_ns);

  q = metrics_query{{t0_ns, t0_ns + 1000 * 24 * 60 * minute_ns}};
  auto capped = queries->traffic(alpha, q);
  ASSERT_TRUE(capped);
  EXPECT_LE(capped->size(), static_cast<size_t>(max_series_points));

  q = metrics_query{all, {"api"}};
  auto h = queries->latency_heatmap(alpha, q);
  ASSERT_TRUE(h) << h.err().message;
  int64_t total = 0;
  for (const auto& c : *h) {
    total += c.count;
    EXPECT_EQ(c.latency_upper_ns, latency_bucket_upper_ns(c.latency_bucket));
  }
  EXPECT_EQ(total, 5);
  ASSERT_FALSE(h->empty());
  EXPECT_EQ(h->front().latency_bucket, latency_bucket_of_ns(100 * ms_ns));
}

TEST_F(sqlite_telemetry_query_test, llm_breakdown_and_series) {
  auto by_model = queries->llm_breakdown(alpha, {all}, llm_dimension::model);
  ASSERT_TRUE(by_model) << by_model.err().message;
  ASSERT_EQ(by_model->size(), 2u);
  const auto& gpt = (*by_model)[0];
  EXPECT_EQ(gpt.value, "gpt-4o");
  EXPECT_EQ(gpt.calls, 2);
  EXPECT_EQ(gpt.input_tokens, 200);
  EXPECT_EQ(gpt.cached_input_tokens, 40);
  EXPECT_EQ(gpt.cache_write_input_tokens, 25);
  EXPECT_DOUBLE_EQ(gpt.avg_latency_ms, 2000);
  EXPECT_GT(gpt.p95_latency_ms, 2000);
  EXPECT_LE(gpt.p95_latency_ms, 5000);
  const auto& claude = (*by_model)[1];
  EXPECT_DOUBLE_EQ(claude.error_rate, 1.0);
  EXPECT_DOUBLE_EQ(claude.avg_time_to_first_token_ms, 200);

  auto by_provider = queries->llm_breakdown(alpha, {all, {{llm_dimension::provider, "anthropic"}}},
                                            llm_dimension::provider);
  ASSERT_TRUE(by_provider);
  ASSERT_EQ(by_provider->size(), 1u);
  EXPECT_EQ((*by_provider)[0].value, "anthropic");
  auto by_key = queries->llm_breakdown(alpha, {all}, llm_dimension::key);
  ASSERT_TRUE(by_key);
  ASSERT_EQ(by_key->size(), 1u);
  EXPECT_EQ((*by_key)[0].calls, 3);

  llm_query sq{{t0_ns, t0_ns + 2 * minute_ns}};
  auto series = queries->llm_series(alpha, sq);
  ASSERT_TRUE(series) << series.err().message;
  ASSERT_EQ(series->size(), 2u);
  EXPECT_EQ((*series)[0].calls, 3);
  EXPECT_EQ((*series)[0].errors, 1);
  EXPECT_EQ((*series)[1].calls, 0);
}

TEST_F(sqlite_telemetry_query_test, llm_lists_and_scores) {
  auto traces = queries->list_llm_traces(alpha, {all, "user-1"});
  ASSERT_TRUE(traces) << traces.err().message;
  ASSERT_EQ(traces->items.size(), 1u);
  EXPECT_EQ(traces->items[0].session_id, "sess-1");
  auto none = queries->list_llm_traces(alpha, {all, "user-2"});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->items.empty());

  auto gens = queries->list_observations(alpha, {all, "", observation_type::generation});
  ASSERT_TRUE(gens);
  EXPECT_EQ(gens->items.size(), 3u);
  EXPECT_EQ(gens->items[0].id, "g3");  // newest first

  auto by_trace = queries->list_scores(alpha, {all, "tr-2"});
  ASSERT_TRUE(by_trace);
  ASSERT_EQ(by_trace->items.size(), 1u);
  EXPECT_EQ(by_trace->items[0].name, "accuracy");
  auto by_name = queries->list_scores(alpha, {all, "", "helpfulness"});
  ASSERT_TRUE(by_name);
  ASSERT_EQ(by_name->items.size(), 1u);
  EXPECT_DOUBLE_EQ(by_name->items[0].value, 0.8);
  auto all_scores = queries->list_scores(alpha, {all});
  ASSERT_TRUE(all_scores);
  EXPECT_EQ(all_scores->items.size(), 2u);
}

TEST_F(sqlite_telemetry_query_test, project_beta_sees_none_of_alpha) {
  auto traces = queries->list_traces(beta, {all});
  ASSERT_TRUE(traces);
  ASSERT_EQ(traces->items.size(), 1u);
  EXPECT_EQ(traces->items[0].root_service, "beta-svc");
  // Same trace id in both projects: each sees its own.
  auto d = queries->get_trace(beta, trace_hex(0));
  ASSERT_TRUE(d);
  ASSERT_EQ(d->spans.size(), 1u);
  EXPECT_EQ(d->spans[0].span.service_name, "beta-svc");
  EXPECT_FALSE(queries->get_trace(beta, trace_hex(3)));
  EXPECT_FALSE(queries->get_trace(beta, "tr-1"));
  log_query lq{all};
  lq.trace_id = trace_hex(3);
  EXPECT_TRUE(log_bodies(lq, &beta).empty());
  auto services = queries->list_services(beta, {all});
  ASSERT_TRUE(services);
  ASSERT_EQ(services->size(), 1u);
  auto map = queries->get_service_map(beta, {all});
  ASSERT_TRUE(map);
  EXPECT_TRUE(map->edges.empty());
  auto llm = queries->llm_breakdown(beta, {all}, llm_dimension::model);
  ASSERT_TRUE(llm);
  ASSERT_EQ(llm->size(), 1u);
  EXPECT_EQ((*llm)[0].calls, 1);
  auto scores = queries->list_scores(beta, {all});
  ASSERT_TRUE(scores);
  EXPECT_TRUE(scores->items.empty());
  auto obs = queries->list_observations(beta, {all, "tr-1"});
  ASSERT_TRUE(obs);
  EXPECT_TRUE(obs->items.empty());
}

TEST_F(sqlite_telemetry_query_test, a_reversed_range_is_refused) {
  auto r = queries->list_traces(alpha, {{t0_ns, t0_ns - 1}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.err().code, errc::invalid_argument);
}

}  // namespace

// Span start-time ranges are searched through the bucket index (migration 0013); the expression
// in span_time_index.hpp must match the index's for SQLite to use it.
TEST_F(sqlite_telemetry_query_test, span_time_ranges_search_the_start_bucket_index) {
  auto plan = db->read([&](connection& c) -> std::string {
    auto s = c.prepare(std::string("EXPLAIN QUERY PLAN SELECT trace_id FROM spans WHERE project_id = ? AND ") +
                       span_start_bucket + " BETWEEN ? AND ? AND start_ns >= ? AND start_ns < ?");
    if (!s) return "prepare failed: " + s.err().message;
    std::string out;
    for (;;) {
      auto row = s->step();
      if (!row || !*row) break;
      out += s->column_text(3) + "\n";
    }
    return out;
  });
  EXPECT_NE(plan.find("USING INDEX spans_project_start_bucket"), std::string::npos) << plan;
  EXPECT_EQ(span_start_bucket_of(int64_t{1} << 30), 1);
  EXPECT_EQ(span_start_bucket_of((int64_t{1} << 30) - 1), 0);
}

}  // namespace brokle::storage::sqlite
