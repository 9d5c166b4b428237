// Unit tests of the gateway's pure parts: provider config, catalog, prices, OpenAI wire helpers.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "gateway/model_catalog.hpp"
#include "gateway/pricing/price_table.hpp"
#include "gateway/provider_config.hpp"
#include "gateway/providers/openai_shapes.hpp"
#include "gateway/providers/openai_wire.hpp"

namespace brokle::gateway {

TEST(provider_config, parses_the_documented_minimum_form) {
  auto r = parse_provider_configs(R"([[provider]]
name = "mock"
type = "openai"   # openai | azure-openai | anthropic | gemini | cohere | openai-compatible
base_url = "http://127.0.0.1:18181/v1/"
api_key = "sk-test"
models = ["gpt-4o-mini", "text-embedding-3-small"]
aliases = { fast = "gpt-4o-mini" }
)",
                                  "t.toml");
  ASSERT_TRUE(r) << r.err().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].base_url, "http://127.0.0.1:18181/v1");  // trailing slash trimmed
  EXPECT_EQ((*r)[0].models.size(), 2u);
  EXPECT_EQ((*r)[0].aliases.at("fast"), "gpt-4o-mini");
}

TEST(provider_config, rejects_bad_declarations_with_the_provider_named) {
  struct c {
    const char* toml;
    const char* needle;
  };
  for (auto [toml, needle] : std::vector<c>{
           {"[[provider]]\ntype=\"openai\"\nbase_url=\"http://x\"\nmodels=[\"m\"]", "'name' is required"},
           {"[[provider]]\nname=\"a\"\ntype=\"bogus\"\nbase_url=\"http://x\"\nmodels=[\"m\"]", "'type' must be one of"},
           {"[[provider]]\nname=\"a\"\ntype=\"openai\"\nbase_url=\"ftp://x\"\nmodels=[\"m\"]", "base_url"},
           {"[[provider]]\nname=\"a\"\ntype=\"openai\"\nbase_url=\"http://x\"", "at least one model"},
           {"[[provider]]\nname=\"a\"\ntype=\"azure-openai\"\nbase_url=\"https://x\"\nmodels=[\"m\"]", "api_version"},
           {"[[provider]]\nname=\"a\"\ntype=\"openai\"\nbase_url=\"http://x\"\nmodels=[\"m\"]\n[[provider]]\nname=\"a\"\n"
            "type=\"openai\"\nbase_url=\"http://x\"\nmodels=[\"m\"]",
            "declared twice"},
           {"[[provider]\n", "line 1"},
           {"[[provider]]\nname=\"a\"\ntype=\"openai\"\nbase_url=\"http://x\"\nmodels=[\"m\"]\nresponses=\"maybe\"",
            "'responses' must be 'relay' or 'translate'"},
           {"[[provider]]\nname=\"a\"\ntype=\"gemini\"\nbase_url=\"http://x\"\nmodels=[\"m\"]\nresponses=\"relay\"",
            "provider 'a': 'responses' cannot be 'relay' for a gemini provider"},
       }) {
    auto r = parse_provider_configs(toml, "t.toml");
    ASSERT_FALSE(r) << toml;
    EXPECT_NE(r.err().message.find(needle), std::string::npos) << r.err().message;
  }
}

TEST(provider_config, the_responses_setting_defaults_to_what_the_type_serves) {
  auto r = parse_provider_configs(R"([[provider]]
name = "mistral"
type = "openai-compatible"
base_url = "https://api.mistral.ai/v1"
models = ["mistral-small-latest"]
responses = "translate"
[[provider]]
name = "vllm"
type = "openai-compatible"
base_url = "http://127.0.0.1:8000/v1"
models = ["qwen"]
[[provider]]
name = "claude"
type = "anthropic"
base_url = "https://api.anthropic.com"
models = ["claude-sonnet-4"]
)",
                                  "t.toml");
  ASSERT_TRUE(r) << r.err().message;
  EXPECT_TRUE((*r)[0].translate_responses);
  EXPECT_FALSE((*r)[1].translate_responses) << "relayed by default where the API exists";
  EXPECT_TRUE((*r)[2].translate_responses) << "anthropic has no Responses API";
  EXPECT_FALSE(*parse_responses_setting(provider_type::azure_openai, "relay"));
  EXPECT_TRUE(*parse_responses_setting(provider_type::cohere, ""));
  EXPECT_TRUE(*parse_responses_setting(provider_type::openai, "translate"));
  EXPECT_FALSE(parse_responses_setting(provider_type::cohere, "relay"));
  EXPECT_FALSE(parse_responses_setting(provider_type::openai, "RELAY"));
}

TEST(model_catalog, resolves_models_and_aliases_first_provider_wins) {
  provider_config a{"a", provider_type::openai, "http://a", "", "", {"m1", "m2"}, {{"fast", "m1"}}};
  provider_config b{"b", provider_type::openai_compatible, "http://b", "", "", {"m2", "m3"}, {}};
  model_catalog cat({a, b});
  EXPECT_EQ(cat.resolve("m2").provider->name, "a");
  EXPECT_EQ(cat.resolve("m3").provider->name, "b");
  auto fast = cat.resolve("fast");
  EXPECT_EQ(fast.provider->name, "a");
  EXPECT_EQ(fast.upstream_model, "m1");
  EXPECT_EQ(cat.resolve("nope").provider, nullptr);
  EXPECT_EQ(cat.models().size(), 4u);  // m1 m2 fast m3
}

TEST(price_table, costs_cached_and_dated_models) {
  price_table t;
  token_usage u{1'000'000, 1'000'000, 0, 0};
  EXPECT_DOUBLE_EQ(t.cost("gpt-4o-mini", u), 0.15 + 0.60);
  EXPECT_DOUBLE_EQ(t.cost("gpt-4o-mini-2024-07-18", u), 0.15 + 0.60);  // dated snapshot
  EXPECT_DOUBLE_EQ(t.cost("gpt-4o-2024-08-06", u), 2.50 + 10.00);     // not gpt-4o-mini
  token_usage cached{1'000'000, 0, 500'000, 0};
  EXPECT_DOUBLE_EQ(t.cost("gpt-4o-mini", cached), 0.5 * 0.15 + 0.5 * 0.075);
  EXPECT_DOUBLE_EQ(t.cost("unknown-model", u), 0.0);
  t.set("house-model", {1, 2, 0});
  EXPECT_DOUBLE_EQ(t.cost("house-model", u), 3.0);
}

TEST(openai_wire, builds_openai_and_azure_requests_and_asks_for_stream_usage) {
  provider_config p{"p", provider_type::openai, "https://api.example.com/v1", "sk-x", "", {"m"}, {}};
  auto body = boost::json::parse(R"({"model":"fast","messages":[],"stream":true})").as_object();
  auto req = build_openai_request(p, openai_endpoint::chat_completions, body, "m");
  EXPECT_EQ(req.url, "https://api.example.com/v1/chat/completions");
  EXPECT_EQ(req.headers.get("Authorization"), "Bearer sk-x");
  auto sent = boost::json::parse(req.body).as_object();
  EXPECT_EQ(sent.at("model"), "m");
  EXPECT_EQ(sent.at("stream_options").at("include_usage"), true);

  provider_config az{"az", provider_type::azure_openai, "https://r.openai.azure.com", "k", "2024-06-01", {"gpt"}, {}};
  auto areq = build_openai_request(az, openai_endpoint::embeddings,
                                   boost::json::parse(R"({"model":"gpt","input":"x"})").as_object(), "gpt");
  EXPECT_EQ(areq.url, "https://r.openai.azure.com/openai/deployments/gpt/embeddings?api-version=2024-06-01");
  EXPECT_EQ(areq.headers.get("api-key"), "k");
  EXPECT_EQ(areq.headers.get("Authorization"), "");
}

TEST(openai_wire, reads_usage_with_cached_and_reasoning_tokens) {
  auto o = boost::json::parse(R"({"usage":{"prompt_tokens":10,"completion_tokens":5,
    "prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":2}}})")
               .as_object();
  auto u = usage_of(o);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->input_tokens, 10);
  EXPECT_EQ(u->output_tokens, 5);
  EXPECT_EQ(u->cached_input_tokens, 4);
  EXPECT_EQ(u->reasoning_tokens, 2);
  EXPECT_FALSE(usage_of(boost::json::parse(R"({"usage":null})").as_object()));
}

TEST(openai_wire, forwards_the_clients_bytes_only_when_nothing_changes) {
  provider_config p{"p", provider_type::openai, "http://127.0.0.1:1/v1", "sk-x", "", {"m"}, {}};
  std::string raw = R"({ "messages":[{"role":"user","content":"say \"model\": yes"}], "model" : "m"})";
  auto body = boost::json::parse(raw).as_object();
  EXPECT_EQ(build_openai_request(p, openai_endpoint::chat_completions, body, "m", raw).body, raw);
  // An alias is rewritten to the upstream name: the body is serialized again.
  auto renamed = build_openai_request(p, openai_endpoint::chat_completions, body, "other", raw);
  EXPECT_EQ(boost::json::parse(renamed.body).at("model"), "other");
  // A duplicated "model" key could be read differently upstream: never forwarded as is.
  std::string dup = R"({"model":"m","messages":[],"model":"m"})";
  auto d = build_openai_request(p, openai_endpoint::chat_completions, boost::json::parse(dup).as_object(), "m", dup);
  EXPECT_NE(d.body, dup);
  EXPECT_EQ(key_occurrences(d.body, "model"), 1u);
  // Streams gain stream_options.include_usage.
  std::string st = R"({"model":"m","messages":[],"stream":true})";
  auto s = build_openai_request(p, openai_endpoint::chat_completions, boost::json::parse(st).as_object(), "m", st);
  EXPECT_EQ(boost::json::parse(s.body).at("stream_options").at("include_usage"), true);
}

TEST(openai_wire, finds_usage_in_a_body_without_parsing_all_of_it) {
  auto u = usage_in_body(R"({"id":"x","choices":[{"message":{"content":"the \"usage\": {} word"}}],
    "usage" : {"prompt_tokens":7,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":2}}})");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->input_tokens, 7);
  EXPECT_EQ(u->output_tokens, 3);
  EXPECT_EQ(u->cached_input_tokens, 2);
  EXPECT_FALSE(usage_in_body(R"({"id":"x","usage":null})"));
  EXPECT_FALSE(usage_in_body(R"({"id":"x"})"));
  EXPECT_FALSE(usage_in_body(R"({"usage":{"prompt_tokens":1)"));  // truncated
  // A nested "usage" key makes the top-level one ambiguous: the whole body decides.
  auto nested = usage_in_body(R"({"meta":{"usage":{"prompt_tokens":99}},"usage":{"prompt_tokens":5}})");
  ASSERT_TRUE(nested);
  EXPECT_EQ(nested->input_tokens, 5);
  EXPECT_EQ(object_values_of_key(R"({"a":{"usage" :{}}, "usage": 1, "b":"usage"})", "usage").size(), 1u);
}

TEST(sse_splitter, splits_across_reads_and_bounds_events) {
  sse_splitter s(64);
  std::vector<std::string_view> ev;
  EXPECT_TRUE(s.feed("data: {\"a\":1}\n\nda", ev));
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(sse_data(ev[0]), "{\"a\":1}");
  EXPECT_EQ(s.pending(), "da");
  ev.clear();  // views last until the next feed
  EXPECT_TRUE(s.feed("ta: [DONE]\r\n\r\n", ev));
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(sse_data(ev[0]), "[DONE]");
  EXPECT_EQ(s.pending(), "");
  EXPECT_EQ(sse_data("event: x\ndata: a\ndata: b"), "a\nb");
  EXPECT_FALSE(s.feed(std::string(100, 'x'), ev));
}

// Every way of cutting a stream into two reads gives the same events as reading it whole.
TEST(sse_splitter, finds_the_same_events_wherever_the_reads_split_the_stream) {
  const std::string stream =
      "event: a\ndata: 1\n\ndata: two\r\n\r\n\n\ndata: x\r\ndata: y\r\n\r\ndata: \"\\n\\n\"\n\nid: 5\r\n\r\ntail";
  const std::vector<std::string> want = {"event: a\ndata: 1", "data: two", "", "data: x\r\ndata: y",
                                         "data: \"\\n\\n\"", "id: 5"};
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    for (size_t cut2 = cut; cut2 <= stream.size(); cut2 += 3) {
      sse_splitter s;
      std::vector<std::string> got;
      std::vector<std::string_view> ev;
      for (auto part : {std::string_view(stream).substr(0, cut), std::string_view(stream).substr(cut, cut2 - cut),
                        std::string_view(stream).substr(cut2)}) {
        ev.clear();
        ASSERT_TRUE(s.feed(part, ev));
        for (auto e : ev) got.emplace_back(e);
      }
      EXPECT_EQ(got, want) << "cut at " << cut << " and " << cut2;
      EXPECT_EQ(s.pending(), "tail");
    }
  }
  std::string scratch;
  EXPECT_EQ(sse_data("data: x\r\ndata: y", scratch), "x\ny");
  EXPECT_EQ(sse_data("event: e\ndata:z", scratch), "z");
  EXPECT_EQ(sse_data("event: e", scratch), "");
}

TEST(openai_shapes, the_relays_stream_data_is_read_as_end_chunk_error_or_nothing) {
  EXPECT_EQ(read_relay_stream_data("[DONE]").what, relay_stream_data::kind::done);
  auto chunk = read_relay_stream_data(R"({"choices":[{"index":0,"delta":{"content":"a"}}]})");
  ASSERT_EQ(chunk.what, relay_stream_data::kind::chunk);
  ASSERT_NE(first_choice(chunk.chunk()), nullptr);
  EXPECT_EQ(json_string(*json_object_at(*first_choice(chunk.chunk()), "delta"), "content"), "a");
  auto failed = read_relay_stream_data(R"({"error":{"message":"upstream died","type":"api_error"}})");
  ASSERT_EQ(failed.what, relay_stream_data::kind::error);
  EXPECT_EQ(failed.error_message, "upstream died");
  EXPECT_EQ(json_string(*failed.error, "type"), "api_error");
  EXPECT_EQ(read_relay_stream_data(R"({"error":{}})").error_message, "the provider stream failed");
  EXPECT_EQ(read_relay_stream_data("not json").what, relay_stream_data::kind::other);
  EXPECT_EQ(read_relay_stream_data("[1]").what, relay_stream_data::kind::other);
  EXPECT_EQ(first_choice(read_relay_stream_data(R"({"choices":[],"usage":{}})").chunk()), nullptr) << "the usage chunk";
  EXPECT_EQ(json_body_int(R"({"n":4,"s":"x"})", "n"), 4);
  EXPECT_FALSE(json_body_int(R"({"n":4,"s":"x"})", "s"));
  EXPECT_FALSE(json_body_int("[4]", "n"));
}

}  // namespace brokle::gateway

namespace brokle::gateway {

TEST(openai_shapes, chunks_are_whole_json_events_with_the_stream_envelope) {
  chunk_writer w("model \"quoted\"", true);
  w.set_id("chatcmpl-\\1");
  std::string out;
  w.delta(boost::json::object{{"content", "a\n\"b\""}}, "", out, 2, boost::json::object{{"content", boost::json::array{}}});
  w.finish_choice(2, "stop", out, "</end>");
  EXPECT_EQ(out,
            "data: {\"id\":\"chatcmpl-\\\\1\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"model \\\"quoted\\\"\","
            "\"choices\":[{\"index\":2,\"delta\":{\"content\":\"a\\n\\\"b\\\"\"},\"finish_reason\":null,\"logprobs\":{\"content\":[]}}]}\n\n"
            "data: {\"id\":\"chatcmpl-\\\\1\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"model \\\"quoted\\\"\","
            "\"choices\":[{\"index\":2,\"delta\":{},\"finish_reason\":\"stop\",\"stop_reason\":\"</end>\"}]}\n\n");
  // Each event is one JSON object; a new id or start time changes every chunk after it.
  w.set_id("other");
  std::string next;
  w.delta(boost::json::object{{"content", "x"}}, "length", next);
  auto v = boost::json::parse(next.substr(6, next.size() - 8)).as_object();
  EXPECT_EQ(v.at("id").as_string(), "other");
  EXPECT_EQ(v.at("model").as_string(), "model \"quoted\"");
  EXPECT_EQ(v.at("choices").at(0).at("finish_reason").as_string(), "length");
  EXPECT_EQ(v.at("choices").at(0).at("index").as_int64(), 0);
}

// The direct text and role deltas write exactly what delta() writes for the same object, for
// every kind of character: quotes, backslashes, each control character, DEL, UTF-8.
TEST(openai_shapes, text_deltas_are_written_as_delta_writes_them) {
  chunk_writer w("m", false);
  std::string every_byte;
  for (int c = 1; c < 256; ++c) every_byte += static_cast<char>(c);
  for (std::string text : {std::string(), std::string("plain"), std::string("a\n\"b\"\\c\t\r\b\f/"),
                           std::string("\x01\x1f\x7f"), std::string("h\xc3\xa9llo \xe2\x82\xac"), every_byte}) {
    for (std::string_view field : {"content", "reasoning_content"}) {
      std::string direct, built;
      w.text_delta(field, text, direct, 3);
      w.delta(boost::json::object{{field, text}}, "", built, 3);
      EXPECT_EQ(direct, built) << field;
    }
  }
  std::string direct, built;
  w.role_delta(direct, 1);
  w.delta(boost::json::object{{"role", "assistant"}, {"content", ""}}, "", built, 1);
  EXPECT_EQ(direct, built);
}

}  // namespace brokle::gateway
