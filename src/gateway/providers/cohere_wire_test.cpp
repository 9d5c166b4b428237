#include "gateway/providers/cohere_wire.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace brokle::gateway {

TEST(cohere_wire, request_response_stream_and_errors) {
  provider_config p{"co", provider_type::cohere, "https://api.cohere.com", "ck", "", {"command-r"}, {}};
  auto in = boost::json::parse(R"({"top_p":0.3,"stop":"S","max_completion_tokens":9,
    "messages":[{"role":"developer","content":"sys"},{"role":"user","content":[{"type":"text","text":"hi"}]},
    {"role":"assistant","tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{}"}}]},
    {"role":"tool","tool_call_id":"t","content":"ok"}]})")
                .as_object();
  auto req = build_cohere_request(p, in, "command-r");
  ASSERT_TRUE(req) << req.err().message;
  EXPECT_EQ(req->url, "https://api.cohere.com/v2/chat");
  auto b = boost::json::parse(req->body).as_object();
  EXPECT_EQ(b.at("messages").as_array()[0].at("role").as_string(), "system");
  EXPECT_EQ(b.at("messages").as_array()[3].at("tool_call_id").as_string(), "t");
  EXPECT_EQ(b.at("max_tokens").as_int64(), 9);
  EXPECT_DOUBLE_EQ(b.at("p").as_double(), 0.3);
  EXPECT_EQ(b.at("stop_sequences").as_array()[0].as_string(), "S");
  auto image = boost::json::parse(R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]})").as_object();
  EXPECT_FALSE(build_cohere_request(p, image, "m"));

  auto r = boost::json::parse(R"({"id":"c1","finish_reason":"MAX_TOKENS","message":{"role":"assistant",
    "content":[{"type":"text","text":"yo"}]},"usage":{"tokens":{"input_tokens":5,"output_tokens":2}}})")
               .as_object();
  auto t = cohere_to_openai(r, "command-r");
  EXPECT_EQ(t.usage.input_tokens, 5);
  EXPECT_EQ(t.body.at("choices").as_array()[0].at("finish_reason").as_string(), "length");

  cohere_stream_translator tr("command-r", true);
  std::string out;
  for (const char* ev : {R"({"type":"message-start","id":"m"})",
                         R"({"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"ab"}}}})",
                         R"({"type":"message-end","delta":{"finish_reason":"COMPLETE","usage":{"tokens":{"input_tokens":1,"output_tokens":1}}}})"})
    tr.on_event(boost::json::parse(ev).as_object(), out);
  EXPECT_TRUE(tr.finished());
  EXPECT_NE(out.find("\"content\":\"ab\""), std::string::npos);
  EXPECT_NE(out.find("\"total_tokens\":2"), std::string::npos);
  EXPECT_EQ(out.rfind("data: [DONE]\n\n"), out.size() - 14);

  auto e = boost::json::parse(cohere_error_to_openai(R"({"message":"invalid api token"})", 401));
  EXPECT_EQ(e.at("error").at("message").as_string(), "invalid api token");
}

}  // namespace brokle::gateway

namespace brokle::gateway {
namespace {

TEST(cohere_wire, embeddings_go_through_v2_embed) {
  provider_config p{"co", provider_type::cohere, "https://api.cohere.com/v2", "ck", "", {}, {}};
  auto body = boost::json::parse(R"({"input":["doc"],"dimensions":256})").as_object();
  auto request = read_embedding_request(body, "cohere", cohere_max_embed_texts);
  ASSERT_TRUE(request);
  auto req = build_cohere_embed_request(p, *request, body, "embed-v4.0");
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url, "https://api.cohere.com/v2/embed");
  EXPECT_EQ(req->headers.get("Authorization"), "Bearer ck");
  auto b = boost::json::parse(req->body).as_object();
  EXPECT_EQ(b.at("model").as_string(), "embed-v4.0");
  EXPECT_EQ(b.at("texts").as_array()[0].as_string(), "doc");
  EXPECT_EQ(b.at("input_type").as_string(), "search_document");
  EXPECT_EQ(b.at("embedding_types").as_array()[0].as_string(), "float");
  EXPECT_EQ(b.at("output_dimension").as_int64(), 256);

  body["input_type"] = "search_query";
  EXPECT_EQ(boost::json::parse(build_cohere_embed_request(p, *request, body, "m")->body).at("input_type").as_string(),
            "search_query");
  body["input_type"] = 3;
  EXPECT_FALSE(build_cohere_embed_request(p, *request, body, "m"));

  auto good = boost::json::parse(R"({"id":"e","embeddings":{"float":[[0.5,0.5]]},"texts":["doc"],
    "meta":{"billed_units":{"input_tokens":3}},"response_type":"embeddings_by_type"})")
                  .as_object();
  auto t = cohere_embeddings_to_openai(good, *request, "embed-v4.0");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->usage.input_tokens, 3);
  EXPECT_EQ(t->body.at("usage").at("prompt_tokens").as_int64(), 3);
  EXPECT_EQ(t->body.at("data").as_array()[0].at("embedding").as_array().size(), 2u);
  EXPECT_FALSE(cohere_embeddings_to_openai(boost::json::parse(R"({"embeddings":{"int8":[[1]]}})").as_object(), *request, "m"));
  EXPECT_FALSE(cohere_embeddings_to_openai(boost::json::parse(R"({"embeddings":[[0.5]]})").as_object(), *request, "m"));
}

}  // namespace
TEST(cohere_wire, a_json_schema_rides_inside_json_mode) {
  provider_config p{"co", provider_type::cohere, "https://api.cohere.com", "ck", "", {"command-r"}, {}};
  auto req = build_cohere_request(p, boost::json::parse(R"({"response_format":{"type":"json_schema","json_schema":{"name":"v",
      "schema":{"type":"object","required":["v"]}}},"messages":[{"role":"user","content":"q"}]})").as_object(), "command-r");
  ASSERT_TRUE(req);
  auto b = boost::json::parse(req->body).as_object();
  EXPECT_EQ(b.at("response_format").at("type").as_string(), "json_object");
  EXPECT_EQ(b.at("response_format").at("json_schema").at("required").at(0).as_string(), "v");
}

TEST(cohere_wire, tool_choice_is_required_or_none_and_a_named_function_is_required_alone) {
  provider_config p{"co", provider_type::cohere, "https://api.cohere.com", "ck", "", {"command-r"}, {}};
  const char* tools = R"("tools":[{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":"g"}}],
      "messages":[{"role":"user","content":"q"}])";
  auto build = [&](const char* choice) {
    return build_cohere_request(p, boost::json::parse(std::string("{\"tool_choice\":") + choice + "," + tools + "}").as_object(), "command-r");
  };
  auto required = build(R"("required")");
  ASSERT_TRUE(required);
  EXPECT_EQ(boost::json::parse(required->body).at("tool_choice").as_string(), "REQUIRED");
  auto none = build(R"("none")");
  ASSERT_TRUE(none);
  EXPECT_EQ(boost::json::parse(none->body).at("tool_choice").as_string(), "NONE");
  auto autos = build(R"("auto")");
  ASSERT_TRUE(autos);
  EXPECT_FALSE(boost::json::parse(autos->body).as_object().contains("tool_choice"));
  auto named = build(R"({"type":"function","function":{"name":"g"}})");
  ASSERT_TRUE(named);
  auto b = boost::json::parse(named->body).as_object();
  EXPECT_EQ(b.at("tool_choice").as_string(), "REQUIRED");
  ASSERT_EQ(b.at("tools").as_array().size(), 1u);
  EXPECT_EQ(b.at("tools").at(0).at("function").at("name").as_string(), "g");
  EXPECT_FALSE(build(R"({"type":"function","function":{"name":"missing"}})"));
  EXPECT_FALSE(build(R"("sometimes")"));
}

}  // namespace brokle::gateway
