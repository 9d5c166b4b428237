// Embeddings and legacy completions for models whose provider is not OpenAI-shaped, against the
// real binary and the mock provider: Gemini batchEmbedContents and Cohere /v2/embed behind
// /v1/embeddings (float and base64), /v1/completions through the Anthropic, Gemini and Cohere chat
// APIs (plain and streamed), the call records, and bad input (including chat fields no translated
// provider answers) refused before any upstream call.
#include <gtest/gtest.h>

#include <cstring>
#include <thread>

#include "core/base64.hpp"
#include "support/api_client.hpp"
#include "support/gateway_env.hpp"

namespace brokle::testing {

namespace {

using obj = boost::json::object;
using arr = boost::json::array;

api_reply embed(gateway_env& g, const obj& body) { return call(g.port(), "POST", "/v1/embeddings", body, g.key); }
api_reply complete(gateway_env& g, const obj& body) { return call(g.port(), "POST", "/v1/completions", body, g.key); }

boost::json::value last_upstream(gateway_env& g) { return call(g.mock.port(), "GET", "/mock/stats").json.at("last_request"); }

// The recorded calls once the asynchronous writer has stored `n` of them.
boost::json::array recorded(gateway_env& g, size_t n) {
  api_reply gens;
  for (int i = 0; i < 50; ++i) {
    gens = g.generations();
    if (gens.status() == 200 && gens.json.at("data").as_array().size() >= n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return gens.json.at("data").as_array();
}

}  // namespace

TEST(translated_endpoints, gemini_embeddings_go_through_batch_embed_contents) {
  gateway_env g;
  auto r = embed(g, obj{{"model", "gemini-embedding-001"}, {"input", arr{"alpha", "beta"}}, {"dimensions", 4}});
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  EXPECT_EQ(r.str("object"), "list");
  EXPECT_EQ(r.str("model"), "gemini-embedding-001");
  const auto& data = r.json.at("data").as_array();
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0].at("embedding").as_array().size(), 4u) << "dimensions became outputDimensionality";
  EXPECT_NE(data[0].at("embedding"), data[1].at("embedding"));
  auto last = last_upstream(g);
  EXPECT_EQ(last.at("path").as_string(), "/v1beta/models/gemini-embedding-001:batchEmbedContents");
  EXPECT_EQ(last.at("headers").at("x-goog-api-key").as_string(), "g-test");

  // What the openai SDKs ask for by default: base64 of little-endian float32, the same vector.
  auto b = embed(g, obj{{"model", "gemini-embedding-001"}, {"input", "alpha"}, {"dimensions", 4},
                        {"encoding_format", "base64"}});
  ASSERT_EQ(b.status(), 200) << b.raw.body;
  auto bytes = base64_decode(b.json.at("data").as_array()[0].at("embedding").as_string());
  ASSERT_TRUE(bytes);
  ASSERT_EQ(bytes->size(), 16u);
  float first = 0;
  std::memcpy(&first, bytes->data(), 4);
  EXPECT_FLOAT_EQ(first, static_cast<float>(data[0].at("embedding").as_array()[0].to_number<double>()));
}

TEST(translated_endpoints, cohere_embeddings_go_through_v2_embed_and_are_recorded_with_cost) {
  gateway_env g;
  auto r = embed(g, obj{{"model", "embed-v4.0"}, {"input", "a document about cats"}});
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  EXPECT_EQ(r.json.at("data").as_array().size(), 1u);
  EXPECT_GT(r.json.at("usage").at("prompt_tokens").as_int64(), 0) << "billed_units.input_tokens";
  auto last = last_upstream(g);
  EXPECT_EQ(last.at("path").as_string(), "/v2/embed");
  auto sent = boost::json::parse(last.at("body").as_string());
  EXPECT_EQ(sent.at("input_type").as_string(), "search_document");
  auto q = embed(g, obj{{"model", "embed-v4.0"}, {"input", "cats?"}, {"input_type", "search_query"}});
  ASSERT_EQ(q.status(), 200) << q.raw.body;
  EXPECT_EQ(boost::json::parse(last_upstream(g).at("body").as_string()).at("input_type").as_string(), "search_query");

  auto rows = recorded(g, 2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].at("endpoint").as_string(), "embeddings");
  EXPECT_EQ(rows[0].at("provider").as_string(), "cohere");
  EXPECT_EQ(rows[0].at("status").as_int64(), 200);
  EXPECT_GT(rows[0].at("input_tokens").as_int64(), 0);
  EXPECT_GT(rows[0].at("cost_usd").as_double(), 0.0);
}

TEST(translated_endpoints, embeddings_they_cannot_serve_are_refused_before_any_upstream_call) {
  gateway_env g;
  auto before = g.upstream_requests();
  struct bad {
    obj body;
    std::string code;
  };
  for (const auto& b : std::vector<bad>{
           {obj{{"model", "gemini-embedding-001"}, {"input", arr{1, 2, 3}}}, "invalid_request"},
           {obj{{"model", "embed-v4.0"}, {"input", arr{arr{1, 2}}}}, "invalid_request"},
           {obj{{"model", "embed-v4.0"}, {"input", "x"}, {"encoding_format", "int8"}}, "invalid_request"},
           {obj{{"model", "embed-v4.0"}, {"input", "x"}, {"input_type", 5}}, "invalid_request"},
           {obj{{"model", "claude-3-5-haiku"}, {"input", "x"}}, "unsupported_endpoint"},
       }) {
    auto r = embed(g, b.body);
    EXPECT_EQ(r.status(), 400) << boost::json::serialize(b.body) << " -> " << r.raw.body;
    EXPECT_EQ(r.error_code(), b.code) << r.raw.body;
  }
  arr many;
  for (int i = 0; i < 97; ++i) many.push_back(boost::json::string("t" + std::to_string(i)));
  auto over = embed(g, obj{{"model", "embed-v4.0"}, {"input", many}});
  EXPECT_EQ(over.status(), 400) << over.raw.body;
  EXPECT_EQ(g.upstream_requests(), before);
  // The provider's own errors keep their status, OpenAI-shaped.
  auto failed = embed(g, obj{{"model", "gemini-embedding-001"}, {"input", arr{""}}});
  EXPECT_EQ(failed.status(), 400) << failed.raw.body;
  EXPECT_EQ(embed(g, obj{{"model", "embed-v4.0"}, {"input", "still serving"}}).status(), 200);
}

TEST(translated_endpoints, legacy_completions_are_served_by_chat_only_providers) {
  gateway_env g;
  for (const char* model : {"claude-3-5-haiku", "gemini-2.0-flash", "command-r"}) {
    SCOPED_TRACE(model);
    auto r = complete(g, obj{{"model", model}, {"prompt", "hello completions"}, {"max_tokens", 200}});
    ASSERT_EQ(r.status(), 200) << r.raw.body;
    EXPECT_EQ(r.str("object"), "text_completion");
    EXPECT_EQ(r.str("model"), model);
    const auto& choice = r.json.at("choices").as_array()[0];
    EXPECT_NE(std::string(choice.at("text").as_string()).find("hello completions"), std::string::npos) << r.raw.body;
    EXPECT_EQ(choice.at("finish_reason").as_string(), "stop");
    EXPECT_GT(r.json.at("usage").at("total_tokens").as_int64(), 0);

    auto echo = complete(g, obj{{"model", model}, {"prompt", "Echo me:"}, {"echo", true}, {"max_tokens", 200}});
    ASSERT_EQ(echo.status(), 200) << echo.raw.body;
    EXPECT_EQ(std::string(echo.json.at("choices").as_array()[0].at("text").as_string()).rfind("Echo me:", 0), 0u);

    auto s = complete(g, obj{{"model", model},
                             {"prompt", "hello stream"},
                             {"max_tokens", 200},
                             {"stream", true},
                             {"stream_options", obj{{"include_usage", true}}}});
    ASSERT_EQ(s.status(), 200) << s.raw.body;
    EXPECT_NE(s.raw.body.find("\"object\":\"text_completion\""), std::string::npos) << s.raw.body;
    EXPECT_EQ(s.raw.body.find("chat.completion.chunk"), std::string::npos) << s.raw.body;
    EXPECT_NE(s.raw.body.find("\"usage\":{"), std::string::npos) << s.raw.body;
    EXPECT_NE(s.raw.body.find("data: [DONE]"), std::string::npos);
  }
  auto rows = recorded(g, 9);
  ASSERT_EQ(rows.size(), 9u);
  for (const auto& row : rows) EXPECT_EQ(row.at("endpoint").as_string(), "completions") << boost::json::serialize(row);
}

TEST(translated_endpoints, legacy_completion_errors_are_openai_shaped) {
  gateway_env g;
  auto before = g.upstream_requests();
  for (const auto& body : std::vector<obj>{obj{{"model", "command-r"}, {"prompt", "a"}, {"n", 2}},
                                           obj{{"model", "claude-3-5-haiku"}, {"prompt", arr{"a", "b"}}},
                                           obj{{"model", "gemini-2.0-flash"}, {"prompt", arr{1, 2}}},
                                           obj{{"model", "gemini-2.0-flash"}, {"prompt", "a"}, {"logprobs", 3}},
                                           obj{{"model", "gemini-2.0-flash"}}}) {
    auto r = complete(g, body);
    EXPECT_EQ(r.status(), 400) << boost::json::serialize(body) << " -> " << r.raw.body;
    EXPECT_FALSE(r.error_code().empty()) << r.raw.body;
  }
  EXPECT_EQ(g.upstream_requests(), before);
  auto limited = complete(g, obj{{"model", "claude-3-5-haiku"}, {"prompt", "mock-fault:status=429"}});
  EXPECT_EQ(limited.status(), 429) << limited.raw.body;
  ASSERT_TRUE(limited.json.is_object() && limited.json.as_object().contains("error")) << limited.raw.body;
  auto cut = complete(g, obj{{"model", "gemini-2.0-flash"}, {"prompt", "mock-fault:disconnect=1"}, {"stream", true}});
  EXPECT_EQ(cut.status(), 200);
  EXPECT_NE(cut.raw.body.find("\"error\""), std::string::npos) << cut.raw.body;
  EXPECT_EQ(cut.raw.body.find("[DONE]"), std::string::npos) << "never a silent success";
}

TEST(translated_endpoints, chat_fields_no_translated_provider_answers_are_refused_before_any_upstream_call) {
  gateway_env g;
  auto before = g.upstream_requests();
  auto refused = [&](const std::string& model, const obj& extra) {
    obj body{{"model", model}, {"messages", arr{obj{{"role", "user"}, {"content", "x"}}}}};
    for (const auto& kv : extra) body[kv.key()] = kv.value();
    auto r = g.chat(body);
    EXPECT_EQ(r.status(), 400) << model << " " << boost::json::serialize(extra) << ": " << r.raw.body;
    EXPECT_NE(r.raw.body.find(std::string(extra.begin()->key())), std::string::npos) << r.raw.body;
  };
  for (std::string model : {"claude-3-5-haiku", "command-r"})
    for (const auto& extra : {obj{{"n", 2}}, obj{{"logprobs", true}}, obj{{"top_logprobs", 2}}}) refused(model, extra);
  // Gemini answers up to 8 candidates and log probabilities, within the API's own rules.
  for (const auto& extra : {obj{{"n", 9}}, obj{{"n", 0}}, obj{{"top_logprobs", 2}}, obj{{"top_logprobs", 21}, {"logprobs", true}},
                            obj{{"logprobs", "yes"}}})
    refused("gemini-2.0-flash", extra);
  EXPECT_EQ(g.upstream_requests(), before);
  // One choice, asked for explicitly, is fine.
  EXPECT_EQ(g.chat(obj{{"model", "claude-3-5-haiku"}, {"n", 1}, {"messages", arr{obj{{"role", "user"}, {"content", "x"}}}}}).status(), 200);
}

}  // namespace brokle::testing
