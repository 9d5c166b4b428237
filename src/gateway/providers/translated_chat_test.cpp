#include "gateway/providers/translated_chat.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "gateway/providers/anthropic_wire.hpp"
#include "gateway/providers/cohere_wire.hpp"
#include "gateway/providers/gemini_wire.hpp"

namespace brokle::gateway {

namespace {
boost::json::object parse(std::string_view text) { return boost::json::parse(text).as_object(); }
}  // namespace

TEST(translated_chat, one_choice_without_log_probabilities_is_all_a_translated_provider_answers) {
  EXPECT_TRUE(check_translatable_chat(parse(R"({"n":1,"logprobs":false,"top_logprobs":null})")));
  EXPECT_TRUE(check_translatable_chat(parse(R"({})")));
  for (const char* refused : {R"({"n":2})", R"({"n":0})", R"({"n":"2"})", R"({"logprobs":true})", R"({"top_logprobs":3})"}) {
    auto r = check_translatable_chat(parse(refused));
    EXPECT_FALSE(r) << refused;
  }
  // A provider that answers several choices and log probabilities (Gemini): within its limits.
  translatable_chat several{8, true};
  for (const char* fine : {R"({"n":8})", R"({"logprobs":true,"top_logprobs":0})", R"({"logprobs":true,"top_logprobs":20})", R"({"logprobs":false})"})
    EXPECT_TRUE(check_translatable_chat(parse(fine), several)) << fine;
  for (const char* refused : {R"({"n":9})", R"({"n":-1})", R"({"n":1.5})", R"({"top_logprobs":2})", R"({"logprobs":true,"top_logprobs":21})",
                              R"({"logprobs":true,"top_logprobs":-1})", R"({"logprobs":1})"}) {
    auto r = check_translatable_chat(parse(refused), several);
    EXPECT_FALSE(r) << refused;
  }
  EXPECT_EQ(check_translatable_chat(parse(R"({"n":9})"), several).err().message, "'n' is at most 8 for this model");
  EXPECT_EQ(chat_choices(parse(R"({"n":3})")), 3);
  EXPECT_EQ(chat_choices(parse(R"({"n":null})")), 1);
  EXPECT_EQ(chat_top_logprobs(parse(R"({"top_logprobs":5})")), 5);
  // Every translator applies it before building anything.
  provider_config a{"c", provider_type::anthropic, "https://api.anthropic.com", "k", "", {"m"}, {}};
  provider_config g{"g", provider_type::gemini, "https://generativelanguage.googleapis.com", "k", "", {"m"}, {}};
  provider_config c{"co", provider_type::cohere, "https://api.cohere.com", "k", "", {"m"}, {}};
  auto body = parse(R"({"n":3,"messages":[{"role":"user","content":"q"}]})");
  EXPECT_NE(build_anthropic_request(a, body, "m").err().message.find("'n'"), std::string::npos);
  EXPECT_FALSE(build_gemini_request(g, parse(R"({"n":9,"messages":[{"role":"user","content":"q"}]})"), "m", false));
  EXPECT_FALSE(build_cohere_request(c, body, "m"));
}

TEST(translated_chat, parallel_tool_calls_false_disables_anthropics_parallel_tool_use) {
  provider_config a{"c", provider_type::anthropic, "https://api.anthropic.com", "k", "", {"m"}, {}};
  auto req = build_anthropic_request(a, parse(R"({"parallel_tool_calls":false,
      "tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"q"}]})"), "m");
  ASSERT_TRUE(req);
  auto b = boost::json::parse(req->body).as_object();
  EXPECT_EQ(b.at("tool_choice").at("type").as_string(), "auto");
  EXPECT_TRUE(b.at("tool_choice").at("disable_parallel_tool_use").as_bool());
  auto no_tools = build_anthropic_request(a, parse(R"({"parallel_tool_calls":false,"messages":[{"role":"user","content":"q"}]})"), "m");
  ASSERT_TRUE(no_tools);
  EXPECT_FALSE(boost::json::parse(no_tools->body).as_object().contains("tool_choice"));
}

}  // namespace brokle::gateway
