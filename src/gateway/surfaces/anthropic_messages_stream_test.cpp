#include "gateway/surfaces/anthropic_messages_stream.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "gateway/surfaces/surface_events_test_support.hpp"

namespace brokle::gateway {

using testing::chunk;
using testing::events_of;
using testing::names_of;

TEST(anthropic_messages_stream, text_stream_becomes_the_messages_event_sequence) {
  messages_stream_translator t("msg_1", "claude-asked");
  std::string out;
  t.on_data(chunk(R"({"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"content":"Hel"},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"content":"lo"},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{},"finish_reason":"stop"})"), out);
  EXPECT_FALSE(t.finished()) << "usage comes after the finish";
  t.on_data(R"({"id":"chatcmpl-1","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":3}}})", out);
  t.on_data("[DONE]", out);
  EXPECT_TRUE(t.finished());
  EXPECT_FALSE(t.failed());

  auto ev = events_of(out);
  EXPECT_EQ(names_of(ev), (std::vector<std::string>{"message_start", "content_block_start", "content_block_delta",
                                                     "content_block_delta", "content_block_stop", "message_delta",
                                                     "message_stop"}));
  const auto& msg = ev[0].data.at("message");
  EXPECT_EQ(msg.at("id").as_string(), "msg_1");
  EXPECT_EQ(msg.at("model").as_string(), "claude-asked");
  EXPECT_EQ(msg.at("role").as_string(), "assistant");
  EXPECT_TRUE(msg.at("content").as_array().empty());
  EXPECT_TRUE(msg.at("stop_reason").is_null());
  EXPECT_EQ(ev[1].data.at("index").as_int64(), 0);
  EXPECT_EQ(ev[1].data.at("content_block").at("type").as_string(), "text");
  EXPECT_EQ(ev[2].data.at("delta").at("type").as_string(), "text_delta");
  EXPECT_EQ(ev[2].data.at("delta").at("text").as_string(), "Hel");
  EXPECT_EQ(ev[3].data.at("delta").at("text").as_string(), "lo");
  EXPECT_EQ(ev[5].data.at("delta").at("stop_reason").as_string(), "end_turn");
  EXPECT_TRUE(ev[5].data.at("delta").at("stop_sequence").is_null());
  EXPECT_EQ(ev[5].data.at("usage").at("output_tokens").as_int64(), 2);
  EXPECT_EQ(ev[5].data.at("usage").at("input_tokens").as_int64(), 7);
  EXPECT_EQ(ev[5].data.at("usage").at("cache_read_input_tokens").as_int64(), 3);
  EXPECT_EQ(t.usage().input_tokens, 10);

  std::string after;
  t.on_data(chunk(R"({"index":0,"delta":{"content":"late"}})"), after);
  t.finish(after);
  EXPECT_TRUE(after.empty()) << "nothing after message_stop";
}

TEST(anthropic_messages_stream, tool_call_deltas_become_tool_use_blocks_with_input_json_deltas) {
  messages_stream_translator t("msg_2", "m");
  std::string out;
  t.on_data(chunk(R"({"index":0,"delta":{"role":"assistant","content":"Let me look."}})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}]}})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","function":{"name":"get_time","arguments":"{}"}}]}})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{},"finish_reason":"tool_calls"})"), out);
  t.on_data("[DONE]", out);

  auto ev = events_of(out);
  EXPECT_EQ(names_of(ev), (std::vector<std::string>{
                              "message_start", "content_block_start", "content_block_delta", "content_block_stop",
                              "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                              "content_block_start", "content_block_delta", "content_block_stop", "message_delta",
                              "message_stop"}));
  EXPECT_EQ(ev[4].data.at("index").as_int64(), 1);
  const auto& block = ev[4].data.at("content_block");
  EXPECT_EQ(block.at("type").as_string(), "tool_use");
  EXPECT_EQ(block.at("id").as_string(), "call_a");
  EXPECT_EQ(block.at("name").as_string(), "get_weather");
  EXPECT_TRUE(block.at("input").as_object().empty());
  EXPECT_EQ(ev[5].data.at("delta").at("type").as_string(), "input_json_delta");
  std::string json = std::string(ev[5].data.at("delta").at("partial_json").as_string()) +
                     std::string(ev[6].data.at("delta").at("partial_json").as_string());
  EXPECT_EQ(boost::json::parse(json).at("city").as_string(), "Paris");
  EXPECT_EQ(ev[8].data.at("index").as_int64(), 2);
  EXPECT_EQ(ev[8].data.at("content_block").at("name").as_string(), "get_time");
  EXPECT_EQ(ev[9].data.at("index").as_int64(), 2);
  EXPECT_EQ(ev[11].data.at("delta").at("stop_reason").as_string(), "tool_use");
}

TEST(anthropic_messages_stream, stop_reasons_from_the_finish_chunk) {
  auto last_delta = [](std::string_view finish_choice) {
    messages_stream_translator t("msg", "m");
    std::string out;
    t.on_data(chunk(R"({"index":0,"delta":{"content":"abc"}})"), out);
    t.on_data(chunk(finish_choice), out);
    t.on_data("[DONE]", out);
    auto ev = events_of(out);
    return ev.at(ev.size() - 2).data.at("delta").as_object();
  };
  EXPECT_EQ(last_delta(R"({"index":0,"delta":{},"finish_reason":"length"})").at("stop_reason").as_string(), "max_tokens");
  auto seq = last_delta(R"({"index":0,"delta":{},"finish_reason":"stop","stop_reason":"END"})");
  EXPECT_EQ(seq.at("stop_reason").as_string(), "stop_sequence");
  EXPECT_EQ(seq.at("stop_sequence").as_string(), "END");
}

TEST(anthropic_messages_stream, an_error_mid_stream_becomes_an_error_event) {
  messages_stream_translator t("msg_3", "m");
  std::string out;
  t.on_data(chunk(R"({"index":0,"delta":{"content":"partial"}})"), out);
  t.on_data(R"({"error":{"message":"upstream went away","type":"api_error","code":"upstream_error"}})", out);
  EXPECT_TRUE(t.finished());
  EXPECT_TRUE(t.failed());
  auto ev = events_of(out);
  ASSERT_FALSE(ev.empty());
  EXPECT_EQ(ev.back().name, "error");
  EXPECT_EQ(ev.back().data.at("error").at("type").as_string(), "api_error");
  EXPECT_EQ(ev.back().data.at("error").at("message").as_string(), "upstream went away");
  for (const auto& e : ev) EXPECT_NE(e.name, "message_stop") << "never a silent success";
}

TEST(anthropic_messages_stream, a_stream_that_just_stops_is_an_error_unless_its_finish_arrived) {
  messages_stream_translator cut("msg", "m");
  std::string out;
  cut.on_data(chunk(R"({"index":0,"delta":{"content":"half"}})"), out);
  cut.finish(out);
  EXPECT_TRUE(cut.failed());
  EXPECT_EQ(events_of(out).back().name, "error");

  messages_stream_translator no_done("msg", "m");
  std::string out2;
  no_done.on_data(chunk(R"({"index":0,"delta":{"content":"whole"},"finish_reason":"stop"})"), out2);
  no_done.finish(out2);
  EXPECT_FALSE(no_done.failed());
  auto ev = events_of(out2);
  EXPECT_EQ(ev.back().name, "message_stop");
  EXPECT_EQ(ev[ev.size() - 2].data.at("delta").at("stop_reason").as_string(), "end_turn");

  messages_stream_translator empty("msg", "m");
  std::string out3;
  empty.finish(out3);
  EXPECT_TRUE(empty.failed());
  EXPECT_EQ(events_of(out3).size(), 1u);
}

TEST(anthropic_messages_stream, a_tool_index_past_the_bound_ends_the_stream_with_an_error) {
  messages_stream_translator t("msg_1", "claude-asked");
  std::string out;
  t.on_data(chunk(R"({"index":0,"delta":{"tool_calls":[{"index":5000000,"id":"c","function":{"name":"f"}}]}})"), out);
  EXPECT_TRUE(t.failed());
  EXPECT_EQ(events_of(out).back().name, "error");
}

TEST(anthropic_messages_stream, streamed_reasoning_is_a_thinking_block_before_the_text) {
  messages_stream_translator t("msg_1", "m");
  std::string out;
  t.on_data(chunk(R"({"index":0,"delta":{"role":"assistant","reasoning_content":"Let me "},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"reasoning_content":"see."},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"content":"Yes"},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{},"finish_reason":"stop"})"), out);
  t.on_data("[DONE]", out);
  ASSERT_FALSE(t.failed());
  auto ev = events_of(out);
  EXPECT_EQ(names_of(ev), (std::vector<std::string>{"message_start", "content_block_start", "content_block_delta",
                                                     "content_block_delta", "content_block_stop", "content_block_start",
                                                     "content_block_delta", "content_block_stop", "message_delta",
                                                     "message_stop"}));
  EXPECT_EQ(ev[1].data.at("content_block").at("type").as_string(), "thinking");
  EXPECT_EQ(ev[2].data.at("delta").at("type").as_string(), "thinking_delta");
  EXPECT_EQ(ev[3].data.at("delta").at("thinking").as_string(), "see.");
  EXPECT_EQ(ev[5].data.at("index").as_int64(), 1);
  EXPECT_EQ(ev[5].data.at("content_block").at("type").as_string(), "text");
}

}  // namespace brokle::gateway

namespace brokle::gateway {

TEST(anthropic_messages_stream, streamed_annotations_are_citations_deltas_on_the_open_text_block) {
  messages_stream_translator t("msg_1", "claude-asked");
  std::string out;
  t.on_data(chunk(R"({"index":0,"delta":{"role":"assistant","content":"Né: "},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"content":"open"},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"annotations":[{"type":"url_citation","url_citation":{"start_index":4,"end_index":8,"url":"https://a.example","title":"A"}},
      {"type":"url_citation","url_citation":{"start_index":0,"end_index":80,"url":"https://b.example"}}]},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{},"finish_reason":"stop"})"), out);
  t.on_data("[DONE]", out);
  std::vector<boost::json::object> citations;
  for (const auto& e : events_of(out))
    if (e.name == "content_block_delta" && e.data.at("delta").at("type") == "citations_delta") {
      EXPECT_EQ(e.data.at("index").as_int64(), 0);
      citations.push_back(e.data.at("delta").at("citation").as_object());
    }
  ASSERT_EQ(citations.size(), 2u);
  EXPECT_EQ(citations[0].at("type").as_string(), "web_search_result_location");
  EXPECT_EQ(citations[0].at("url").as_string(), "https://a.example");
  EXPECT_EQ(citations[0].at("cited_text").as_string(), "open");
  EXPECT_EQ(citations[1].at("cited_text").as_string(), "") << "a span past the text cites nothing of it";
}

}  // namespace brokle::gateway
