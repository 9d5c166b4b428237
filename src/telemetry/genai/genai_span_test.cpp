#include "telemetry/genai/genai_span.hpp"

#include <gtest/gtest.h>

namespace brokle::telemetry::genai {
namespace {

storage::span_record span_with(const std::string& attributes_json) {
  storage::span_record s;
  s.project_id = "p1";
  s.trace_id = "5b8efff798038103d269b633813fc60c";
  s.span_id = "eee19b7ec3c1b174";
  s.parent_span_id = "eee19b7ec3c1b173";
  s.name = "chat gpt-4o";
  s.start_ns = 1544712660123456789;
  s.end_ns = 1544712661987654321;
  s.environment = "prod";
  s.attributes_json = attributes_json;
  return s;
}

storage::observation_record map(const std::string& attributes_json) {
  auto o = observation_from_span(span_with(attributes_json));
  EXPECT_TRUE(o.has_value()) << attributes_json;
  return o.value_or(storage::observation_record{});
}

TEST(genai_span, plain_spans_are_not_observations) {
  EXPECT_FALSE(observation_from_span(span_with(R"({"http.method":"GET"})")));
  EXPECT_FALSE(observation_from_span(span_with("{}")));
  EXPECT_FALSE(observation_from_span(span_with("not json")));
  EXPECT_FALSE(observation_from_span(span_with("[1]")));
}

TEST(genai_span, maps_ids_times_status_and_the_current_semconv) {
  auto s = span_with(R"({"gen_ai.operation.name":"chat","gen_ai.provider.name":"openai","gen_ai.system":"ignored",
      "gen_ai.request.model":"gpt-4o","gen_ai.response.model":"gpt-4o-2024-08-06",
      "gen_ai.request.temperature":0.2,"gen_ai.request.max_tokens":100,
      "gen_ai.usage.input_tokens":120,"gen_ai.usage.output_tokens":30,
      "gen_ai.response.id":"chatcmpl-1","gen_ai.response.finish_reasons":["stop"],
      "gen_ai.input.messages":"[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"hi\"}]}]",
      "gen_ai.output.messages":[{"role":"assistant","parts":[{"type":"text","content":"hello"}]}]})");
  s.status = storage::span_status::error;
  s.status_message = "rate limited";
  const auto o = observation_from_span(s).value();
  EXPECT_EQ(o.project_id, "p1");
  EXPECT_EQ(o.id, "eee19b7ec3c1b174");
  EXPECT_EQ(o.trace_id, "5b8efff798038103d269b633813fc60c");
  EXPECT_EQ(o.parent_observation_id, "eee19b7ec3c1b173");
  EXPECT_EQ(o.type, storage::observation_type::generation);
  EXPECT_EQ(o.name, "chat gpt-4o");
  EXPECT_EQ(o.start_time_ms, 1544712660123);
  EXPECT_EQ(o.end_time_ms, 1544712661987);
  EXPECT_EQ(o.level, "ERROR");
  EXPECT_EQ(o.status_message, "rate limited");
  EXPECT_EQ(o.environment, "prod");
  EXPECT_EQ(o.model, "gpt-4o-2024-08-06");
  EXPECT_EQ(o.model_requested, "gpt-4o");
  EXPECT_EQ(o.provider, "openai");
  EXPECT_EQ(o.input_tokens, 120);
  EXPECT_EQ(o.output_tokens, 30);
  EXPECT_EQ(o.cost_usd, 0.0);
  EXPECT_EQ(o.model_parameters_json, R"({"temperature":0.2,"max_tokens":100})");
  EXPECT_EQ(o.input_json, R"([{"role":"user","parts":[{"type":"text","content":"hi"}]}])");
  EXPECT_EQ(o.output_json, R"([{"role":"assistant","parts":[{"type":"text","content":"hello"}]}])");
  EXPECT_EQ(o.metadata_json, R"({"operation":"chat","response_id":"chatcmpl-1","finish_reasons":["stop"]})");
}

TEST(genai_span, model_falls_back_to_the_request_model_and_provider_to_gen_ai_system) {
  const auto o = map(R"({"gen_ai.system":"anthropic","gen_ai.request.model":"claude-3-5-sonnet"})");
  EXPECT_EQ(o.model, "claude-3-5-sonnet");
  EXPECT_EQ(o.provider, "anthropic");
  EXPECT_EQ(o.level, "DEFAULT");
  EXPECT_EQ(o.input_json, "");
  EXPECT_EQ(o.model_parameters_json, "");
}

TEST(genai_span, reads_prompt_and_completion_token_names) {
  const auto o = map(R"({"gen_ai.usage.prompt_tokens":11,"gen_ai.usage.completion_tokens":"7"})");
  EXPECT_EQ(o.input_tokens, 11);
  EXPECT_EQ(o.output_tokens, 7);
}

TEST(genai_span, input_and_output_token_names_win_over_the_older_ones) {
  const auto o = map(R"({"gen_ai.usage.input_tokens":5,"gen_ai.usage.prompt_tokens":11,
                         "gen_ai.usage.output_tokens":6,"gen_ai.usage.completion_tokens":7})");
  EXPECT_EQ(o.input_tokens, 5);
  EXPECT_EQ(o.output_tokens, 6);
}

TEST(genai_span, reads_prompt_cache_writes) {
  EXPECT_EQ(map(R"({"gen_ai.usage.input_tokens":100,"gen_ai.usage.cache_creation.input_tokens":30})").cache_write_input_tokens, 30);
  EXPECT_EQ(map(R"({"llm.token_count.prompt":100,"llm.token_count.prompt_details.cache_write":12})").cache_write_input_tokens, 12);
  EXPECT_EQ(map(R"({"gen_ai.usage.input_tokens":100})").cache_write_input_tokens, 0);
}

TEST(genai_span, reads_both_spellings_of_cached_input_tokens) {
  EXPECT_EQ(map(R"({"gen_ai.usage.input_tokens":100,"gen_ai.usage.cache_read.input_tokens":40})").cached_input_tokens, 40);
  EXPECT_EQ(map(R"({"gen_ai.usage.input_tokens":100,"gen_ai.usage.input_tokens.cache_read":41})").cached_input_tokens, 41);
  EXPECT_EQ(map(R"({"gen_ai.usage.cache_read_input_tokens":42})").cached_input_tokens, 42);
}

TEST(genai_span, reads_reasoning_tokens) {
  EXPECT_EQ(map(R"({"gen_ai.usage.output_tokens":90,"gen_ai.usage.reasoning.output_tokens":64})").reasoning_tokens, 64);
  EXPECT_EQ(map(R"({"gen_ai.usage.output_tokens.reasoning":65})").reasoning_tokens, 65);
}

TEST(genai_span, reads_openinference_token_counts_model_and_messages) {
  const auto o = map(R"({"openinference.span.kind":"LLM","llm.model_name":"gpt-4o-mini","llm.provider":"openai",
      "llm.token_count.prompt":12,"llm.token_count.completion":3.0,"llm.token_count.total":15,
      "llm.token_count.prompt_details.cache_read":2,"llm.token_count.completion_details.reasoning":1,
      "llm.invocation_parameters":"{\"temperature\":0.5}",
      "llm.input_messages.1.message.role":"user","llm.input_messages.1.message.content":"2+2?",
      "llm.input_messages.0.message.role":"system","llm.input_messages.0.message.content":"be brief",
      "llm.output_messages.0.message.role":"assistant","llm.output_messages.0.message.content":"4"})");
  EXPECT_EQ(o.type, storage::observation_type::generation);
  EXPECT_EQ(o.model, "gpt-4o-mini");
  EXPECT_EQ(o.provider, "openai");
  EXPECT_EQ(o.input_tokens, 12);
  EXPECT_EQ(o.output_tokens, 3);
  EXPECT_EQ(o.cached_input_tokens, 2);
  EXPECT_EQ(o.reasoning_tokens, 1);
  EXPECT_EQ(o.model_parameters_json, R"({"temperature":0.5})");
  EXPECT_EQ(o.input_json, R"([{"role":"system","content":"be brief"},{"role":"user","content":"2+2?"}])");
  EXPECT_EQ(o.output_json, R"([{"role":"assistant","content":"4"}])");
  EXPECT_EQ(o.metadata_json, R"({"total_tokens":15})");
}

TEST(genai_span, a_total_with_one_side_gives_the_other_side) {
  const auto o = map(R"({"llm.token_count.prompt":10,"llm.token_count.total":25})");
  EXPECT_EQ(o.input_tokens, 10);
  EXPECT_EQ(o.output_tokens, 15);
  const auto only_total = map(R"({"llm.token_count.total":25})");
  EXPECT_EQ(only_total.input_tokens, 0);
  EXPECT_EQ(only_total.output_tokens, 0);
}

TEST(genai_span, ignores_token_counts_that_are_not_counts) {
  const auto o = map(R"({"gen_ai.usage.input_tokens":-3,"gen_ai.usage.prompt_tokens":"many",
                         "gen_ai.usage.output_tokens":1.5,"gen_ai.usage.completion_tokens":4})");
  EXPECT_EQ(o.input_tokens, 0);
  EXPECT_EQ(o.output_tokens, 4);
}

TEST(genai_span, reads_the_indexed_openllmetry_prompt_form) {
  const auto o = map(R"({"gen_ai.system":"openai","gen_ai.prompt.0.role":"system","gen_ai.prompt.0.content":"be kind",
      "gen_ai.prompt.1.role":"user","gen_ai.prompt.1.content":"hi",
      "gen_ai.completion.0.role":"assistant","gen_ai.completion.0.content":"hello",
      "gen_ai.completion.0.finish_reason":"stop","gen_ai.prompt.x.content":"not indexed"})");
  EXPECT_EQ(o.input_json, R"([{"role":"system","content":"be kind"},{"role":"user","content":"hi"}])");
  EXPECT_EQ(o.output_json, R"([{"role":"assistant","content":"hello","finish_reason":"stop"}])");
}

TEST(genai_span, reads_the_plain_prompt_and_completion_attributes) {
  const auto o = map(R"({"gen_ai.prompt":"What is 2+2?","gen_ai.completion":"[{\"role\":\"assistant\",\"content\":\"4\"}]"})");
  EXPECT_EQ(o.input_json, R"("What is 2+2?")");
  EXPECT_EQ(o.output_json, R"([{"role":"assistant","content":"4"}])");
  const auto broken = map(R"({"gen_ai.prompt":"[not json"})");
  EXPECT_EQ(broken.input_json, R"("[not json")");
}

TEST(genai_span, tool_and_agent_steps_are_spans_not_generations) {
  EXPECT_EQ(map(R"({"gen_ai.operation.name":"execute_tool","gen_ai.tool.name":"search"})").type,
            storage::observation_type::span);
  EXPECT_EQ(map(R"({"gen_ai.operation.name":"invoke_agent"})").type, storage::observation_type::span);
  EXPECT_EQ(map(R"({"openinference.span.kind":"TOOL","llm.tool":"x"})").type, storage::observation_type::span);
  EXPECT_EQ(map(R"({"gen_ai.operation.name":"embeddings","gen_ai.request.model":"e"})").type,
            storage::observation_type::generation);
}

}  // namespace
}  // namespace brokle::telemetry::genai
