// The Anthropic-compatible surface (POST /v1/messages) against the real binary and the mock
// provider: the same Messages request served by an OpenAI-type and an Anthropic-type provider,
// plain and streamed, with tool use, stop reasons, usage and the call record; upstream failures
// and bad input answered in the Messages error shape (bad input before any upstream call).
#include <gtest/gtest.h>

#include "support/api_client.hpp"
#include "support/gateway_env.hpp"

namespace brokle::testing {

namespace {

using obj = boost::json::object;
using arr = boost::json::array;

obj ask(std::string model, std::string text, int64_t max_tokens = 256) {
  return obj{{"model", model}, {"max_tokens", max_tokens}, {"messages", arr{obj{{"role", "user"}, {"content", text}}}}};
}

obj weather_tool() {
  return obj{{"name", "get_weather"},
             {"description", "current weather"},
             {"input_schema", obj{{"type", "object"}, {"properties", obj{{"city", obj{{"type", "string"}}}}}}}};
}

// What the Anthropic SDK sends: x-api-key and anthropic-version.
api_reply messages(gateway_env& g, const boost::json::value& body, std::string key = "") {
  return call(g.port(), "POST", "/v1/messages", body, {},
              {{"x-api-key", key.empty() ? g.key : key}, {"anthropic-version", "2023-06-01"}});
}

std::string streamed_text(const std::vector<sse_event>& events) {
  std::string text;
  for (const auto& e : events)
    if (e.name == "content_block_delta" && e.data.at("delta").at("type") == "text_delta")
      text += std::string(e.data.at("delta").at("text").as_string());
  return text;
}

void expect_messages_error(const api_reply& r, int status, std::string_view type, const std::string& what) {
  EXPECT_EQ(r.status(), status) << what << " -> " << r.raw.body;
  ASSERT_TRUE(r.json.is_object()) << what << " -> " << r.raw.body;
  EXPECT_EQ(r.str("type"), "error") << what << " -> " << r.raw.body;
  ASSERT_TRUE(r.json.as_object().contains("error")) << r.raw.body;
  EXPECT_EQ(r.json.at("error").at("type").as_string(), type) << what << " -> " << r.raw.body;
  EXPECT_FALSE(r.json.at("error").at("message").as_string().empty()) << what;
}

boost::json::value last_upstream_request(gateway_env& g) {
  return call(g.mock.port(), "GET", "/mock/stats").json.at("last_request");
}

}  // namespace

TEST(gateway_messages, an_openai_provider_serves_a_messages_request_and_the_call_is_recorded) {
  gateway_env g;
  auto body = ask("gpt-4o-mini", "hello messages", 64);
  body["system"] = "be terse";
  body["stop_sequences"] = arr{"END"};
  body["metadata"] = obj{{"user_id", "user-42"}};
  auto r = messages(g, body);
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  EXPECT_EQ(r.str("type"), "message");
  EXPECT_EQ(r.str("role"), "assistant");
  EXPECT_EQ(r.str("model"), "gpt-4o-mini");
  EXPECT_EQ(r.str("id").rfind("msg_", 0), 0u) << r.raw.body;
  EXPECT_EQ(r.json.at("content").as_array()[0].at("type").as_string(), "text");
  EXPECT_NE(std::string(r.json.at("content").as_array()[0].at("text").as_string()).find("hello messages"),
            std::string::npos);
  EXPECT_EQ(r.str("stop_reason"), "end_turn");
  EXPECT_GT(r.json.at("usage").at("input_tokens").as_int64(), 0);
  EXPECT_GT(r.json.at("usage").at("output_tokens").as_int64(), 0);
  EXPECT_FALSE(r.raw.header("request-id").empty());

  auto last = last_upstream_request(g);
  EXPECT_EQ(last.at("path").as_string(), "/v1/chat/completions");
  EXPECT_EQ(last.at("headers").at("authorization").as_string(), "Bearer sk-test-upstream");
  auto sent = boost::json::parse(last.at("body").as_string());
  EXPECT_EQ(sent.at("max_completion_tokens").as_int64(), 64);
  EXPECT_EQ(sent.at("messages").as_array()[0].at("role").as_string(), "system");
  EXPECT_EQ(sent.at("messages").as_array()[0].at("content").as_string(), "be terse");
  EXPECT_EQ(sent.at("stop").as_array()[0].as_string(), "END");
  EXPECT_EQ(sent.at("user").as_string(), "user-42");

  auto row = g.wait_for_record();
  EXPECT_EQ(row.at("endpoint").as_string(), "messages");
  EXPECT_EQ(row.at("provider").as_string(), "mock");
  EXPECT_EQ(row.at("status").as_int64(), 200);
  EXPECT_EQ(row.at("streamed"), false);
  EXPECT_GT(row.at("input_tokens").as_int64(), 0);
  EXPECT_GT(row.at("output_tokens").as_int64(), 0);
  EXPECT_EQ(row.at("request_id").as_string(), r.raw.header("request-id"));
}

// The provider answers 200 with something that is not a chat completion: the client gets a 502,
// and the call (it happened, and was billed by the provider) is still recorded.
TEST(gateway_messages, an_answer_that_cannot_be_reshaped_is_a_502_and_the_call_is_still_recorded) {
  gateway_env g;
  auto r = messages(g, ask("gpt-4o-mini", "mock-fault:malformed=1", 64));
  ASSERT_EQ(r.status(), 502) << r.raw.body;
  EXPECT_EQ(r.json.at("type").as_string(), "error") << r.raw.body;
  api_reply gens;
  for (int i = 0; i < 30; ++i) {
    gens = g.generations();
    if (gens.status() == 200 && !gens.json.at("data").as_array().empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(gens.json.at("data").as_array().size(), 1u) << gens.raw.body;
  auto row = gens.json.at("data").as_array()[0].as_object();
  EXPECT_EQ(row.at("endpoint").as_string(), "messages");
  EXPECT_EQ(row.at("status").as_int64(), 502) << "recorded as what the client got";
  EXPECT_NE(row.at("error").as_string().find("could not be passed on"), std::string::npos) << row;
  EXPECT_GT(row.at("input_tokens").as_int64(), 0);
  EXPECT_EQ(messages(g, ask("gpt-4o-mini", "hello again", 64)).status(), 200);  // still serving
}

TEST(gateway_messages, an_anthropic_provider_serves_the_same_request) {
  gateway_env g;
  auto body = ask("claude-3-5-haiku", "hello claude messages", 200);
  body["system"] = arr{obj{{"type", "text"}, {"text", "be terse"}}};
  auto r = messages(g, body);
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  EXPECT_EQ(r.str("model"), "claude-3-5-haiku");
  EXPECT_NE(std::string(r.json.at("content").as_array()[0].at("text").as_string()).find("hello claude messages"),
            std::string::npos);
  EXPECT_EQ(r.str("stop_reason"), "end_turn");
  EXPECT_GT(r.json.at("usage").at("input_tokens").as_int64(), 0);
  auto last = last_upstream_request(g);
  EXPECT_EQ(last.at("path").as_string(), "/v1/messages");
  EXPECT_EQ(last.at("headers").at("x-api-key").as_string(), "sk-ant-test");
  auto sent = boost::json::parse(last.at("body").as_string());
  EXPECT_EQ(sent.at("system"), body.at("system")) << "relayed as written, not flattened";
  EXPECT_EQ(sent.at("max_tokens").as_int64(), 200);
  EXPECT_EQ(g.wait_for_record().at("endpoint").as_string(), "messages");
}

// Prompt-cache reads and writes reported by Anthropic reach the caller and the call record, plain
// and streamed; the record's cost prices writes apart from plain input.
TEST(gateway_messages, prompt_cache_reads_and_writes_are_reported_and_recorded) {
  gateway_env g;
  const std::string prompt = std::string(400, 'a') + " mock-fault:cached=20,cache_write=30";
  for (bool stream : {false, true}) {
    auto body = ask("claude-3-5-haiku", prompt, 64);
    if (stream) body["stream"] = true;
    auto r = messages(g, body);
    ASSERT_EQ(r.status(), 200) << r.raw.body;
    boost::json::value usage;
    if (stream) {
      auto ev = events_of(r.raw.body);
      ASSERT_GE(ev.size(), 2u) << r.raw.body;
      usage = ev[0].data.at("message").at("usage");  // Anthropic reports the prompt in message_start
    } else {
      usage = r.json.at("usage");
    }
    EXPECT_EQ(usage.at("cache_read_input_tokens").as_int64(), 20) << r.raw.body;
    EXPECT_EQ(usage.at("cache_creation_input_tokens").as_int64(), 30) << r.raw.body;
  }
  auto rows = g.generations();
  for (int i = 0; i < 50 && (rows.status() != 200 || rows.json.at("data").as_array().size() < 2); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    rows = g.generations();
  }
  ASSERT_EQ(rows.json.at("data").as_array().size(), 2u) << rows.raw.body;
  for (const auto& v : rows.json.at("data").as_array()) {
    const auto& row = v.as_object();
    EXPECT_EQ(row.at("cached_input_tokens").as_int64(), 20) << v;
    EXPECT_EQ(row.at("cache_write_input_tokens").as_int64(), 30) << v;
    // input_tokens counts all of the prompt: the uncached rest, the reads and the writes.
    EXPECT_GE(row.at("input_tokens").as_int64(), 50) << v;
    EXPECT_GT(row.at("cost_usd").as_double(), 0) << v;
  }
  // The LLM analytics (per-minute rollups of the calls' generations) report both too.
  auto login = call(g.port(), "POST", "/api/v1/auth/login",
                    obj{{"email", "gw@example.com"}, {"password", "gateway password"}});
  std::string url = "/api/v1/projects/" + g.project_id + "/analytics/llm?group_by=provider";
  api_reply stats;
  for (int i = 0; i < 50; ++i) {
    stats = call(g.port(), "GET", url, nullptr, login.str("access_token"));
    if (stats.status() == 200 && !stats.json.at("data").as_array().empty() &&
        stats.json.at("data").as_array()[0].at("calls").as_int64() >= 2)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(stats.status(), 200) << stats.raw.body;
  ASSERT_EQ(stats.json.at("data").as_array().size(), 1u) << stats.raw.body;
  const auto& claude = stats.json.at("data").as_array()[0];
  EXPECT_EQ(claude.at("calls").as_int64(), 2) << stats.raw.body;
  EXPECT_EQ(claude.at("cached_input_tokens").as_int64(), 40) << stats.raw.body;
  EXPECT_EQ(claude.at("cache_write_input_tokens").as_int64(), 60) << stats.raw.body;
}

TEST(gateway_messages, max_tokens_cuts_show_as_the_max_tokens_stop_reason) {
  gateway_env g;
  for (std::string model : {"gpt-4o-mini", "claude-3-5-haiku", "gemini-2.0-flash"}) {
    auto r = messages(g, ask(model, "a prompt long enough to be cut short by two tokens", 2));
    ASSERT_EQ(r.status(), 200) << model << ": " << r.raw.body;
    EXPECT_EQ(r.str("stop_reason"), "max_tokens") << model << ": " << r.raw.body;
  }
}

TEST(gateway_messages, a_matched_stop_sequence_is_reported_when_the_provider_names_it) {
  gateway_env g;
  auto body = ask("claude-3-5-haiku", "say hello STOP and more");
  body["stop_sequences"] = arr{"STOP", "never"};
  auto r = messages(g, body);
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  EXPECT_EQ(r.str("stop_reason"), "stop_sequence") << r.raw.body;
  EXPECT_EQ(r.str("stop_sequence"), "STOP") << r.raw.body;
  EXPECT_EQ(std::string(r.json.at("content").as_array()[0].at("text").as_string()).find("and more"), std::string::npos);

  body["stream"] = true;
  auto s = messages(g, body);
  auto ev = events_of(s.raw.body);
  ASSERT_GE(ev.size(), 2u) << s.raw.body;
  EXPECT_EQ(ev[ev.size() - 2].data.at("delta").at("stop_reason").as_string(), "stop_sequence") << s.raw.body;
  EXPECT_EQ(ev[ev.size() - 2].data.at("delta").at("stop_sequence").as_string(), "STOP") << s.raw.body;

  // OpenAI's wire format does not say which stop sequence matched: the text ends, as end_turn.
  body = ask("gpt-4o-mini", "say hello STOP and more");
  body["stop_sequences"] = arr{"STOP"};
  auto o = messages(g, body);
  ASSERT_EQ(o.status(), 200) << o.raw.body;
  EXPECT_EQ(o.str("stop_reason"), "end_turn");
  EXPECT_TRUE(o.json.at("stop_sequence").is_null());
  EXPECT_EQ(std::string(o.json.at("content").as_array()[0].at("text").as_string()).find("and more"), std::string::npos);
}

TEST(gateway_messages, streams_are_messages_events_from_either_provider) {
  gateway_env g;
  for (std::string model : {"gpt-4o-mini", "claude-3-5-haiku"}) {
    auto body = ask(model, "stream these messages");
    body["stream"] = true;
    auto r = messages(g, body);
    ASSERT_EQ(r.status(), 200) << model << ": " << r.raw.body;
    EXPECT_NE(r.raw.header("Content-Type").find("text/event-stream"), std::string::npos);
    EXPECT_EQ(r.raw.body.find("chat.completion.chunk"), std::string::npos) << "no OpenAI chunks leak through";
    EXPECT_EQ(r.raw.body.find("[DONE]"), std::string::npos);
    auto ev = events_of(r.raw.body);
    auto names = names_of(ev);
    ASSERT_GE(names.size(), 6u) << r.raw.body;
    EXPECT_EQ(names.front(), "message_start");
    EXPECT_EQ(names[1], "content_block_start");
    EXPECT_EQ(names[names.size() - 3], "content_block_stop");
    EXPECT_EQ(names[names.size() - 2], "message_delta");
    EXPECT_EQ(names.back(), "message_stop");
    for (const auto& e : ev) EXPECT_EQ(e.data.at("type").as_string(), e.name) << r.raw.body;
    EXPECT_EQ(ev[0].data.at("message").at("model").as_string(), model);
    EXPECT_NE(streamed_text(ev).find("stream these messages"), std::string::npos) << r.raw.body;
    const auto& delta = ev[ev.size() - 2].data;
    EXPECT_EQ(delta.at("delta").at("stop_reason").as_string(), "end_turn");
    EXPECT_GT(delta.at("usage").at("output_tokens").as_int64(), 0) << r.raw.body;
    // Anthropic reports the prompt in message_start (relayed as it is); the translation, which
    // learns it only at the end, in message_delta.
    const auto& input = model == "claude-3-5-haiku" ? ev[0].data.at("message").at("usage") : delta.at("usage");
    EXPECT_GT(input.at("input_tokens").as_int64(), 0) << r.raw.body;
  }
  auto row = g.wait_for_record(2);
  EXPECT_EQ(row.at("endpoint").as_string(), "messages");
  EXPECT_EQ(row.at("streamed"), true);
  EXPECT_EQ(row.at("status").as_int64(), 200);
  EXPECT_GT(row.at("output_tokens").as_int64(), 0);
}

TEST(gateway_messages, tool_use_round_trip_plain_and_streamed_on_both_providers) {
  gateway_env g;
  for (std::string model : {"gpt-4o-mini", "claude-3-5-haiku"}) {
    auto body = ask(model, "use tool please: Paris");
    body["tools"] = arr{weather_tool()};
    auto r = messages(g, body);
    ASSERT_EQ(r.status(), 200) << model << ": " << r.raw.body;
    EXPECT_EQ(r.str("stop_reason"), "tool_use") << r.raw.body;
    boost::json::object tool_use;
    for (const auto& b : r.json.at("content").as_array())
      if (b.at("type") == "tool_use") tool_use = b.as_object();
    ASSERT_FALSE(tool_use.empty()) << r.raw.body;
    EXPECT_EQ(tool_use.at("name").as_string(), "get_weather");
    EXPECT_TRUE(tool_use.at("input").at("city").is_string()) << r.raw.body;
    EXPECT_FALSE(tool_use.at("id").as_string().empty());

    // The client answers with the tool result; the model replies in text.
    auto next = body;
    next["messages"].as_array().push_back(obj{{"role", "assistant"}, {"content", r.json.at("content")}});
    next["messages"].as_array().push_back(
        obj{{"role", "user"},
            {"content", arr{obj{{"type", "tool_result"}, {"tool_use_id", tool_use.at("id")}, {"content", "18C and sunny"}}}}});
    auto answer = messages(g, next);
    ASSERT_EQ(answer.status(), 200) << model << ": " << answer.raw.body;
    EXPECT_EQ(answer.str("stop_reason"), "end_turn") << answer.raw.body;
    EXPECT_EQ(answer.json.at("content").as_array()[0].at("type").as_string(), "text");

    body["stream"] = true;
    auto s = messages(g, body);
    ASSERT_EQ(s.status(), 200) << s.raw.body;
    auto ev = events_of(s.raw.body);
    std::string name, json;
    for (const auto& e : ev) {
      if (e.name == "content_block_start" && e.data.at("content_block").at("type") == "tool_use")
        name = std::string(e.data.at("content_block").at("name").as_string());
      if (e.name == "content_block_delta" && e.data.at("delta").at("type") == "input_json_delta")
        json += std::string(e.data.at("delta").at("partial_json").as_string());
    }
    EXPECT_EQ(name, "get_weather") << s.raw.body;
    EXPECT_TRUE(boost::json::parse(json).at("city").is_string()) << json;
    EXPECT_EQ(ev[ev.size() - 2].data.at("delta").at("stop_reason").as_string(), "tool_use");
  }
}

TEST(gateway_messages, upstream_errors_are_messages_shaped_with_their_status) {
  gateway_env g;
  for (std::string model : {"gpt-4o-mini", "claude-3-5-haiku"}) {
    auto r429 = messages(g, ask(model, "mock-fault:status=429"));
    expect_messages_error(r429, 429, "rate_limit_error", model);
    EXPECT_FALSE(r429.raw.header("Retry-After").empty());
    auto body = ask(model, "mock-fault:status=503");
    body["stream"] = true;
    // An Anthropic provider's own error type is relayed (the mock, like the API, calls a 503
    // api_error); for other providers the status decides.
    expect_messages_error(messages(g, body), 503, model == "claude-3-5-haiku" ? "api_error" : "overloaded_error", model);
    expect_messages_error(messages(g, ask(model, "mock-fault:status=500")), 500, "api_error", model);
  }
  expect_messages_error(messages(g, ask("claude-3-5-haiku", "mock-fault:status=529")), 529, "overloaded_error", "529");
}

// An Anthropic provider gets the request as the client wrote it: what the OpenAI shape cannot
// carry (documents, extended thinking, cache_control, top_k) arrives intact, with the client's
// anthropic-version and anthropic-beta headers; the answer comes back as the provider sent it.
TEST(gateway_messages, an_anthropic_provider_gets_the_request_as_written) {
  gateway_env g;
  auto body = ask("claude-3-5-haiku", "summarise the document", 2048);
  body["system"] = arr{obj{{"type", "text"}, {"text", "be terse"}, {"cache_control", obj{{"type", "ephemeral"}}}}};
  body["messages"].as_array()[0].as_object()["content"] = arr{
      obj{{"type", "document"},
          {"source", obj{{"type", "text"}, {"media_type", "text/plain"}, {"data", "The sky is blue."}}},
          {"citations", obj{{"enabled", true}}}},
      obj{{"type", "text"}, {"text", "summarise the document"}}};
  body["thinking"] = obj{{"type", "enabled"}, {"budget_tokens", 1024}};
  body["top_k"] = 5;
  auto r = call(g.port(), "POST", "/v1/messages", body, {},
                {{"x-api-key", g.key}, {"anthropic-version", "2023-06-01"}, {"anthropic-beta", "pdfs-2024-09-25,prompt-caching-2024-07-31"}});
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  EXPECT_EQ(r.str("type"), "message");
  EXPECT_TRUE(r.str("id").rfind("msg_mock_", 0) == 0) << "the provider's own message: " << r.raw.body;
  EXPECT_FALSE(r.raw.header("request-id").empty());
  auto last = last_upstream_request(g);
  auto sent = boost::json::parse(last.at("body").as_string()).as_object();
  EXPECT_EQ(sent, body) << "nothing added, dropped or rewritten (the model is its own upstream name here)";
  EXPECT_EQ(last.at("headers").at("anthropic-beta").as_string(), "pdfs-2024-09-25,prompt-caching-2024-07-31");
  EXPECT_EQ(last.at("headers").at("anthropic-version").as_string(), "2023-06-01");
  auto row = g.wait_for_record();
  EXPECT_EQ(row.at("endpoint").as_string(), "messages");
  EXPECT_EQ(row.at("provider").as_string(), "claude");
  EXPECT_GT(row.at("input_tokens").as_int64(), 0);
  EXPECT_GT(row.at("output_tokens").as_int64(), 0);
  EXPECT_GT(row.at("cost_usd").as_double(), 0);

  // The same document through a provider reached by translation: refused, naming the block.
  body["model"] = "gpt-4o-mini";
  body.erase("thinking");
  expect_messages_error(messages(g, body), 400, "invalid_request_error", "document via translation");
}

// Token counting goes to the Anthropic provider serving the model and is not a recorded call; a
// model of any other provider gets a 400 saying why, without an upstream call.
TEST(gateway_messages, count_tokens_is_relayed_to_an_anthropic_provider_only) {
  gateway_env g;
  auto body = obj{{"model", "claude-3-5-haiku"},
                  {"system", "be terse"},
                  {"messages", arr{obj{{"role", "user"}, {"content", std::string(400, 'x')}}}}};
  auto r = call(g.port(), "POST", "/v1/messages/count_tokens", body, {},
                {{"x-api-key", g.key}, {"anthropic-version", "2023-06-01"}});
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  EXPECT_GT(r.json.at("input_tokens").as_int64(), 90) << r.raw.body;
  EXPECT_FALSE(r.raw.header("request-id").empty());
  auto last = last_upstream_request(g);
  EXPECT_EQ(last.at("path").as_string(), "/v1/messages/count_tokens");
  EXPECT_EQ(boost::json::parse(last.at("body").as_string()).at("system").as_string(), "be terse");

  auto before = g.upstream_requests();
  body["model"] = "gpt-4o-mini";
  auto other = call(g.port(), "POST", "/v1/messages/count_tokens", body, {}, {{"x-api-key", g.key}});
  expect_messages_error(other, 400, "invalid_request_error", "an OpenAI provider's model");
  EXPECT_NE(std::string(other.json.at("error").at("message").as_string()).find("Anthropic"), std::string::npos);
  for (const auto& bad : std::vector<std::string>{R"({"model":"claude-3-5-haiku"})", R"({"messages":[]})", "{nope"}) {
    auto b = call_raw(g.port(), "POST", "/v1/messages/count_tokens", bad, {}, {{"x-api-key", g.key}});
    expect_messages_error(b, 400, "invalid_request_error", bad);
  }
  expect_messages_error(call(g.port(), "POST", "/v1/messages/count_tokens", body), 401, "authentication_error", "no key");
  EXPECT_EQ(g.upstream_requests(), before) << "refused requests never reach a provider";

  body["model"] = "claude-3-5-haiku";
  body["messages"] = arr{obj{{"role", "user"}, {"content", "mock-fault:status=429"}}};
  auto limited = call(g.port(), "POST", "/v1/messages/count_tokens", body, {}, {{"x-api-key", g.key}});
  expect_messages_error(limited, 429, "rate_limit_error", "upstream 429");
  EXPECT_FALSE(limited.raw.header("Retry-After").empty());

  // Nothing was generated, so nothing was recorded.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(g.generations().json.at("data").as_array().size(), 0u);
}

TEST(gateway_messages, an_error_event_in_an_anthropic_stream_is_relayed_and_recorded) {
  gateway_env g;
  auto body = ask("claude-3-5-haiku", "a long enough answer to be cut mock-fault:stream_error=1");
  body["stream"] = true;
  auto r = messages(g, body);
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  auto ev = events_of(r.raw.body);
  ASSERT_FALSE(ev.empty()) << r.raw.body;
  EXPECT_EQ(ev.back().name, "error") << r.raw.body;
  EXPECT_EQ(ev.back().data.at("error").at("type").as_string(), "overloaded_error") << r.raw.body;
  size_t errors = 0;
  for (const auto& e : ev) errors += e.name == "error";
  EXPECT_EQ(errors, 1u) << "relayed once, nothing added after it: " << r.raw.body;
  auto row = g.wait_for_record();
  EXPECT_EQ(row.at("status").as_int64(), 502);
  EXPECT_NE(std::string(row.at("error").as_string()).find("overloaded_error"), std::string::npos) << row;
  EXPECT_EQ(row.at("streamed"), true);
}

TEST(gateway_messages, an_upstream_dying_mid_stream_ends_with_an_error_event) {
  gateway_env g;
  for (std::string model : {"gpt-4o-mini", "claude-3-5-haiku"}) {
    auto body = ask(model, "mock-fault:disconnect=2");
    body["stream"] = true;
    auto r = messages(g, body);
    EXPECT_EQ(r.status(), 200);
    auto ev = events_of(r.raw.body);
    ASSERT_FALSE(ev.empty()) << r.raw.body;
    EXPECT_EQ(ev.back().name, "error") << r.raw.body;
    EXPECT_FALSE(ev.back().data.at("error").at("message").as_string().empty());
    for (const auto& e : ev) EXPECT_NE(e.name, "message_stop") << "never a silent success: " << r.raw.body;
  }
}

TEST(gateway_messages, bad_input_is_refused_in_the_messages_shape_before_any_upstream_call) {
  gateway_env g;
  auto before = g.upstream_requests();
  struct bad {
    std::string body;
    int status;
    std::string type;
  };
  for (const auto& b : std::vector<bad>{
           {"{not json", 400, "invalid_request_error"},
           {R"([1,2])", 400, "invalid_request_error"},
           {R"({"max_tokens":10,"messages":[{"role":"user","content":"x"}]})", 400, "invalid_request_error"},
           {R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}]})", 400, "invalid_request_error"},
           {R"({"model":"gpt-4o-mini","max_tokens":"ten","messages":[{"role":"user","content":"x"}]})", 400, "invalid_request_error"},
           {R"({"model":"gpt-4o-mini","max_tokens":10})", 400, "invalid_request_error"},
           {R"({"model":"gpt-4o-mini","max_tokens":10,"messages":[]})", 400, "invalid_request_error"},
           {R"({"model":"gpt-4o-mini","max_tokens":10,"messages":"hi"})", 400, "invalid_request_error"},
           {R"({"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"system","content":"x"}]})", 400, "invalid_request_error"},
           {R"({"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":42}]})", 400, "invalid_request_error"},
           {R"({"model":"gpt-4o-mini","max_tokens":10,"stream":"yes","messages":[{"role":"user","content":"x"}]})", 400, "invalid_request_error"},
           {R"({"model":42,"max_tokens":10,"messages":[{"role":"user","content":"x"}]})", 400, "invalid_request_error"},
           {R"({"model":"no-such-model","max_tokens":10,"messages":[{"role":"user","content":"x"}]})", 404, "not_found_error"},
       }) {
    auto r = call_raw(g.port(), "POST", "/v1/messages", b.body, {}, {{"x-api-key", g.key}});
    expect_messages_error(r, b.status, b.type, b.body);
  }
  // The same checks before a request is relayed unchanged to an Anthropic provider.
  for (const auto& b : std::vector<std::string>{
           R"({"model":"claude-3-5-haiku","messages":[{"role":"user","content":"x"}]})",
           R"({"model":"claude-3-5-haiku","max_tokens":0,"messages":[{"role":"user","content":"x"}]})",
           R"({"model":"claude-3-5-haiku","max_tokens":10,"messages":[]})",
           R"({"model":"claude-3-5-haiku","max_tokens":10,"messages":[{"role":"system","content":"x"}]})",
           R"({"model":"claude-3-5-haiku","max_tokens":10,"messages":[{"role":"user","content":[{"text":"no type"}]}]})",
           R"({"model":"claude-3-5-haiku","max_tokens":10,"system":42,"messages":[{"role":"user","content":"x"}]})",
           R"({"model":"claude-3-5-haiku","max_tokens":10,"stream":1,"messages":[{"role":"user","content":"x"}]})",
       }) {
    auto r = call_raw(g.port(), "POST", "/v1/messages", b, {}, {{"x-api-key", g.key}});
    expect_messages_error(r, 400, "invalid_request_error", b);
  }
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"anthropic-version", "latest"}, {"anthropic-beta", "tools;drop=1"}, {"anthropic-beta", std::string(2000, 'a')}}) {
    auto r = call(g.port(), "POST", "/v1/messages", ask("claude-3-5-haiku", "x"), {}, {{"x-api-key", g.key}, {name, value}});
    expect_messages_error(r, 400, "invalid_request_error", name + ": " + value.substr(0, 20));
  }
  expect_messages_error(messages(g, ask("gpt-4o-mini", "x"), "bk_proj_invalid"), 401, "authentication_error", "bad key");
  expect_messages_error(call(g.port(), "POST", "/v1/messages", ask("gpt-4o-mini", "x")), 401, "authentication_error",
                        "no key");
  // Authorization: Bearer works on this surface too.
  EXPECT_EQ(call(g.port(), "POST", "/v1/messages", ask("gpt-4o-mini", "x"), g.key).status(), 200);
  EXPECT_EQ(g.upstream_requests(), before + 1) << "only the good request went upstream";
}

}  // namespace brokle::testing
