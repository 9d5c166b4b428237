#include "gateway/surfaces/anthropic_messages_request.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace brokle::gateway {

namespace {

boost::json::object obj(std::string_view text) { return boost::json::parse(text).as_object(); }

boost::json::object translate(std::string_view text, messages_request_options o = {}) {
  auto r = messages_to_chat(obj(text), o);
  EXPECT_TRUE(r) << (r ? "" : r.err().message);
  return r ? *r : boost::json::object{};
}

std::string refusal(std::string_view text) {
  auto r = messages_to_chat(obj(text));
  EXPECT_FALSE(r) << text;
  if (r) return "";
  EXPECT_EQ(r.err().code, errc::invalid_argument);
  return r.err().message;
}

}  // namespace

TEST(anthropic_messages_request, maps_system_sampling_stop_sequences_and_metadata) {
  auto b = translate(R"({
    "model":"claude-x","max_tokens":300,"temperature":0.3,"top_p":0.8,"top_k":40,
    "stop_sequences":["END","STOP"],"metadata":{"user_id":"u-7"},
    "system":[{"type":"text","text":"rule one"},{"type":"text","text":"rule two","cache_control":{"type":"ephemeral"}}],
    "messages":[{"role":"user","content":"hello"}]})");
  EXPECT_EQ(b.at("model").as_string(), "claude-x");
  EXPECT_EQ(b.at("max_tokens").as_int64(), 300);
  EXPECT_FALSE(b.contains("max_completion_tokens"));
  EXPECT_DOUBLE_EQ(b.at("temperature").as_double(), 0.3);
  EXPECT_DOUBLE_EQ(b.at("top_p").as_double(), 0.8);
  EXPECT_FALSE(b.contains("top_k")) << "no chat-completions counterpart";
  EXPECT_EQ(b.at("stop").as_array().size(), 2u);
  EXPECT_EQ(b.at("user").as_string(), "u-7");
  EXPECT_FALSE(b.contains("stream"));
  const auto& m = b.at("messages").as_array();
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].at("role").as_string(), "system");
  EXPECT_EQ(m[0].at("content").as_string(), "rule one\nrule two");
  EXPECT_EQ(m[1].at("role").as_string(), "user");
  EXPECT_EQ(m[1].at("content").as_string(), "hello");
}

TEST(anthropic_messages_request, openai_upstreams_get_max_completion_tokens) {
  messages_request_options o;
  o.use_max_completion_tokens = true;
  auto b = translate(R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}]})", o);
  EXPECT_EQ(b.at("max_completion_tokens").as_int64(), 5);
  EXPECT_FALSE(b.contains("max_tokens"));
}

TEST(anthropic_messages_request, streaming_asks_for_usage) {
  auto b = translate(R"({"model":"m","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"x"}]})");
  EXPECT_EQ(b.at("stream"), true);
  EXPECT_EQ(b.at("stream_options").at("include_usage"), true);
}

TEST(anthropic_messages_request, images_become_image_url_parts) {
  auto b = translate(R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":[
    {"type":"text","text":"what is this"},
    {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBOR"}},
    {"type":"image","source":{"type":"url","url":"https://example.com/a.jpg"}}]}]})");
  const auto& parts = b.at("messages").as_array()[0].at("content").as_array();
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].at("type").as_string(), "text");
  EXPECT_EQ(parts[1].at("image_url").at("url").as_string(), "data:image/png;base64,iVBOR");
  EXPECT_EQ(parts[2].at("image_url").at("url").as_string(), "https://example.com/a.jpg");
}

TEST(anthropic_messages_request, tool_round_trip_becomes_tool_calls_and_tool_messages) {
  auto b = translate(R"({"model":"m","max_tokens":100,
    "tools":[{"name":"get_weather","description":"weather now","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
    "tool_choice":{"type":"any","disable_parallel_tool_use":true},
    "messages":[
      {"role":"user","content":"weather in Paris?"},
      {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"s"},
                                     {"type":"text","text":"Let me check."},
                                     {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
      {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"18C"}]},
                                {"type":"text","text":"and tomorrow?"}]}]})");
  const auto& tool = b.at("tools").as_array()[0];
  EXPECT_EQ(tool.at("type").as_string(), "function");
  EXPECT_EQ(tool.at("function").at("name").as_string(), "get_weather");
  EXPECT_EQ(tool.at("function").at("description").as_string(), "weather now");
  EXPECT_EQ(tool.at("function").at("parameters").at("type").as_string(), "object");
  EXPECT_EQ(b.at("tool_choice").as_string(), "required");
  EXPECT_EQ(b.at("parallel_tool_calls"), false);

  const auto& m = b.at("messages").as_array();
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[1].at("role").as_string(), "assistant");
  EXPECT_EQ(m[1].at("content").as_string(), "Let me check.") << "thinking blocks are dropped";
  const auto& call = m[1].at("tool_calls").as_array()[0];
  EXPECT_EQ(call.at("id").as_string(), "toolu_1");
  EXPECT_EQ(call.at("function").at("name").as_string(), "get_weather");
  EXPECT_EQ(boost::json::parse(call.at("function").at("arguments").as_string()).at("city").as_string(), "Paris");
  // The tool result comes straight after the tool call, the text after it.
  EXPECT_EQ(m[2].at("role").as_string(), "tool");
  EXPECT_EQ(m[2].at("tool_call_id").as_string(), "toolu_1");
  EXPECT_EQ(m[2].at("content").as_string(), "18C");
  EXPECT_EQ(m[3].at("role").as_string(), "user");
  EXPECT_EQ(m[3].at("content").as_string(), "and tomorrow?");
}

TEST(anthropic_messages_request, tool_choice_kinds) {
  auto with_choice = [](std::string choice) {
    return translate(R"({"model":"m","max_tokens":5,"tools":[{"name":"t","input_schema":{"type":"object"}}],"tool_choice":)" +
                     choice + R"(,"messages":[{"role":"user","content":"x"}]})");
  };
  EXPECT_EQ(with_choice(R"({"type":"auto"})").at("tool_choice").as_string(), "auto");
  EXPECT_EQ(with_choice(R"({"type":"none"})").at("tool_choice").as_string(), "none");
  auto named = with_choice(R"({"type":"tool","name":"t"})");
  EXPECT_EQ(named.at("tool_choice").at("function").at("name").as_string(), "t");
  EXPECT_FALSE(named.contains("parallel_tool_calls"));
  // Without tools OpenAI refuses tool_choice: it is left out.
  auto none = translate(R"({"model":"m","max_tokens":5,"tool_choice":{"type":"auto"},"messages":[{"role":"user","content":"x"}]})");
  EXPECT_FALSE(none.contains("tool_choice"));
}

TEST(anthropic_messages_request, assistant_turn_with_only_a_tool_call_has_null_content) {
  auto b = translate(R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"},
    {"role":"assistant","content":[{"type":"tool_use","id":"a","name":"t","input":{}}]},
    {"role":"user","content":[{"type":"tool_result","tool_use_id":"a","content":"done"}]}]})");
  const auto& m = b.at("messages").as_array();
  ASSERT_EQ(m.size(), 3u);
  EXPECT_TRUE(m[1].at("content").is_null());
  EXPECT_EQ(m[2].at("role").as_string(), "tool");
}

TEST(anthropic_messages_request, refuses_what_the_messages_api_refuses) {
  EXPECT_EQ(refusal(R"({"model":"m","messages":[{"role":"user","content":"x"}]})"), "max_tokens: Field required");
  EXPECT_NE(refusal(R"({"model":"m","max_tokens":"10","messages":[{"role":"user","content":"x"}]})").find("max_tokens"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]})").find("max_tokens"),
            std::string::npos);
  EXPECT_EQ(refusal(R"({"model":"m","max_tokens":5})"), "messages: Field required");
  EXPECT_NE(refusal(R"({"model":"m","max_tokens":5,"messages":[]})").find("messages"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","max_tokens":5,"messages":"hi"})").find("messages"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","max_tokens":5,"messages":[{"role":"system","content":"x"}]})").find("messages.0.role"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","max_tokens":5,"messages":[{"role":"user"}]})").find("messages.0.content"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"document","source":{}}]}]})")
                .find("messages.0.content.0.type"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file"}}]}]})")
                .find("source.type"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","max_tokens":5,"stream":"yes","messages":[{"role":"user","content":"x"}]})").find("stream"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","max_tokens":5,"temperature":"hot","messages":[{"role":"user","content":"x"}]})")
                .find("temperature"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","max_tokens":5,"tools":[{"name":"t"}],"messages":[{"role":"user","content":"x"}]})")
                .find("tools.0.input_schema"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","max_tokens":5,"tools":[{"type":"code_execution_20250522","name":"code_execution"}],"messages":[{"role":"user","content":"x"}]})")
                .find("not supported"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","max_tokens":5,"tools":[{"name":"t","input_schema":{}}],"tool_choice":{"type":"sometimes"},"messages":[{"role":"user","content":"x"}]})")
                .find("tool_choice.type"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"max_tokens":5,"messages":[{"role":"user","content":"x"}]})").find("model"), std::string::npos);
}

// The checks made before a request goes unchanged to an Anthropic provider: the same shape
// errors, with every block type, server tool and unknown field allowed through.
TEST(anthropic_messages_request, the_passthrough_check_refuses_shapes_not_features) {
  auto fails = [](std::string_view text) {
    auto r = check_messages_request(obj(text));
    return r ? std::string() : r.err().message;
  };
  EXPECT_EQ(fails(R"({"model":"m","messages":[{"role":"user","content":"x"}]})"), "max_tokens: Field required");
  EXPECT_NE(fails(R"({"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]})").find("max_tokens"), std::string::npos);
  EXPECT_EQ(fails(R"({"model":"m","max_tokens":5})"), "messages: Field required");
  EXPECT_NE(fails(R"({"model":"m","max_tokens":5,"messages":[{"role":"system","content":"x"}]})").find("messages.0.role"), std::string::npos);
  EXPECT_NE(fails(R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":42}]})").find("messages.0.content"), std::string::npos);
  EXPECT_NE(fails(R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"text":"x"}]}]})").find("messages.0.content.0"), std::string::npos);
  EXPECT_NE(fails(R"({"model":"m","max_tokens":5,"system":7,"messages":[{"role":"user","content":"x"}]})").find("system"), std::string::npos);
  EXPECT_NE(fails(R"({"model":"m","max_tokens":5,"stream":"yes","messages":[{"role":"user","content":"x"}]})").find("stream"), std::string::npos);
  EXPECT_NE(fails(R"({"model":"m","max_tokens":5,"tools":{},"messages":[{"role":"user","content":"x"}]})").find("tools"), std::string::npos);
  // Token counting takes the same shape without max_tokens.
  EXPECT_TRUE(check_messages_request(obj(R"({"model":"m","messages":[{"role":"user","content":"x"}]})"),
                                     messages_check::token_count));
  EXPECT_FALSE(check_messages_request(obj(R"({"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]})"),
                                      messages_check::token_count));
  EXPECT_FALSE(check_messages_request(obj(R"({"model":"m","messages":[]})"), messages_check::token_count));
  EXPECT_EQ(fails(R"({"model":"m","max_tokens":5000,"thinking":{"type":"enabled","budget_tokens":1024},
      "tools":[{"type":"web_search_20250305","name":"web_search"}],
      "system":[{"type":"text","text":"s","cache_control":{"type":"ephemeral"}}],
      "messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"AA"}}]},
                  {"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"sig"}]}]})"),
            "");
}

TEST(anthropic_messages_request, extended_thinking_becomes_a_reasoning_effort) {
  auto chat = translate(R"({"model":"m","max_tokens":20000,"thinking":{"type":"enabled","budget_tokens":10000},
    "messages":[{"role":"user","content":"q"},
      {"role":"assistant","content":[{"type":"thinking","thinking":"earlier","signature":"S"},{"type":"text","text":"a"}]},
      {"role":"user","content":"more"}]})");
  EXPECT_EQ(chat.at("reasoning_effort").as_string(), "medium");
  // Earlier thinking only means something to the model that signed it.
  EXPECT_EQ(chat.at("messages").as_array()[1].at("content").as_string(), "a");
  EXPECT_EQ(translate(R"({"model":"m","max_tokens":9000,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"q"}]})")
                .at("reasoning_effort").as_string(), "low");
  EXPECT_FALSE(translate(R"({"model":"m","max_tokens":9,"thinking":{"type":"disabled"},"messages":[{"role":"user","content":"q"}]})")
                   .contains("reasoning_effort"));

  EXPECT_NE(refusal(R"({"model":"m","max_tokens":9000,"thinking":{"type":"enabled","budget_tokens":100},"messages":[{"role":"user","content":"q"}]})")
                .find("thinking.enabled.budget_tokens"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","max_tokens":2000,"thinking":{"type":"enabled","budget_tokens":4000},"messages":[{"role":"user","content":"q"}]})")
                .find("must be greater than"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","max_tokens":2000,"thinking":{"type":"enabled"},"messages":[{"role":"user","content":"q"}]})")
                .find("Field required"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","max_tokens":2000,"thinking":true,"messages":[{"role":"user","content":"q"}]})").find("thinking"),
            std::string::npos);
  // A type this gateway cannot translate passes the relay check (Anthropic judges it) but not translation.
  auto interleaved = obj(R"({"model":"m","max_tokens":2000,"thinking":{"type":"enabled","budget_tokens":4000},"messages":[{"role":"user","content":"q"}]})");
  EXPECT_TRUE(check_messages_request(interleaved)) << "Anthropic's interleaved-thinking beta allows a budget above max_tokens";
  auto future = obj(R"({"model":"m","max_tokens":2000,"thinking":{"type":"someday"},"messages":[{"role":"user","content":"q"}]})");
  EXPECT_TRUE(check_messages_request(future));
  EXPECT_NE(refusal(boost::json::serialize(future)).find("thinking.type"), std::string::npos);
}

}  // namespace brokle::gateway

namespace brokle::gateway {

TEST(anthropic_messages_request, the_web_search_server_tool_becomes_web_search_options) {
  auto chat = translate(R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":"q"}],
      "tools":[{"type":"web_search_20250305","name":"web_search","max_uses":3,
                "user_location":{"type":"approximate","city":"Rome","timezone":"Europe/Rome"}}]})");
  EXPECT_EQ(boost::json::serialize(chat.at("web_search_options")),
            R"({"user_location":{"type":"approximate","approximate":{"city":"Rome","timezone":"Europe/Rome"}}})");
  EXPECT_FALSE(chat.contains("tools")) << "a server tool is not a function for the model to call";
  EXPECT_NE(refusal(R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":"q"}],
      "tools":[{"type":"web_search_20250305","name":"web_search","allowed_domains":["a.example"]}]})").find("allowed_domains"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":"q"}],
      "tools":[{"type":"web_search_20250305","name":"search"}]})").find("name"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":"q"}],
      "tools":[{"type":"web_search_20250305","name":"web_search","max_uses":0}]})").find("max_uses"),
            std::string::npos);
}

}  // namespace brokle::gateway
