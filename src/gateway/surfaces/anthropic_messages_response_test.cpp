#include "gateway/surfaces/anthropic_messages_response.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace brokle::gateway {

namespace {

boost::json::object message_of(std::string_view completion) {
  auto r = chat_to_message(boost::json::parse(completion).as_object(), "msg_01", "claude-asked");
  EXPECT_TRUE(r) << (r ? "" : r.err().message);
  return r ? *r : boost::json::object{};
}

}  // namespace

TEST(anthropic_messages_response, text_completion_becomes_a_message_with_usage) {
  auto m = message_of(R"({"id":"chatcmpl-1","object":"chat.completion","model":"gpt-upstream",
    "choices":[{"index":0,"message":{"role":"assistant","content":"Hi there"},"finish_reason":"stop"}],
    "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":4}}})");
  EXPECT_EQ(m.at("id").as_string(), "msg_01");
  EXPECT_EQ(m.at("type").as_string(), "message");
  EXPECT_EQ(m.at("role").as_string(), "assistant");
  EXPECT_EQ(m.at("model").as_string(), "claude-asked") << "the model the client asked for";
  const auto& content = m.at("content").as_array();
  ASSERT_EQ(content.size(), 1u);
  EXPECT_EQ(content[0].at("type").as_string(), "text");
  EXPECT_EQ(content[0].at("text").as_string(), "Hi there");
  EXPECT_EQ(m.at("stop_reason").as_string(), "end_turn");
  EXPECT_TRUE(m.at("stop_sequence").is_null());
  EXPECT_EQ(m.at("usage").at("input_tokens").as_int64(), 8) << "uncached input only";
  EXPECT_EQ(m.at("usage").at("cache_read_input_tokens").as_int64(), 4);
  EXPECT_EQ(m.at("usage").at("output_tokens").as_int64(), 3);
}

TEST(anthropic_messages_response, tool_calls_become_tool_use_blocks_with_parsed_input) {
  auto m = message_of(R"({"choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"Checking.",
    "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                  {"id":"call_2","type":"function","function":{"name":"broken","arguments":"{not json"}}]}}]})");
  const auto& content = m.at("content").as_array();
  ASSERT_EQ(content.size(), 3u);
  EXPECT_EQ(content[0].at("text").as_string(), "Checking.");
  EXPECT_EQ(content[1].at("type").as_string(), "tool_use");
  EXPECT_EQ(content[1].at("id").as_string(), "call_1");
  EXPECT_EQ(content[1].at("name").as_string(), "get_weather");
  EXPECT_EQ(content[1].at("input").at("city").as_string(), "Paris");
  EXPECT_TRUE(content[2].at("input").is_object()) << "unparseable arguments still give an object";
  EXPECT_EQ(m.at("stop_reason").as_string(), "tool_use");
  EXPECT_EQ(m.at("usage").at("output_tokens").as_int64(), 0);
}

TEST(anthropic_messages_response, finish_reasons_map_to_stop_reasons) {
  EXPECT_EQ(stop_reason_of("stop", false), "end_turn");
  EXPECT_EQ(stop_reason_of("stop", true), "stop_sequence");
  EXPECT_EQ(stop_reason_of("length", false), "max_tokens");
  EXPECT_EQ(stop_reason_of("tool_calls", false), "tool_use");
  EXPECT_EQ(stop_reason_of("content_filter", false), "refusal");
  EXPECT_EQ(stop_reason_of("", false), "end_turn");
  auto cut = message_of(R"({"choices":[{"message":{"role":"assistant","content":"abc"},"finish_reason":"length"}]})");
  EXPECT_EQ(cut.at("stop_reason").as_string(), "max_tokens");
  auto seq = message_of(R"({"choices":[{"message":{"role":"assistant","content":"abc"},"finish_reason":"stop","stop_reason":"END"}]})");
  EXPECT_EQ(seq.at("stop_reason").as_string(), "stop_sequence");
  EXPECT_EQ(seq.at("stop_sequence").as_string(), "END");
  auto refused = message_of(R"({"choices":[{"message":{"role":"assistant","content":null,"refusal":"I can't."},"finish_reason":"stop"}]})");
  EXPECT_EQ(refused.at("content").as_array()[0].at("text").as_string(), "I can't.");
  EXPECT_EQ(refused.at("stop_reason").as_string(), "refusal");
}

TEST(anthropic_messages_response, a_body_without_a_message_is_refused) {
  EXPECT_FALSE(chat_to_message(boost::json::parse(R"({"choices":[]})").as_object(), "msg_1", "m"));
  EXPECT_FALSE(chat_to_message(boost::json::parse(R"({"error":{"message":"x"}})").as_object(), "msg_1", "m"));
}

TEST(anthropic_messages_response, errors_take_the_messages_shape) {
  EXPECT_EQ(messages_error_type(400), "invalid_request_error");
  EXPECT_EQ(messages_error_type(401), "authentication_error");
  EXPECT_EQ(messages_error_type(403), "permission_error");
  EXPECT_EQ(messages_error_type(404), "not_found_error");
  EXPECT_EQ(messages_error_type(413), "request_too_large");
  EXPECT_EQ(messages_error_type(415), "invalid_request_error");
  EXPECT_EQ(messages_error_type(429), "rate_limit_error");
  EXPECT_EQ(messages_error_type(500), "api_error");
  EXPECT_EQ(messages_error_type(502), "api_error");
  EXPECT_EQ(messages_error_type(529), "overloaded_error");

  auto e = boost::json::parse(chat_error_to_messages(
      R"({"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}})", 429, "req-1"));
  EXPECT_EQ(e.at("type").as_string(), "error");
  EXPECT_EQ(e.at("error").at("type").as_string(), "rate_limit_error");
  EXPECT_EQ(e.at("error").at("message").as_string(), "Rate limit reached");
  EXPECT_EQ(e.at("request_id").as_string(), "req-1");
  // A status that only says "server error" keeps an upstream Messages type.
  auto o = boost::json::parse(chat_error_to_messages(R"({"error":{"message":"busy","type":"overloaded_error"}})", 500));
  EXPECT_EQ(o.at("error").at("type").as_string(), "overloaded_error");
  EXPECT_FALSE(o.as_object().contains("request_id"));
  // ...but never contradicts a status that says more.
  auto a = boost::json::parse(chat_error_to_messages(R"({"error":{"message":"bad key","type":"invalid_request_error"}})", 401));
  EXPECT_EQ(a.at("error").at("type").as_string(), "authentication_error");
  auto junk = boost::json::parse(chat_error_to_messages("<html>bad gateway</html>", 502));
  EXPECT_EQ(junk.at("error").at("type").as_string(), "api_error");
  EXPECT_FALSE(junk.at("error").at("message").as_string().empty());
}

TEST(anthropic_messages_response, reasoning_content_becomes_a_leading_thinking_block) {
  auto m = message_of(R"({"choices":[{"index":0,"message":{"role":"assistant","content":"42","reasoning_content":"six times seven"},
    "finish_reason":"stop"}]})");
  const auto& content = m.at("content").as_array();
  ASSERT_EQ(content.size(), 2u);
  EXPECT_EQ(content[0].at("type").as_string(), "thinking");
  EXPECT_EQ(content[0].at("thinking").as_string(), "six times seven");
  EXPECT_EQ(content[0].at("signature").as_string(), "");
  EXPECT_EQ(content[1].at("text").as_string(), "42");
}

}  // namespace brokle::gateway

namespace brokle::gateway {

TEST(anthropic_messages_response, cited_spans_become_text_blocks_with_web_citations) {
  // "Café: " (6 code points) uncited, "open late" cited twice (the second overlaps), "." uncited.
  auto m = message_of(R"({"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Café: open late.",
    "annotations":[{"type":"url_citation","url_citation":{"start_index":6,"end_index":15,"url":"https://a.example","title":"A"}},
                   {"type":"url_citation","url_citation":{"start_index":11,"end_index":15,"url":"https://b.example","title":"B"}},
                   {"type":"url_citation","url_citation":{"start_index":3,"end_index":99,"url":"https://out.example"}},
                   {"type":"file_citation"}]}}]})");
  const auto& content = m.at("content").as_array();
  ASSERT_EQ(content.size(), 3u) << boost::json::serialize(m);
  EXPECT_EQ(content[0].at("text").as_string(), "Café: ");
  EXPECT_FALSE(content[0].as_object().contains("citations"));
  EXPECT_EQ(content[1].at("text").as_string(), "open late");
  const auto& cites = content[1].at("citations").as_array();
  ASSERT_EQ(cites.size(), 2u);
  EXPECT_EQ(cites[0].at("type").as_string(), "web_search_result_location");
  EXPECT_EQ(cites[0].at("url").as_string(), "https://a.example");
  EXPECT_EQ(cites[0].at("cited_text").as_string(), "open late");
  EXPECT_EQ(cites[1].at("url").as_string(), "https://b.example");
  EXPECT_EQ(cites[1].at("cited_text").as_string(), "late");
  EXPECT_EQ(content[2].at("text").as_string(), ".");
  // Without annotations the text is one block, as before.
  auto plain = message_of(R"({"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"x"}}]})");
  EXPECT_EQ(plain.at("content").as_array().size(), 1u);
}

}  // namespace brokle::gateway
