// The OpenAI-compatible gateway against the real binary and the mock provider: relaying,
// streaming, recording, upstream failures, bad input (refused before any upstream call), and the
// official `openai` npm client.
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

#include "support/api_client.hpp"
#include "support/brokle_process.hpp"
#include "support/gateway_env.hpp"

namespace brokle::testing {

namespace {

using obj = boost::json::object;

obj hello(std::string model = "gpt-4o-mini", std::string content = "hello gateway") {
  return obj{{"model", model}, {"messages", boost::json::array{obj{{"role", "user"}, {"content", content}}}}};
}

// The mock reads faults from the body (the gateway forwards bodies, not x-mock-* headers).
obj faulty(std::string directives, bool stream = false) {
  auto b = hello("gpt-4o-mini", "mock-fault:" + directives);
  if (stream) b["stream"] = true;
  return b;
}

}  // namespace

TEST(gateway, chat_completion_is_relayed_with_the_provider_key_and_recorded_with_cost) {
  gateway_env g;
  auto r = g.chat(hello(), {{"X-Environment", "staging"}});
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  EXPECT_EQ(r.str("object"), "chat.completion");
  EXPECT_NE(r.raw.body.find("hello gateway"), std::string::npos);
  auto stats = call(g.mock.port(), "GET", "/mock/stats");
  auto last = stats.json.at("last_request");
  EXPECT_EQ(last.at("headers").at("authorization").as_string(), "Bearer sk-test-upstream");  // never the bk_ key
  EXPECT_EQ(last.at("path").as_string(), "/v1/chat/completions");

  // Recorded asynchronously: wait for the writer.
  api_reply gens;
  for (int i = 0; i < 50; ++i) {
    gens = g.generations();
    if (gens.status() == 200 && !gens.json.at("data").as_array().empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(gens.status(), 200) << gens.raw.body;
  ASSERT_EQ(gens.json.at("data").as_array().size(), 1u) << gens.raw.body;
  auto row = gens.json.at("data").as_array()[0];
  EXPECT_EQ(row.at("model").as_string(), "gpt-4o-mini");
  EXPECT_EQ(row.at("provider").as_string(), "mock");
  EXPECT_EQ(row.at("environment").as_string(), "staging");
  EXPECT_EQ(row.at("status").as_int64(), 200);
  EXPECT_GT(row.at("input_tokens").as_int64(), 0);
  EXPECT_GT(row.at("output_tokens").as_int64(), 0);
  EXPECT_GT(row.at("cost_usd").as_double(), 0.0);
  EXPECT_EQ(row.at("request_id").as_string(), r.raw.header("X-Request-Id"));
}

TEST(gateway, aliases_resolve_to_the_upstream_model) {
  gateway_env g;
  auto r = g.chat(hello("fast"));
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  auto stats = call(g.mock.port(), "GET", "/mock/stats");
  auto sent = boost::json::parse(stats.json.at("last_request").at("body").as_string());
  EXPECT_EQ(sent.at("model").as_string(), "gpt-4o-mini");
}

TEST(gateway, streaming_relays_chunks_and_records_time_to_first_token) {
  gateway_env g;
  auto body = hello();
  body["stream"] = true;
  http_connection c(g.port());
  std::string text = boost::json::serialize(body);
  c.send_raw("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + g.key +
             "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(text.size()) + "\r\n\r\n" + text);
  auto reply = c.read_reply(std::chrono::seconds(10));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_NE(reply->header("Content-Type").find("text/event-stream"), std::string::npos);
  EXPECT_NE(reply->body.find("chat.completion.chunk"), std::string::npos);
  EXPECT_NE(reply->body.find("data: [DONE]"), std::string::npos);
  EXPECT_EQ(reply->body.find("\"usage\":{"), std::string::npos) << "usage chunk only when asked";
  // Every other event of the provider's stream arrives, in order: the mock's own stream (with the
  // usage chunk Brokle asks for) minus that one chunk.
  auto data_events = [](const std::string& sse) {
    std::vector<std::string> out;
    for (size_t pos = 0; (pos = sse.find("data: ", pos)) != std::string::npos;) {
      size_t end = sse.find("\n\n", pos);
      out.push_back(sse.substr(pos + 6, end - pos - 6));
      pos = end;
    }
    return out;
  };
  auto direct_body = body;
  direct_body["stream_options"] = boost::json::object{{"include_usage", true}};
  http_connection m(g.mock.port());
  std::string direct_text = boost::json::serialize(direct_body);
  m.send_raw("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-test\r\nContent-Type: "
             "application/json\r\nContent-Length: " + std::to_string(direct_text.size()) + "\r\n\r\n" + direct_text);
  auto direct = m.read_reply(std::chrono::seconds(10));
  ASSERT_TRUE(direct);
  auto want = data_events(direct->body), got = data_events(reply->body);
  std::erase_if(want, [](const std::string& d) { return d.find("\"usage\":{") != std::string::npos; });
  auto without_ids = [](std::vector<std::string> v) {  // each call has its own completion id
    for (auto& d : v)
      if (auto i = d.find("\"id\":\""); i != std::string::npos) d.erase(i, d.find('"', i + 6) - i);
    return v;
  };
  ASSERT_GT(want.size(), 2u);
  EXPECT_EQ(without_ids(got), without_ids(want));
  // The connection stays usable after a stream.
  c.send_raw("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  auto next = c.read_reply();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);

  api_reply gens;
  for (int i = 0; i < 50; ++i) {
    gens = g.generations();
    if (!gens.json.at("data").as_array().empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto row = gens.json.at("data").as_array()[0];
  EXPECT_EQ(row.at("streamed"), true);
  EXPECT_GT(row.at("output_tokens").as_int64(), 0) << "usage requested upstream on the client's behalf";
}

TEST(gateway, upstream_dying_mid_stream_ends_with_an_error_event) {
  gateway_env g;
  auto r = g.chat(faulty("disconnect=2", true));
  EXPECT_EQ(r.status(), 200);
  EXPECT_NE(r.raw.body.find("\"error\""), std::string::npos) << r.raw.body;
  EXPECT_EQ(r.raw.body.find("[DONE]"), std::string::npos) << "never a silent success";
}

TEST(gateway, upstream_errors_keep_their_status_and_retry_after) {
  gateway_env g;
  auto r429 = g.chat(faulty("status=429"));
  EXPECT_EQ(r429.status(), 429) << r429.raw.body;
  EXPECT_FALSE(r429.raw.header("Retry-After").empty());
  ASSERT_TRUE(r429.json.is_object() && r429.json.as_object().contains("error")) << r429.raw.body;
  EXPECT_FALSE(r429.json.at("error").at("message").as_string().empty());
  auto r500 = g.chat(faulty("status=500"));
  EXPECT_EQ(r500.status(), 500);
  auto s503 = g.chat(faulty("status=503", true));
  EXPECT_EQ(s503.status(), 503);
  EXPECT_TRUE(s503.json.is_object() && s503.json.as_object().contains("error")) << s503.raw.body;
}

TEST(gateway, unreachable_provider_is_502_and_the_server_keeps_serving) {
  gateway_env g("\n[[provider]]\nname = \"down\"\ntype = \"openai-compatible\"\nbase_url = \"http://127.0.0.1:1/v1\"\n"
                "models = [\"dead-model\"]\n");
  auto r = g.chat(hello("dead-model"));
  EXPECT_EQ(r.status(), 502) << r.raw.body;
  EXPECT_EQ(r.error_code(), "upstream_error");
  EXPECT_EQ(g.chat(hello()).status(), 200);
}

TEST(gateway, bad_input_is_refused_before_any_upstream_call) {
  gateway_env g;
  auto before = g.upstream_requests();
  struct bad {
    std::string body;
    int status;
  };
  for (const auto& b : std::vector<bad>{
           {"{not json", 400},
           {R"({"messages":[{"role":"user","content":"x"}]})", 400},
           {R"({"model":"gpt-4o-mini"})", 400},
           {R"({"model":"gpt-4o-mini","messages":"hi"})", 400},
           {R"({"model":"gpt-4o-mini","messages":[]})", 400},
           {R"({"model":"gpt-4o-mini","messages":[{"content":"no role"}]})", 400},
           {R"({"model":42,"messages":[{"role":"user","content":"x"}]})", 400},
           {R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"stream":"yes"})", 400},
           {R"({"model":"no-such-model","messages":[{"role":"user","content":"x"}]})", 404},
       }) {
    auto r = call_raw(g.port(), "POST", "/v1/chat/completions", b.body, g.key);
    EXPECT_EQ(r.status(), b.status) << b.body << " -> " << r.raw.body;
    ASSERT_TRUE(r.json.is_object() && r.json.as_object().contains("error")) << r.raw.body;
    EXPECT_FALSE(r.json.at("error").at("message").as_string().empty());
  }
  EXPECT_EQ(call_raw(g.port(), "POST", "/v1/embeddings", R"({"model":"text-embedding-3-small"})", g.key).status(), 400);
  EXPECT_EQ(call(g.port(), "POST", "/v1/chat/completions", hello(), "bk_proj_invalid").status(), 401);
  EXPECT_EQ(call(g.port(), "POST", "/v1/chat/completions", hello()).status(), 401);
  EXPECT_EQ(g.upstream_requests(), before) << "no upstream call for bad input";
}

TEST(gateway, models_are_listed_from_the_catalog) {
  gateway_env g;
  auto r = call(g.port(), "GET", "/v1/models", nullptr, g.key);
  ASSERT_EQ(r.status(), 200);
  EXPECT_EQ(r.str("object"), "list");
  EXPECT_EQ(r.json.at("data").as_array().size(), 8u);  // seven models and an alias
  EXPECT_EQ(call(g.port(), "GET", "/v1/models/fast", nullptr, g.key).str("id"), "fast");
  EXPECT_EQ(call(g.port(), "GET", "/v1/models/nope", nullptr, g.key).status(), 404);
  EXPECT_EQ(g.upstream_requests(), 0);
}

TEST(gateway, another_project_cannot_read_the_recorded_calls) {
  gateway_env g;
  auto outsider = call(g.port(), "POST", "/api/v1/auth/signup", obj{{"email", "out@example.com"}, {"password", "outsider password"}});
  auto r = call(g.port(), "GET", "/api/v1/projects/" + g.project_id + "/generations", nullptr, outsider.str("access_token"));
  EXPECT_EQ(r.status(), 404);
}

TEST(gateway, a_bad_provider_declaration_stops_start_up_with_a_clear_line) {
  temp_dir d;
  std::ofstream(d.path() / "b.toml") << "[[provider]]\nname = \"x\"\ntype = \"bedrock\"\n"
                                        "base_url = \"https://example.com\"\nmodels = [\"m\"]\n";
  auto r = run_brokle({"serve"}, {{"BROKLE_DATA_DIR", d.path().string()}, {"BROKLE_HTTP_PORT", "0"},
                                  {"BROKLE_CONFIG", (d.path() / "b.toml").string()}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("'type' must be one of"), std::string::npos) << r.err;
}

TEST(gateway, price_overrides_in_the_config_cost_the_calls) {
  gateway_env g("\n[[price]]\nmodel = \"gpt-4o-mini\"\ninput = 1000\noutput = 2000\n");
  auto r = g.chat(hello());
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  int64_t in = r.json.at("usage").at("prompt_tokens").as_int64(), out = r.json.at("usage").at("completion_tokens").as_int64();
  boost::json::array rows;
  for (int i = 0; i < 50 && rows.empty(); ++i) {
    rows = g.generations().json.at("data").as_array();
    if (rows.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NEAR(rows[0].at("cost_usd").as_double(), (in * 1000.0 + out * 2000.0) / 1e6, 1e-9);
}

TEST(gateway, a_bad_price_stops_start_up_with_a_clear_line) {
  temp_dir d;
  std::ofstream(d.path() / "b.toml") << "[[price]]\nmodel = \"gpt-4o\"\ninput = -2\noutput = 1\n";
  auto r = run_brokle({"serve"}, {{"BROKLE_DATA_DIR", d.path().string()}, {"BROKLE_HTTP_PORT", "0"},
                                  {"BROKLE_CONFIG", (d.path() / "b.toml").string()}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("price of 'gpt-4o': 'input' must be a price"), std::string::npos) << r.err;
}

}  // namespace brokle::testing

namespace brokle::testing {

TEST(gateway, tokens_per_minute_budget_is_enforced_with_openai_headers) {
  gateway_env g;
  auto login = call(g.port(), "POST", "/api/v1/auth/login",
                    boost::json::object{{"email", "gw@example.com"}, {"password", "gateway password"}});
  auto key = call(g.port(), "POST", "/api/v1/projects/" + g.project_id + "/keys",
                  boost::json::object{{"name", "tpm"}, {"tpm_limit", 5}}, login.str("access_token"));
  ASSERT_EQ(key.status(), 201) << key.raw.body;
  std::string k = key.str("key");
  auto body = boost::json::object{{"model", "gpt-4o-mini"},
                                  {"messages", boost::json::array{boost::json::object{
                                                   {"role", "user"}, {"content", "a prompt long enough to cost tokens"}}}}};
  auto first = call(g.port(), "POST", "/v1/chat/completions", body, k);
  ASSERT_EQ(first.status(), 200) << first.raw.body;
  EXPECT_EQ(first.raw.header("x-ratelimit-limit-tokens"), "5");
  auto second = call(g.port(), "POST", "/v1/chat/completions", body, k);
  EXPECT_EQ(second.status(), 429) << second.raw.body;
  EXPECT_EQ(second.error_code(), "rate_limit_exceeded");
  EXPECT_EQ(second.raw.header("x-ratelimit-remaining-tokens"), "0");
  EXPECT_FALSE(second.raw.header("Retry-After").empty());
  // The key's budget is its own: the CLI key of the same project still works.
  EXPECT_EQ(g.chat(body).status(), 200);
}

// A stream's tokens are charged before its last bytes go out: the next request, sent the moment
// the stream ends, is already over budget. Relayed (OpenAI) and translated (Anthropic) streams.
TEST(gateway, a_streams_tokens_are_charged_before_the_stream_ends) {
  gateway_env g;
  auto login = call(g.port(), "POST", "/api/v1/auth/login",
                    boost::json::object{{"email", "gw@example.com"}, {"password", "gateway password"}});
  for (std::string model : {"gpt-4o-mini", "claude-3-5-haiku"}) {
    auto key = call(g.port(), "POST", "/api/v1/projects/" + g.project_id + "/keys",
                    boost::json::object{{"name", "tpm-" + model}, {"tpm_limit", 5}}, login.str("access_token"));
    ASSERT_EQ(key.status(), 201) << key.raw.body;
    auto body = boost::json::object{{"model", model},
                                    {"stream", true},
                                    {"messages", boost::json::array{boost::json::object{
                                                     {"role", "user"}, {"content", "a prompt long enough to cost tokens"}}}}};
    auto first = call(g.port(), "POST", "/v1/chat/completions", body, key.str("key"));
    ASSERT_EQ(first.status(), 200) << first.raw.body;
    ASSERT_NE(first.raw.body.find("data: [DONE]"), std::string::npos) << first.raw.body;
    auto second = call(g.port(), "POST", "/v1/chat/completions", body, key.str("key"));
    EXPECT_EQ(second.status(), 429) << model << ": " << second.raw.body;
    EXPECT_EQ(second.raw.header("x-ratelimit-remaining-tokens"), "0") << model;
  }
}

TEST(gateway, a_key_revoked_on_one_replica_stops_working_on_another_within_a_second) {
  gateway_env g;
  env_map env{{"BROKLE_DATA_DIR", (g.dir.path() / "data").string()}};
  brokle_process replica(env);
  // /v1/models: key auth without the per-IP limit of validate-key, so the loop below can poll.
  EXPECT_EQ(call(replica.port(), "GET", "/v1/models", nullptr, g.key).status(), 200);
  auto login = call(g.port(), "POST", "/api/v1/auth/login",
                    boost::json::object{{"email", "gw@example.com"}, {"password", "gateway password"}});
  auto keys = call(g.port(), "GET", "/api/v1/projects/" + g.project_id + "/keys", nullptr, login.str("access_token"));
  std::string key_id(keys.json.at("data").as_array()[0].at("id").as_string());
  ASSERT_EQ(call(g.port(), "DELETE", "/api/v1/projects/" + g.project_id + "/keys/" + key_id, nullptr,
                 login.str("access_token"))
                .status(),
            200);
  auto t0 = std::chrono::steady_clock::now();
  int status = 200;
  while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(1000)) {
    status = call(replica.port(), "GET", "/v1/models", nullptr, g.key).status();
    if (status == 401) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(status, 401) << "the other replica learned of the revocation within a second";
}

}  // namespace brokle::testing

namespace brokle::testing {

TEST(gateway_anthropic, chat_is_translated_both_ways_with_usage_and_cost) {
  gateway_env g;
  boost::json::object body{{"model", "claude-3-5-haiku"},
                           {"max_tokens", 200},
                           {"stop", "END"},
                           {"messages", boost::json::array{boost::json::object{{"role", "system"}, {"content", "be terse"}},
                                                           boost::json::object{{"role", "user"}, {"content", "hello claude"}}}}};
  auto r = g.chat(body);
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  EXPECT_EQ(r.str("object"), "chat.completion");
  auto msg = r.json.at("choices").as_array()[0].at("message");
  EXPECT_NE(std::string(msg.at("content").as_string()).find("hello claude"), std::string::npos) << r.raw.body;
  EXPECT_EQ(r.json.at("choices").as_array()[0].at("finish_reason").as_string(), "stop");
  EXPECT_GT(r.json.at("usage").at("prompt_tokens").as_int64(), 0);

  auto stats = call(g.mock.port(), "GET", "/mock/stats");
  auto last = stats.json.at("last_request");
  EXPECT_EQ(last.at("path").as_string(), "/v1/messages");
  EXPECT_EQ(last.at("headers").at("x-api-key").as_string(), "sk-ant-test");
  EXPECT_FALSE(last.at("headers").at("anthropic-version").as_string().empty());
  auto sent = boost::json::parse(last.at("body").as_string());
  EXPECT_EQ(sent.at("system").as_string(), "be terse");
  EXPECT_EQ(sent.at("max_tokens").as_int64(), 200);
  EXPECT_EQ(sent.at("stop_sequences").as_array()[0].as_string(), "END");
  EXPECT_EQ(sent.at("messages").as_array().size(), 1u);
}

TEST(gateway_anthropic, prompt_cache_marks_reach_the_provider_and_its_cache_usage_comes_back) {
  gateway_env g;
  auto body = boost::json::parse(R"({"model":"claude-3-5-haiku","messages":[
      {"role":"system","content":[{"type":"text","text":"a long system prompt worth caching","cache_control":{"type":"ephemeral"}}]},
      {"role":"user","content":"hello cached claude mock-fault:cached=3"}]})");
  auto r = g.chat(body);
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  auto sent = boost::json::parse(call(g.mock.port(), "GET", "/mock/stats").json.at("last_request").at("body").as_string());
  EXPECT_EQ(sent.at("system").at(0).at("cache_control").at("type").as_string(), "ephemeral") << sent;
  EXPECT_EQ(r.json.at("usage").at("prompt_tokens_details").at("cached_tokens").as_int64(), 3) << r.raw.body;
}

TEST(gateway_anthropic, streams_become_openai_chunks_and_errors_become_openai_errors) {
  gateway_env g;
  boost::json::object body{{"model", "claude-3-5-haiku"},
                           {"stream", true},
                           {"stream_options", boost::json::object{{"include_usage", true}}},
                           {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", "stream claude"}}}}};
  auto r = g.chat(body);
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  EXPECT_NE(r.raw.body.find("chat.completion.chunk"), std::string::npos);
  EXPECT_NE(r.raw.body.find("\"finish_reason\":\"stop\""), std::string::npos) << r.raw.body;
  EXPECT_NE(r.raw.body.find("\"usage\""), std::string::npos);
  EXPECT_NE(r.raw.body.find("data: [DONE]"), std::string::npos);
  EXPECT_EQ(r.raw.body.find("content_block_delta"), std::string::npos) << "no Anthropic events leak through";

  auto err = g.chat(boost::json::object{{"model", "claude-3-5-haiku"},
                                        {"messages", boost::json::array{boost::json::object{
                                                         {"role", "user"}, {"content", "mock-fault:status=429"}}}}});
  EXPECT_EQ(err.status(), 429);
  ASSERT_TRUE(err.json.is_object() && err.json.as_object().contains("error")) << err.raw.body;
  EXPECT_FALSE(err.json.at("error").at("message").as_string().empty());

  auto cut = g.chat(boost::json::object{{"model", "claude-3-5-haiku"},
                                        {"stream", true},
                                        {"messages", boost::json::array{boost::json::object{
                                                         {"role", "user"}, {"content", "mock-fault:disconnect=2"}}}}});
  EXPECT_NE(cut.raw.body.find("\"error\""), std::string::npos) << cut.raw.body;
  EXPECT_EQ(cut.raw.body.find("[DONE]"), std::string::npos);

  auto emb = call(g.port(), "POST", "/v1/embeddings", boost::json::object{{"model", "claude-3-5-haiku"}, {"input", "x"}}, g.key);
  EXPECT_EQ(emb.status(), 400);
}

}  // namespace brokle::testing

namespace brokle::testing {

TEST(gateway_gemini, chat_and_stream_are_translated_with_usage) {
  gateway_env g;
  boost::json::object body{{"model", "gemini-2.0-flash"},
                           {"max_tokens", 50},
                           {"messages", boost::json::array{boost::json::object{{"role", "system"}, {"content", "be terse"}},
                                                           boost::json::object{{"role", "user"}, {"content", "hello gemini"}}}}};
  auto r = g.chat(body);
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  auto msg = r.json.at("choices").as_array()[0].at("message");
  EXPECT_NE(std::string(msg.at("content").as_string()).find("hello gemini"), std::string::npos) << r.raw.body;
  EXPECT_GT(r.json.at("usage").at("prompt_tokens").as_int64(), 0);
  auto last = call(g.mock.port(), "GET", "/mock/stats").json.at("last_request");
  EXPECT_EQ(last.at("path").as_string(), "/v1beta/models/gemini-2.0-flash:generateContent");
  EXPECT_EQ(last.at("headers").at("x-goog-api-key").as_string(), "g-test");
  auto sent = boost::json::parse(last.at("body").as_string());
  EXPECT_EQ(sent.at("systemInstruction").at("parts").as_array()[0].at("text").as_string(), "be terse");
  EXPECT_EQ(sent.at("generationConfig").at("maxOutputTokens").as_int64(), 50);

  body["stream"] = true;
  body["stream_options"] = boost::json::object{{"include_usage", true}};
  auto s = g.chat(body);
  ASSERT_EQ(s.status(), 200) << s.raw.body;
  EXPECT_NE(s.raw.body.find("chat.completion.chunk"), std::string::npos);
  EXPECT_NE(s.raw.body.find("\"usage\""), std::string::npos);
  EXPECT_NE(s.raw.body.find("data: [DONE]"), std::string::npos);
  EXPECT_EQ(s.raw.body.find("candidates"), std::string::npos) << "no Gemini chunks leak through";

  auto err = g.chat(boost::json::object{{"model", "gemini-2.0-flash"},
                                        {"messages", boost::json::array{boost::json::object{
                                                         {"role", "user"}, {"content", "mock-fault:status=503"}}}}});
  EXPECT_EQ(err.status(), 503);
  ASSERT_TRUE(err.json.is_object() && err.json.as_object().contains("error")) << err.raw.body;
}


// `n` becomes Gemini's candidateCount and every candidate a choice; logprobs / top_logprobs its
// responseLogprobs / logprobs, each choice's tokens in OpenAI's logprobs.content. Streams carry
// the candidates side by side as choice indexes. The call's cost covers every candidate's tokens.
TEST(gateway_gemini, several_choices_and_log_probabilities_are_translated) {
  gateway_env g;
  boost::json::object body{{"model", "gemini-2.0-flash"},
                           {"n", 2},
                           {"logprobs", true},
                           {"top_logprobs", 2},
                           {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", "hello twice"}}}}};
  auto r = g.chat(body);
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  const auto& choices = r.json.at("choices").as_array();
  ASSERT_EQ(choices.size(), 2u) << r.raw.body;
  EXPECT_EQ(choices[0].at("message").at("content").as_string(), "mock reply to: hello twice");
  EXPECT_EQ(choices[1].at("index").as_int64(), 1);
  EXPECT_EQ(choices[1].at("message").at("content").as_string(), "mock reply to: hello twice [candidate 1]");
  const auto& tokens = choices[1].at("logprobs").at("content").as_array();
  ASSERT_EQ(tokens.size(), 7u);  // the mock's tokens are words: "mock ", "reply ", ... "[candidate ", "1]"
  std::string joined;
  for (const auto& t : tokens) joined += std::string(t.at("token").as_string());
  EXPECT_EQ(joined, "mock reply to: hello twice [candidate 1]");
  EXPECT_DOUBLE_EQ(tokens[1].at("logprob").to_number<double>(), -0.25);
  EXPECT_EQ(tokens[1].at("top_logprobs").as_array().size(), 2u);
  auto sent = boost::json::parse(call(g.mock.port(), "GET", "/mock/stats").json.at("last_request").at("body").as_string());
  EXPECT_EQ(sent.at("generationConfig").at("candidateCount").as_int64(), 2);
  EXPECT_TRUE(sent.at("generationConfig").at("responseLogprobs").as_bool());
  EXPECT_EQ(sent.at("generationConfig").at("logprobs").as_int64(), 2);

  body["stream"] = true;
  body["n"] = 3;
  body.erase("top_logprobs");
  auto s = g.chat(body);
  ASSERT_EQ(s.status(), 200) << s.raw.body;
  std::map<int64_t, std::string> text, finish;
  int with_logprobs = 0;
  for (size_t at = s.raw.body.find("data: {"); at != std::string::npos; at = s.raw.body.find("data: {", at + 1)) {
    auto chunk = boost::json::parse(s.raw.body.substr(at + 6, s.raw.body.find("\n\n", at) - at - 6)).as_object();
    for (const auto& c : chunk.at("choices").as_array()) {
      int64_t i = c.at("index").as_int64();
      const auto& d = c.at("delta").as_object();
      if (d.contains("content")) text[i] += std::string(d.at("content").as_string());
      if (!c.at("finish_reason").is_null()) finish[i] = std::string(c.at("finish_reason").as_string());
      if (c.as_object().contains("logprobs")) ++with_logprobs;
    }
  }
  EXPECT_EQ(text[0], "mock reply to: hello twice");
  EXPECT_EQ(text[2], "mock reply to: hello twice [candidate 2]");
  EXPECT_EQ(finish, (std::map<int64_t, std::string>{{0, "stop"}, {1, "stop"}, {2, "stop"}}));
  EXPECT_GT(with_logprobs, 0);
  EXPECT_NE(s.raw.body.find("data: [DONE]"), std::string::npos);

  // Beyond Gemini's 8 candidates: refused before any upstream call.
  auto before = g.upstream_requests();
  body["n"] = 9;
  EXPECT_EQ(g.chat(body).status(), 400);
  EXPECT_EQ(g.upstream_requests(), before);
}

}  // namespace brokle::testing

namespace brokle::testing {

TEST(gateway_cohere, chat_stream_and_errors_are_translated) {
  gateway_env g;
  boost::json::object body{{"model", "command-r"},
                           {"top_p", 0.5},
                           {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", "hello cohere"}}}}};
  auto r = g.chat(body);
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  EXPECT_NE(std::string(r.json.at("choices").as_array()[0].at("message").at("content").as_string()).find("hello cohere"),
            std::string::npos)
      << r.raw.body;
  EXPECT_GT(r.json.at("usage").at("completion_tokens").as_int64(), 0);
  auto last = call(g.mock.port(), "GET", "/mock/stats").json.at("last_request");
  EXPECT_EQ(last.at("path").as_string(), "/v2/chat");
  EXPECT_EQ(last.at("headers").at("authorization").as_string(), "Bearer co-test");
  EXPECT_DOUBLE_EQ(boost::json::parse(last.at("body").as_string()).at("p").as_double(), 0.5);

  body["stream"] = true;
  auto s = g.chat(body);
  ASSERT_EQ(s.status(), 200) << s.raw.body;
  EXPECT_NE(s.raw.body.find("chat.completion.chunk"), std::string::npos);
  EXPECT_NE(s.raw.body.find("data: [DONE]"), std::string::npos);
  EXPECT_EQ(s.raw.body.find("content-delta"), std::string::npos);

  auto err = g.chat(boost::json::object{{"model", "command-r"},
                                        {"messages", boost::json::array{boost::json::object{
                                                         {"role", "user"}, {"content", "mock-fault:status=429"}}}}});
  EXPECT_EQ(err.status(), 429);
  ASSERT_TRUE(err.json.is_object() && err.json.as_object().contains("error")) << err.raw.body;
}

}  // namespace brokle::testing

namespace brokle::testing {

TEST(gateway, a_client_that_goes_away_mid_stream_cancels_the_upstream_request) {
  gateway_env g;
  auto body = boost::json::serialize(boost::json::object{
      {"model", "gpt-4o-mini"},
      {"stream", true},
      {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", "mock-fault:chunk_delay=1000"}}}}});
  {
    http_connection c(g.port());
    c.send_raw("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + g.key +
               "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    auto first = c.read_until("chat.completion.chunk", std::chrono::seconds(5));
    ASSERT_NE(first.find("chat.completion.chunk"), std::string::npos);
  }  // the client hangs up after the first chunk
  // The relay notices at its next write (one chunk interval) and drops the upstream connection,
  // long before the mock would finish the stream on its own (~7 s).
  int64_t open = -1;
  for (int i = 0; i < 30; ++i) {
    open = call(g.mock.port(), "GET", "/mock/stats").json.at("open_connections").to_number<int64_t>();
    if (open <= 1) break;  // only the stats request itself
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_LE(open, 1) << "the upstream stream was cancelled";
  // And the call is recorded as abandoned by the client.
  api_reply gens;
  for (int i = 0; i < 50; ++i) {
    gens = g.generations();
    if (!gens.json.at("data").as_array().empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(gens.json.at("data").as_array().empty());
  EXPECT_EQ(gens.json.at("data").as_array()[0].at("status").as_int64(), 499);
}

// A provider that sends its stream's head at once and the first token later (a slow first
// token): the client gets the head at once too, not when the first token arrives.
TEST(gateway, a_streams_head_is_not_held_back_by_a_slow_first_token) {
  gateway_env g;
  auto body = boost::json::serialize(boost::json::object{
      {"model", "gpt-4o-mini"},
      {"stream", true},
      {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", "mock-fault:ttft=4000"}}}}});
  http_connection c(g.port());
  c.send_raw("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + g.key +
             "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  // Within 2 s (the first token comes after 4 s): the head, and no event yet.
  auto head = c.read_until("\r\n\r\n", std::chrono::seconds(2));
  ASSERT_NE(head.find("\r\n\r\n"), std::string::npos) << "no response head while the first token is pending";
  EXPECT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
  EXPECT_EQ(head.find("chat.completion.chunk"), std::string::npos);
  auto all = c.read_until("[DONE]", std::chrono::seconds(10));
  EXPECT_NE(all.find("chat.completion.chunk"), std::string::npos);
  EXPECT_NE(all.find("[DONE]"), std::string::npos);
}

// The provider has not answered yet (a slow first byte, a long non-streamed completion): a client
// that hangs up meanwhile is noticed at once, the upstream call dropped and recorded as 499 long
// before the provider would have answered (8 s).
TEST(gateway, a_client_that_goes_away_before_the_first_byte_drops_the_upstream_call) {
  gateway_env g;
  for (bool stream : {false, true}) {
    auto body = boost::json::serialize(boost::json::object{
        {"model", "gpt-4o-mini"},
        {"stream", stream},
        {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", "mock-fault:delay=8000"}}}}});
    auto before = g.generations().json.at("data").as_array().size();
    {
      http_connection c(g.port());
      c.send_raw("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + g.key +
                 "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                 "\r\n\r\n" + body);
      // Let the request reach the provider, then hang up.
      for (int i = 0; i < 50 && call(g.mock.port(), "GET", "/mock/stats").json.at("open_connections").to_number<int64_t>() < 2; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // Polled for 4 s at most: the provider would answer only after 8 s.
    api_reply gens;
    for (int i = 0; i < 40; ++i) {
      gens = g.generations();
      if (gens.json.at("data").as_array().size() > before) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_GT(gens.json.at("data").as_array().size(), before) << "stream=" << stream;
    EXPECT_EQ(gens.json.at("data").as_array()[0].at("status").as_int64(), 499) << "stream=" << stream;
  }
  // The server keeps serving.
  EXPECT_EQ(g.chat(boost::json::object{{"model", "gpt-4o-mini"},
                                       {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", "hi"}}}}})
                .status(),
            200);
}

// The provider answers (in 150 ms, before the client-presence watch starts), but the client reset
// its connection meanwhile: the answer cannot be written, and the call is recorded as 499, not 200.
TEST(gateway, an_answer_the_client_never_got_is_recorded_as_499) {
  gateway_env g;
  auto body = boost::json::serialize(boost::json::object{
      {"model", "gpt-4o-mini"},
      {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", "mock-fault:delay=150"}}}}});
  {
    http_connection c(g.port());
    c.send_raw("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + g.key +
               "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
               body);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    linger reset{1, 0};  // close with a RST: the server's write then fails at once
    ASSERT_EQ(setsockopt(c.fd(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset), 0);
  }
  api_reply gens;
  for (int i = 0; i < 40; ++i) {
    gens = g.generations();
    if (!gens.json.at("data").as_array().empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(gens.json.at("data").as_array().size(), 1u) << gens.raw.body;
  EXPECT_EQ(gens.json.at("data").as_array()[0].at("status").as_int64(), 499);
  EXPECT_EQ(g.chat(boost::json::object{{"model", "gpt-4o-mini"},
                                       {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", "hi"}}}}})
                .status(),
            200);
}


// A provider past its time fails the call with 504 upstream_timeout, not a hang: the first-byte
// deadline covers a non-streamed answer and a stream's head, the idle deadline each gap between
// stream chunks (reset by every chunk: a stream of short gaps lasting longer in total is fine).
TEST(gateway, a_provider_past_its_timeouts_fails_the_call_with_504_and_the_server_keeps_serving) {
  gateway_env g("", {{"BROKLE_GATEWAY_UPSTREAM_FIRST_BYTE_TIMEOUT", "400ms"},
                     {"BROKLE_GATEWAY_UPSTREAM_IDLE_TIMEOUT", "400ms"}});
  auto timed = [&](const boost::json::object& body) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = g.chat(body);
    return std::make_pair(r, std::chrono::steady_clock::now() - t0);
  };
  // Non-streamed, the answer 3 s away: 504 after the 400 ms.
  auto [slow, slow_took] = timed(faulty("delay=3000"));
  EXPECT_EQ(slow.status(), 504) << slow.raw.body;
  EXPECT_EQ(slow.json.at("error").at("code").as_string(), "upstream_timeout");
  EXPECT_NE(slow.raw.body.find("did not answer within 400ms"), std::string::npos) << slow.raw.body;
  EXPECT_LT(slow_took, std::chrono::milliseconds(2500));
  // A stream whose head does not come in time: the same 504, before any stream started.
  auto [head, head_took] = timed(faulty("delay=3000", true));
  EXPECT_EQ(head.status(), 504) << head.raw.body;
  EXPECT_LT(head_took, std::chrono::milliseconds(2500));
  // A stream that goes quiet after its head: the client's stream ends with an error event.
  auto quiet = g.chat(faulty("ttft=3000", true));
  ASSERT_EQ(quiet.status(), 200) << quiet.raw.body;
  EXPECT_NE(quiet.raw.body.find("sent nothing for 400ms mid-response"), std::string::npos) << quiet.raw.body;
  EXPECT_EQ(quiet.raw.body.find("[DONE]"), std::string::npos) << quiet.raw.body;
  // Seven chunks 150 ms apart (about 1 s in all, more than either deadline): every gap is short.
  auto steady = g.chat(faulty("chunk_delay=150", true));
  ASSERT_EQ(steady.status(), 200);
  EXPECT_NE(steady.raw.body.find("[DONE]"), std::string::npos) << steady.raw.body;
  EXPECT_EQ(steady.raw.body.find("error"), std::string::npos) << steady.raw.body;
  // A non-streamed answer in 150 ms is in time; the connection pool is still sound.
  EXPECT_EQ(g.chat(faulty("delay=150")).status(), 200);
  EXPECT_EQ(g.chat(hello()).status(), 200);
  // The timed-out calls are recorded as 504 (the quiet stream's client had its 200 and an error).
  api_reply gens;
  for (int i = 0; i < 50; ++i) {
    gens = g.generations();
    if (gens.json.at("data").as_array().size() >= 6) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::map<int64_t, int> statuses;
  for (const auto& row : gens.json.at("data").as_array()) ++statuses[row.at("status").as_int64()];
  EXPECT_EQ(statuses[504], 3) << gens.raw.body;
  EXPECT_EQ(statuses[200], 3) << gens.raw.body;
}

// Brokle's own time per answered call is observed with the provider's time taken out: calls whose
// provider takes 300 ms (non-streamed) or ~700 ms (seven chunks 100 ms apart) are each observed
// far below that, and a refused call (unknown model) is not observed at all.
TEST(gateway, its_own_time_per_call_is_measured_without_the_providers) {
  gateway_env g;
  auto sample = [&](const std::string& series) {
    auto m = call(g.port(), "GET", "/metrics").raw.body;
    auto at = m.find("\n" + series + " ");
    if (at == std::string::npos) return -1.0;
    return std::stod(m.substr(at + series.size() + 2));
  };
  ASSERT_EQ(sample("brokle_gateway_overhead_seconds_count{stream=\"false\"}"), 0);
  ASSERT_EQ(g.chat(faulty("delay=300")).status(), 200);
  auto s = g.chat(faulty("chunk_delay=100", true));
  ASSERT_EQ(s.status(), 200);
  ASSERT_NE(s.raw.body.find("[DONE]"), std::string::npos);
  EXPECT_EQ(g.chat(hello("no-such-model")).status(), 404);
  // The answer is observed once it has gone out: wait for it as for the call record.
  for (int i = 0; i < 50 && sample("brokle_gateway_overhead_seconds_count{stream=\"true\"}") < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(sample("brokle_gateway_overhead_seconds_count{stream=\"false\"}"), 1);
  EXPECT_EQ(sample("brokle_gateway_overhead_seconds_count{stream=\"true\"}"), 1);
  double answered = sample("brokle_gateway_overhead_seconds_sum{stream=\"false\"}");
  double streamed = sample("brokle_gateway_overhead_seconds_sum{stream=\"true\"}");
  EXPECT_GT(answered, 0);
  EXPECT_LT(answered, 0.15) << "the provider's 300 ms are not Brokle's";
  EXPECT_GT(streamed, 0);
  EXPECT_LT(streamed, 0.15) << "the provider's ~700 ms of chunks are not Brokle's";
  EXPECT_NE(call(g.port(), "GET", "/metrics").raw.body.find("brokle_gateway_overhead_seconds_bucket{stream=\"false\",le=\"1e-05\"}"),
            std::string::npos);
}

}  // namespace brokle::testing

namespace brokle::testing {

TEST(gateway_azure, deployments_get_the_api_key_header_and_api_version_and_stream) {
  gateway_env g("[[provider]]\n"
                "name = \"azure\"\n"
                "type = \"azure-openai\"\n"
                "base_url = \"{MOCK}\"\n"
                "api_key = \"az-secret\"\n"
                "api_version = \"2024-06-01\"\n"
                "models = [\"gpt-4o-deploy\"]\n");
  auto r = g.chat(hello("gpt-4o-deploy"));
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  EXPECT_EQ(r.str("object"), "chat.completion");
  auto last = call(g.mock.port(), "GET", "/mock/stats").json.at("last_request");
  EXPECT_EQ(last.at("path").as_string(), "/openai/deployments/gpt-4o-deploy/chat/completions");
  EXPECT_EQ(last.at("headers").at("api-key").as_string(), "az-secret");
  EXPECT_FALSE(last.at("headers").as_object().contains("authorization"));
  auto body = hello("gpt-4o-deploy");
  body["stream"] = true;
  auto s = g.chat(body);
  ASSERT_EQ(s.status(), 200) << s.raw.body;
  EXPECT_NE(s.raw.body.find("chat.completion.chunk"), std::string::npos);
  EXPECT_NE(s.raw.body.find("[DONE]"), std::string::npos);
  auto e = call(g.port(), "POST", "/v1/embeddings", obj{{"model", "gpt-4o-deploy"}, {"input", "hi"}}, g.key);
  EXPECT_EQ(e.status(), 200) << e.raw.body;
  last = call(g.mock.port(), "GET", "/mock/stats").json.at("last_request");
  EXPECT_EQ(last.at("path").as_string(), "/openai/deployments/gpt-4o-deploy/embeddings");

  // The Responses API lives on Azure's v1 surface: the deployment in the body, no api-version.
  auto resp = call(g.port(), "POST", "/v1/responses", obj{{"model", "gpt-4o-deploy"}, {"input", "hi azure"}}, g.key);
  ASSERT_EQ(resp.status(), 200) << resp.raw.body;
  EXPECT_EQ(resp.str("object"), "response");
  last = call(g.mock.port(), "GET", "/mock/stats").json.at("last_request");
  EXPECT_EQ(last.at("path").as_string(), "/openai/v1/responses");
  EXPECT_EQ(last.at("headers").at("api-key").as_string(), "az-secret");
  EXPECT_FALSE(last.at("headers").as_object().contains("authorization"));
  EXPECT_EQ(boost::json::parse(last.at("body").as_string()).at("model").as_string(), "gpt-4o-deploy");
}

}  // namespace brokle::testing
