#include "gateway/surfaces/openai_responses_stream.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/surfaces/openai_responses_response.hpp"
#include "gateway/surfaces/surface_events_test_support.hpp"

namespace brokle::gateway {

using testing::chunk;
using testing::events_of;
using testing::names_of;

namespace {

responses_stream_translator translator() {
  return responses_stream_translator(
      response_skeleton(boost::json::parse(R"({"model":"m","input":"x"})").as_object(), "resp_R1", "asked", 1700000000));
}

constexpr std::string_view usage_chunk =
    R"({"id":"chatcmpl-1","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":3}}})";

void expect_numbered(const std::vector<testing::surface_event>& ev) {
  for (size_t i = 0; i < ev.size(); ++i) EXPECT_EQ(ev[i].data.at("sequence_number").as_int64(), static_cast<int64_t>(i));
}

}  // namespace

TEST(openai_responses_stream, a_text_stream_becomes_the_responses_event_sequence) {
  auto t = translator();
  std::string out;
  t.on_data(chunk(R"({"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"content":"Hel"},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"content":"lo"},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{},"finish_reason":"stop"})"), out);
  EXPECT_FALSE(t.finished()) << "usage comes after the finish";
  t.on_data(usage_chunk, out);
  t.on_data("[DONE]", out);
  EXPECT_TRUE(t.finished());
  EXPECT_FALSE(t.failed());
  auto ev = events_of(out);
  EXPECT_EQ(names_of(ev), (std::vector<std::string>{
                              "response.created", "response.in_progress", "response.output_item.added",
                              "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
                              "response.output_text.done", "response.content_part.done", "response.output_item.done",
                              "response.completed"}));
  expect_numbered(ev);
  EXPECT_EQ(ev[0].data.at("response").at("status").as_string(), "in_progress");
  EXPECT_EQ(ev[0].data.at("response").at("id").as_string(), "resp_R1");
  EXPECT_EQ(ev[2].data.at("item").at("id").as_string(), "msg_R1_0");
  EXPECT_EQ(ev[2].data.at("item").at("status").as_string(), "in_progress");
  EXPECT_EQ(ev[4].data.at("item_id").as_string(), "msg_R1_0");
  EXPECT_EQ(ev[4].data.at("delta").as_string(), "Hel");
  EXPECT_EQ(ev[6].data.at("text").as_string(), "Hello");
  EXPECT_EQ(ev[7].data.at("part").at("text").as_string(), "Hello");
  EXPECT_EQ(ev[8].data.at("item").at("status").as_string(), "completed");
  const auto& done = ev.back().data.at("response");
  EXPECT_EQ(done.at("status").as_string(), "completed");
  EXPECT_EQ(done.at("output").as_array()[0].at("content").as_array()[0].at("text").as_string(), "Hello");
  EXPECT_EQ(done.at("output").as_array()[0], ev[8].data.at("item")) << "the final output is what output_item.done said";
  EXPECT_EQ(done.at("usage").at("input_tokens").as_int64(), 10);
  EXPECT_EQ(done.at("usage").at("input_tokens_details").at("cached_tokens").as_int64(), 3);
  EXPECT_EQ(done.at("usage").at("total_tokens").as_int64(), 12);
  std::string after;
  t.on_data(chunk(R"({"index":0,"delta":{"content":"late"}})"), after);
  t.finish(after);
  EXPECT_TRUE(after.empty()) << "nothing after the terminal event";
}

TEST(openai_responses_stream, streamed_tool_calls_become_function_call_items) {
  auto t = translator();
  std::string out;
  t.on_data(chunk(R"({"index":0,"delta":{"content":"Checking."}})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"f","arguments":""}}]}})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"x\":"}}]}})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","function":{"name":"g","arguments":"{}"}}]}})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{},"finish_reason":"tool_calls"})"), out);
  t.finish(out);  // no usage chunk, no [DONE]: the finish arrived, so the response completes
  ASSERT_TRUE(t.finished());
  EXPECT_FALSE(t.failed());
  auto ev = events_of(out);
  expect_numbered(ev);
  std::vector<std::string> added, args_done;
  std::string args;
  for (const auto& e : ev) {
    if (e.name == "response.output_item.added") added.push_back(std::string(e.data.at("item").at("type").as_string()));
    if (e.name == "response.function_call_arguments.delta" && e.data.at("output_index").as_int64() == 1)
      args += std::string(e.data.at("delta").as_string());
    if (e.name == "response.function_call_arguments.done") args_done.push_back(std::string(e.data.at("arguments").as_string()));
  }
  EXPECT_EQ(added, (std::vector<std::string>{"message", "function_call", "function_call"}));
  EXPECT_EQ(args, R"({"x":1})");
  EXPECT_EQ(args_done, (std::vector<std::string>{R"({"x":1})", "{}"}));
  const auto& output = ev.back().data.at("response").at("output").as_array();
  ASSERT_EQ(output.size(), 3u);
  EXPECT_EQ(output[1].at("id").as_string(), "fc_R1_1");
  EXPECT_EQ(output[1].at("call_id").as_string(), "call_a");
  EXPECT_EQ(output[2].at("name").as_string(), "g");
  EXPECT_EQ(output[2].at("status").as_string(), "completed");
  EXPECT_EQ(ev.back().name, "response.completed");
  // The text item is done before the first call is added.
  size_t text_done = 0, call_added = 0;
  for (size_t i = 0; i < ev.size(); ++i) {
    if (ev[i].name == "response.output_item.done" && ev[i].data.at("output_index").as_int64() == 0) text_done = i;
    if (ev[i].name == "response.output_item.added" && ev[i].data.at("output_index").as_int64() == 1) call_added = i;
  }
  EXPECT_LT(text_done, call_added);
}

TEST(openai_responses_stream, a_length_finish_ends_with_response_incomplete) {
  auto t = translator();
  std::string out;
  t.on_data(chunk(R"({"index":0,"delta":{"content":"cut"},"finish_reason":"length"})"), out);
  t.on_data("[DONE]", out);
  auto ev = events_of(out);
  EXPECT_EQ(ev.back().name, "response.incomplete");
  EXPECT_EQ(ev.back().data.at("response").at("incomplete_details").at("reason").as_string(), "max_output_tokens");
  EXPECT_EQ(ev.back().data.at("response").at("output").as_array()[0].at("status").as_string(), "incomplete");
}

TEST(openai_responses_stream, errors_and_early_ends_become_one_error_event) {
  {
    auto t = translator();
    std::string out;
    t.on_data(chunk(R"({"index":0,"delta":{"content":"part"}})"), out);
    t.on_data(R"({"error":{"message":"provider overloaded","type":"server_error"}})", out);
    t.finish(out);
    auto ev = events_of(out);
    EXPECT_EQ(ev.back().name, "error");
    EXPECT_EQ(ev.back().data.at("message").as_string(), "provider overloaded");
    EXPECT_EQ(ev.back().data.at("code").as_string(), "upstream_error");
    EXPECT_TRUE(t.failed());
    size_t errors = 0;
    for (const auto& e : ev) errors += e.name == "error";
    EXPECT_EQ(errors, 1u);
  }
  {
    auto t = translator();
    std::string out;
    t.on_data(chunk(R"({"index":0,"delta":{"content":"part"}})"), out);
    t.finish(out);  // the relay ended with no finish reason
    auto ev = events_of(out);
    EXPECT_EQ(ev.back().name, "error");
    for (const auto& e : ev) EXPECT_NE(e.name, "response.completed");
  }
  {
    auto t = translator();
    std::string out;
    t.on_data("[DONE]", out);  // [DONE] before any finish: not a success either
    EXPECT_EQ(events_of(out).back().name, "error");
  }
  {
    auto t = translator();
    std::string out;
    t.on_data("not json", out);
    EXPECT_TRUE(out.empty());
    t.finish(out);
    auto ev = events_of(out);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].name, "error");
    EXPECT_EQ(ev[0].data.at("sequence_number").as_int64(), 0);
  }
}

TEST(openai_responses_stream, what_it_holds_is_bounded) {
  responses_stream_translator t(
      response_skeleton(boost::json::parse(R"({"model":"m","input":"x"})").as_object(), "resp_R1", "asked", 1), 8);
  std::string out;
  t.on_data(chunk(R"({"index":0,"delta":{"content":"12345"}})"), out);
  EXPECT_FALSE(t.finished());
  t.on_data(chunk(R"({"index":0,"delta":{"content":"6789"},"finish_reason":"stop"})"), out);
  EXPECT_TRUE(t.failed()) << "9 bytes held past a bound of 8";
  auto ev = events_of(out);
  EXPECT_EQ(ev.back().name, "error") << out;
  for (const auto& e : ev) EXPECT_NE(e.name, "response.output_item.done") << "nothing after the error";

  auto many = translator();
  std::string more;
  many.on_data(chunk(R"({"index":0,"delta":{"tool_calls":[{"index":5000000,"id":"c","function":{"name":"f"}}]}})"), more);
  EXPECT_TRUE(many.failed()) << "a tool index past the bound is refused, not used to size a table";
  EXPECT_EQ(events_of(more).back().name, "error");
}

}  // namespace brokle::gateway

namespace brokle::gateway {

TEST(openai_responses_stream, streamed_citations_are_output_text_annotations) {
  auto t = translator();
  std::string out;
  t.on_data(chunk(R"({"index":0,"delta":{"annotations":[{"type":"url_citation","url_citation":{"start_index":0,"end_index":1,"url":"https://x"}}]},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"content":"Cited."},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"annotations":[{"type":"url_citation","url_citation":{"start_index":0,"end_index":6,"url":"https://a.example","title":"A"}},
      {"type":"file_citation"}]},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{},"finish_reason":"stop"})"), out);
  t.on_data(usage_chunk, out);
  t.on_data("[DONE]", out);
  auto ev = events_of(out);
  expect_numbered(ev);
  std::vector<testing::surface_event> added;
  for (const auto& e : ev)
    if (e.name == "response.output_text.annotation.added") added.push_back(e);
  ASSERT_EQ(added.size(), 1u) << "none before there is text to cite, and only url citations";
  EXPECT_EQ(added[0].data.at("annotation_index").as_int64(), 0);
  EXPECT_EQ(added[0].data.at("item_id").as_string(), "msg_R1_0");
  EXPECT_EQ(boost::json::serialize(added[0].data.at("annotation")),
            R"({"type":"url_citation","start_index":0,"end_index":6,"url":"https://a.example","title":"A"})");
  const auto& text = ev.back().data.at("response").at("output").at(0).at("content").at(0);
  EXPECT_EQ(text.at("annotations").as_array().size(), 1u);
  EXPECT_EQ(text.at("annotations").at(0), added[0].data.at("annotation"));
}

}  // namespace brokle::gateway
