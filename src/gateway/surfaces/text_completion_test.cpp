#include "gateway/surfaces/text_completion.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace brokle::gateway {
namespace {

boost::json::object obj(std::string_view text) { return boost::json::parse(text).as_object(); }

TEST(text_completion, the_prompt_becomes_one_user_message) {
  auto r = completion_to_chat(obj(R"({"model":"m","prompt":"Say hi","temperature":0.2,"stop":["\n"],"stream":true,
    "stream_options":{"include_usage":true},"n":1,"logprobs":null,"suffix":""})"));
  ASSERT_TRUE(r) << r.err().message;
  const auto& b = r->chat_body;
  EXPECT_EQ(b.at("messages").as_array().size(), 1u);
  EXPECT_EQ(b.at("messages").as_array()[0].at("role").as_string(), "user");
  EXPECT_EQ(b.at("messages").as_array()[0].at("content").as_string(), "Say hi");
  EXPECT_EQ(b.at("max_tokens").as_int64(), 16) << "OpenAI's documented default for completions";
  EXPECT_DOUBLE_EQ(b.at("temperature").as_double(), 0.2);
  EXPECT_EQ(b.at("stop").as_array()[0].as_string(), "\n");
  EXPECT_TRUE(b.at("stream").as_bool());
  EXPECT_TRUE(b.contains("stream_options"));
  for (const char* gone : {"prompt", "n", "logprobs", "suffix", "echo"}) EXPECT_FALSE(b.contains(gone)) << gone;
  EXPECT_TRUE(r->echo.empty());

  auto arr = completion_to_chat(obj(R"({"prompt":["only one"],"max_tokens":5,"echo":true})"));
  ASSERT_TRUE(arr);
  EXPECT_EQ(arr->chat_body.at("max_tokens").as_int64(), 5);
  EXPECT_EQ(arr->echo, "only one");
}

TEST(text_completion, what_chat_cannot_express_is_refused) {
  for (const char* bad : {R"({"prompt":["a","b"]})", R"({"prompt":[1,2,3]})", R"({"prompt":[[1]]})", R"({"prompt":""})",
                          R"({"prompt":5})", R"({"prompt":"a","n":2})", R"({"prompt":"a","best_of":3})",
                          R"({"prompt":"a","logprobs":2})", R"({"prompt":"a","suffix":"end"})",
                          R"({"prompt":"a","echo":"yes"})", R"({"prompt":"a","max_tokens":"9"})"}) {
    auto r = completion_to_chat(obj(bad));
    EXPECT_FALSE(r) << bad;
  }
  EXPECT_NE(completion_to_chat(obj(R"({"prompt":["a","b"]})")).err().message.find("2 prompts"), std::string::npos);
}

TEST(text_completion, a_chat_completion_becomes_a_text_completion) {
  auto chat = obj(R"({"id":"chatcmpl-abc","object":"chat.completion","created":7,"model":"claude",
    "choices":[{"index":0,"message":{"role":"assistant","content":" there"},"finish_reason":"length"}],
    "usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}})");
  auto t = chat_to_text_completion(chat, "Hi");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->at("id").as_string(), "cmpl-abc");
  EXPECT_EQ(t->at("object").as_string(), "text_completion");
  EXPECT_EQ(t->at("created").as_int64(), 7);
  EXPECT_EQ(t->at("model").as_string(), "claude");
  const auto& c = t->at("choices").as_array()[0];
  EXPECT_EQ(c.at("text").as_string(), "Hi there");
  EXPECT_TRUE(c.at("logprobs").is_null());
  EXPECT_EQ(c.at("finish_reason").as_string(), "length");
  EXPECT_EQ(t->at("usage").at("total_tokens").as_int64(), 5);
  EXPECT_FALSE(chat_to_text_completion(obj(R"({"choices":[]})"), ""));
  EXPECT_FALSE(chat_to_text_completion(obj(R"({"id":"x"})"), ""));
}

std::vector<boost::json::object> events(const std::string& sse) {
  std::vector<boost::json::object> out;
  size_t pos = 0;
  while ((pos = sse.find("data: ", pos)) != std::string::npos) {
    size_t end = sse.find("\n\n", pos);
    auto data = sse.substr(pos + 6, end - pos - 6);
    if (data != "[DONE]") out.push_back(obj(data));
    pos = end;
  }
  return out;
}

TEST(text_completion, chunks_become_text_completion_chunks) {
  text_completion_stream_translator t("Q: ");
  std::string out;
  t.on_data(R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"g",
    "choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]})", out);
  t.on_data(R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"g",
    "choices":[{"index":0,"delta":{"content":"ab"},"finish_reason":null}]})", out);
  t.on_data(R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"g",
    "choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})", out);
  t.on_data(R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"g","choices":[],
    "usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}})", out);
  t.on_data("[DONE]", out);
  std::string tail;
  t.finish(tail);
  EXPECT_TRUE(tail.empty()) << "nothing owed after [DONE]";
  auto ev = events(out);
  ASSERT_EQ(ev.size(), 4u) << out;  // echo+first text, "ab" shares it; finish; usage
  // The role-only chunk carried the echo (it is the first), then "ab".
  EXPECT_EQ(ev[0].at("object").as_string(), "text_completion");
  EXPECT_EQ(ev[0].at("id").as_string(), "cmpl-1");
  EXPECT_EQ(ev[0].at("choices").as_array()[0].at("text").as_string(), "Q: ");
  EXPECT_EQ(ev[1].at("choices").as_array()[0].at("text").as_string(), "ab");
  EXPECT_EQ(ev[2].at("choices").as_array()[0].at("finish_reason").as_string(), "stop");
  EXPECT_EQ(ev[3].at("usage").at("total_tokens").as_int64(), 3);
  EXPECT_TRUE(ev[3].at("choices").as_array().empty());
  EXPECT_NE(out.find("data: [DONE]\n\n"), std::string::npos);
}

TEST(text_completion, errors_pass_and_an_early_end_is_reported) {
  text_completion_stream_translator t("");
  std::string out;
  t.on_data(R"({"id":"c","choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]})", out);
  EXPECT_TRUE(out.empty()) << "the role-only chunk has no text";
  t.on_data(R"({"error":{"message":"boom","type":"api_error","code":"upstream_error"}})", out);
  EXPECT_NE(out.find("boom"), std::string::npos);
  std::string tail;
  t.finish(tail);
  EXPECT_TRUE(tail.empty()) << "the error already ended the stream";

  text_completion_stream_translator cut("");
  std::string cut_out;
  cut.on_data(R"({"id":"c","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}]})", cut_out);
  cut.finish(cut_out);
  EXPECT_NE(cut_out.find("\"error\""), std::string::npos) << cut_out;
  EXPECT_EQ(cut_out.find("[DONE]"), std::string::npos);
}

}  // namespace
}  // namespace brokle::gateway
