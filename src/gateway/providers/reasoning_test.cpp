// Reasoning through every translated provider: reasoning_effort asked the provider's way, thinking
// answered as reasoning_content, and what the provider needs back (Anthropic's signed blocks,
// Gemini's thought signatures) kept on the chat shapes and sent back on the next turn.
#include "gateway/providers/reasoning.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "gateway/providers/anthropic_wire.hpp"
#include "gateway/providers/cohere_wire.hpp"
#include "gateway/providers/gemini_wire.hpp"

namespace brokle::gateway {

namespace json = boost::json;

namespace {
provider_config claude() { return {"c", provider_type::anthropic, "https://api.anthropic.com", "k", "", {"claude"}, {}}; }
provider_config google() { return {"g", provider_type::gemini, "https://generativelanguage.googleapis.com", "k", "", {"gemini"}, {}}; }
provider_config cohere() { return {"co", provider_type::cohere, "https://api.cohere.com", "k", "", {"command-a"}, {}}; }
json::object parse(std::string_view text) { return json::parse(text).as_object(); }
json::object body_of(const net::upstream_request& r) { return json::parse(r.body).as_object(); }
}  // namespace

TEST(reasoning, efforts_are_read_strictly_and_map_to_budgets) {
  auto high = read_reasoning_effort(parse(R"({"reasoning_effort":"high"})"));
  ASSERT_TRUE(high);
  EXPECT_EQ(**high, reasoning_effort::high);
  EXPECT_FALSE(*read_reasoning_effort(parse(R"({})")));
  EXPECT_FALSE(*read_reasoning_effort(parse(R"({"reasoning_effort":null})")));
  EXPECT_FALSE(read_reasoning_effort(parse(R"({"reasoning_effort":"extreme"})")));
  EXPECT_FALSE(read_reasoning_effort(parse(R"({"reasoning_effort":3})")));
  EXPECT_EQ(thinking_budget(reasoning_effort::minimal), 1024);
  EXPECT_EQ(thinking_budget(reasoning_effort::none), 0);
  EXPECT_LT(thinking_budget(reasoning_effort::low), thinking_budget(reasoning_effort::medium));
  EXPECT_LT(thinking_budget(reasoning_effort::high), thinking_budget(reasoning_effort::xhigh));
  EXPECT_EQ(effort_for_budget(1024), reasoning_effort::low);
  EXPECT_EQ(effort_for_budget(8192), reasoning_effort::medium);
  EXPECT_EQ(effort_for_budget(64000), reasoning_effort::high);
  for (auto e : {reasoning_effort::low, reasoning_effort::medium, reasoning_effort::high})
    EXPECT_EQ(effort_for_budget(thinking_budget(e)), e);
}

TEST(reasoning, anthropic_thinking_comes_from_the_effort_within_the_clients_token_limit) {
  auto req = build_anthropic_request(claude(), parse(R"({"reasoning_effort":"medium","messages":[{"role":"user","content":"q"}]})"), "m");
  ASSERT_TRUE(req) << req.err().message;
  auto b = body_of(*req);
  EXPECT_EQ(b.at("thinking").at("type").as_string(), "enabled");
  EXPECT_EQ(b.at("thinking").at("budget_tokens").as_int64(), 8192);
  EXPECT_GT(b.at("max_tokens").as_int64(), 8192);  // room for the answer beyond the thinking

  auto capped = build_anthropic_request(
      claude(), parse(R"({"reasoning_effort":"high","max_completion_tokens":3000,"messages":[{"role":"user","content":"q"}]})"), "m");
  ASSERT_TRUE(capped);
  auto c = body_of(*capped);
  EXPECT_EQ(c.at("max_tokens").as_int64(), 3000);
  EXPECT_EQ(c.at("thinking").at("budget_tokens").as_int64(), 2999);

  auto too_small = build_anthropic_request(
      claude(), parse(R"({"reasoning_effort":"low","max_tokens":1000,"messages":[{"role":"user","content":"q"}]})"), "m");
  ASSERT_FALSE(too_small);
  EXPECT_NE(too_small.err().message.find("1024"), std::string::npos);

  auto none = build_anthropic_request(claude(), parse(R"({"reasoning_effort":"none","messages":[{"role":"user","content":"q"}]})"), "m");
  ASSERT_TRUE(none);
  EXPECT_FALSE(body_of(*none).contains("thinking"));
  EXPECT_FALSE(build_anthropic_request(claude(), parse(R"({"reasoning_effort":"lots","messages":[{"role":"user","content":"q"}]})"), "m"));

  // Anthropic's own object, sent as an extra body field, goes as it is.
  auto own = build_anthropic_request(
      claude(), parse(R"({"thinking":{"type":"enabled","budget_tokens":5000},"max_tokens":9000,"messages":[{"role":"user","content":"q"}]})"), "m");
  ASSERT_TRUE(own);
  EXPECT_EQ(body_of(*own).at("thinking").at("budget_tokens").as_int64(), 5000);
  EXPECT_FALSE(build_anthropic_request(claude(), parse(R"({"thinking":"yes","messages":[{"role":"user","content":"q"}]})"), "m"));
}

TEST(reasoning, anthropic_signed_blocks_go_back_first_in_their_turn) {
  auto in = parse(R"({"reasoning_effort":"low","messages":[
    {"role":"user","content":"q"},
    {"role":"assistant","content":"","reasoning_content":"hmm",
     "thinking_blocks":[{"type":"thinking","thinking":"hmm","signature":"S1"},{"type":"redacted_thinking","data":"R1"}],
     "tool_calls":[{"id":"t1","type":"function","function":{"name":"f","arguments":"{}"}}]},
    {"role":"tool","tool_call_id":"t1","content":"42"}]})");
  auto req = build_anthropic_request(claude(), in, "m");
  ASSERT_TRUE(req) << req.err().message;
  auto b = body_of(*req);
  const auto& turn = b.at("messages").as_array()[1].at("content").as_array();
  ASSERT_EQ(turn.size(), 3u);  // the empty text is not sent
  EXPECT_EQ(turn[0].at("type").as_string(), "thinking");
  EXPECT_EQ(turn[0].at("signature").as_string(), "S1");
  EXPECT_EQ(turn[1].at("data").as_string(), "R1");
  EXPECT_EQ(turn[2].at("type").as_string(), "tool_use");

  auto bad = parse(R"({"messages":[{"role":"user","content":"q"},
    {"role":"assistant","content":"a","thinking_blocks":[{"type":"thinking","thinking":"no signature"}]}]})");
  auto refused = build_anthropic_request(claude(), bad, "m");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.err().message.find("thinking_blocks"), std::string::npos);
}

TEST(reasoning, anthropic_thinking_answers_as_reasoning_content_and_blocks) {
  auto t = anthropic_to_openai(parse(R"({"id":"m","stop_reason":"end_turn","content":[
      {"type":"thinking","thinking":"step one. ","signature":"S1"},{"type":"redacted_thinking","data":"R1"},
      {"type":"thinking","thinking":"step two.","signature":"S2"},{"type":"text","text":"answer"}]})"),
                               "claude");
  const auto& message = t.body.at("choices").as_array()[0].at("message").as_object();
  EXPECT_EQ(message.at("content").as_string(), "answer");
  EXPECT_EQ(message.at("reasoning_content").as_string(), "step one. step two.");
  const auto& blocks = message.at("thinking_blocks").as_array();
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0].at("signature").as_string(), "S1");
  EXPECT_EQ(blocks[1].at("type").as_string(), "redacted_thinking");
  EXPECT_FALSE(anthropic_to_openai(parse(R"({"content":[{"type":"text","text":"a"}]})"), "c")
                   .body.at("choices").as_array()[0].at("message").as_object().contains("thinking_blocks"));
}

TEST(reasoning, anthropic_streamed_thinking_arrives_as_deltas_then_the_whole_signed_block) {
  anthropic_stream_translator tr("claude", false);
  std::string out;
  auto ev = [&](const char* name, const char* data) { tr.on_event(name, parse(data), out); };
  ev("message_start", R"({"message":{"id":"m1"}})");
  ev("content_block_start", R"({"index":0,"content_block":{"type":"thinking","thinking":"","signature":""}})");
  ev("content_block_delta", R"({"index":0,"delta":{"type":"thinking_delta","thinking":"Let me "}})");
  ev("content_block_delta", R"({"index":0,"delta":{"type":"thinking_delta","thinking":"think."}})");
  ev("content_block_delta", R"({"index":0,"delta":{"type":"signature_delta","signature":"SIG"}})");
  ev("content_block_stop", R"({"index":0})");
  ev("content_block_start", R"({"index":1,"content_block":{"type":"redacted_thinking","data":"RD"}})");
  ev("content_block_stop", R"({"index":1})");
  ev("content_block_start", R"({"index":2,"content_block":{"type":"text","text":""}})");
  ev("content_block_delta", R"({"index":2,"delta":{"type":"text_delta","text":"Hi"}})");
  ev("content_block_stop", R"({"index":2})");
  ev("message_delta", R"({"delta":{"stop_reason":"end_turn"}})");
  ev("message_stop", R"({})");
  EXPECT_FALSE(tr.failed());
  auto at = [&](std::string_view needle) { return out.find(needle); };
  ASSERT_NE(at(R"("reasoning_content":"Let me ")"), std::string::npos) << out;
  ASSERT_NE(at(R"("reasoning_content":"think.")"), std::string::npos);
  auto block = at(R"("thinking_blocks":[{"type":"thinking","thinking":"Let me think.","signature":"SIG"}])");
  ASSERT_NE(block, std::string::npos) << out;
  auto redacted = at(R"("thinking_blocks":[{"type":"redacted_thinking","data":"RD"}])");
  ASSERT_NE(redacted, std::string::npos);
  EXPECT_LT(at(R"("reasoning_content":"think.")"), block);
  EXPECT_LT(redacted, at(R"("content":"Hi")"));
}

TEST(reasoning, anthropic_stream_bounds_are_error_events) {
  anthropic_stream_translator tr("claude", false);
  std::string out;
  tr.on_event("message_start", parse(R"({"message":{"id":"m1"}})"), out);
  tr.on_event("content_block_start", parse(R"({"index":5000000,"content_block":{"type":"tool_use","id":"t","name":"f"}})"), out);
  EXPECT_TRUE(tr.failed());
  EXPECT_NE(out.find("\"error\""), std::string::npos);
}

TEST(reasoning, gemini_thinking_config_follows_the_model_generation) {
  // The thinkingConfig a chat body with `effort` becomes for `model`.
  auto config_for = [](const char* effort, const char* model) {
    auto req = build_gemini_request(
        google(), parse(std::string(R"({"reasoning_effort":")") + effort + R"(","messages":[{"role":"user","content":"q"}]})"), model, false);
    EXPECT_TRUE(req) << effort << " " << model;
    return req ? body_of(*req).at("generationConfig").at("thinkingConfig").as_object() : json::object{};
  };
  auto c2 = config_for("high", "gemini-2.5-flash");
  EXPECT_EQ(c2.at("thinkingBudget").as_int64(), 16384);
  EXPECT_TRUE(c2.at("includeThoughts").as_bool());
  EXPECT_FALSE(c2.contains("thinkingLevel"));
  auto c0 = config_for("none", "gemini-2.5-flash");
  EXPECT_EQ(c0.at("thinkingBudget").as_int64(), 0);
  EXPECT_FALSE(c0.contains("includeThoughts"));
  auto c3 = config_for("low", "gemini-3-pro-preview");
  EXPECT_EQ(c3.at("thinkingLevel").as_string(), "low");
  EXPECT_FALSE(c3.contains("thinkingBudget"));

  auto plain = build_gemini_request(google(), parse(R"({"messages":[{"role":"user","content":"q"}]})"), "gemini-3-pro", false);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(body_of(*plain).contains("generationConfig"));
  EXPECT_FALSE(build_gemini_request(google(), parse(R"({"reasoning_effort":"max","messages":[{"role":"user","content":"q"}]})"),
                                    "gemini-3-pro", false));
}

TEST(reasoning, googles_own_thinking_config_field_is_taken_as_googles_endpoint_takes_it) {
  auto req = build_gemini_request(
      google(), parse(R"({"reasoning_effort":"high","google":{"thinking_config":{"thinking_budget":512,"include_thoughts":true}},
                          "messages":[{"role":"user","content":"q"}]})"),
      "gemini-2.5-flash", false);
  ASSERT_TRUE(req) << req.err().message;
  auto b = body_of(*req);
  const auto& config = b.at("generationConfig").at("thinkingConfig").as_object();
  EXPECT_EQ(config.at("thinkingBudget").as_int64(), 512);  // the provider's own setting wins over the effort
  EXPECT_TRUE(config.at("includeThoughts").as_bool());
  EXPECT_FALSE(b.contains("google"));
  auto unknown = build_gemini_request(google(), parse(R"({"google":{"thinking_config":{"budget":1}},"messages":[{"role":"user","content":"q"}]})"),
                                      "gemini-2.5-flash", false);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.err().message.find("google.thinking_config.budget"), std::string::npos);
  EXPECT_FALSE(build_gemini_request(google(), parse(R"({"google":{"thinking_config":7},"messages":[{"role":"user","content":"q"}]})"),
                                    "gemini-2.5-flash", false));
}

TEST(reasoning, anthropics_own_thinking_object_gets_room_for_its_budget) {
  auto req = build_anthropic_request(
      claude(), parse(R"({"thinking":{"type":"enabled","budget_tokens":6000},"messages":[{"role":"user","content":"q"}]})"), "m");
  ASSERT_TRUE(req);
  EXPECT_EQ(body_of(*req).at("max_tokens").as_int64(), 6000 + 4096);
}

TEST(reasoning, gemini_thoughts_and_signatures_come_back_on_the_chat_shapes) {
  auto t = gemini_to_openai(parse(R"({"candidates":[{"content":{"parts":[
      {"text":"pondering","thought":true},
      {"functionCall":{"name":"f","args":{"a":1}},"thoughtSignature":"SIG1"},
      {"functionCall":{"name":"g","args":{}}}]},"finishReason":"STOP"}]})"),
                            "gemini");
  const auto& message = t.body.at("choices").as_array()[0].at("message").as_object();
  EXPECT_EQ(message.at("reasoning_content").as_string(), "pondering");
  const auto& calls = message.at("tool_calls").as_array();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(google_thought_signature(calls[0].as_object()), "SIG1");
  EXPECT_FALSE(calls[1].as_object().contains("extra_content"));

  auto text = gemini_to_openai(parse(R"({"candidates":[{"content":{"parts":[{"text":"done","thoughtSignature":"SIG2"}]}}]})"), "gemini");
  EXPECT_EQ(google_thought_signature(text.body.at("choices").as_array()[0].at("message").as_object()), "SIG2");

  gemini_stream_translator tr("gemini", false);
  std::string out;
  tr.on_chunk(parse(R"({"candidates":[{"content":{"parts":[{"text":"hmm","thought":true}]}}]})"), out);
  tr.on_chunk(parse(R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{}},"thoughtSignature":"S3"}]},"finishReason":"STOP"}]})"), out);
  tr.finish(out);
  EXPECT_NE(out.find(R"("reasoning_content":"hmm")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("extra_content":{"google":{"thought_signature":"S3"}})"), std::string::npos) << out;
  EXPECT_EQ(out.find(R"("content":"hmm")"), std::string::npos);  // thoughts never leak into the answer
}

TEST(reasoning, gemini_signatures_go_back_and_gemini_3_calls_without_one_skip_the_check) {
  auto history = parse(R"({"messages":[
    {"role":"user","content":"q"},
    {"role":"assistant","content":null,"tool_calls":[
      {"id":"call_0","type":"function","function":{"name":"f","arguments":"{}"},"extra_content":{"google":{"thought_signature":"SIG1"}}},
      {"id":"call_1","type":"function","function":{"name":"g","arguments":"{}"}}]},
    {"role":"tool","tool_call_id":"call_0","content":"1"},{"role":"tool","tool_call_id":"call_1","content":"2"},
    {"role":"assistant","content":null,"tool_calls":[{"id":"call_2","type":"function","function":{"name":"f","arguments":"{}"}}]},
    {"role":"tool","tool_call_id":"call_2","content":"3"},
    {"role":"assistant","content":"ok","extra_content":{"google":{"thought_signature":"SIG9"}}},
    {"role":"user","content":"again"}]})");
  auto three = build_gemini_request(google(), history, "gemini-3-flash", false);
  ASSERT_TRUE(three) << three.err().message;
  auto b3 = body_of(*three);
  const auto& contents = b3.at("contents").as_array();
  const auto& first = contents[1].at("parts").as_array();
  EXPECT_EQ(first[0].at("thoughtSignature").as_string(), "SIG1");
  EXPECT_FALSE(first[1].as_object().contains("thoughtSignature"));  // only a turn's first call is signed
  EXPECT_EQ(contents[3].at("parts").as_array()[0].at("thoughtSignature").as_string(), "skip_thought_signature_validator");
  EXPECT_EQ(contents[5].at("parts").as_array()[0].at("thoughtSignature").as_string(), "SIG9");

  auto two = build_gemini_request(google(), history, "gemini-2.5-pro", false);
  ASSERT_TRUE(two);
  EXPECT_FALSE(body_of(*two).at("contents").as_array()[3].at("parts").as_array()[0].as_object().contains("thoughtSignature"));
}

TEST(reasoning, cohere_thinking_from_the_effort_and_back_as_reasoning_content) {
  auto req = build_cohere_request(cohere(), parse(R"({"reasoning_effort":"medium","messages":[{"role":"user","content":"q"}]})"), "command-a");
  ASSERT_TRUE(req) << req.err().message;
  EXPECT_EQ(body_of(*req).at("thinking").at("token_budget").as_int64(), 8192);
  auto off = build_cohere_request(cohere(), parse(R"({"reasoning_effort":"none","messages":[{"role":"user","content":"q"}]})"), "command-a");
  ASSERT_TRUE(off);
  EXPECT_EQ(body_of(*off).at("thinking").at("type").as_string(), "disabled");
  EXPECT_FALSE(build_cohere_request(cohere(), parse(R"({"reasoning_effort":"big","messages":[{"role":"user","content":"q"}]})"), "m"));

  auto t = cohere_to_openai(parse(R"({"id":"c","finish_reason":"COMPLETE","message":{"role":"assistant","content":[
      {"type":"thinking","thinking":"weighing"},{"type":"text","text":"answer"}]}})"),
                            "command-a");
  const auto& message = t.body.at("choices").as_array()[0].at("message").as_object();
  EXPECT_EQ(message.at("content").as_string(), "answer");
  EXPECT_EQ(message.at("reasoning_content").as_string(), "weighing");

  cohere_stream_translator tr("command-a", false);
  std::string out;
  for (const char* ev : {R"({"type":"message-start","id":"c1"})",
                         R"({"type":"content-start","index":0,"delta":{"message":{"content":{"type":"thinking","thinking":""}}}})",
                         R"({"type":"content-delta","index":0,"delta":{"message":{"content":{"thinking":"weigh"}}}})",
                         R"({"type":"content-delta","index":1,"delta":{"message":{"content":{"text":"ans"}}}})",
                         R"({"type":"message-end","delta":{"finish_reason":"COMPLETE"}})"})
    tr.on_event(parse(ev), out);
  EXPECT_NE(out.find(R"("reasoning_content":"weigh")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("content":"ans")"), std::string::npos);
}

}  // namespace brokle::gateway
