#include "gateway/providers/openai_responses.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace brokle::gateway {

namespace {

boost::json::object obj(std::string_view text) { return boost::json::parse(text).as_object(); }

}  // namespace

TEST(openai_responses, only_providers_of_the_openai_wire_serve_it) {
  EXPECT_TRUE(serves_responses_api(provider_type::openai));
  EXPECT_TRUE(serves_responses_api(provider_type::openai_compatible));
  EXPECT_TRUE(serves_responses_api(provider_type::azure_openai));
  EXPECT_FALSE(serves_responses_api(provider_type::anthropic));
  EXPECT_FALSE(serves_responses_api(provider_type::gemini));
  EXPECT_FALSE(serves_responses_api(provider_type::cohere));
}

TEST(openai_responses, checks_the_fields_a_relay_depends_on) {
  EXPECT_TRUE(check_responses_request(obj(R"({"model":"m","input":"hi"})")));
  EXPECT_TRUE(check_responses_request(obj(R"({"model":"m","input":[{"role":"user","content":"hi"}],"stream":true})")));
  EXPECT_TRUE(check_responses_request(obj(R"({"model":"m","previous_response_id":"resp_1"})")));
  EXPECT_TRUE(check_responses_request(obj(R"({"model":"m","input":"hi","instructions":null})")));
  struct bad {
    const char* body;
    const char* names;
  };
  for (const bad& b : {bad{R"({"input":"hi"})", "model"}, bad{R"({"model":7,"input":"hi"})", "model"},
                       bad{R"({"model":"m"})", "input"}, bad{R"({"model":"m","input":5})", "input"},
                       bad{R"({"model":"m","input":"hi","stream":"yes"})", "stream"},
                       bad{R"({"model":"m","input":"hi","background":1})", "background"},
                       bad{R"({"model":"m","input":"hi","instructions":[]})", "instructions"},
                       bad{R"({"model":"m","input":"hi","tools":{}})", "tools"}}) {
    auto st = check_responses_request(obj(b.body));
    ASSERT_FALSE(st) << b.body;
    EXPECT_NE(st.err().message.find(b.names), std::string::npos) << st.err().message;
  }
}

TEST(openai_responses, the_request_goes_to_base_responses_with_the_key_and_the_upstream_model) {
  provider_config p;
  p.name = "openai";
  p.type = provider_type::openai;
  p.base_url = "https://api.example.com/v1";
  p.api_key = "sk-up";
  auto req = build_responses_request(p, obj(R"({"model":"alias","input":"hi","store":false})"), "gpt-real");
  EXPECT_EQ(req.url, "https://api.example.com/v1/responses");
  EXPECT_EQ(req.headers.get("Authorization"), "Bearer sk-up");
  EXPECT_EQ(req.headers.get("Accept"), "application/json");
  auto body = obj(req.body);
  EXPECT_EQ(body.at("model").as_string(), "gpt-real");
  EXPECT_EQ(body.at("input").as_string(), "hi");
  EXPECT_FALSE(body.at("store").as_bool());
  // The client's own bytes go up when nothing in them changes; otherwise the body is rewritten.
  const std::string as_sent = R"({ "model" : "gpt-real", "input":"hi",  "store":true })";
  EXPECT_EQ(build_responses_request(p, obj(as_sent), "gpt-real", as_sent).body, as_sent);
  EXPECT_NE(build_responses_request(p, obj(as_sent), "gpt-other", as_sent).body, as_sent);
  const std::string nested = R"({"model": "gpt-real", "input": "hi", "metadata": {"model": "x"}})";
  EXPECT_NE(build_responses_request(p, obj(nested), "gpt-real", nested).body, nested) << "a second model key: rewritten";
  auto streamed = build_responses_request(p, obj(R"({"model":"alias","input":"hi","stream":true})"), "gpt-real");
  EXPECT_EQ(streamed.headers.get("Accept"), "text/event-stream");
  EXPECT_EQ(build_responses_request(p, obj(R"({"model":"a"})"), "gpt-real", {}, "/input_tokens").url,
            "https://api.example.com/v1/responses/input_tokens");
  EXPECT_EQ(build_responses_request(p, obj(R"({"model":"a"})"), "gpt-real", {}, "/compact").url,
            "https://api.example.com/v1/responses/compact");

  // Azure: the v1 surface, the deployment in `model`, api-key instead of a bearer token.
  p.type = provider_type::azure_openai;
  p.base_url = "https://res.openai.azure.com";
  p.api_version = "2024-06-01";
  auto azure = build_responses_request(p, obj(R"({"model":"alias","input":"hi"})"), "my-deployment");
  EXPECT_EQ(azure.url, "https://res.openai.azure.com/openai/v1/responses");
  EXPECT_EQ(azure.headers.get("api-key"), "sk-up");
  EXPECT_EQ(azure.headers.get("Authorization"), "");
  EXPECT_EQ(obj(azure.body).at("model").as_string(), "my-deployment");
  auto cancel = build_stored_response_request(p, net::http_method::post, "resp_1", "/cancel", "");
  EXPECT_EQ(cancel.url, "https://res.openai.azure.com/openai/v1/responses/resp_1/cancel");
  EXPECT_EQ(cancel.headers.get("api-key"), "sk-up");

  p.type = provider_type::openai;
  p.base_url = "https://api.example.com/v1";
  auto items = build_stored_response_request(p, net::http_method::get, "resp_1", "/input_items", "limit=2&order=asc");
  EXPECT_EQ(items.url, "https://api.example.com/v1/responses/resp_1/input_items?limit=2&order=asc");
  EXPECT_EQ(items.method, net::http_method::get);
  EXPECT_EQ(items.headers.get("Authorization"), "Bearer sk-up");
}

TEST(openai_responses, usage_comes_from_the_response_object) {
  auto facts = read_response_body(
      R"({"id":"resp_1","object":"response","usage":{"input_tokens":40,"input_tokens_details":{"cached_tokens":30},)"
      R"("output_tokens":12,"output_tokens_details":{"reasoning_tokens":5},"total_tokens":52}})");
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->id, "resp_1");
  const auto* u = &facts->usage;
  EXPECT_EQ(u->input_tokens, 40);
  EXPECT_EQ(u->cached_input_tokens, 30);
  EXPECT_EQ(u->output_tokens, 12);
  EXPECT_EQ(u->reasoning_tokens, 5);
  EXPECT_FALSE(read_response_body(R"({"object":"chat.completion","usage":{"input_tokens":1}})"));
  EXPECT_FALSE(read_response_body("not json"));
  auto queued = read_response_body(R"({"id":"resp_2","object":"response","status":"queued","usage":null})");
  ASSERT_TRUE(queued) << "a background response has no usage yet";
  EXPECT_EQ(queued->id, "resp_2");
  EXPECT_EQ(queued->usage.input_tokens, 0);
  EXPECT_EQ(queued->status, "queued");
  auto compaction = read_response_body(R"({"id":"c1","object":"response.compaction","usage":{"input_tokens":9,"output_tokens":3}})",
                                       "response.compaction");
  ASSERT_TRUE(compaction) << "a compaction's usage has the response's shape";
  EXPECT_EQ(compaction->usage.input_tokens, 9);
  EXPECT_FALSE(read_response_body(R"({"object":"response.compaction","usage":{}})")) << "not a response";
  EXPECT_FALSE(response_has_ended(queued->status)) << "its usage is not final yet";
  for (std::string_view ended : {"completed", "incomplete", "failed", "cancelled"}) EXPECT_TRUE(response_has_ended(ended));
  EXPECT_FALSE(response_has_ended("in_progress"));
  EXPECT_FALSE(response_has_ended(""));
}

TEST(openai_responses, the_stream_watch_reads_the_terminal_event_and_errors) {
  responses_stream_watch w;
  w.on_event("event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_9\",\"object\":\"response\",\"usage\":null}}");
  EXPECT_EQ(w.response_id(), "resp_9");
  w.on_event("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"hi\"}");
  EXPECT_FALSE(w.finished());
  w.on_event(
      "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"object\":\"response\","
      "\"usage\":{\"input_tokens\":9,\"output_tokens\":4,\"input_tokens_details\":{\"cached_tokens\":2}}}}");
  EXPECT_TRUE(w.finished());
  EXPECT_TRUE(w.error().empty());
  EXPECT_EQ(w.usage().input_tokens, 9);
  EXPECT_EQ(w.usage().output_tokens, 4);
  EXPECT_EQ(w.usage().cached_input_tokens, 2);

  responses_stream_watch no_event_lines;  // the type in the data only
  no_event_lines.on_event("data: {\"type\":\"response.incomplete\",\"response\":{\"object\":\"response\",\"usage\":{\"output_tokens\":3}}}");
  EXPECT_TRUE(no_event_lines.finished());
  EXPECT_EQ(no_event_lines.usage().output_tokens, 3);

  responses_stream_watch failed;
  failed.on_event(
      "event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"object\":\"response\","
      "\"error\":{\"code\":\"server_error\",\"message\":\"The model failed\"}}}");
  EXPECT_TRUE(failed.finished());
  EXPECT_EQ(failed.error(), "server_error: The model failed");

  responses_stream_watch errored;
  errored.on_event("event: error\ndata: {\"type\":\"error\",\"code\":\"rate_limit_exceeded\",\"message\":\"slow down\"}");
  EXPECT_FALSE(errored.finished());
  EXPECT_EQ(errored.error(), "rate_limit_exceeded: slow down");

  responses_stream_watch broken;
  broken.on_event("event: response.completed\ndata: {not json");
  EXPECT_FALSE(broken.finished());
  EXPECT_EQ(broken.malformed(), "malformed response.completed event");
}

TEST(openai_responses, response_ids_are_plain_path_segments) {
  EXPECT_TRUE(is_response_id("resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b"));
  EXPECT_TRUE(is_response_id("resp-mock_7"));
  for (std::string_view bad : {"", "resp/1", "resp 1", "..", "resp%2F1", "resp?x=1"}) EXPECT_FALSE(is_response_id(bad)) << bad;
  EXPECT_FALSE(is_response_id(std::string(129, 'a')));
}

TEST(openai_responses, our_error_event_is_what_the_sdk_reads) {
  auto ev = responses_error_event("upstream_error", "the provider went away");
  ASSERT_EQ(ev.rfind("event: error\ndata: ", 0), 0u);
  auto data = obj(std::string_view(ev).substr(19, ev.size() - 21));
  EXPECT_EQ(data.at("type").as_string(), "error");
  EXPECT_EQ(data.at("code").as_string(), "upstream_error");
  EXPECT_EQ(data.at("message").as_string(), "the provider went away");
}

}  // namespace brokle::gateway
