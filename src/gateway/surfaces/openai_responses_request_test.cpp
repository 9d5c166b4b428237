#include "gateway/surfaces/openai_responses_request.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace brokle::gateway {

namespace {

boost::json::object translate(std::string_view request, const responses_request_options& options = {}) {
  auto r = responses_to_chat(boost::json::parse(request).as_object(), options);
  EXPECT_TRUE(r) << request << " -> " << (r ? std::string() : r.err().message);
  return r ? *r : boost::json::object{};
}

std::string refusal(std::string_view request) {
  auto r = responses_to_chat(boost::json::parse(request).as_object());
  EXPECT_FALSE(r) << request << " was translated";
  return r ? std::string() : r.err().message;
}

}  // namespace

TEST(openai_responses_request, a_string_input_with_instructions_becomes_system_and_user_turns) {
  auto chat = translate(R"({"model":"m","input":"hi","instructions":"be terse","max_output_tokens":50,
                            "temperature":0.2,"top_p":0.9,"user":"u1","store":true,"metadata":{"a":"b"}})");
  EXPECT_EQ(boost::json::serialize(chat.at("messages")),
            R"([{"role":"system","content":"be terse"},{"role":"user","content":"hi"}])");
  EXPECT_EQ(chat.at("model").as_string(), "m");
  EXPECT_EQ(chat.at("max_tokens").as_int64(), 50);
  EXPECT_FALSE(chat.contains("max_completion_tokens"));
  EXPECT_EQ(chat.at("temperature").as_double(), 0.2);
  EXPECT_EQ(chat.at("top_p").as_double(), 0.9);
  EXPECT_EQ(chat.at("user").as_string(), "u1");
  EXPECT_FALSE(chat.contains("stream"));
  EXPECT_FALSE(chat.contains("store")) << "nothing is stored for a translated response";
  EXPECT_FALSE(chat.contains("metadata"));
  auto openai = translate(R"({"model":"m","input":"hi","max_output_tokens":50})", {.use_max_completion_tokens = true});
  EXPECT_EQ(openai.at("max_completion_tokens").as_int64(), 50);
}

TEST(openai_responses_request, items_become_chat_turns_with_tool_calls_and_results) {
  auto chat = translate(R"({"model":"m","input":[
      {"role":"developer","content":"rules"},
      {"type":"message","role":"user","content":[{"type":"input_text","text":"look"},
                                                 {"type":"input_image","image_url":"https://x/cat.png","detail":"low"}]},
      {"type":"message","role":"assistant","content":[{"type":"output_text","text":"checking","annotations":[]}]},
      {"type":"reasoning","id":"rs_1","summary":[]},
      {"type":"function_call","call_id":"call_1","name":"lookup","arguments":"{\"q\":\"cat\"}"},
      {"type":"function_call","call_id":"call_2","name":"lookup","arguments":"{\"q\":\"dog\"}"},
      {"type":"function_call_output","call_id":"call_1","output":"a cat"},
      {"type":"function_call_output","call_id":"call_2","output":[{"type":"input_text","text":"a"},{"type":"input_text","text":"dog"}]},
      {"role":"user","content":"thanks"}]})");
  const auto& m = chat.at("messages").as_array();
  ASSERT_EQ(m.size(), 6u) << chat;
  EXPECT_EQ(m[0].at("role").as_string(), "system");
  EXPECT_EQ(m[0].at("content").as_string(), "rules");
  EXPECT_EQ(boost::json::serialize(m[1].at("content")),
            R"([{"type":"text","text":"look"},{"type":"image_url","image_url":{"url":"https://x/cat.png","detail":"low"}}])");
  // The reasoning item is dropped; both calls join the assistant turn before them.
  EXPECT_EQ(m[2].at("role").as_string(), "assistant");
  EXPECT_EQ(m[2].at("content").as_string(), "checking");
  const auto& calls = m[2].at("tool_calls").as_array();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1].at("id").as_string(), "call_2");
  EXPECT_EQ(calls[1].at("function").at("arguments").as_string(), R"({"q":"dog"})");
  EXPECT_EQ(boost::json::serialize(m[3]), R"({"role":"tool","tool_call_id":"call_1","content":"a cat"})");
  EXPECT_EQ(m[4].at("content").as_string(), "a\ndog");
  EXPECT_EQ(m[5].at("content").as_string(), "thanks");

  // A call with no assistant turn before it gets one of its own.
  auto alone = translate(R"({"model":"m","input":[{"role":"user","content":"x"},
      {"type":"function_call","call_id":"c","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c","output":"y"}]})");
  const auto& a = alone.at("messages").as_array();
  ASSERT_EQ(a.size(), 3u);
  EXPECT_TRUE(a[1].at("content").is_null());
  EXPECT_EQ(a[1].at("tool_calls").as_array().size(), 1u);
}

TEST(openai_responses_request, tools_choices_formats_and_streaming_translate) {
  auto chat = translate(R"({"model":"m","input":"x","stream":true,"parallel_tool_calls":false,
      "tools":[{"type":"function","name":"f","description":"d","parameters":{"type":"object"},"strict":true}],
      "tool_choice":{"type":"function","name":"f"},"reasoning":{"effort":"low"},
      "text":{"format":{"type":"json_schema","name":"out","schema":{"type":"object"},"strict":true}}})");
  EXPECT_EQ(boost::json::serialize(chat.at("tools")),
            R"([{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"},"strict":true}}])");
  EXPECT_EQ(boost::json::serialize(chat.at("tool_choice")), R"({"type":"function","function":{"name":"f"}})");
  EXPECT_EQ(chat.at("parallel_tool_calls"), false);
  EXPECT_EQ(chat.at("reasoning_effort").as_string(), "low");
  EXPECT_EQ(boost::json::serialize(chat.at("response_format")),
            R"({"type":"json_schema","json_schema":{"name":"out","schema":{"type":"object"},"strict":true}})");
  EXPECT_EQ(chat.at("stream"), true);
  EXPECT_EQ(chat.at("stream_options").at("include_usage"), true) << "the terminal event carries usage";
  EXPECT_EQ(translate(R"({"model":"m","input":"x","tool_choice":"required"})").at("tool_choice").as_string(), "required");
  EXPECT_EQ(translate(R"({"model":"m","input":"x","text":{"format":{"type":"json_object"}}})").at("response_format").at("type").as_string(),
            "json_object");
  EXPECT_FALSE(translate(R"({"model":"m","input":"x","text":{"format":{"type":"text"}}})").contains("response_format"));
  EXPECT_FALSE(translate(R"({"model":"m","input":"x","stream":false})").contains("stream"));
}

TEST(openai_responses_request, what_has_no_chat_equivalent_is_refused_naming_the_field) {
  EXPECT_NE(refusal(R"({"model":"m","input":"x","previous_response_id":"resp_1"})").find("previous_response_id"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","conversation":"conv_1"})").find("conversation"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","prompt":{"id":"p"}})").find("prompt"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":"x","background":true})").find("background"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":"x","tools":[{"type":"file_search"}]})").find("tools.0.type"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":"x","tools":[{"type":"function"}]})").find("tools.0.name"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":"x","tool_choice":{"type":"web_search_preview"}})").find("tool_choice"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":"x","tool_choice":"sometimes"})").find("tool_choice"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":[{"type":"item_reference","id":"i"}]})").find("input.0.type"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":[{"type":"web_search_call","id":"w"}]})").find("web_search_call"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":[{"role":"user","content":[{"type":"input_file","file_id":"f"}]}]})")
                .find("input.0.content.0.file_id"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":[{"role":"user","content":[{"type":"input_image","file_id":"f"}]}]})")
                .find("file_id"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":[{"role":"user","content":[{"type":"input_image"}]}]})").find("image_url"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":[{"role":"assistant","content":[{"type":"input_image","image_url":"u"}]}]})")
                .find("only a user message"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":[{"role":"tool","content":"x"}]})").find("input.0.role"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":[{"role":"user"}]})").find("input.0.content"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":[{"type":"function_call","name":"f","arguments":"{}"}]})").find("input.0.call_id"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":[{"type":"function_call_output","call_id":"c","output":5}]})").find("input.0.output"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":[42]})").find("input.0"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":[{"content":"no role or type"}]})").find("input.0.type"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":[]})").find("input"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","instructions":"only a system prompt"})").find("input"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":"x","max_output_tokens":"many"})").find("max_output_tokens"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":"x","temperature":"hot"})").find("temperature"), std::string::npos);
  EXPECT_NE(refusal(R"({"model":"m","input":"x","text":{"format":{"type":"json_schema","name":"n"}}})").find("text.format.schema"),
            std::string::npos);
}

TEST(openai_responses_request, inline_files_become_chat_file_parts) {
  auto chat = translate(R"({"model":"m","input":[{"role":"user","content":[{"type":"input_text","text":"read"},
      {"type":"input_file","filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0x"}]}]})");
  const auto& part = chat.at("messages").at(0).at("content").at(1).as_object();
  EXPECT_EQ(part.at("type").as_string(), "file");
  EXPECT_EQ(part.at("file").at("filename").as_string(), "a.pdf");
  EXPECT_EQ(part.at("file").at("file_data").as_string(), "data:application/pdf;base64,JVBERi0x");
  EXPECT_NE(refusal(R"({"model":"m","input":[{"role":"user","content":[{"type":"input_file","file_url":"https://x/a.pdf"}]}]})")
                .find("file_url"), std::string::npos);
}

}  // namespace brokle::gateway

namespace brokle::gateway {

TEST(openai_responses_request, the_web_search_tool_becomes_web_search_options) {
  auto chat = translate(R"({"model":"m","input":"x","tools":[{"type":"web_search","search_context_size":"low",
      "user_location":{"type":"approximate","city":"Oslo","country":"NO"}},{"type":"function","name":"f"}]})");
  EXPECT_EQ(boost::json::serialize(chat.at("web_search_options")),
            R"({"search_context_size":"low","user_location":{"type":"approximate","approximate":{"city":"Oslo","country":"NO"}}})");
  EXPECT_EQ(chat.at("tools").as_array().size(), 1u) << "only the function is a chat tool";
  EXPECT_EQ(boost::json::serialize(translate(R"({"model":"m","input":"x","tools":[{"type":"web_search_preview"}]})").at("web_search_options")), "{}");
  EXPECT_FALSE(translate(R"({"model":"m","input":"x","tools":[{"type":"web_search_2025_08_26"}]})").contains("tools"));
  for (const char* refused : {R"({"model":"m","input":"x","tools":[{"type":"web_search","filters":{"allowed_domains":["a.example"]}}]})",
                              R"({"model":"m","input":"x","tools":[{"type":"web_search"},{"type":"web_search_preview"}]})",
                              R"({"model":"m","input":"x","tools":[{"type":"web_search","user_location":"Oslo"}]})",
                              R"({"model":"m","input":"x","tools":[{"type":"web_search","search_context_size":"huge"}]})"})
    EXPECT_FALSE(responses_to_chat(boost::json::parse(refused).as_object())) << refused;
  auto bad_size = responses_to_chat(boost::json::parse(R"({"model":"m","input":"x","tools":[{"type":"web_search","search_context_size":"huge"}]})").as_object());
  ASSERT_FALSE(bad_size);
  EXPECT_NE(bad_size.err().message.find("tools.0.search_context_size"), std::string::npos) << bad_size.err().message;
}

}  // namespace brokle::gateway
