#include "gateway/surfaces/openai_responses_response.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace brokle::gateway {

namespace {

boost::json::object skeleton(std::string_view request = R"({"model":"m","input":"x"})") {
  return response_skeleton(boost::json::parse(request).as_object(), "resp_01ABC", "asked-model", 1700000000);
}

boost::json::object respond(std::string_view completion, boost::json::object response = skeleton()) {
  auto r = chat_to_response(boost::json::parse(completion).as_object(), std::move(response));
  EXPECT_TRUE(r) << completion;
  return r ? *r : boost::json::object{};
}

}  // namespace

TEST(openai_responses_response, the_skeleton_echoes_the_request_settings_and_defaults_the_rest) {
  auto s = skeleton(R"({"model":"m","input":"x","instructions":"be terse","max_output_tokens":9,"temperature":0.3,
                        "tools":[{"type":"function","name":"f"}],"tool_choice":"required","user":"u",
                        "metadata":{"k":"v"},"reasoning":{"effort":"high"},"text":{"format":{"type":"json_object"}}})");
  EXPECT_EQ(s.at("id").as_string(), "resp_01ABC");
  EXPECT_EQ(s.at("object").as_string(), "response");
  EXPECT_EQ(s.at("created_at").as_int64(), 1700000000);
  EXPECT_EQ(s.at("status").as_string(), "in_progress");
  EXPECT_EQ(s.at("model").as_string(), "asked-model");
  EXPECT_EQ(s.at("instructions").as_string(), "be terse");
  EXPECT_EQ(s.at("max_output_tokens").as_int64(), 9);
  EXPECT_EQ(s.at("temperature").as_double(), 0.3);
  EXPECT_EQ(s.at("tools").as_array()[0].at("name").as_string(), "f");
  EXPECT_EQ(s.at("tool_choice").as_string(), "required");
  EXPECT_EQ(s.at("user").as_string(), "u");
  EXPECT_EQ(s.at("metadata").at("k").as_string(), "v");
  EXPECT_EQ(s.at("reasoning").at("effort").as_string(), "high");
  EXPECT_EQ(s.at("text").at("format").at("type").as_string(), "json_object");
  EXPECT_EQ(s.at("store"), false);
  EXPECT_TRUE(s.at("usage").is_null());
  EXPECT_TRUE(s.at("output").as_array().empty());

  auto d = skeleton();
  EXPECT_TRUE(d.at("instructions").is_null());
  EXPECT_EQ(d.at("tool_choice").as_string(), "auto");
  EXPECT_EQ(d.at("temperature").as_double(), 1.0);
  EXPECT_EQ(d.at("parallel_tool_calls"), true);
  EXPECT_EQ(d.at("text").at("format").at("type").as_string(), "text");
  EXPECT_TRUE(d.at("metadata").as_object().empty());
}

TEST(openai_responses_response, a_completion_becomes_message_and_function_call_items_with_usage) {
  auto r = respond(R"({"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"finish_reason":"tool_calls",
      "message":{"role":"assistant","content":"let me look",
                 "tool_calls":[{"id":"call_9","type":"function","function":{"name":"lookup","arguments":"{\"q\":1}"}}]}}],
      "usage":{"prompt_tokens":20,"completion_tokens":7,"prompt_tokens_details":{"cached_tokens":4},
               "completion_tokens_details":{"reasoning_tokens":2}}})");
  EXPECT_EQ(r.at("status").as_string(), "completed");
  EXPECT_TRUE(r.at("incomplete_details").is_null());
  const auto& out = r.at("output").as_array();
  ASSERT_EQ(out.size(), 2u) << r;
  EXPECT_EQ(out[0].at("type").as_string(), "message");
  EXPECT_EQ(out[0].at("id").as_string(), "msg_01ABC_0");
  EXPECT_EQ(out[0].at("role").as_string(), "assistant");
  EXPECT_EQ(out[0].at("status").as_string(), "completed");
  EXPECT_EQ(boost::json::serialize(out[0].at("content")),
            R"([{"type":"output_text","text":"let me look","annotations":[],"logprobs":[]}])");
  EXPECT_EQ(out[1].at("type").as_string(), "function_call");
  EXPECT_EQ(out[1].at("id").as_string(), "fc_01ABC_1");
  EXPECT_EQ(out[1].at("call_id").as_string(), "call_9");
  EXPECT_EQ(out[1].at("name").as_string(), "lookup");
  EXPECT_EQ(out[1].at("arguments").as_string(), R"({"q":1})");
  EXPECT_EQ(boost::json::serialize(r.at("usage")),
            R"({"input_tokens":20,"input_tokens_details":{"cached_tokens":4},"output_tokens":7,)"
            R"("output_tokens_details":{"reasoning_tokens":2},"total_tokens":27})");
}

TEST(openai_responses_response, length_and_content_filter_leave_it_incomplete_and_refusals_are_kept) {
  auto cut = respond(R"({"choices":[{"finish_reason":"length","message":{"role":"assistant","content":"abc"}}]})");
  EXPECT_EQ(cut.at("status").as_string(), "incomplete");
  EXPECT_EQ(cut.at("incomplete_details").at("reason").as_string(), "max_output_tokens");
  EXPECT_EQ(cut.at("output").as_array()[0].at("status").as_string(), "incomplete");
  EXPECT_EQ(cut.at("usage").at("total_tokens").as_int64(), 0) << "no usage reported: zero, not absent";
  auto filtered = respond(R"({"choices":[{"finish_reason":"content_filter","message":{"role":"assistant","content":null}}]})");
  EXPECT_EQ(filtered.at("incomplete_details").at("reason").as_string(), "content_filter");
  EXPECT_TRUE(filtered.at("output").as_array().empty());
  auto refused = respond(R"({"choices":[{"finish_reason":"stop","message":{"role":"assistant","content":null,"refusal":"no"}}]})");
  EXPECT_EQ(boost::json::serialize(refused.at("output").as_array()[0].at("content")), R"([{"type":"refusal","refusal":"no"}])");
  EXPECT_FALSE(chat_to_response(boost::json::parse(R"({"choices":[]})").as_object(), skeleton()));
  EXPECT_FALSE(chat_to_response(boost::json::parse(R"({"object":"list"})").as_object(), skeleton()));
}

TEST(openai_responses_response, output_item_ids_are_unique_within_the_response) {
  EXPECT_EQ(output_item_id("msg_", "resp_X1", 0), "msg_X1_0");
  EXPECT_EQ(output_item_id("fc_", "resp_X1", 3), "fc_X1_3");
  EXPECT_EQ(output_item_id("fc_", "other", 1), "fc_other_1");
}

}  // namespace brokle::gateway
