#include "gateway/providers/gemini_wire.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace brokle::gateway {

namespace {
provider_config google() {
  return {"g", provider_type::gemini, "https://generativelanguage.googleapis.com", "gk", "", {"gemini-2.0-flash"}, {}};
}
}  // namespace

TEST(gemini_wire, maps_roles_images_tools_and_generation_config) {
  auto in = boost::json::parse(R"({
    "temperature":0.5,"top_p":0.9,"max_tokens":64,"stop":"X","response_format":{"type":"json_object"},
    "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}],
    "messages":[
      {"role":"system","content":"sys"},
      {"role":"user","content":[{"type":"text","text":"look"},{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,QUJD"}}]},
      {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"lookup","arguments":"{}"}}]},
      {"role":"tool","tool_call_id":"c1","content":"found"}]})")
                .as_object();
  auto req = build_gemini_request(google(), in, "gemini-2.0-flash", true);
  ASSERT_TRUE(req) << req.err().message;
  EXPECT_EQ(req->url,
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
  EXPECT_EQ(req->headers.get("x-goog-api-key"), "gk");
  auto b = boost::json::parse(req->body).as_object();
  EXPECT_EQ(b.at("systemInstruction").at("parts").as_array()[0].at("text").as_string(), "sys");
  const auto& contents = b.at("contents").as_array();
  ASSERT_EQ(contents.size(), 3u);
  EXPECT_EQ(contents[0].at("parts").as_array()[1].at("inline_data").at("mime_type").as_string(), "image/jpeg");
  EXPECT_EQ(contents[1].at("role").as_string(), "model");
  EXPECT_EQ(contents[2].at("parts").as_array()[0].at("functionResponse").at("name").as_string(), "lookup");
  const auto& gen = b.at("generationConfig").as_object();
  EXPECT_EQ(gen.at("maxOutputTokens").as_int64(), 64);
  EXPECT_EQ(gen.at("responseMimeType").as_string(), "application/json");
  EXPECT_EQ(b.at("tools").as_array()[0].at("functionDeclarations").as_array()[0].at("name").as_string(), "lookup");
}

TEST(gemini_wire, refuses_unknown_tool_results_and_remote_images) {
  auto orphan = boost::json::parse(R"({"messages":[{"role":"user","content":"x"},{"role":"tool","tool_call_id":"nope","content":"y"}]})")
                    .as_object();
  EXPECT_FALSE(build_gemini_request(google(), orphan, "m", false));
  auto remote = boost::json::parse(
      R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}]})")
                    .as_object();
  EXPECT_FALSE(build_gemini_request(google(), remote, "m", false));
}

TEST(gemini_wire, response_stream_and_errors_translate) {
  auto r = boost::json::parse(R"({"candidates":[{"content":{"role":"model","parts":[{"text":"ok"},
    {"functionCall":{"name":"f","args":{"a":1}}}]},"finishReason":"STOP"}],
    "usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":3,"thoughtsTokenCount":2,"cachedContentTokenCount":1}})")
               .as_object();
  auto t = gemini_to_openai(r, "gemini");
  EXPECT_EQ(t.usage.input_tokens, 4);
  EXPECT_EQ(t.usage.output_tokens, 5);
  EXPECT_EQ(t.usage.reasoning_tokens, 2);
  EXPECT_EQ(t.usage.cached_input_tokens, 1);
  EXPECT_EQ(t.body.at("choices").as_array()[0].at("finish_reason").as_string(), "tool_calls");

  gemini_stream_translator tr("gemini", false);
  std::string out;
  tr.on_chunk(boost::json::parse(R"({"candidates":[{"content":{"parts":[{"text":"He"}]}}]})").as_object(), out);
  tr.on_chunk(boost::json::parse(R"({"candidates":[{"content":{"parts":[{"text":"y"}]},"finishReason":"MAX_TOKENS"}]})").as_object(), out);
  tr.finish(out);
  EXPECT_NE(out.find("\"content\":\"He\""), std::string::npos);
  EXPECT_NE(out.find("\"finish_reason\":\"length\""), std::string::npos);
  EXPECT_EQ(out.find("\"usage\""), std::string::npos);
  EXPECT_EQ(out.rfind("data: [DONE]\n\n"), out.size() - 14);

  auto e = boost::json::parse(gemini_error_to_openai(R"({"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED"}})", 429));
  EXPECT_EQ(e.at("error").at("message").as_string(), "quota");
  EXPECT_EQ(e.at("error").at("type").as_string(), "RESOURCE_EXHAUSTED");
}

}  // namespace brokle::gateway

namespace brokle::gateway {
namespace {

TEST(gemini_wire, embeddings_go_through_batch_embed_contents) {
  provider_config p{"g", provider_type::gemini, "https://generativelanguage.googleapis.com/v1beta", "gk", "", {}, {}};
  auto request = read_embedding_request(boost::json::parse(R"({"input":["one","two"],"dimensions":3})").as_object(),
                                        "gemini", gemini_max_embed_texts);
  ASSERT_TRUE(request);
  auto req = build_gemini_embed_request(p, *request, "gemini-embedding-001");
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url, "https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents");
  EXPECT_EQ(req->headers.get("x-goog-api-key"), "gk");
  auto b = boost::json::parse(req->body).as_object();
  const auto& reqs = b.at("requests").as_array();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].at("model").as_string(), "models/gemini-embedding-001");
  EXPECT_EQ(reqs[1].at("content").at("parts").as_array()[0].at("text").as_string(), "two");
  EXPECT_EQ(reqs[0].at("outputDimensionality").as_int64(), 3);

  auto good = boost::json::parse(R"({"embeddings":[{"values":[0.1,0.2,0.3]},{"values":[0.4,0.5,0.6]}]})").as_object();
  auto t = gemini_embeddings_to_openai(good, *request, "my-embed");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->body.at("model").as_string(), "my-embed");
  EXPECT_DOUBLE_EQ(t->body.at("data").as_array()[1].at("embedding").as_array()[2].as_double(), 0.6);
  EXPECT_EQ(t->usage.input_tokens, 0);  // batchEmbedContents reports no tokens
  auto counted = boost::json::parse(R"({"embeddings":[{"values":[1]},{"values":[2]}],"usageMetadata":{"promptTokenCount":4}})")
                     .as_object();
  EXPECT_EQ(gemini_embeddings_to_openai(counted, *request, "m")->usage.input_tokens, 4);

  auto short_list = boost::json::parse(R"({"embeddings":[{"values":[0.1]}]})").as_object();
  EXPECT_FALSE(gemini_embeddings_to_openai(short_list, *request, "m"));
  auto not_numbers = boost::json::parse(R"({"embeddings":[{"values":["a"]},{"values":[1]}]})").as_object();
  EXPECT_FALSE(gemini_embeddings_to_openai(not_numbers, *request, "m"));
}

}  // namespace
TEST(gemini_wire, a_count_request_wraps_the_generate_request) {
  auto in = boost::json::parse(R"({"model":"g","max_tokens":50,
      "messages":[{"role":"system","content":"rules"},{"role":"user","content":"count me"}]})").as_object();
  auto req = build_gemini_count_request(google(), in, "gemini-2.0-flash");
  ASSERT_TRUE(req) << req.err().message;
  EXPECT_EQ(req->url, "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:countTokens");
  EXPECT_EQ(req->headers.get("x-goog-api-key"), "gk");
  auto body = boost::json::parse(req->body).as_object();
  const auto& generate = body.at("generateContentRequest").as_object();
  EXPECT_EQ(generate.at("model").as_string(), "models/gemini-2.0-flash");
  EXPECT_TRUE(generate.contains("contents"));
  EXPECT_TRUE(generate.contains("systemInstruction")) << "the system instruction counts too";
  EXPECT_EQ(gemini_token_count(R"({"totalTokens":31})"), 31);
  EXPECT_FALSE(gemini_token_count(R"({"total":31})"));
}

TEST(gemini_wire, call_ids_are_kept_and_named_in_the_function_response) {
  auto t = gemini_to_openai(boost::json::parse(R"({"candidates":[{"content":{"parts":[{"functionCall":{"id":"fc-7","name":"f","args":{}}}]}}]})").as_object(), "g");
  EXPECT_EQ(t.body.at("choices").at(0).at("message").at("tool_calls").at(0).at("id").as_string(), "fc-7");
  auto history = boost::json::parse(R"({"messages":[{"role":"user","content":"q"},
    {"role":"assistant","content":null,"tool_calls":[
      {"id":"fc-7","type":"function","function":{"name":"f","arguments":"{}"}},
      {"id":"call_1","type":"function","function":{"name":"g","arguments":"{}"}}]},
    {"role":"tool","tool_call_id":"fc-7","content":"1"},{"role":"tool","tool_call_id":"call_1","content":"2"}]})").as_object();
  auto req = build_gemini_request(google(), history, "gemini-2.5-flash", false);
  ASSERT_TRUE(req) << req.err().message;
  auto b = boost::json::parse(req->body).as_object();
  const auto& calls = b.at("contents").at(1).at("parts").as_array();
  EXPECT_EQ(calls[0].at("functionCall").at("id").as_string(), "fc-7");
  EXPECT_FALSE(calls[1].at("functionCall").as_object().contains("id"));  // ours, made up for an id-less call
  const auto& responses = b.at("contents").at(2).at("parts").as_array();
  EXPECT_EQ(responses[0].at("functionResponse").at("id").as_string(), "fc-7");
  EXPECT_FALSE(responses[1].at("functionResponse").as_object().contains("id"));
}

TEST(gemini_wire, a_json_schema_goes_as_the_response_json_schema) {
  auto req = build_gemini_request(google(), boost::json::parse(R"({"response_format":{"type":"json_schema","json_schema":{"name":"v",
      "schema":{"type":"object","properties":{"v":{"type":"string"}}}}},"messages":[{"role":"user","content":"q"}]})").as_object(),
                                  "gemini-2.0-flash", false);
  ASSERT_TRUE(req);
  auto b = boost::json::parse(req->body).as_object();
  EXPECT_EQ(b.at("generationConfig").at("responseMimeType").as_string(), "application/json");
  EXPECT_EQ(b.at("generationConfig").at("responseJsonSchema").at("properties").at("v").at("type").as_string(), "string");
}

TEST(gemini_wire, strict_json_schemas_go_as_parameters_json_schema_and_tool_choice_as_function_calling_config) {
  auto build = [](const char* text) {
    auto r = build_gemini_request(google(), boost::json::parse(text).as_object(), "gemini-2.0-flash", false);
    EXPECT_TRUE(r) << text;
    return r ? boost::json::parse(r->body).as_object() : boost::json::object{};
  };
  auto simple = build(R"({"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object",
      "properties":{"city":{"type":"string","enum":["a","b"]},"n":{"type":"array","items":{"type":"integer"}}},"required":["city"]}}}],
      "messages":[{"role":"user","content":"q"}]})");
  const auto& d1 = simple.at("tools").at(0).at("functionDeclarations").at(0).as_object();
  EXPECT_TRUE(d1.contains("parameters"));
  EXPECT_FALSE(d1.contains("parametersJsonSchema"));
  EXPECT_FALSE(simple.contains("toolConfig"));
  for (const char* strict : {
           R"({"type":"object","properties":{"city":{"type":"string"}},"additionalProperties":false})",
           R"({"type":"object","properties":{"x":{"type":["string","null"]}}})",
           R"({"type":"object","properties":{"x":{"$ref":"#/$defs/X"}},"$defs":{"X":{"type":"string"}}})",
           R"({"type":"object","properties":{"x":{"enum":[1,2]}}})"}) {
    std::string text = std::string(R"({"tools":[{"type":"function","function":{"name":"f","parameters":)") + strict +
                       R"(}}],"messages":[{"role":"user","content":"q"}]})";
    auto b = build(text.c_str());
    const auto& d = b.at("tools").at(0).at("functionDeclarations").at(0).as_object();
    EXPECT_TRUE(d.contains("parametersJsonSchema")) << strict;
    EXPECT_FALSE(d.contains("parameters")) << strict;
  }
  const char* tools = R"("tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"q"}])";
  auto mode = [&](const char* choice) {
    auto b = build((std::string("{\"tool_choice\":") + choice + "," + tools + "}").c_str());
    return b.at("toolConfig").at("functionCallingConfig").as_object();
  };
  EXPECT_EQ(mode(R"("required")").at("mode").as_string(), "ANY");
  EXPECT_EQ(mode(R"("none")").at("mode").as_string(), "NONE");
  EXPECT_EQ(mode(R"("auto")").at("mode").as_string(), "AUTO");
  auto named = mode(R"({"type":"function","function":{"name":"f"}})");
  EXPECT_EQ(named.at("mode").as_string(), "ANY");
  EXPECT_EQ(named.at("allowedFunctionNames").at(0).as_string(), "f");
  EXPECT_FALSE(build_gemini_request(google(), boost::json::parse((std::string(R"({"tool_choice":"sometimes",)") + tools + "}").c_str()).as_object(),
                                    "gemini-2.0-flash", false));
}

TEST(gemini_wire, files_and_audio_go_as_inline_data) {
  auto req = build_gemini_request(google(), boost::json::parse(R"({"messages":[{"role":"user","content":[
      {"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0x"}},
      {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}}]}]})").as_object(),
                                  "gemini-2.0-flash", false);
  ASSERT_TRUE(req) << req.err().message;
  auto b = boost::json::parse(req->body).as_object();
  const auto& parts = b.at("contents").at(0).at("parts").as_array();
  EXPECT_EQ(parts[0].at("inline_data").at("mime_type").as_string(), "application/pdf");
  EXPECT_EQ(parts[1].at("inline_data").at("mime_type").as_string(), "audio/wav");
  EXPECT_EQ(parts[1].at("inline_data").at("data").as_string(), "UklGRg==");
  EXPECT_FALSE(build_gemini_request(google(), boost::json::parse(R"({"messages":[{"role":"user","content":[
      {"type":"input_audio","input_audio":{"data":"x","format":"flac"}}]}]})").as_object(), "gemini-2.0-flash", false));
}

}  // namespace brokle::gateway

namespace brokle::gateway {

TEST(gemini_wire, n_is_the_candidate_count_and_logprobs_are_asked_for) {
  auto req = build_gemini_request(google(), boost::json::parse(R"({"n":3,"logprobs":true,"top_logprobs":2,
      "messages":[{"role":"user","content":"q"}]})").as_object(), "gemini-2.0-flash", false);
  ASSERT_TRUE(req) << req.err().message;
  const auto gen = boost::json::parse(req->body).at("generationConfig").as_object();
  EXPECT_EQ(gen.at("candidateCount").as_int64(), 3);
  EXPECT_TRUE(gen.at("responseLogprobs").as_bool());
  EXPECT_EQ(gen.at("logprobs").as_int64(), 2);
  // One choice and no log probabilities leave the config as it was.
  auto plain = build_gemini_request(google(), boost::json::parse(R"({"n":1,"logprobs":false,
      "messages":[{"role":"user","content":"q"}]})").as_object(), "gemini-2.0-flash", false);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(boost::json::parse(plain->body).as_object().contains("generationConfig"));
  EXPECT_FALSE(build_gemini_request(google(), boost::json::parse(R"({"n":9,"messages":[{"role":"user","content":"q"}]})").as_object(),
                                    "gemini-2.0-flash", false));
}

TEST(gemini_wire, every_candidate_is_a_choice_with_its_log_probabilities) {
  auto r = boost::json::parse(R"({"candidates":[
      {"index":1,"content":{"parts":[{"text":"B"}]},"finishReason":"MAX_TOKENS"},
      {"index":0,"content":{"parts":[{"text":"Hé"}]},"finishReason":"STOP",
       "logprobsResult":{"chosenCandidates":[{"token":"Hé","tokenId":7,"logProbability":-0.25}],
                         "topCandidates":[{"candidates":[{"token":"Hé","logProbability":-0.25},{"token":"Ho","logProbability":-2}]}]}}],
      "usageMetadata":{"promptTokenCount":2,"candidatesTokenCount":2}})").as_object();
  auto t = gemini_to_openai(r, "gemini");
  const auto& choices = t.body.at("choices").as_array();
  ASSERT_EQ(choices.size(), 2u);
  EXPECT_EQ(choices[0].at("index").as_int64(), 0);
  EXPECT_EQ(choices[0].at("message").at("content").as_string(), "Hé");
  EXPECT_EQ(choices[0].at("finish_reason").as_string(), "stop");
  EXPECT_EQ(choices[1].at("index").as_int64(), 1);
  EXPECT_EQ(choices[1].at("finish_reason").as_string(), "length");
  EXPECT_FALSE(choices[1].as_object().contains("logprobs"));
  const auto& token = choices[0].at("logprobs").at("content").as_array().at(0).as_object();
  EXPECT_EQ(token.at("token").as_string(), "Hé");
  EXPECT_DOUBLE_EQ(token.at("logprob").as_double(), -0.25);
  EXPECT_EQ(boost::json::serialize(token.at("bytes")), "[72,195,169]");
  ASSERT_EQ(token.at("top_logprobs").as_array().size(), 2u);
  EXPECT_EQ(token.at("top_logprobs").as_array()[1].at("token").as_string(), "Ho");
  EXPECT_DOUBLE_EQ(token.at("top_logprobs").as_array()[1].at("logprob").to_number<double>(), -2);
  EXPECT_TRUE(choices[0].at("logprobs").at("refusal").is_null());

  // A blocked prompt has no candidates: one empty choice, filtered.
  auto blocked = gemini_to_openai(boost::json::parse(R"({"promptFeedback":{"blockReason":"SAFETY"}})").as_object(), "gemini");
  EXPECT_EQ(blocked.body.at("choices").as_array().at(0).at("finish_reason").as_string(), "content_filter");
}

TEST(gemini_wire, streamed_candidates_are_choices_side_by_side) {
  gemini_stream_translator tr("gemini", true);
  std::string out;
  tr.on_chunk(boost::json::parse(R"({"candidates":[{"index":0,"content":{"parts":[{"text":"A"}]},
      "logprobsResult":{"chosenCandidates":[{"token":"A","logProbability":-0.5}],"topCandidates":[]}},
      {"index":1,"content":{"parts":[{"text":"B"}]}}]})").as_object(), out);
  tr.on_chunk(boost::json::parse(R"({"candidates":[{"index":1,"content":{"parts":[{"functionCall":{"name":"f","args":{}}}]},"finishReason":"STOP"},
      {"index":0,"content":{"parts":[{"text":"!"}]},"finishReason":"STOP"},
      {"index":99,"content":{"parts":[{"text":"never asked for"}]}}],
      "usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":4}})").as_object(), out);
  tr.finish(out);
  std::vector<boost::json::object> chunks;
  for (size_t at = out.find("data: {"); at != std::string::npos; at = out.find("data: {", at + 1))
    chunks.push_back(boost::json::parse(out.substr(at + 6, out.find("\n\n", at) - at - 6)).as_object());
  std::map<int64_t, std::string> text, finish;
  std::map<int64_t, int> roles, calls;
  bool logprobs = false;
  for (const auto& c : chunks) {
    if (c.at("choices").as_array().empty()) continue;  // the usage chunk
    const auto& choice = c.at("choices").as_array()[0].as_object();
    int64_t i = choice.at("index").as_int64();
    const auto& d = choice.at("delta").as_object();
    if (d.contains("role")) ++roles[i];
    if (d.contains("content")) text[i] += std::string(d.at("content").as_string());
    if (d.contains("tool_calls")) ++calls[i];
    if (!choice.at("finish_reason").is_null()) finish[i] = std::string(choice.at("finish_reason").as_string());
    if (choice.contains("logprobs")) {
      logprobs = true;
      EXPECT_EQ(i, 0);
      EXPECT_EQ(choice.at("logprobs").at("content").as_array()[0].at("token").as_string(), "A");
    }
  }
  EXPECT_TRUE(logprobs);
  EXPECT_EQ(roles, (std::map<int64_t, int>{{0, 1}, {1, 1}}));
  EXPECT_EQ(text[0], "A!");
  EXPECT_EQ(text[1], "B");
  EXPECT_EQ(calls[1], 1);
  EXPECT_EQ(finish, (std::map<int64_t, std::string>{{0, "stop"}, {1, "tool_calls"}}));
  EXPECT_EQ(out.find("never asked for"), std::string::npos);
  EXPECT_EQ(tr.usage().output_tokens, 4);
  EXPECT_NE(out.find("\"usage\":{"), std::string::npos);
  EXPECT_EQ(out.rfind("data: [DONE]\n\n"), out.size() - 14);
}

}  // namespace brokle::gateway

namespace brokle::gateway {

TEST(gemini_wire, a_grounded_streams_sources_arrive_as_annotations_with_its_last_chunk) {
  const char* first = R"({"candidates":[{"index":0,"content":{"parts":[{"text":"Né "}]}}]})";
  const char* last = R"({"candidates":[{"index":0,"content":{"parts":[{"text":"here"}]},"finishReason":"STOP",
      "groundingMetadata":{"webSearchQueries":["q"],"groundingChunks":[{"web":{"uri":"https://a.example","title":"A"}}],
      "groundingSupports":[{"segment":{"startIndex":4,"endIndex":8,"text":"here"},"groundingChunkIndices":[0]}]}}]})";
  for (bool grounded : {true, false}) {
    gemini_stream_translator tr("gemini", false, grounded);
    std::string out;
    tr.on_chunk(boost::json::parse(first).as_object(), out);
    tr.on_chunk(boost::json::parse(last).as_object(), out);
    tr.finish(out);
    EXPECT_EQ(tr.usage().web_searches, 1) << "the search is billed either way";
    auto at = out.find("\"annotations\"");
    if (!grounded) {
      EXPECT_EQ(at, std::string::npos) << "a stream that asked for no search keeps no text to place sources";
      continue;
    }
    ASSERT_NE(at, std::string::npos) << out;
    EXPECT_NE(out.find(R"("annotations":[{"type":"url_citation","url_citation":{"start_index":3,"end_index":7,"url":"https://a.example","title":"A"}}])"),
              std::string::npos)
        << out;
  }
}

}  // namespace brokle::gateway
