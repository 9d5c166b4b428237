// The OpenAI Responses API surface (POST /v1/responses) against the real binary and the mock
// provider: relayed unchanged to an OpenAI-type provider, plain and streamed, usage recorded (cached
// tokens included), upstream errors and mid-stream failures relayed as OpenAI-shaped errors, and
// bad input refused before any upstream call; models of providers without the API (Anthropic,
// Gemini, Cohere) served by translation through their chat APIs, plain, streamed and with tools.
#include <gtest/gtest.h>

#include <thread>

#include "support/api_client.hpp"
#include "support/gateway_env.hpp"

namespace brokle::testing {

namespace {

using obj = boost::json::object;
using arr = boost::json::array;

api_reply responses(gateway_env& g, const boost::json::value& body, const std::string& key = "") {
  return call(g.port(), "POST", "/v1/responses", body, key.empty() ? g.key : key);
}

std::string output_text(const boost::json::value& response) {
  std::string text;
  for (const auto& item : response.at("output").as_array())
    if (item.at("type") == "message")
      for (const auto& part : item.at("content").as_array())
        if (part.at("type") == "output_text") text += std::string(part.at("text").as_string());
  return text;
}

boost::json::value last_upstream_request(gateway_env& g) {
  return call(g.mock.port(), "GET", "/mock/stats").json.at("last_request");
}

// The newest call record once it has tokens (a background call settled late), or as it is after 5 s.
boost::json::object wait_for_settled_record(gateway_env& g) {
  boost::json::object row;
  for (int i = 0; i < 50; ++i) {
    row = g.wait_for_record();
    if (row.at("input_tokens").as_int64() != 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return row;
}

}  // namespace

TEST(gateway_responses, a_response_is_relayed_unchanged_and_the_call_recorded) {
  gateway_env g;
  obj body{{"model", "fast"},  // an alias: the provider gets the model it names
           {"input", arr{obj{{"role", "user"}, {"content", arr{obj{{"type", "input_text"}, {"text", "hello responses mock-fault:cached=2"}}}}}}},
           {"instructions", "be terse"},
           {"store", false},
           {"metadata", obj{{"ticket", "42"}}}};
  auto r = responses(g, body);
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  EXPECT_EQ(r.str("object"), "response");
  EXPECT_EQ(r.str("status"), "completed");
  EXPECT_NE(output_text(r.json).find("hello responses"), std::string::npos) << r.raw.body;
  EXPECT_GT(r.json.at("usage").at("input_tokens").as_int64(), 0);

  auto last = last_upstream_request(g);
  EXPECT_EQ(last.at("path").as_string(), "/v1/responses");
  EXPECT_EQ(last.at("headers").at("authorization").as_string(), "Bearer sk-test-upstream");
  auto sent = boost::json::parse(last.at("body").as_string()).as_object();
  EXPECT_EQ(sent.at("model").as_string(), "gpt-4o-mini");
  EXPECT_EQ(sent.at("instructions").as_string(), "be terse");
  EXPECT_EQ(sent.at("store"), false);
  EXPECT_EQ(sent.at("metadata").at("ticket").as_string(), "42");
  EXPECT_EQ(sent.at("input").as_array()[0].at("content").as_array()[0].at("type").as_string(), "input_text");

  auto row = g.wait_for_record();
  EXPECT_EQ(row.at("endpoint").as_string(), "responses");
  EXPECT_EQ(row.at("model_requested").as_string(), "fast");
  EXPECT_EQ(row.at("model").as_string(), "gpt-4o-mini");
  EXPECT_EQ(row.at("status").as_int64(), 200);
  EXPECT_EQ(row.at("streamed"), false);
  EXPECT_EQ(row.at("input_tokens").as_int64(), r.json.at("usage").at("input_tokens").as_int64());
  EXPECT_EQ(row.at("output_tokens").as_int64(), r.json.at("usage").at("output_tokens").as_int64());
  EXPECT_EQ(row.at("cached_input_tokens").as_int64(), 2) << row;
  EXPECT_GT(row.at("cost_usd").as_double(), 0) << "priced like every call: " << row;
}

TEST(gateway_responses, a_stream_is_relayed_event_by_event_and_its_usage_recorded) {
  gateway_env g;
  // The first event 60 ms after the head: the time to first token is the wait for that event.
  auto r = responses(g, obj{{"model", "gpt-4o-mini"}, {"input", "stream this please mock-fault:ttft=60"}, {"stream", true}});
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  EXPECT_NE(r.raw.header("Content-Type").find("text/event-stream"), std::string::npos);
  auto ev = events_of(r.raw.body);
  ASSERT_GE(ev.size(), 4u) << r.raw.body;
  EXPECT_EQ(ev.front().name, "response.created");
  EXPECT_EQ(ev.back().name, "response.completed") << r.raw.body;
  std::string text;
  for (size_t i = 0; i < ev.size(); ++i) {
    EXPECT_EQ(ev[i].data.at("sequence_number").as_int64(), static_cast<int64_t>(i)) << "nothing added or dropped";
    if (ev[i].name == "response.output_text.delta") text += std::string(ev[i].data.at("delta").as_string());
  }
  EXPECT_NE(text.find("stream this please"), std::string::npos) << text;
  EXPECT_EQ(r.raw.body.find("[DONE]"), std::string::npos);
  auto usage = ev.back().data.at("response").at("usage");
  auto row = g.wait_for_record();
  EXPECT_EQ(row.at("endpoint").as_string(), "responses");
  EXPECT_EQ(row.at("status").as_int64(), 200);
  EXPECT_EQ(row.at("streamed"), true);
  EXPECT_EQ(row.at("input_tokens").as_int64(), usage.at("input_tokens").as_int64());
  EXPECT_EQ(row.at("output_tokens").as_int64(), usage.at("output_tokens").as_int64());
  EXPECT_GE(row.at("time_to_first_token_ms").as_int64(), 50) << row;
  EXPECT_GE(row.at("latency_ms").as_int64(), row.at("time_to_first_token_ms").as_int64()) << row;
}

TEST(gateway_responses, stream_failures_end_with_an_error_event_and_are_recorded_502) {
  gateway_env g;
  // The provider's own in-band error is relayed once, nothing added after it.
  auto r = responses(g, obj{{"model", "gpt-4o-mini"}, {"input", "a long enough answer to cut mock-fault:stream_error=1"}, {"stream", true}});
  ASSERT_EQ(r.status(), 200) << r.raw.body;
  auto ev = events_of(r.raw.body);
  ASSERT_FALSE(ev.empty());
  EXPECT_EQ(ev.back().name, "error") << r.raw.body;
  EXPECT_EQ(ev.back().data.at("code").as_string(), "server_error");
  size_t errors = 0;
  for (const auto& e : ev) errors += e.name == "error";
  EXPECT_EQ(errors, 1u) << r.raw.body;
  auto row = g.wait_for_record();
  EXPECT_EQ(row.at("status").as_int64(), 502);
  EXPECT_NE(std::string(row.at("error").as_string()).find("server_error"), std::string::npos) << row;

  // The upstream dying mid-stream: our error event, never a silent end.
  auto cut = responses(g, obj{{"model", "gpt-4o-mini"}, {"input", "mock-fault:disconnect=3"}, {"stream", true}});
  EXPECT_EQ(cut.status(), 200);
  auto cut_events = events_of(cut.raw.body);
  ASSERT_FALSE(cut_events.empty()) << cut.raw.body;
  EXPECT_EQ(cut_events.back().name, "error") << cut.raw.body;
  EXPECT_EQ(cut_events.back().data.at("type").as_string(), "error");
  EXPECT_FALSE(cut_events.back().data.at("message").as_string().empty());
  for (const auto& e : cut_events) EXPECT_NE(e.name, "response.completed") << cut.raw.body;
  EXPECT_EQ(g.wait_for_record(2).at("status").as_int64(), 502);
}

TEST(gateway_responses, upstream_errors_keep_their_status_and_openai_shape) {
  gateway_env g;
  for (int status : {400, 429, 500, 503}) {
    for (bool stream : {false, true}) {
      auto r = responses(g, obj{{"model", "gpt-4o-mini"}, {"input", "mock-fault:status=" + std::to_string(status)}, {"stream", stream}});
      EXPECT_EQ(r.status(), status) << r.raw.body;
      ASSERT_TRUE(r.json.is_object() && r.json.as_object().contains("error")) << r.raw.body;
      EXPECT_FALSE(r.json.at("error").at("message").as_string().empty());
      if (status == 429) {
        EXPECT_FALSE(r.raw.header("Retry-After").empty()) << "the provider's Retry-After is passed on";
      }
    }
  }
  // 200 but not a response object: a 502, and the call is still recorded.
  auto bad = responses(g, obj{{"model", "gpt-4o-mini"}, {"input", "mock-fault:malformed=1"}});
  EXPECT_EQ(bad.status(), 502) << bad.raw.body;
  EXPECT_EQ(g.wait_for_record(9).at("status").as_int64(), 502);
  EXPECT_EQ(responses(g, obj{{"model", "gpt-4o-mini"}, {"input", "still serving"}}).status(), 200);
}

TEST(gateway_responses, bad_input_and_other_providers_models_are_refused_before_any_upstream_call) {
  gateway_env g;
  auto before = g.upstream_requests();
  struct bad {
    std::string body;
    int status;
    std::string says;
  };
  for (const auto& b : std::vector<bad>{
           {"{not json", 400, "JSON"},
           {R"([1,2])", 400, "object"},
           {R"({"input":"hi"})", 400, "model"},
           {R"({"model":42,"input":"hi"})", 400, "model"},
           {R"({"model":"gpt-4o-mini"})", 400, "input"},
           {R"({"model":"gpt-4o-mini","input":42})", 400, "input"},
           {R"({"model":"gpt-4o-mini","input":"hi","stream":"yes"})", 400, "stream"},
           {R"({"model":"gpt-4o-mini","input":"hi","instructions":{}})", 400, "instructions"},
           {R"({"model":"gpt-4o-mini","input":"hi","tools":"all"})", 400, "tools"},
           {R"({"model":")" + std::string(300, 'm') + R"(","input":"hi"})", 400, "256"},
           {R"({"model":"no-such-model","input":"hi"})", 404, "no-such-model"},
           // What translation cannot carry to a provider without the API.
           {R"({"model":"claude-3-5-haiku","input":"hi","previous_response_id":"resp_1"})", 400, "previous_response_id"},
           {R"({"model":"gemini-2.0-flash","input":"hi","stream":true,"background":true})", 400, "background"},
           {R"({"model":"command-r","input":"hi","tools":[{"type":"web_search"}]})", 400, "web_search"},
           {R"({"model":"claude-3-5-haiku","input":[{"type":"item_reference","id":"msg_1"}]})", 400, "item_reference"},
           {R"({"model":"claude-3-5-haiku","input":[{"role":"user","content":[{"type":"input_file","file_id":"f"}]}]})", 400, "input_file"},
           {R"({"model":"claude-3-5-haiku","input":[{"role":"robot","content":"hi"}]})", 400, "input.0.role"},
           {R"({"model":"claude-3-5-haiku","input":[]})", 400, "input"},
           {R"({"model":"gemini-2.0-flash","input":"hi","text":{"format":{"type":"yaml"}}})", 400, "text.format.type"},
       }) {
    auto r = call_raw(g.port(), "POST", "/v1/responses", b.body, g.key);
    EXPECT_EQ(r.status(), b.status) << b.body << " -> " << r.raw.body;
    ASSERT_TRUE(r.json.is_object() && r.json.as_object().contains("error")) << r.raw.body;
    EXPECT_NE(std::string(r.json.at("error").at("message").as_string()).find(b.says), std::string::npos)
        << b.body << " -> " << r.raw.body;
  }
  EXPECT_EQ(responses(g, obj{{"model", "gpt-4o-mini"}, {"input", "hi"}}, "bk_proj_invalid").status(), 401);
  EXPECT_EQ(call(g.port(), "POST", "/v1/responses", obj{{"model", "gpt-4o-mini"}, {"input", "hi"}}).status(), 401);
  EXPECT_EQ(g.upstream_requests(), before) << "no upstream call for bad input";
  EXPECT_EQ(responses(g, obj{{"model", "gpt-4o-mini"}, {"input", "hi"}}).status(), 200) << "still serving";
}

// A stored response is retrieved, cancelled, listed and deleted through the provider that created
// it: found in memory at once (even for a stream, from its response.created event), and from the
// call records after a restart. Other projects cannot reach it; unknown ids never go upstream.
TEST(gateway_responses, stored_responses_are_reached_through_the_provider_that_created_them) {
  gateway_env g;
  auto created = responses(g, obj{{"model", "fast"}, {"input", "keep this"}, {"background", true}});
  ASSERT_EQ(created.status(), 200) << created.raw.body;
  std::string id = created.str("id");
  ASSERT_EQ(id.rfind("resp_mock_", 0), 0u) << id;

  auto got = call(g.port(), "GET", "/v1/responses/" + id + "?include%5B%5D=message.output_text.logprobs", nullptr, g.key);
  ASSERT_EQ(got.status(), 200) << got.raw.body;
  EXPECT_EQ(got.str("id"), id);
  auto last = last_upstream_request(g);
  EXPECT_EQ(last.at("method").as_string(), "GET");
  EXPECT_EQ(last.at("path").as_string(), "/v1/responses/" + id);
  EXPECT_EQ(last.at("query").as_string(), "include%5B%5D=message.output_text.logprobs");
  EXPECT_EQ(last.at("headers").at("authorization").as_string(), "Bearer sk-test-upstream");

  auto cancelled = call(g.port(), "POST", "/v1/responses/" + id + "/cancel", nullptr, g.key);
  EXPECT_EQ(cancelled.status(), 200) << cancelled.raw.body;
  EXPECT_EQ(cancelled.str("status"), "cancelled");
  auto items = call(g.port(), "GET", "/v1/responses/" + id + "/input_items?limit=5", nullptr, g.key);
  EXPECT_EQ(items.status(), 200) << items.raw.body;
  EXPECT_EQ(items.str("object"), "list");
  EXPECT_EQ(last_upstream_request(g).at("path").as_string(), "/v1/responses/" + id + "/input_items");

  // A streamed create is reachable as soon as the client has its id.
  auto streamed = responses(g, obj{{"model", "gpt-4o-mini"}, {"input", "stream and keep"}, {"stream", true}});
  auto ev = events_of(streamed.raw.body);
  ASSERT_FALSE(ev.empty()) << streamed.raw.body;
  std::string stream_id(ev.front().data.at("response").at("id").as_string());
  EXPECT_EQ(call(g.port(), "GET", "/v1/responses/" + stream_id, nullptr, g.key).status(), 200);

  auto row = g.wait_for_record(2);
  EXPECT_EQ(row.at("endpoint").as_string(), "responses");
  EXPECT_EQ(row.at("upstream_id").as_string(), stream_id) << "the call record keeps the provider's id";

  // After a restart the call records know which model created it. (Another project, for the
  // tenant checks below, is made now so the restarted server knows its key.)
  auto other_project = run_brokle({"project", "create", "--name", "other"}, g.env);
  ASSERT_EQ(other_project.exit_code, 0) << other_project.err;
  auto other_key = run_brokle({"key", "create", "--project", "other"}, g.env);
  std::string key2 = other_key.out.substr(0, other_key.out.size() - 1);
  g.stop();
  g.start();
  auto again = call(g.port(), "GET", "/v1/responses/" + id, nullptr, g.key);
  EXPECT_EQ(again.status(), 200) << again.raw.body;
  auto deleted = call(g.port(), "DELETE", "/v1/responses/" + id, nullptr, g.key);
  EXPECT_EQ(deleted.status(), 200) << deleted.raw.body;
  EXPECT_EQ(deleted.json.at("deleted"), true);
  EXPECT_EQ(last_upstream_request(g).at("method").as_string(), "DELETE");

  // Never upstream: unknown ids (streamed or not), another project's key, odd ids or queries.
  auto before = g.upstream_requests();
  auto unknown = call(g.port(), "GET", "/v1/responses/resp_never_seen", nullptr, g.key);
  EXPECT_EQ(unknown.status(), 404) << unknown.raw.body;
  ASSERT_TRUE(unknown.json.is_object() && unknown.json.as_object().contains("error")) << unknown.raw.body;
  EXPECT_EQ(call(g.port(), "GET", "/v1/responses/" + id, nullptr, key2).status(), 404) << "tenant scope";
  EXPECT_EQ(call(g.port(), "GET", "/v1/responses/" + stream_id, nullptr, key2).status(), 404) << "tenant scope";
  EXPECT_EQ(call(g.port(), "GET", "/v1/responses/resp%20x", nullptr, g.key).status(), 400);
  EXPECT_EQ(call(g.port(), "GET", "/v1/responses/" + id + "?x=%0d%0a<script>", nullptr, g.key).status(), 400);
  EXPECT_EQ(call(g.port(), "GET", "/v1/responses/resp_never_seen?stream=true", nullptr, g.key).status(), 404);
  EXPECT_EQ(call(g.port(), "GET", "/v1/responses/" + id + "?stream=true", nullptr, key2).status(), 404) << "tenant scope";
  EXPECT_EQ(call(g.port(), "GET", "/v1/responses/" + id, nullptr).status(), 401);
  EXPECT_EQ(g.upstream_requests(), before) << "none of these went upstream";
}

}  // namespace brokle::testing

namespace brokle::testing {

namespace {

const boost::json::object* first_item_of_type(const boost::json::value& response, std::string_view type) {
  for (const auto& item : response.at("output").as_array())
    if (item.at("type").as_string() == type) return &item.as_object();
  return nullptr;
}

}  // namespace

TEST(gateway_responses, models_of_providers_without_the_api_are_served_by_translation) {
  gateway_env g;
  struct provider_case {
    std::string model, path;
  };
  for (const auto& c : std::vector<provider_case>{{"claude-3-5-haiku", "/v1/messages"},
                                                  {"gemini-2.0-flash", "/v1beta/models/gemini-2.0-flash:generateContent"},
                                                  {"command-r", "/v2/chat"}}) {
    SCOPED_TRACE(c.model);
    auto r = responses(g, obj{{"model", c.model}, {"input", "hello translated"}, {"instructions", "be brief"},
                              {"max_output_tokens", 300}, {"metadata", obj{{"ticket", "7"}}}});
    ASSERT_EQ(r.status(), 200) << r.raw.body;
    EXPECT_EQ(r.str("object"), "response");
    EXPECT_EQ(r.str("status"), "completed");
    EXPECT_EQ(r.str("model"), c.model);
    EXPECT_EQ(r.str("id").rfind("resp_", 0), 0u) << r.raw.body;
    EXPECT_EQ(r.json.at("store"), false) << "translated responses are not stored";
    EXPECT_EQ(r.json.at("instructions").as_string(), "be brief");
    EXPECT_EQ(r.json.at("metadata").at("ticket").as_string(), "7");
    EXPECT_NE(output_text(r.json).find("hello translated"), std::string::npos) << r.raw.body;
    const auto& usage = r.json.at("usage");
    EXPECT_GT(usage.at("input_tokens").as_int64(), 0);
    EXPECT_EQ(usage.at("total_tokens").as_int64(), usage.at("input_tokens").as_int64() + usage.at("output_tokens").as_int64());
    auto last = last_upstream_request(g);
    EXPECT_EQ(last.at("path").as_string(), c.path);
    EXPECT_NE(std::string(last.at("body").as_string()).find("be brief"), std::string::npos) << "instructions became the system prompt";

    // Cut short by max_output_tokens: incomplete, saying why.
    auto cut = responses(g, obj{{"model", c.model}, {"input", "a reply long enough to be cut short"}, {"max_output_tokens", 2}});
    ASSERT_EQ(cut.status(), 200) << cut.raw.body;
    EXPECT_EQ(cut.str("status"), "incomplete") << cut.raw.body;
    EXPECT_EQ(cut.json.at("incomplete_details").at("reason").as_string(), "max_output_tokens");

    // Streamed: the Responses events, numbered, ending with response.completed and its usage.
    auto s = responses(g, obj{{"model", c.model}, {"input", "stream translated"}, {"stream", true}});
    ASSERT_EQ(s.status(), 200) << s.raw.body;
    auto ev = events_of(s.raw.body);
    ASSERT_GE(ev.size(), 8u) << s.raw.body;
    EXPECT_EQ(ev[0].name, "response.created");
    EXPECT_EQ(ev[1].name, "response.in_progress");
    EXPECT_EQ(ev.back().name, "response.completed") << s.raw.body;
    std::string text;
    for (size_t i = 0; i < ev.size(); ++i) {
      EXPECT_EQ(ev[i].data.at("type").as_string(), ev[i].name);
      EXPECT_EQ(ev[i].data.at("sequence_number").as_int64(), static_cast<int64_t>(i));
      if (ev[i].name == "response.output_text.delta") text += std::string(ev[i].data.at("delta").as_string());
    }
    EXPECT_NE(text.find("stream translated"), std::string::npos) << text;
    const auto& done = ev.back().data.at("response");
    EXPECT_EQ(output_text(done), text) << "the completed response holds what the deltas said";
    EXPECT_EQ(done.at("id"), ev[0].data.at("response").at("id"));
    EXPECT_GT(done.at("usage").at("output_tokens").as_int64(), 0) << s.raw.body;

    // A function call, then its output handed back: the second turn is answered in text.
    obj tool{{"type", "function"},
             {"name", "get_weather"},
             {"description", "weather for a city"},
             {"parameters", obj{{"type", "object"}, {"properties", obj{{"city", obj{{"type", "string"}}}}}, {"required", arr{"city"}}}}};
    auto t = responses(g, obj{{"model", c.model}, {"input", "weather in Paris? use tool"}, {"tools", arr{tool}}});
    ASSERT_EQ(t.status(), 200) << t.raw.body;
    const auto* fc = first_item_of_type(t.json, "function_call");
    ASSERT_NE(fc, nullptr) << t.raw.body;
    EXPECT_EQ(fc->at("name").as_string(), "get_weather");
    EXPECT_FALSE(fc->at("call_id").as_string().empty());
    EXPECT_TRUE(boost::json::parse(fc->at("arguments").as_string()).is_object()) << t.raw.body;
    EXPECT_EQ(t.json.at("tools").as_array()[0].at("name").as_string(), "get_weather") << "tools echoed in the Responses shape";
    auto back = responses(g, obj{{"model", c.model},
                                 {"tools", arr{tool}},
                                 {"input", arr{obj{{"role", "user"}, {"content", "weather in Paris? use tool"}},
                                               obj{{"type", "function_call"}, {"call_id", fc->at("call_id")}, {"name", "get_weather"},
                                                   {"arguments", fc->at("arguments")}},
                                               obj{{"type", "function_call_output"}, {"call_id", fc->at("call_id")}, {"output", "sunny, 21 C"}}}}});
    ASSERT_EQ(back.status(), 200) << back.raw.body;
    EXPECT_NE(first_item_of_type(back.json, "message"), nullptr) << back.raw.body;
    EXPECT_EQ(first_item_of_type(back.json, "function_call"), nullptr) << back.raw.body;

    // Streamed tool call: the item added, its arguments in deltas, done with the whole arguments.
    auto ts = responses(g, obj{{"model", c.model}, {"input", "weather in Oslo? use tool"}, {"tools", arr{tool}}, {"stream", true}});
    ASSERT_EQ(ts.status(), 200) << ts.raw.body;
    std::string args, done_args;
    for (const auto& e : events_of(ts.raw.body)) {
      if (e.name == "response.function_call_arguments.delta") args += std::string(e.data.at("delta").as_string());
      if (e.name == "response.function_call_arguments.done") done_args = std::string(e.data.at("arguments").as_string());
    }
    EXPECT_FALSE(args.empty()) << ts.raw.body;
    EXPECT_EQ(args, done_args);
    EXPECT_TRUE(boost::json::parse(args).is_object()) << args;
  }
  // Recorded like every call, under the Responses endpoint: 3 providers x 6 calls.
  auto row = g.wait_for_record(18);
  EXPECT_EQ(row.at("endpoint").as_string(), "responses");
  EXPECT_GT(row.at("input_tokens").as_int64(), 0);
  // The translated ids are not stored anywhere: retrieving one is a 404 without an upstream call.
  auto plain = responses(g, obj{{"model", "claude-3-5-haiku"}, {"input", "keep me"}});
  auto before = g.upstream_requests();
  EXPECT_EQ(call(g.port(), "GET", "/v1/responses/" + plain.str("id"), boost::json::value(), g.key).status(), 404);
  EXPECT_EQ(g.upstream_requests(), before);
}

TEST(gateway_responses, translated_stream_failures_end_with_an_error_event) {
  gateway_env g;
  auto cut = responses(g, obj{{"model", "claude-3-5-haiku"}, {"input", "mock-fault:disconnect=3"}, {"stream", true}});
  EXPECT_EQ(cut.status(), 200);
  auto ev = events_of(cut.raw.body);
  ASSERT_FALSE(ev.empty()) << cut.raw.body;
  EXPECT_EQ(ev.back().name, "error") << cut.raw.body;
  EXPECT_FALSE(ev.back().data.at("message").as_string().empty());
  for (const auto& e : ev) EXPECT_NE(e.name, "response.completed") << cut.raw.body;
  EXPECT_EQ(g.wait_for_record().at("status").as_int64(), 502);
  // Provider errors keep their status, OpenAI-shaped, plain and streamed.
  for (bool stream : {false, true}) {
    auto r = responses(g, obj{{"model", "gemini-2.0-flash"}, {"input", "mock-fault:status=429"}, {"stream", stream}});
    EXPECT_EQ(r.status(), 429) << r.raw.body;
    ASSERT_TRUE(r.json.is_object() && r.json.as_object().contains("error")) << r.raw.body;
  }
  EXPECT_EQ(responses(g, obj{{"model", "command-r"}, {"input", "still serving"}}).status(), 200);
}

}  // namespace brokle::testing

namespace brokle::testing {

// A background response reports no usage when it is created; once it has run, retrieving it
// through the gateway gives the creating call its tokens and cost: in the call record, in its
// generation observation and in the LLM rollups, once however often it is retrieved.
TEST(gateway_responses, a_background_responses_usage_is_recorded_once_it_is_retrieved_done) {
  gateway_env g;
  auto created = responses(g, obj{{"model", "gpt-4o-mini"}, {"input", "work on this in the background"}, {"background", true}});
  ASSERT_EQ(created.status(), 200) << created.raw.body;
  EXPECT_EQ(created.str("status"), "queued");
  auto row = g.wait_for_record();
  EXPECT_EQ(row.at("input_tokens").as_int64(), 0) << "nothing is used yet: " << row;
  std::string generation_id(row.at("id").as_string());

  for (int round = 0; round < 3; ++round) {
    auto done = call(g.port(), "GET", "/v1/responses/" + created.str("id"), nullptr, g.key);
    ASSERT_EQ(done.status(), 200) << done.raw.body;
    EXPECT_EQ(done.str("status"), "completed");
    EXPECT_EQ(done.json.at("usage").at("total_tokens").as_int64(), 17);
  }
  auto settled = wait_for_settled_record(g);
  EXPECT_EQ(settled.at("id").as_string(), generation_id) << "the creating call's record, not a new one";
  EXPECT_EQ(settled.at("input_tokens").as_int64(), 12) << settled;
  EXPECT_EQ(settled.at("output_tokens").as_int64(), 5) << settled;
  EXPECT_GT(settled.at("cost_usd").as_double(), 0) << settled;

  auto token = g.login();
  std::string base = "/api/v1/projects/" + g.project_id;
  api_reply obs, llm;
  for (int i = 0; i < 50; ++i) {
    obs = call(g.port(), "GET", base + "/analytics/observations?trace_id=" + generation_id, nullptr, token);
    llm = call(g.port(), "GET", base + "/analytics/llm?group_by=model", nullptr, token);
    if (obs.status() == 200 && !obs.json.at("data").as_array().empty() &&
        obs.json.at("data").as_array()[0].at("usage").at("input_tokens").as_int64() == 12 && llm.status() == 200 &&
        !llm.json.at("data").as_array().empty() && llm.json.at("data").as_array()[0].at("input_tokens").as_int64() == 12)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(obs.json.at("data").as_array().size(), 1u) << obs.raw.body;
  const auto& o = obs.json.at("data").as_array()[0];
  EXPECT_EQ(o.at("usage").at("input_tokens").as_int64(), 12) << o;
  EXPECT_EQ(o.at("usage").at("output_tokens").as_int64(), 5) << o;
  EXPECT_GT(o.at("cost_usd").as_double(), 0) << o;
  EXPECT_EQ(o.at("provider").as_string(), "mock") << "the rest of the observation is kept: " << o;
  EXPECT_EQ(o.at("http_status").as_int64(), 200) << o;
  ASSERT_EQ(llm.json.at("data").as_array().size(), 1u) << llm.raw.body;
  EXPECT_EQ(llm.json.at("data").as_array()[0].at("input_tokens").as_int64(), 12) << "counted once: " << llm.raw.body;
  EXPECT_EQ(llm.json.at("data").as_array()[0].at("calls").as_int64(), 1) << llm.raw.body;
  // Records are written in order: with a later call's record in, a record of the retrievals would be too.
  ASSERT_EQ(responses(g, obj{{"model", "gpt-4o-mini"}, {"input", "a later call"}}).status(), 200);
  g.wait_for_record(2);
  EXPECT_EQ(g.generations().json.at("data").as_array().size(), 2u) << "retrievals are not calls";
}

}  // namespace brokle::testing

namespace brokle::testing {

// A stored (background) response streamed again: the provider's events relayed as they come, from
// the one after starting_after; a replay that reaches the end settles the creating call's usage.
TEST(gateway_responses, a_stored_response_streams_again_from_where_the_client_asks) {
  gateway_env g;
  auto created = responses(g, obj{{"model", "gpt-4o-mini"}, {"input", "stream me later"}, {"background", true}});
  ASSERT_EQ(created.status(), 200) << created.raw.body;
  std::string path = "/v1/responses/" + created.str("id");
  g.wait_for_record();

  auto all = call(g.port(), "GET", path + "?stream=true", nullptr, g.key);
  ASSERT_EQ(all.status(), 200) << all.raw.body;
  EXPECT_NE(all.raw.header("Content-Type").find("text/event-stream"), std::string::npos);
  auto ev = events_of(all.raw.body);
  ASSERT_GE(ev.size(), 4u) << all.raw.body;
  EXPECT_EQ(ev.front().name, "response.created");
  EXPECT_EQ(ev.front().data.at("sequence_number").as_int64(), 0);
  EXPECT_EQ(ev.back().name, "response.completed") << all.raw.body;
  std::string text;
  for (const auto& e : ev)
    if (e.name == "response.output_text.delta") text += std::string(e.data.at("delta").as_string());
  EXPECT_EQ(text, "mock stored response");
  auto last = last_upstream_request(g);
  EXPECT_EQ(last.at("method").as_string(), "GET");
  EXPECT_NE(std::string(last.at("query").as_string()).find("stream=true"), std::string::npos) << last;

  auto rest = call(g.port(), "GET", path + "?stream=true&starting_after=3", nullptr, g.key);
  ASSERT_EQ(rest.status(), 200) << rest.raw.body;
  auto tail = events_of(rest.raw.body);
  ASSERT_FALSE(tail.empty()) << rest.raw.body;
  EXPECT_EQ(tail.front().data.at("sequence_number").as_int64(), 4) << "resumed after the event the client had";
  EXPECT_EQ(tail.back().name, "response.completed");

  // The replay reached the end with the usage: the background call has its tokens now.
  auto row = wait_for_settled_record(g);
  EXPECT_EQ(row.at("input_tokens").as_int64(), 12) << row;
  EXPECT_EQ(row.at("output_tokens").as_int64(), 5) << row;
  // Records are written in order: with a later call's record in, a record of the retrievals would be too.
  ASSERT_EQ(responses(g, obj{{"model", "gpt-4o-mini"}, {"input", "a later call"}}).status(), 200);
  g.wait_for_record(2);
  EXPECT_EQ(g.generations().json.at("data").as_array().size(), 2u) << "a replay is not a call";
}

}  // namespace brokle::testing

namespace brokle::testing {

// POST /v1/responses/input_tokens and /v1/responses/compact go to the provider serving the model:
// counting is not a call (nothing recorded); a compaction is, priced from its usage. Providers
// served by translation have neither; bad input never goes upstream.
TEST(gateway_responses, input_token_counts_and_compactions_are_relayed_and_a_compaction_recorded) {
  gateway_env g;
  auto count = call(g.port(), "POST", "/v1/responses/input_tokens",
                    obj{{"model", "fast"}, {"input", "count these words please"}, {"instructions", "be brief"}}, g.key);
  ASSERT_EQ(count.status(), 200) << count.raw.body;
  EXPECT_EQ(count.str("object"), "response.input_tokens");
  EXPECT_GT(count.json.at("input_tokens").as_int64(), 0);
  auto last = last_upstream_request(g);
  EXPECT_EQ(last.at("path").as_string(), "/v1/responses/input_tokens");
  EXPECT_EQ(boost::json::parse(last.at("body").as_string()).at("model").as_string(), "gpt-4o-mini") << "the alias resolved";

  auto compacted = call(g.port(), "POST", "/v1/responses/compact",
                        obj{{"model", "gpt-4o-mini"}, {"input", arr{obj{{"role", "user"}, {"content", "a long conversation"}}}}},
                        g.key);
  ASSERT_EQ(compacted.status(), 200) << compacted.raw.body;
  EXPECT_EQ(compacted.str("object"), "response.compaction");
  EXPECT_EQ(last_upstream_request(g).at("path").as_string(), "/v1/responses/compact");
  auto row = g.wait_for_record();
  EXPECT_EQ(row.at("endpoint").as_string(), "responses.compact");
  EXPECT_EQ(row.at("input_tokens").as_int64(), compacted.json.at("usage").at("input_tokens").as_int64());
  EXPECT_GT(row.at("cost_usd").as_double(), 0) << row;

  // Provider errors keep their status; a compaction that is not one is a 502, recorded.
  auto limited = call(g.port(), "POST", "/v1/responses/compact", obj{{"model", "gpt-4o-mini"}, {"input", "mock-fault:status=429"}}, g.key);
  EXPECT_EQ(limited.status(), 429) << limited.raw.body;
  EXPECT_FALSE(limited.raw.header("Retry-After").empty());
  auto bad_count = call(g.port(), "POST", "/v1/responses/input_tokens", obj{{"model", "gpt-4o-mini"}, {"input", "mock-fault:status=400"}}, g.key);
  EXPECT_EQ(bad_count.status(), 400) << bad_count.raw.body;

  // A Gemini model's count goes to countTokens, the request wrapped as a generateContentRequest.
  auto gemini = call(g.port(), "POST", "/v1/responses/input_tokens",
                     obj{{"model", "gemini-2.0-flash"}, {"instructions", "be brief"}, {"input", "count me in gemini"}}, g.key);
  ASSERT_EQ(gemini.status(), 200) << gemini.raw.body;
  EXPECT_EQ(gemini.str("object"), "response.input_tokens");
  EXPECT_GT(gemini.json.at("input_tokens").as_int64(), 0);
  auto gemini_upstream = last_upstream_request(g);
  EXPECT_EQ(gemini_upstream.at("path").as_string(), "/v1beta/models/gemini-2.0-flash:countTokens");
  auto wrapped = boost::json::parse(gemini_upstream.at("body").as_string()).as_object();
  ASSERT_TRUE(wrapped.contains("generateContentRequest")) << wrapped;
  EXPECT_EQ(wrapped.at("generateContentRequest").at("model").as_string(), "models/gemini-2.0-flash");

  // An Anthropic model's count goes to its count_tokens, translated, and comes back in this shape.
  auto claude = call(g.port(), "POST", "/v1/responses/input_tokens",
                     obj{{"model", "claude-3-5-haiku"}, {"instructions", "be brief"}, {"input", "count me in claude"},
                         {"max_output_tokens", 100}, {"temperature", 0.5}},
                     g.key);
  ASSERT_EQ(claude.status(), 200) << claude.raw.body;
  EXPECT_EQ(claude.str("object"), "response.input_tokens");
  EXPECT_GT(claude.json.at("input_tokens").as_int64(), 0);
  auto counted_upstream = last_upstream_request(g);
  EXPECT_EQ(counted_upstream.at("path").as_string(), "/v1/messages/count_tokens");
  auto sent = boost::json::parse(counted_upstream.at("body").as_string()).as_object();
  EXPECT_FALSE(sent.contains("max_tokens")) << sent;
  EXPECT_FALSE(sent.contains("temperature")) << sent;
  EXPECT_NE(boost::json::serialize(sent).find("be brief"), std::string::npos) << "instructions became the system prompt";

  auto before = g.upstream_requests();
  for (const auto& body : {obj{{"input", "no model"}}, obj{{"model", 7}}, obj{{"model", "gpt-4o-mini"}, {"input", 5}},
                           obj{{"model", "gpt-4o-mini"}, {"instructions", arr{}}}, obj{{"model", "command-r"}, {"input", "x"}}}) {
    for (const char* path : {"/v1/responses/input_tokens", "/v1/responses/compact"}) {
      auto r = call(g.port(), "POST", path, body, g.key);
      EXPECT_EQ(r.status(), 400) << path << " " << boost::json::serialize(body) << " -> " << r.raw.body;
    }
  }
  EXPECT_EQ(call(g.port(), "POST", "/v1/responses/compact", obj{{"model", "claude-3-5-haiku"}, {"input", "x"}}, g.key).status(), 400)
      << "no compaction by translation";
  EXPECT_EQ(call(g.port(), "POST", "/v1/responses/input_tokens", obj{{"model", "claude-3-5-haiku"}, {"input", arr{}}}, g.key).status(),
            400) << "translation refuses an empty input";
  EXPECT_EQ(call(g.port(), "POST", "/v1/responses/compact", obj{{"model", "no-such-model"}}, g.key).status(), 404);
  EXPECT_EQ(call(g.port(), "POST", "/v1/responses/input_tokens", obj{{"model", "gpt-4o-mini"}}, "bk_proj_invalid").status(), 401);
  EXPECT_EQ(g.upstream_requests(), before) << "no upstream call for bad input";

  // Records are written in order: once a last compaction's record is in, every count before it
  // would be too, and none is. Recorded: the two compactions above (one a 429) and this one.
  ASSERT_EQ(call(g.port(), "POST", "/v1/responses/compact", obj{{"model", "gpt-4o-mini"}, {"input", "last"}}, g.key).status(), 200);
  EXPECT_EQ(g.wait_for_record(3).at("endpoint").as_string(), "responses.compact");
  EXPECT_EQ(g.generations().json.at("data").as_array().size(), 3u) << "counts are not calls";
}

}  // namespace brokle::testing
