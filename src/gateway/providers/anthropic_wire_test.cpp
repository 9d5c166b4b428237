#include "gateway/providers/anthropic_wire.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace brokle::gateway {

namespace {
provider_config claude() {
  return {"claude", provider_type::anthropic, "https://api.anthropic.com", "sk-ant", "", {"claude-3-5-haiku"}, {}};
}
boost::json::object body_of(const net::upstream_request& r) { return boost::json::parse(r.body).as_object(); }
}  // namespace

TEST(anthropic_wire, maps_system_images_tools_and_tool_results) {
  auto in = boost::json::parse(R"({
    "model":"claude","max_completion_tokens":77,"temperature":0.2,"stop":["A","B"],
    "tool_choice":{"type":"function","function":{"name":"lookup"}},
    "tools":[{"type":"function","function":{"name":"lookup","description":"d","parameters":{"type":"object"}}}],
    "messages":[
      {"role":"system","content":"rule one"},{"role":"developer","content":"rule two"},
      {"role":"user","content":[{"type":"text","text":"see"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]},
      {"role":"assistant","content":null,"tool_calls":[{"id":"t1","type":"function","function":{"name":"lookup","arguments":"{\"q\":1}"}}]},
      {"role":"tool","tool_call_id":"t1","content":"42"},
      {"role":"user","content":"thanks"}]})")
                .as_object();
  auto req = build_anthropic_request(claude(), in, "claude-3-5-haiku");
  ASSERT_TRUE(req) << req.err().message;
  EXPECT_EQ(req->url, "https://api.anthropic.com/v1/messages");
  EXPECT_EQ(req->headers.get("x-api-key"), "sk-ant");
  auto b = body_of(*req);
  EXPECT_EQ(b.at("max_tokens").as_int64(), 77);
  EXPECT_EQ(b.at("system").as_string(), "rule one\n\nrule two");
  EXPECT_EQ(b.at("stop_sequences").as_array().size(), 2u);
  EXPECT_EQ(b.at("tool_choice").at("type").as_string(), "tool");
  EXPECT_EQ(b.at("tools").as_array()[0].at("input_schema").at("type").as_string(), "object");
  const auto& msgs = b.at("messages").as_array();
  ASSERT_EQ(msgs.size(), 3u);  // user, assistant(tool_use), user(tool_result + text) merged
  EXPECT_EQ(msgs[0].at("content").as_array()[1].at("source").at("media_type").as_string(), "image/png");
  EXPECT_EQ(msgs[1].at("content").as_array()[0].at("type").as_string(), "tool_use");
  EXPECT_EQ(msgs[1].at("content").as_array()[0].at("input").at("q").as_int64(), 1);
  EXPECT_EQ(msgs[2].at("content").as_array()[0].at("type").as_string(), "tool_result");
  EXPECT_EQ(msgs[2].at("content").as_array()[1].at("text").as_string(), "thanks");
}

TEST(anthropic_wire, refuses_what_anthropic_cannot_take) {
  auto only_system = boost::json::parse(R"({"messages":[{"role":"system","content":"x"}]})").as_object();
  EXPECT_FALSE(build_anthropic_request(claude(), only_system, "m"));
  auto bad_args = boost::json::parse(
      R"({"messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"a","function":{"name":"f","arguments":"not json"}}]}]})")
                      .as_object();
  EXPECT_FALSE(build_anthropic_request(claude(), bad_args, "m"));
  auto audio = boost::json::parse(R"({"messages":[{"role":"user","content":[{"type":"input_audio"}]}]})").as_object();
  EXPECT_FALSE(build_anthropic_request(claude(), audio, "m"));
}

TEST(anthropic_wire, response_and_usage_translate_with_cache_reads) {
  auto msg = boost::json::parse(R"({"id":"msg_1","content":[{"type":"text","text":"hi"},
    {"type":"tool_use","id":"tu","name":"f","input":{"a":1}}],"stop_reason":"tool_use",
    "usage":{"input_tokens":10,"cache_read_input_tokens":5,"output_tokens":7}})")
                 .as_object();
  auto t = anthropic_to_openai(msg, "claude");
  EXPECT_EQ(t.usage.input_tokens, 15);
  EXPECT_EQ(t.usage.cached_input_tokens, 5);
  EXPECT_EQ(t.usage.output_tokens, 7);
  const auto& choice = t.body.at("choices").as_array()[0];
  EXPECT_EQ(choice.at("finish_reason").as_string(), "tool_calls");
  EXPECT_EQ(choice.at("message").at("tool_calls").as_array()[0].at("function").at("arguments").as_string(), "{\"a\":1}");
  EXPECT_EQ(t.body.at("usage").at("prompt_tokens_details").at("cached_tokens").as_int64(), 5);
}

TEST(anthropic_wire, stream_translation_emits_deltas_finish_usage_and_done) {
  anthropic_stream_translator tr("claude", true);
  std::string out;
  auto ev = [&](const char* name, const char* data) { tr.on_event(name, boost::json::parse(data).as_object(), out); };
  ev("message_start", R"({"message":{"id":"m1","usage":{"input_tokens":3}}})");
  ev("content_block_start", R"({"index":0,"content_block":{"type":"text","text":""}})");
  ev("content_block_delta", R"({"index":0,"delta":{"type":"text_delta","text":"Hel"}})");
  ev("content_block_start", R"({"index":1,"content_block":{"type":"tool_use","id":"tu","name":"f"}})");
  ev("content_block_delta", R"({"index":1,"delta":{"type":"input_json_delta","partial_json":"{\"a\""}})");
  ev("message_delta", R"({"delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":9}})");
  ev("message_stop", R"({})");
  EXPECT_TRUE(tr.finished());
  EXPECT_NE(out.find("\"content\":\"Hel\""), std::string::npos);
  EXPECT_NE(out.find("\"arguments\":\"{\\\"a\\\"\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"finish_reason\":\"length\""), std::string::npos);
  EXPECT_NE(out.find("\"completion_tokens\":9"), std::string::npos);
  EXPECT_EQ(out.rfind("data: [DONE]\n\n"), out.size() - 14);
  EXPECT_EQ(tr.usage().input_tokens, 3);
}

TEST(anthropic_wire, the_matched_stop_sequence_is_kept_as_the_choice_stop_reason) {
  auto msg = boost::json::parse(R"({"content":[{"type":"text","text":"a"}],"stop_reason":"stop_sequence","stop_sequence":"END"})");
  auto t = anthropic_to_openai(msg.as_object(), "claude");
  const auto& choice = t.body.at("choices").as_array()[0];
  EXPECT_EQ(choice.at("finish_reason").as_string(), "stop");
  EXPECT_EQ(choice.at("stop_reason").as_string(), "END");
  auto plain = boost::json::parse(R"({"content":[{"type":"text","text":"a"}],"stop_reason":"end_turn","stop_sequence":null})");
  EXPECT_FALSE(anthropic_to_openai(plain.as_object(), "claude").body.at("choices").as_array()[0].as_object().contains("stop_reason"));

  anthropic_stream_translator tr("claude", false);
  std::string out;
  tr.on_event("message_start", boost::json::parse(R"({"message":{"id":"m1"}})").as_object(), out);
  tr.on_event("message_delta", boost::json::parse(R"({"delta":{"stop_reason":"stop_sequence","stop_sequence":"END"}})").as_object(), out);
  tr.on_event("message_stop", boost::json::object{}, out);
  EXPECT_NE(out.find("\"finish_reason\":\"stop\",\"stop_reason\":\"END\""), std::string::npos) << out;
}

TEST(anthropic_wire, errors_become_openai_shaped) {
  auto e = boost::json::parse(anthropic_error_to_openai(R"({"type":"error","error":{"type":"overloaded_error","message":"busy"}})", 529));
  EXPECT_EQ(e.at("error").at("message").as_string(), "busy");
  EXPECT_EQ(e.at("error").at("type").as_string(), "overloaded_error");
  auto g = boost::json::parse(anthropic_error_to_openai("<html>", 502));
  EXPECT_FALSE(g.at("error").at("message").as_string().empty());
}

TEST(anthropic_wire, a_count_request_is_the_messages_request_without_generation_settings) {
  auto in = boost::json::parse(R"({"model":"claude","max_tokens":50,"temperature":0.2,"top_p":0.9,"stop":["X"],"stream":true,
      "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
      "messages":[{"role":"system","content":"rules"},{"role":"user","content":"count me"}]})").as_object();
  auto req = build_anthropic_count_request(claude(), in, "claude-3-5-haiku");
  ASSERT_TRUE(req) << req.err().message;
  EXPECT_EQ(req->url, "https://api.anthropic.com/v1/messages/count_tokens");
  auto body = body_of(*req);
  EXPECT_EQ(body.at("model").as_string(), "claude-3-5-haiku");
  EXPECT_EQ(body.at("system").as_string(), "rules");
  EXPECT_EQ(body.at("tools").as_array().size(), 1u);
  for (const char* gone : {"max_tokens", "temperature", "top_p", "stop_sequences", "stream"})
    EXPECT_FALSE(body.contains(gone)) << gone;
  EXPECT_EQ(anthropic_token_count(R"({"input_tokens":42})"), 42);
  EXPECT_FALSE(anthropic_token_count(R"({"input_tokens":"many"})"));
  EXPECT_FALSE(anthropic_token_count("not json"));
}

TEST(anthropic_wire, json_mode_is_a_forced_tool_whose_input_is_the_answer) {
  auto in = boost::json::parse(R"({"response_format":{"type":"json_schema","json_schema":{"name":"verdict","description":"the ruling",
      "schema":{"type":"object","properties":{"verdict":{"type":"string"}},"required":["verdict"]}}},
      "messages":[{"role":"user","content":"judge"}]})").as_object();
  auto req = build_anthropic_request(claude(), in, "claude-3-5-haiku");
  ASSERT_TRUE(req) << req.err().message;
  auto b = body_of(*req);
  ASSERT_EQ(b.at("tools").as_array().size(), 1u);
  const auto& tool = b.at("tools").at(0).as_object();
  EXPECT_EQ(tool.at("name").as_string(), "json_response");
  EXPECT_EQ(tool.at("input_schema").at("required").at(0).as_string(), "verdict");
  EXPECT_NE(std::string(tool.at("description").as_string()).find("the ruling"), std::string::npos);
  EXPECT_EQ(b.at("tool_choice").at("type").as_string(), "tool");
  EXPECT_EQ(b.at("tool_choice").at("name").as_string(), "json_response");
  auto object_mode = build_anthropic_request(
      claude(), boost::json::parse(R"({"response_format":{"type":"json_object"},"messages":[{"role":"user","content":"q"}]})").as_object(), "m");
  ASSERT_TRUE(object_mode);
  EXPECT_EQ(body_of(*object_mode).at("tools").at(0).at("input_schema").at("type").as_string(), "object");
  auto text_mode = build_anthropic_request(
      claude(), boost::json::parse(R"({"response_format":{"type":"text"},"messages":[{"role":"user","content":"q"}]})").as_object(), "m");
  ASSERT_TRUE(text_mode);
  EXPECT_FALSE(body_of(*text_mode).contains("tools"));

  // The tool's input comes back as the message text, and the turn ends as a normal stop.
  auto t = anthropic_to_openai(boost::json::parse(R"({"id":"m","stop_reason":"tool_use","content":[
      {"type":"tool_use","id":"tu","name":"json_response","input":{"verdict":"guilty"}}]})").as_object(), "claude");
  const auto& choice = t.body.at("choices").at(0).as_object();
  EXPECT_EQ(choice.at("message").at("content").as_string(), R"({"verdict":"guilty"})");
  EXPECT_FALSE(choice.at("message").as_object().contains("tool_calls"));
  EXPECT_EQ(choice.at("finish_reason").as_string(), "stop");

  anthropic_stream_translator tr("claude", false);
  std::string out;
  auto ev = [&](const char* name, const char* data) { tr.on_event(name, boost::json::parse(data).as_object(), out); };
  ev("message_start", R"({"message":{"id":"m1"}})");
  ev("content_block_start", R"({"index":0,"content_block":{"type":"tool_use","id":"tu","name":"json_response","input":{}}})");
  ev("content_block_delta", R"({"index":0,"delta":{"type":"input_json_delta","partial_json":"{\"verdict\":"}})");
  ev("content_block_delta", R"({"index":0,"delta":{"type":"input_json_delta","partial_json":"\"guilty\"}"}})");
  ev("message_delta", R"({"delta":{"stop_reason":"tool_use"}})");
  ev("message_stop", R"({})");
  EXPECT_NE(out.find(R"("content":"{\"verdict\":")"), std::string::npos) << out;
  EXPECT_EQ(out.find("tool_calls"), std::string::npos);
  EXPECT_NE(out.find(R"("finish_reason":"stop")"), std::string::npos);
}

TEST(anthropic_wire, json_mode_refuses_what_a_forced_tool_cannot_do) {
  auto refused = [](const char* text) {
    auto r = build_anthropic_request(claude(), boost::json::parse(text).as_object(), "m");
    return r ? std::string() : r.err().message;
  };
  EXPECT_NE(refused(R"({"response_format":{"type":"json_object"},"tools":[{"type":"function","function":{"name":"f"}}],
      "messages":[{"role":"user","content":"q"}]})").find("tools"), std::string::npos);
  EXPECT_NE(refused(R"({"response_format":{"type":"json_object"},"reasoning_effort":"low","messages":[{"role":"user","content":"q"}]})")
                .find("reasoning"), std::string::npos);
  EXPECT_NE(refused(R"({"response_format":{"type":"json_schema","json_schema":{"schema":{"type":"array"}}},"messages":[{"role":"user","content":"q"}]})")
                .find("type object"), std::string::npos);
  EXPECT_NE(refused(R"({"response_format":{"type":"yaml"},"messages":[{"role":"user","content":"q"}]})").find("response_format"),
            std::string::npos);
  EXPECT_NE(refused(R"({"tools":[{"type":"function","function":{"name":"json_response"}}],"messages":[{"role":"user","content":"q"}]})")
                .find("reserved"), std::string::npos);
}

TEST(anthropic_wire, cache_control_marks_go_on_the_blocks_messages_and_tools) {
  auto in = boost::json::parse(R"({
    "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}},"cache_control":{"type":"ephemeral"}}],
    "messages":[
      {"role":"system","content":[{"type":"text","text":"long rules","cache_control":{"type":"ephemeral","ttl":"1h"}}]},
      {"role":"user","content":"a long document","cache_control":{"type":"ephemeral"}},
      {"role":"assistant","content":"noted"},
      {"role":"user","content":[{"type":"text","text":"q1"},{"type":"text","text":"q2","cache_control":{"type":"ephemeral"}}]}]})")
                .as_object();
  auto req = build_anthropic_request(claude(), in, "m");
  ASSERT_TRUE(req) << req.err().message;
  auto b = body_of(*req);
  const auto& system = b.at("system").as_array();  // blocks, since one is marked
  ASSERT_EQ(system.size(), 1u);
  EXPECT_EQ(system[0].at("cache_control").at("ttl").as_string(), "1h");
  EXPECT_EQ(b.at("tools").at(0).at("cache_control").at("type").as_string(), "ephemeral");
  const auto& msgs = b.at("messages").as_array();
  EXPECT_EQ(msgs[0].at("content").at(0).at("cache_control").at("type").as_string(), "ephemeral");
  EXPECT_FALSE(msgs[1].at("content").at(0).as_object().contains("cache_control"));
  EXPECT_FALSE(msgs[2].at("content").at(0).as_object().contains("cache_control"));
  EXPECT_EQ(msgs[2].at("content").at(1).at("cache_control").at("type").as_string(), "ephemeral");

  // Unmarked system prompts stay one string.
  auto plain = build_anthropic_request(
      claude(), boost::json::parse(R"({"messages":[{"role":"system","content":"s"},{"role":"user","content":"q"}]})").as_object(), "m");
  ASSERT_TRUE(plain);
  EXPECT_TRUE(body_of(*plain).at("system").is_string());
  EXPECT_FALSE(build_anthropic_request(
      claude(), boost::json::parse(R"({"messages":[{"role":"user","content":"q","cache_control":"yes"}]})").as_object(), "m"));
}

TEST(anthropic_wire, pdf_files_become_document_blocks_and_the_user_its_metadata) {
  auto in = boost::json::parse(R"({"user":"u-42","messages":[{"role":"user","content":[{"type":"text","text":"summarise"},
      {"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0x"}}]}]})").as_object();
  auto req = build_anthropic_request(claude(), in, "m");
  ASSERT_TRUE(req) << req.err().message;
  auto b = body_of(*req);
  const auto& doc = b.at("messages").at(0).at("content").at(1).as_object();
  EXPECT_EQ(doc.at("type").as_string(), "document");
  EXPECT_EQ(doc.at("source").at("media_type").as_string(), "application/pdf");
  EXPECT_EQ(doc.at("source").at("data").as_string(), "JVBERi0x");
  EXPECT_EQ(b.at("metadata").at("user_id").as_string(), "u-42");
  auto refused = [](const char* file) {
    auto r = build_anthropic_request(claude(), boost::json::parse(std::string(R"({"messages":[{"role":"user","content":[{"type":"file","file":)") +
                                                                   file + "}]}]}").as_object(), "m");
    return r ? std::string() : r.err().message;
  };
  EXPECT_NE(refused(R"({"file_id":"file-abc"})").find("file_id"), std::string::npos);
  EXPECT_NE(refused(R"({"file_data":"data:text/csv;base64,YQ=="})").find("PDF"), std::string::npos);
  EXPECT_NE(refused(R"({"file_data":"not a data url"})").find("data URL"), std::string::npos);
}

}  // namespace brokle::gateway

namespace brokle::gateway {

TEST(anthropic_wire, a_refusal_is_a_content_filter_finish) {
  auto msg = boost::json::parse(R"({"content":[{"type":"text","text":"I can't help with that."}],"stop_reason":"refusal"})");
  EXPECT_EQ(anthropic_to_openai(msg.as_object(), "claude").body.at("choices").at(0).at("finish_reason").as_string(), "content_filter");
  anthropic_stream_translator tr("claude", false);
  std::string out;
  tr.on_event("message_start", boost::json::parse(R"({"message":{"id":"m1"}})").as_object(), out);
  tr.on_event("message_delta", boost::json::parse(R"({"delta":{"stop_reason":"refusal"}})").as_object(), out);
  tr.on_event("message_stop", boost::json::parse(R"({})").as_object(), out);
  EXPECT_NE(out.find(R"("finish_reason":"content_filter")"), std::string::npos) << out;
  auto paused = boost::json::parse(R"({"content":[{"type":"text","text":"a"}],"stop_reason":"pause_turn"})");
  EXPECT_EQ(anthropic_to_openai(paused.as_object(), "claude").body.at("choices").at(0).at("finish_reason").as_string(), "stop");
}

}  // namespace brokle::gateway
