#include "telemetry/ingest/llm_payloads.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "telemetry/ingest/langfuse_batch.hpp"

namespace brokle::telemetry {
namespace {

boost::json::object obj(std::string_view text) { return boost::json::parse(text).as_object(); }

decode_context ctx(bool update = false) { return {1'700'000'000'000, "prod", update}; }

TEST(llm_payloads, traces_take_snake_and_camel_case_and_default_id_time_and_environment) {
  auto t = decode_trace(obj(R"({"name":"chat","userId":"u1","session_id":"s1","input":{"q":"hi"},
                                "tags":["a","b"],"metadata":{"k":1},"timestamp":"2024-05-01T12:00:00.5Z"})"),
                        ctx());
  ASSERT_TRUE(t) << t.err().message;
  EXPECT_EQ(t->id.size(), 26u);  // a new ULID
  EXPECT_EQ(t->user_id, "u1");
  EXPECT_EQ(t->session_id, "s1");
  EXPECT_EQ(t->input_json, R"({"q":"hi"})");
  EXPECT_EQ(t->tags.size(), 2u);
  EXPECT_EQ(t->environment, "prod");
  EXPECT_EQ(t->timestamp_ms, 1714564800500);
  auto dflt = decode_trace(obj(R"({"id":"t-1"})"), ctx());
  ASSERT_TRUE(dflt);
  EXPECT_EQ(dflt->id, "t-1");
  EXPECT_EQ(dflt->timestamp_ms, 1'700'000'000'000);
}

TEST(llm_payloads, updates_need_an_id_and_leave_unsent_fields_unset) {
  EXPECT_FALSE(decode_trace(obj(R"({"name":"x"})"), ctx(true)));
  auto u = decode_observation(obj(R"({"id":"o1","output":"done"})"), ctx(true));
  ASSERT_TRUE(u) << u.err().message;
  EXPECT_EQ(u->start_time_ms, 0);  // not reset by an update
  EXPECT_EQ(u->trace_id, "");
  EXPECT_EQ(u->output_json, R"("done")");
}

TEST(llm_payloads, generations_read_usage_and_costs_in_every_spelling) {
  auto g = decode_observation(obj(R"({"id":"g","traceId":"t","type":"GENERATION","model":"gpt-4o-mini",
      "startTime":"2024-05-01T12:00:00Z","endTime":"2024-05-01T12:00:01Z","completionStartTime":"2024-05-01T12:00:00.2Z",
      "usage":{"promptTokens":10,"completionTokens":5,"totalCost":0.25},
      "usageDetails":{"cache_read_input_tokens":4,"cache_creation_input_tokens":6}})"),
                              ctx());
  ASSERT_TRUE(g) << g.err().message;
  EXPECT_EQ(g->type, storage::observation_type::generation);
  EXPECT_EQ(g->input_tokens, 10);
  EXPECT_EQ(g->output_tokens, 5);
  EXPECT_EQ(g->cached_input_tokens, 4);
  EXPECT_EQ(g->cache_write_input_tokens, 6);
  EXPECT_DOUBLE_EQ(g->cost_usd, 0.25);
  EXPECT_EQ(g->end_time_ms - g->start_time_ms, 1000);
  EXPECT_EQ(g->completion_start_time_ms - g->start_time_ms, 200);
  auto openai_style = decode_observation(
      obj(R"({"type":"generation","usage":{"prompt_tokens":3,"completion_tokens":2,
              "prompt_tokens_details":{"cached_tokens":1},"completion_tokens_details":{"reasoning_tokens":7}}})"),
      ctx());
  ASSERT_TRUE(openai_style);
  EXPECT_EQ(openai_style->cached_input_tokens, 1);
  EXPECT_EQ(openai_style->reasoning_tokens, 7);
}

TEST(llm_payloads, bad_fields_are_named) {
  struct bad {
    const char* json;
    const char* needle;
  };
  for (auto [json, needle] : {bad{R"({"type":"BANANA"})", "type"}, bad{R"({"start_time":"yesterday"})", "start_time"},
                              bad{R"({"usage":{"input":-1}})", "negative"}, bad{R"({"name":5})", "name"},
                              bad{R"({"id":"has space"})", "id"}, bad{R"({"level":"LOUD"})", "level"},
                              bad{R"({"start_time":"2024-05-01T12:00:01Z","end_time":"2024-05-01T12:00:00Z"})", "before"}}) {
    auto r = decode_observation(obj(json), ctx());
    ASSERT_FALSE(r) << json;
    EXPECT_NE(r.err().message.find(needle), std::string::npos) << r.err().message;
  }
}

TEST(llm_payloads, scores_infer_their_type_and_refuse_mismatches) {
  auto n = decode_score(obj(R"({"traceId":"t","name":"accuracy","value":0.9})"), ctx());
  ASSERT_TRUE(n);
  EXPECT_EQ(n->data_type, storage::score_data_type::numeric);
  EXPECT_EQ(n->source, "API");
  auto c = decode_score(obj(R"({"trace_id":"t","name":"label","value":"good"})"), ctx());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->data_type, storage::score_data_type::categorical);
  EXPECT_EQ(c->string_value, "good");
  auto b = decode_score(obj(R"({"trace_id":"t","name":"ok","value":true})"), ctx());
  ASSERT_TRUE(b);
  EXPECT_EQ(b->value, 1);
  EXPECT_FALSE(decode_score(obj(R"({"name":"x","value":1})"), ctx()));                          // no target
  EXPECT_FALSE(decode_score(obj(R"({"trace_id":"t","value":1})"), ctx()));                      // no name
  EXPECT_FALSE(decode_score(obj(R"({"trace_id":"t","name":"x","value":"a","data_type":"NUMERIC"})"), ctx()));
  EXPECT_FALSE(decode_score(obj(R"({"trace_id":"t","name":"x","value":2,"data_type":"BOOLEAN"})"), ctx()));
  EXPECT_FALSE(decode_score(obj(R"({"trace_id":"t","name":"x","value":[1]})"), ctx()));
}

TEST(llm_payloads, events_and_routing_decisions) {
  auto e = decode_event(obj(R"({"name":"cache_hit","properties":{"k":"v"}})"), ctx());
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, "event");
  EXPECT_EQ(e->body_json, R"({"k":"v"})");
  auto r = decode_route_decision(obj(R"({"selected_model":"gpt-4o","provider":"openai","strategy":"cost"})"), ctx());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type, "route");
  EXPECT_EQ(r->name, "openai/gpt-4o");
  EXPECT_FALSE(decode_route_decision(obj(R"({"strategy":"cost"})"), ctx()));
}

TEST(langfuse_batch, decodes_each_event_on_its_own) {
  auto d = decode_langfuse_batch(R"({"batch":[
      {"id":"e1","type":"trace-create","timestamp":"2024-05-01T12:00:00Z","body":{"id":"t1","name":"chat"}},
      {"id":"e2","type":"generation-create","timestamp":"2024-05-01T12:00:00Z","body":{"id":"g1","traceId":"t1","model":"m"}},
      {"id":"e3","type":"generation-update","timestamp":"2024-05-01T12:00:02Z","body":{"id":"g1","output":"x"}},
      {"id":"e4","type":"span-update","timestamp":"2024-05-01T12:00:02Z","body":{"name":"no id"}},
      {"id":"e5","type":"bogus","body":{}},
      {"type":"trace-create","body":{}},
      {"id":"e7","type":"score-create","body":{"traceId":"t1","name":"q","value":1}},
      {"id":"e8","type":"sdk-log","body":{"log":"hello"}}
    ]})",
                                 1'700'000'000'000, "");
  ASSERT_TRUE(d) << d.err().message;
  EXPECT_EQ(d->successes.size(), 5u);
  ASSERT_EQ(d->errors.size(), 3u);
  EXPECT_EQ(d->errors[0].id, "e4");
  EXPECT_EQ(d->errors[1].id, "e5");
  EXPECT_EQ(d->errors[2].id, "");
  EXPECT_EQ(d->batch.traces.size(), 1u);
  EXPECT_EQ(d->batch.traces[0].timestamp_ms, 1714564800000);  // from the envelope
  EXPECT_EQ(d->batch.observations.size(), 2u);
  EXPECT_EQ(d->batch.observations[0].type, storage::observation_type::generation);
  EXPECT_EQ(d->batch.scores.size(), 1u);
  EXPECT_FALSE(decode_langfuse_batch("{", 0, ""));
  EXPECT_FALSE(decode_langfuse_batch(R"({"batch":{}})", 0, ""));
}

}  // namespace
}  // namespace brokle::telemetry
