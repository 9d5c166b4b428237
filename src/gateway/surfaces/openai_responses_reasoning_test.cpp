// Reasoning on the translated Responses surface: the reasoning item (plain and streamed), and the
// round trip of what the provider needs back through encrypted_content into the next chat request.
#include "gateway/surfaces/openai_responses_reasoning.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/providers/reasoning.hpp"
#include "gateway/surfaces/openai_responses_request.hpp"
#include "gateway/surfaces/openai_responses_response.hpp"
#include "gateway/surfaces/openai_responses_stream.hpp"
#include "gateway/surfaces/surface_events_test_support.hpp"

namespace brokle::gateway {

namespace json = boost::json;
using testing::chunk;
using testing::events_of;
using testing::names_of;

namespace {

json::object skeleton() {
  return response_skeleton(json::parse(R"({"model":"m","input":"x"})").as_object(), "resp_R1", "asked", 1700000000);
}

json::object respond(std::string_view completion) {
  auto r = chat_to_response(json::parse(completion).as_object(), skeleton());
  EXPECT_TRUE(r);
  return r ? *r : json::object{};
}

// The chat request a client's next turn becomes: the earlier output items sent back as input.
json::object next_turn(const json::array& output) {
  json::array input{json::object{{"role", "user"}, {"content", "q"}}};
  for (const auto& item : output) input.push_back(item);
  input.push_back(json::object{{"type", "function_call_output"}, {"call_id", "call_1"}, {"output", "42"}});
  auto chat = responses_to_chat(json::object{{"model", "m"}, {"input", std::move(input)}});
  EXPECT_TRUE(chat) << (chat ? "" : chat.err().message);
  return chat ? *chat : json::object{};
}

}  // namespace

TEST(openai_responses_reasoning, the_carry_round_trips_and_refuses_what_this_gateway_did_not_write) {
  reasoning_carry carry;
  carry.text = "shown, not carried";
  carry.thinking_blocks.push_back(json::object{{"type", "thinking"}, {"thinking", "t"}, {"signature", "S"}});
  carry.call_signatures["call_1"] = "G1";
  carry.text_signature = "G2";
  auto encoded = encode_reasoning_carry(carry);
  ASSERT_TRUE(encoded.starts_with("brokle.r1."));
  auto back = decode_reasoning_carry(encoded);
  ASSERT_TRUE(back);
  EXPECT_EQ(json::serialize(back->thinking_blocks), json::serialize(carry.thinking_blocks));
  EXPECT_EQ(back->call_signatures.at("call_1").as_string(), "G1");
  EXPECT_EQ(back->text_signature, "G2");
  EXPECT_TRUE(back->text.empty());

  EXPECT_EQ(encode_reasoning_carry(reasoning_carry{"text only", {}, {}, {}}), "");
  EXPECT_FALSE(decode_reasoning_carry("gAAAAABopenai-encrypted"));
  EXPECT_FALSE(decode_reasoning_carry("brokle.r1.!!!not base64"));
  EXPECT_FALSE(decode_reasoning_carry("brokle.r1." + std::string("W10=")));  // "[]": not an object
  // Blocks are checked as a chat message's are: a thinking block needs its signature.
  EXPECT_FALSE(decode_reasoning_carry("brokle.r1.eyJ0aGlua2luZ19ibG9ja3MiOlt7InR5cGUiOiJ0aGlua2luZyIsInRoaW5raW5nIjoieCJ9XX0="));
}

TEST(openai_responses_reasoning, a_reasoning_completion_leads_with_a_reasoning_item) {
  auto r = respond(R"({"choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,
    "reasoning_content":"think","thinking_blocks":[{"type":"thinking","thinking":"think","signature":"SIG"}],
    "tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]}}]})");
  const auto& output = r.at("output").as_array();
  ASSERT_EQ(output.size(), 2u);
  const auto& item = output[0].as_object();
  EXPECT_EQ(item.at("type").as_string(), "reasoning");
  EXPECT_EQ(item.at("id").as_string(), "rs_R1_0");
  EXPECT_EQ(item.at("content").at(0).at("type").as_string(), "reasoning_text");
  EXPECT_EQ(item.at("content").at(0).at("text").as_string(), "think");
  EXPECT_TRUE(item.at("summary").as_array().empty());
  EXPECT_TRUE(item.at("encrypted_content").is_string());
  EXPECT_EQ(output[1].at("type").as_string(), "function_call");

  // Sent back, the signed block opens the assistant turn again.
  auto chat = next_turn(output);
  const auto& assistant = chat.at("messages").as_array()[1].as_object();
  EXPECT_EQ(assistant.at("thinking_blocks").at(0).at("signature").as_string(), "SIG");
  EXPECT_EQ(assistant.at("tool_calls").at(0).at("id").as_string(), "call_1");

  auto plain = respond(R"({"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"hi"}}]})");
  EXPECT_EQ(plain.at("output").as_array().size(), 1u);
  auto unsigned_text = respond(R"({"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"hi",
    "reasoning_content":"r"}}]})");
  EXPECT_TRUE(unsigned_text.at("output").at(0).at("encrypted_content").is_null());
}

TEST(openai_responses_reasoning, streamed_reasoning_is_its_own_item_before_the_text) {
  responses_stream_translator t(skeleton());
  std::string out;
  t.on_data(chunk(R"({"index":0,"delta":{"role":"assistant","reasoning_content":"Let me "},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"reasoning_content":"think."},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"thinking_blocks":[{"type":"thinking","thinking":"Let me think.","signature":"SIG"}]},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"content":"Hi"},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{},"finish_reason":"stop"})"), out);
  t.on_data("[DONE]", out);
  ASSERT_FALSE(t.failed());
  auto ev = events_of(out);
  EXPECT_EQ(names_of(ev), (std::vector<std::string>{
                              "response.created", "response.in_progress", "response.output_item.added",
                              "response.content_part.added", "response.reasoning_text.delta", "response.reasoning_text.delta",
                              "response.reasoning_text.done", "response.content_part.done", "response.output_item.done",
                              "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                              "response.output_text.done", "response.content_part.done", "response.output_item.done",
                              "response.completed"}));
  EXPECT_EQ(ev[2].data.at("item").at("type").as_string(), "reasoning");
  EXPECT_EQ(ev[6].data.at("text").as_string(), "Let me think.");
  const auto& done = ev[8].data.at("item").as_object();
  ASSERT_TRUE(done.at("encrypted_content").is_string());
  auto carry = decode_reasoning_carry(done.at("encrypted_content").as_string());
  ASSERT_TRUE(carry);
  EXPECT_EQ(carry->thinking_blocks.at(0).at("signature").as_string(), "SIG");
  EXPECT_EQ(ev[9].data.at("output_index").as_int64(), 1);
  const auto& final_output = ev.back().data.at("response").at("output").as_array();
  ASSERT_EQ(final_output.size(), 2u);
  EXPECT_EQ(final_output[0].at("content").at(0).at("text").as_string(), "Let me think.");
}

TEST(openai_responses_reasoning, a_streamed_call_signature_makes_a_reasoning_item_and_goes_back_on_its_call) {
  responses_stream_translator t(skeleton());
  std::string out;
  t.on_data(chunk(R"({"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function",
    "function":{"name":"f","arguments":"{}"},"extra_content":{"google":{"thought_signature":"GSIG"}}}]},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{},"finish_reason":"tool_calls"})"), out);
  t.on_data("[DONE]", out);
  ASSERT_FALSE(t.failed());
  auto ev = events_of(out);
  const auto& output = ev.back().data.at("response").at("output").as_array();
  ASSERT_EQ(output.size(), 2u);
  EXPECT_EQ(output[0].at("type").as_string(), "reasoning");
  EXPECT_EQ(output[1].at("type").as_string(), "function_call");

  auto chat = next_turn(output);
  const auto& call = chat.at("messages").as_array()[1].at("tool_calls").at(0).as_object();
  EXPECT_EQ(google_thought_signature(call), "GSIG");
}

TEST(openai_responses_reasoning, a_client_asking_for_summaries_gets_the_thinking_as_its_summary) {
  auto summarized = response_skeleton(json::parse(R"({"model":"m","input":"x","reasoning":{"effort":"low","summary":"auto"}})").as_object(),
                                      "resp_S1", "asked", 1700000000);
  EXPECT_EQ(summarized.at("reasoning").at("summary").as_string(), "auto");
  auto r = chat_to_response(json::parse(R"({"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"hi",
      "reasoning_content":"considered"}}]})").as_object(), summarized);
  ASSERT_TRUE(r);
  const auto& item = r->at("output").at(0).as_object();
  EXPECT_EQ(item.at("summary").at(0).at("type").as_string(), "summary_text");
  EXPECT_EQ(item.at("summary").at(0).at("text").as_string(), "considered");
  EXPECT_TRUE(item.at("content").as_array().empty());

  responses_stream_translator t(summarized);
  std::string out;
  t.on_data(chunk(R"({"index":0,"delta":{"role":"assistant","reasoning_content":"consid"},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"reasoning_content":"ered"},"finish_reason":null})"), out);
  t.on_data(chunk(R"({"index":0,"delta":{"content":"hi"},"finish_reason":"stop"})"), out);
  t.on_data("[DONE]", out);
  ASSERT_FALSE(t.failed());
  auto ev = events_of(out);
  auto names = names_of(ev);
  EXPECT_EQ(std::vector<std::string>(names.begin() + 2, names.begin() + 9),
            (std::vector<std::string>{"response.output_item.added", "response.reasoning_summary_part.added",
                                      "response.reasoning_summary_text.delta", "response.reasoning_summary_text.delta",
                                      "response.reasoning_summary_text.done", "response.reasoning_summary_part.done",
                                      "response.output_item.done"}));
  EXPECT_EQ(ev[3].data.at("summary_index").as_int64(), 0);
  EXPECT_EQ(ev[6].data.at("text").as_string(), "considered");
  EXPECT_EQ(ev.back().data.at("response").at("output").at(0).at("summary").at(0).at("text").as_string(), "considered");
}

}  // namespace brokle::gateway
