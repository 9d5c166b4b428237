#include "gateway/providers/anthropic_passthrough.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace brokle::gateway {

namespace {
provider_config claude(std::string base = "https://api.anthropic.com") {
  return {"claude", provider_type::anthropic, std::move(base), "sk-ant", "", {"claude-3-5-haiku"}, {}};
}
boost::json::object request() {
  return boost::json::parse(R"({"model":"haiku","max_tokens":10,"thinking":{"type":"enabled","budget_tokens":1024},
    "system":[{"type":"text","text":"s","cache_control":{"type":"ephemeral"}}],
    "messages":[{"role":"user","content":[{"type":"document","source":{"type":"text","media_type":"text/plain","data":"d"}}]}]})")
      .as_object();
}
}  // namespace

TEST(anthropic_passthrough, the_request_goes_as_written_with_only_the_model_replaced) {
  auto req = build_anthropic_passthrough(claude(), request(), "claude-3-5-haiku-20241022",
                                         {"2023-06-01", "pdfs-2024-09-25, prompt-caching-2024-07-31"});
  ASSERT_TRUE(req) << req.err().message;
  EXPECT_EQ(req->url, "https://api.anthropic.com/v1/messages");
  EXPECT_EQ(req->headers.get("x-api-key"), "sk-ant");
  EXPECT_EQ(req->headers.get("anthropic-version"), "2023-06-01");
  EXPECT_EQ(req->headers.get("anthropic-beta"), "pdfs-2024-09-25, prompt-caching-2024-07-31");
  EXPECT_EQ(req->headers.get("Accept"), "application/json");
  auto sent = boost::json::parse(req->body).as_object();
  auto expected = request();
  expected["model"] = "claude-3-5-haiku-20241022";
  EXPECT_EQ(sent, expected);

  // No client headers: the default version, no beta header; a stream asks for events; a base URL
  // ending in /v1 is not doubled.
  auto streamed = request();
  streamed["stream"] = true;
  auto req2 = build_anthropic_passthrough(claude("http://127.0.0.1:9/v1"), streamed, "m", {});
  ASSERT_TRUE(req2);
  EXPECT_EQ(req2->url, "http://127.0.0.1:9/v1/messages");
  EXPECT_EQ(req2->headers.get("anthropic-version"), "2023-06-01");
  EXPECT_EQ(req2->headers.get("anthropic-beta"), "");
  EXPECT_EQ(req2->headers.get("Accept"), "text/event-stream");
}

TEST(anthropic_passthrough, token_counting_goes_to_the_count_tokens_endpoint_as_json) {
  auto streamed = request();
  streamed["stream"] = true;
  auto req = build_anthropic_count_tokens(claude(), streamed, "claude-3-5-haiku-20241022", {"2023-06-01", ""});
  ASSERT_TRUE(req) << req.err().message;
  EXPECT_EQ(req->url, "https://api.anthropic.com/v1/messages/count_tokens");
  EXPECT_EQ(req->headers.get("Accept"), "application/json");
  auto sent = boost::json::parse(req->body).as_object();
  EXPECT_FALSE(sent.contains("stream"));
  EXPECT_EQ(sent.at("model").as_string(), "claude-3-5-haiku-20241022");
  EXPECT_FALSE(build_anthropic_count_tokens(claude(), request(), "m", {"latest", ""}));
}

TEST(anthropic_passthrough, forwarded_headers_must_be_what_the_api_defines) {
  for (std::string_view v : {"latest", "2023-6-01", "2023-06-01x", "20230601000", "2023/06/01"})
    EXPECT_FALSE(build_anthropic_passthrough(claude(), request(), "m", {v, ""})) << v;
  std::string huge(1025, 'a');
  for (std::string_view b : {std::string_view("a;b"), std::string_view("a\r\nx-evil: 1"), std::string_view(huge)})
    EXPECT_FALSE(build_anthropic_passthrough(claude(), request(), "m", {"", b})) << b.substr(0, 20);
}

TEST(anthropic_passthrough, usage_of_a_message_counts_the_whole_prompt) {
  auto u = anthropic_message_usage(
      R"({"type":"message","usage":{"input_tokens":10,"cache_read_input_tokens":20,"cache_creation_input_tokens":30,"output_tokens":7}})");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->input_tokens, 60);
  EXPECT_EQ(u->cached_input_tokens, 20);
  EXPECT_EQ(u->cache_write_input_tokens, 30);
  EXPECT_EQ(u->output_tokens, 7);
  EXPECT_FALSE(anthropic_message_usage(R"({"type":"error","error":{"type":"api_error","message":"x"}})"));
  EXPECT_FALSE(anthropic_message_usage("not json"));
  EXPECT_FALSE(anthropic_message_usage("[1]"));
}

TEST(anthropic_passthrough, anthropic_errors_are_recognised) {
  EXPECT_TRUE(is_anthropic_error(R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"));
  EXPECT_FALSE(is_anthropic_error(R"({"error":{"type":"server_error","message":"x"}})"));  // OpenAI's shape
  EXPECT_FALSE(is_anthropic_error(R"({"type":"error","error":"x"})"));
  EXPECT_FALSE(is_anthropic_error("<html>bad gateway</html>"));
}

TEST(anthropic_passthrough, the_stream_watch_reads_usage_the_end_and_errors) {
  anthropic_stream_watch w;
  w.on_event(
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"type\":\"message\",\"usage\":"
      "{\"input_tokens\":5,\"cache_read_input_tokens\":3,\"cache_creation_input_tokens\":2,\"output_tokens\":1}}}");
  w.on_event("event: ping\ndata: {\"type\":\"ping\"}");
  w.on_event("event: content_block_delta\ndata: {not even json");  // content passes unparsed
  EXPECT_FALSE(w.finished());
  w.on_event("event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":42}}");
  w.on_event("event: message_stop\ndata: {\"type\":\"message_stop\"}");
  EXPECT_TRUE(w.finished());
  EXPECT_TRUE(w.error().empty());
  EXPECT_EQ(w.usage().input_tokens, 10);
  EXPECT_EQ(w.usage().cached_input_tokens, 3);
  EXPECT_EQ(w.usage().cache_write_input_tokens, 2);
  EXPECT_EQ(w.usage().output_tokens, 42);

  anthropic_stream_watch e;
  e.on_event("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
  EXPECT_EQ(e.error(), "overloaded_error: Overloaded");
  EXPECT_FALSE(e.finished());

  anthropic_stream_watch m;
  m.on_event("event: message_delta\ndata: {\"usage\":");
  EXPECT_EQ(m.malformed(), "malformed message_delta event");
  EXPECT_TRUE(m.error().empty());
  EXPECT_TRUE(w.malformed().empty());
}

}  // namespace brokle::gateway
