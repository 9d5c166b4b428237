// Web search through translation, against the real binary and the mock provider: OpenAI's
// web_search_options reaches Anthropic as its web_search server tool and Gemini as google_search,
// and what the answers cite comes back as OpenAI url_citation annotations, plain and streamed,
// with code point offsets into the message content. Cohere cannot search: refused before any call.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include <boost/json/parse.hpp>

#include "support/api_client.hpp"
#include "support/gateway_env.hpp"

namespace brokle::testing {

namespace {

using obj = boost::json::object;
using arr = boost::json::array;

constexpr std::string_view search_url = "https://search.mock.example/result";

obj searching(std::string model, std::string question, bool stream = false) {
  obj body{{"model", std::move(model)},
           {"web_search_options", obj{{"search_context_size", "low"},
                                      {"user_location", obj{{"type", "approximate"},
                                                            {"approximate", obj{{"city", "Paris"}, {"country", "FR"}}}}}}},
           {"messages", arr{obj{{"role", "user"}, {"content", std::move(question)}}}}};
  if (stream) body["stream"] = true;
  return body;
}

int64_t code_points(std::string_view s) {
  int64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// A streamed answer put together: its content, its annotations, and whether any tool call leaked.
struct streamed_answer {
  std::string content;
  arr annotations;
  bool tool_calls = false;
};

streamed_answer read_stream(const std::string& body) {
  streamed_answer a;
  for (size_t at = body.find("data: {"); at != std::string::npos; at = body.find("data: {", at + 1)) {
    auto chunk = boost::json::parse(body.substr(at + 6, body.find("\n\n", at) - at - 6)).as_object();
    for (const auto& c : chunk.at("choices").as_array()) {
      const auto& d = c.at("delta").as_object();
      if (const auto* text = d.if_contains("content"); text && text->is_string()) a.content += std::string(text->as_string());
      if (const auto* notes = d.if_contains("annotations"))
        for (const auto& n : notes->as_array()) a.annotations.push_back(n);
      if (d.contains("tool_calls")) a.tool_calls = true;
    }
  }
  return a;
}

constexpr std::string_view question = "what is new in café culture";
const std::string reply = "mock reply to: " + std::string(question);

// The cost of the one call recorded so far, once the asynchronous writer has stored it.
double recorded_cost(gateway_env& g) {
  auto recorded = g.generations();
  for (int i = 0; i < 50 && recorded.json.at("data").as_array().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    recorded = g.generations();
  }
  EXPECT_EQ(recorded.json.at("data").as_array().size(), 1u) << recorded.raw.body;
  return recorded.json.at("data").as_array().empty() ? 0 : recorded.json.at("data").at(0).at("cost_usd").to_number<double>();
}

void expect_citation(const boost::json::value& annotation, int64_t start, int64_t end) {
  EXPECT_EQ(annotation.at("type").as_string(), "url_citation");
  const auto& c = annotation.at("url_citation");
  EXPECT_EQ(c.at("url").as_string(), search_url);
  EXPECT_EQ(c.at("title").as_string(), "Mock search result");
  EXPECT_EQ(c.at("start_index").as_int64(), start) << boost::json::serialize(annotation);
  EXPECT_EQ(c.at("end_index").as_int64(), end) << boost::json::serialize(annotation);
}

}  // namespace

TEST(web_search, anthropic_searches_with_its_server_tool_and_its_citations_are_annotations) {
  gateway_env g;
  auto r = g.chat(searching("claude-3-5-haiku", std::string(question)));
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  const auto& message = r.json.at("choices").at(0).at("message");
  // The uncited "Searched. " block, then the cited reply: the citation spans the reply only.
  EXPECT_EQ(message.at("content").as_string(), "Searched. " + reply);
  EXPECT_FALSE(message.as_object().contains("tool_calls")) << "the search is the provider's, not a call for the client";
  ASSERT_EQ(message.at("annotations").as_array().size(), 1u) << r.raw.body;
  expect_citation(message.at("annotations").at(0), 10, 10 + code_points(reply));
  auto sent = boost::json::parse(call(g.mock.port(), "GET", "/mock/stats").json.at("last_request").at("body").as_string());
  const auto& tool = sent.at("tools").as_array().back();
  EXPECT_EQ(tool.at("type").as_string(), "web_search_20250305");
  EXPECT_EQ(tool.at("name").as_string(), "web_search");
  EXPECT_EQ(tool.at("user_location").at("city").as_string(), "Paris");
  EXPECT_EQ(tool.at("user_location").at("type").as_string(), "approximate");

  // The search is billed apart from the tokens: $10 per 1,000 for Anthropic.
  double cost = recorded_cost(g);
  EXPECT_GT(cost, 0.01);
  EXPECT_LT(cost, 0.0101) << "the tokens of this short call cost far less than the search";

  auto s = g.chat(searching("claude-3-5-haiku", std::string(question), true));
  ASSERT_EQ(s.status(), 200) << s.raw.body;
  auto a = read_stream(s.raw.body);
  EXPECT_EQ(a.content, "Searched. " + reply);
  EXPECT_FALSE(a.tool_calls) << s.raw.body;
  ASSERT_EQ(a.annotations.size(), 1u) << s.raw.body;
  expect_citation(a.annotations.at(0), 10, 10 + code_points(reply));
}

TEST(web_search, gemini_grounds_with_google_search_and_its_sources_are_annotations) {
  gateway_env g;
  auto r = g.chat(searching("gemini-2.0-flash", std::string(question)));
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  const auto& message = r.json.at("choices").at(0).at("message");
  EXPECT_EQ(message.at("content").as_string(), reply);
  // A grounded answer is billed apart from the tokens: $35 per 1,000 for Gemini 2.x.
  double cost = recorded_cost(g);
  EXPECT_GT(cost, 0.035);
  EXPECT_LT(cost, 0.0351);
  // Gemini's span is in UTF-8 bytes (15 to the end); the annotation counts code points ("é" is one).
  ASSERT_EQ(message.at("annotations").as_array().size(), 1u) << r.raw.body;
  expect_citation(message.at("annotations").at(0), 15, code_points(reply));
  EXPECT_NE(code_points(reply), static_cast<int64_t>(reply.size()));
  auto sent = boost::json::parse(call(g.mock.port(), "GET", "/mock/stats").json.at("last_request").at("body").as_string());
  EXPECT_TRUE(sent.at("tools").as_array().back().as_object().contains("google_search")) << boost::json::serialize(sent);

  auto s = g.chat(searching("gemini-2.0-flash", std::string(question), true));
  ASSERT_EQ(s.status(), 200) << s.raw.body;
  auto a = read_stream(s.raw.body);
  EXPECT_EQ(a.content, reply);
  ASSERT_EQ(a.annotations.size(), 1u) << s.raw.body;
  expect_citation(a.annotations.at(0), 15, code_points(reply));
}

// The Responses API's web_search tool, translated: the same search, its citations as the
// output_text's annotations (and, streamed, response.output_text.annotation.added events).
TEST(web_search, the_responses_web_search_tool_searches_through_translation) {
  gateway_env g;
  const std::string news_reply = "mock reply to: café news";
  for (std::string model : {"claude-3-5-haiku", "gemini-2.0-flash"}) {
    obj request{{"model", model}, {"input", "café news"}, {"tools", arr{obj{{"type", "web_search"}}}}};
    auto r = call(g.port(), "POST", "/v1/responses", request, g.key);
    ASSERT_EQ(r.status(), 200) << model << ": " << r.raw.body;
    const boost::json::value* text = nullptr;
    for (const auto& item : r.json.at("output").as_array())
      if (item.at("type") == "message") text = &item.at("content").at(0);
    ASSERT_TRUE(text) << r.raw.body;
    ASSERT_EQ(text->at("annotations").as_array().size(), 1u) << model << ": " << r.raw.body;
    const auto& a = text->at("annotations").at(0);
    EXPECT_EQ(a.at("type").as_string(), "url_citation");
    EXPECT_EQ(a.at("url").as_string(), search_url);
    const int64_t start = model == "gemini-2.0-flash" ? 15 : 10;
    EXPECT_EQ(a.at("start_index").as_int64(), start) << model;
    EXPECT_EQ(a.at("end_index").as_int64(), (model == "gemini-2.0-flash" ? 0 : 10) + code_points(news_reply)) << model;

    request["stream"] = true;
    auto s = call(g.port(), "POST", "/v1/responses", request, g.key);
    ASSERT_EQ(s.status(), 200) << s.raw.body;
    EXPECT_NE(s.raw.body.find("event: response.output_text.annotation.added"), std::string::npos) << model << ": " << s.raw.body;
    EXPECT_NE(s.raw.body.find("\"annotations\":[{\"type\":\"url_citation\""), std::string::npos) << s.raw.body;
  }
}

// An Anthropic client (the Messages surface) asking a Gemini model to search: the web_search
// server tool becomes web_search_options, Gemini grounds, and the cited span comes back as a
// text block of its own with a web_search_result_location citation (streamed: citations_delta).
TEST(web_search, the_messages_web_search_tool_searches_with_a_translated_provider) {
  gateway_env g;
  obj request{{"model", "gemini-2.0-flash"},
              {"max_tokens", 200},
              {"tools", arr{obj{{"type", "web_search_20250305"}, {"name", "web_search"}, {"max_uses", 2}}}},
              {"messages", arr{obj{{"role", "user"}, {"content", "café news"}}}}};
  auto r = call(g.port(), "POST", "/v1/messages", request, g.key);
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  const auto& content = r.json.at("content").as_array();
  ASSERT_EQ(content.size(), 2u) << r.raw.body;
  EXPECT_EQ(content[0].at("text").as_string(), "mock reply to: ");
  EXPECT_EQ(content[1].at("text").as_string(), "café news");
  const auto& cite = content[1].at("citations").at(0);
  EXPECT_EQ(cite.at("type").as_string(), "web_search_result_location");
  EXPECT_EQ(cite.at("url").as_string(), search_url);
  EXPECT_EQ(cite.at("cited_text").as_string(), "café news");
  auto sent = boost::json::parse(call(g.mock.port(), "GET", "/mock/stats").json.at("last_request").at("body").as_string());
  EXPECT_TRUE(sent.at("tools").as_array().back().as_object().contains("google_search")) << boost::json::serialize(sent);

  request["stream"] = true;
  auto s = call(g.port(), "POST", "/v1/messages", request, g.key);
  ASSERT_EQ(s.status(), 200) << s.raw.body;
  EXPECT_NE(s.raw.body.find("\"type\":\"citations_delta\""), std::string::npos) << s.raw.body;
  EXPECT_NE(s.raw.body.find("\"cited_text\":\"café news\""), std::string::npos) << s.raw.body;
}

TEST(web_search, what_cannot_search_or_is_malformed_is_refused_before_any_upstream_call) {
  gateway_env g;
  auto before = g.upstream_requests();
  auto cohere = g.chat(searching("command-r", "search please"));
  EXPECT_EQ(cohere.status(), 400) << cohere.raw.body;
  EXPECT_NE(cohere.raw.body.find("web_search_options"), std::string::npos) << cohere.raw.body;
  for (const auto& bad : {boost::json::value("yes"), boost::json::value(obj{{"search_context_size", "huge"}}),
                          boost::json::value(obj{{"user_location", obj{{"type", "exact"}}}}),
                          boost::json::value(obj{{"user_location", obj{{"type", "approximate"}, {"approximate", obj{{"planet", "Mars"}}}}}})}) {
    for (std::string model : {"claude-3-5-haiku", "gemini-2.0-flash"}) {
      auto body = searching(model, "q");
      body["web_search_options"] = bad;
      auto r = g.chat(body);
      EXPECT_EQ(r.status(), 400) << model << " " << boost::json::serialize(bad) << ": " << r.raw.body;
      EXPECT_NE(r.raw.body.find("web_search_options"), std::string::npos) << r.raw.body;
    }
  }
  // Anthropic's JSON answers are a forced tool: the model could not search first.
  auto json_mode = searching("claude-3-5-haiku", "q");
  json_mode["response_format"] = obj{{"type", "json_object"}};
  EXPECT_EQ(g.chat(json_mode).status(), 400);
  EXPECT_EQ(g.upstream_requests(), before);
  // A null option is no search at all.
  auto plain = searching("command-r", "hello");
  plain["web_search_options"] = nullptr;
  EXPECT_EQ(g.chat(plain).status(), 200);
}

}  // namespace brokle::testing
