// Reasoning through translated providers, against the real binary and the mock provider: what the
// provider was asked (thinking / thinkingConfig / thinking), the call record's reasoning tokens,
// and bad reasoning input refused before any upstream call. The SDK-driven tool loops are in the
// compatibility tests.
#include <gtest/gtest.h>

#include <functional>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "support/api_client.hpp"
#include "support/gateway_env.hpp"

namespace brokle::testing {

namespace {

using obj = boost::json::object;
using arr = boost::json::array;

obj ask(std::string model, std::string effort, obj extra = {}) {
  obj body{{"model", std::move(model)},
           {"reasoning_effort", std::move(effort)},
           {"messages", arr{obj{{"role", "user"}, {"content", "reason about this"}}}}};
  for (auto& kv : extra) body[kv.key()] = kv.value();
  return body;
}

boost::json::object last_upstream_body(gateway_env& g) {
  auto stats = call(g.mock.port(), "GET", "/mock/stats").json;
  return boost::json::parse(stats.at("last_request").at("body").as_string()).as_object();
}

}  // namespace

TEST(reasoning, each_provider_is_asked_its_own_way_and_answers_in_reasoning_content) {
  gateway_env g(reasoning_providers_toml);
  struct expectation {
    std::string model;
    std::function<void(const obj&)> check_upstream;
  };
  std::vector<expectation> cases{
      {"claude-3-5-haiku",
       [](const obj& b) {
         EXPECT_EQ(b.at("thinking").at("budget_tokens").as_int64(), 8192);
         EXPECT_EQ(b.at("max_tokens").as_int64(), 8192 + 4096);
       }},
      {"gemini-2.0-flash",
       [](const obj& b) {
         EXPECT_EQ(b.at("generationConfig").at("thinkingConfig").at("thinkingBudget").as_int64(), 8192);
       }},
      {"gemini-3-flash",
       [](const obj& b) { EXPECT_EQ(b.at("generationConfig").at("thinkingConfig").at("thinkingLevel").as_string(), "medium"); }},
      {"command-r", [](const obj& b) { EXPECT_EQ(b.at("thinking").at("token_budget").as_int64(), 8192); }},
  };
  for (const auto& c : cases) {
    auto r = g.chat(ask(c.model, "medium"));
    ASSERT_EQ(r.status(), 200) << c.model << ": " << r.raw.body;
    const auto& message = r.json.at("choices").at(0).at("message").as_object();
    EXPECT_NE(std::string(message.at("reasoning_content").as_string()).find("mock thinking about: reason about this"),
              std::string::npos)
        << c.model;
    EXPECT_NE(std::string(message.at("content").as_string()).find("mock reply to"), std::string::npos) << c.model;
    c.check_upstream(last_upstream_body(g));
  }
  // Gemini reports thinking tokens apart; the call record keeps them (and counts them as output).
  auto r = g.chat(ask("gemini-2.0-flash", "low"));
  ASSERT_EQ(r.status(), 200);
  auto reasoning_tokens = r.json.at("usage").at("completion_tokens_details").at("reasoning_tokens").as_int64();
  EXPECT_GT(reasoning_tokens, 0);
  auto record = g.wait_for_record(5);
  EXPECT_EQ(record.at("reasoning_tokens").as_int64(), reasoning_tokens) << boost::json::serialize(record);
}

TEST(reasoning, anthropic_signed_thinking_survives_a_streamed_tool_loop) {
  gateway_env g;
  obj tools_body{{"tools", arr{obj{{"type", "function"},
                                   {"function", obj{{"name", "get_weather"},
                                                    {"parameters", obj{{"type", "object"},
                                                                       {"properties", obj{{"city", obj{{"type", "string"}}}}}}}}}}}}};
  auto body = ask("claude-3-5-haiku", "low", tools_body);
  body["messages"] = arr{obj{{"role", "user"}, {"content", "weather in Rome? use tool"}}};
  body["stream"] = true;
  auto r = g.chat(body);
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  // The whole signed block arrives in one delta once the thinking block ends.
  obj block;
  std::string call_id;
  for (size_t at = 0; (at = r.raw.body.find("data: {", at)) != std::string::npos; ++at) {
    auto end = r.raw.body.find("\n\n", at);
    auto chunk = boost::json::parse(r.raw.body.substr(at + 6, end - at - 6)).as_object();
    const auto& choices = chunk.at("choices").as_array();
    if (choices.empty()) continue;
    const auto& delta = choices[0].at("delta").as_object();
    if (auto it = delta.find("thinking_blocks"); it != delta.end()) block = it->value().at(0).as_object();
    if (auto it = delta.find("tool_calls"); it != delta.end() && it->value().at(0).as_object().contains("id"))
      call_id = std::string(it->value().at(0).at("id").as_string());
  }
  ASSERT_EQ(block.at("type").as_string(), "thinking") << r.raw.body;
  ASSERT_FALSE(call_id.empty());

  auto next = ask("claude-3-5-haiku", "low", tools_body);
  obj assistant{{"role", "assistant"},
                {"content", nullptr},
                {"thinking_blocks", arr{block}},
                {"tool_calls", arr{obj{{"id", call_id},
                                       {"type", "function"},
                                       {"function", obj{{"name", "get_weather"}, {"arguments", "{\"city\":\"Rome\"}"}}}}}}};
  obj tool{{"role", "tool"}, {"tool_call_id", call_id}, {"content", "sunny"}};
  next["messages"] = arr{obj{{"role", "user"}, {"content", "weather in Rome? use tool"}}, assistant, tool};
  auto answered = g.chat(next);
  EXPECT_EQ(answered.status(), 200) << answered.raw.body;

  // A forged signature is the provider's to refuse, and its 400 reaches the client.
  block["signature"] = "forged";
  next["messages"].as_array()[1].as_object()["thinking_blocks"] = arr{block};
  auto forged = g.chat(next);
  EXPECT_EQ(forged.status(), 400) << forged.raw.body;
  EXPECT_NE(forged.raw.body.find("signature"), std::string::npos);
}

TEST(reasoning, bad_reasoning_input_is_refused_before_any_upstream_call) {
  gateway_env g;
  auto before = g.upstream_requests();
  for (std::string model : {"claude-3-5-haiku", "gemini-2.0-flash", "command-r"}) {
    auto r = g.chat(ask(model, "enormous"));
    EXPECT_EQ(r.status(), 400) << model << ": " << r.raw.body;
    EXPECT_NE(r.raw.body.find("reasoning_effort"), std::string::npos) << model;
    auto wrong_type = g.chat(obj{{"model", model}, {"reasoning_effort", 5}, {"messages", arr{obj{{"role", "user"}, {"content", "x"}}}}});
    EXPECT_EQ(wrong_type.status(), 400) << model;
  }
  auto small = g.chat(ask("claude-3-5-haiku", "high", obj{{"max_completion_tokens", 500}}));
  EXPECT_EQ(small.status(), 400);
  EXPECT_NE(small.raw.body.find("1024"), std::string::npos) << small.raw.body;
  auto bad_blocks = g.chat(obj{{"model", "claude-3-5-haiku"},
                               {"messages", arr{obj{{"role", "user"}, {"content", "q"}},
                                                obj{{"role", "assistant"}, {"content", "a"}, {"thinking_blocks", "not a list"}},
                                                obj{{"role", "user"}, {"content", "q2"}}}}});
  EXPECT_EQ(bad_blocks.status(), 400);
  EXPECT_NE(bad_blocks.raw.body.find("thinking_blocks"), std::string::npos);
  auto thinking = g.chat(obj{{"model", "command-r"}, {"thinking", "on"}, {"messages", arr{obj{{"role", "user"}, {"content", "q"}}}}});
  EXPECT_EQ(thinking.status(), 400);
  EXPECT_EQ(g.upstream_requests(), before) << "no upstream call for bad input";
  // And the server keeps serving.
  EXPECT_EQ(g.chat(ask("claude-3-5-haiku", "low")).status(), 200);
}

}  // namespace brokle::testing
