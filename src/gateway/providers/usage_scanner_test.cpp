#include "gateway/providers/usage_scanner.hpp"

#include "gateway/providers/openai_wire.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace brokle::gateway {

namespace {

// What the parser-based reader makes of a usage object's text.
std::optional<token_usage> parsed(std::string_view usage_text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(usage_text, ec);
  if (ec) return std::nullopt;
  boost::json::object holder;
  holder["usage"] = std::move(v);
  return usage_of(holder);
}

void expect_same(const token_usage& a, const token_usage& b, const std::string& text) {
  EXPECT_EQ(a.input_tokens, b.input_tokens) << text;
  EXPECT_EQ(a.output_tokens, b.output_tokens) << text;
  EXPECT_EQ(a.cached_input_tokens, b.cached_input_tokens) << text;
  EXPECT_EQ(a.cache_write_input_tokens, b.cache_write_input_tokens) << text;
  EXPECT_EQ(a.reasoning_tokens, b.reasoning_tokens) << text;
}

}  // namespace

TEST(usage_scanner, reads_openais_usage_object) {
  std::string text =
      R"({"prompt_tokens": 19, "completion_tokens":10,"total_tokens":29,
          "prompt_tokens_details":{"cached_tokens":3,"audio_tokens":0},
          "completion_tokens_details":{"reasoning_tokens":4,"accepted_prediction_tokens":0,
          "rejected_prediction_tokens":0}} trailing)";
  size_t end = 0;
  auto u = scan_usage_object(text, &end);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->input_tokens, 19);
  EXPECT_EQ(u->output_tokens, 10);
  EXPECT_EQ(u->cached_input_tokens, 3);
  EXPECT_EQ(u->reasoning_tokens, 4);
  EXPECT_EQ(text.substr(end), " trailing");
  auto empty = scan_usage_object("{}");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->input_tokens, 0);
  auto written = scan_usage_object(R"({"prompt_tokens":5,"cache_creation_input_tokens":2})");
  ASSERT_TRUE(written);
  EXPECT_EQ(written->cache_write_input_tokens, 2);
}

TEST(usage_scanner, reads_odd_members_as_the_parsed_object_does) {
  for (std::string text : {
           R"({"prompt_tokens":"7","completion_tokens":null})",                 // not numbers: 0
           R"({"prompt_tokens":7.9,"completion_tokens":-2,"total_tokens":1e3})", // fractions cut
           R"({"prompt_tokens":1,"prompt_tokens":2})",                           // the last one
           R"({"prompt_tokens":1e2,"completion_tokens":2E1})",
           R"({"prompt_tokens":18446744073709551615})",                          // above int64
           R"({"prompt_tokens_details":null,"completion_tokens_details":[1,{"reasoning_tokens":9}]})",
           R"({"prompt_tokens_details":{"cached_tokens":{"x":1}},"x":{"a":[{"b":"}\"]"}]}})",
           R"({"meta":{"prompt_tokens":99},"prompt_tokens":3,"s":"\u00e9\\\"","t":true,"f":false})",
           " \n{ \"prompt_tokens\" :\t4 ,\r\n\"completion_tokens\" : 5 } ",
       }) {
    auto fast = scan_usage_object(text);
    auto slow = parsed(text);
    ASSERT_TRUE(slow) << text;
    ASSERT_TRUE(fast) << text;
    expect_same(*fast, *slow, text);
  }
}

TEST(usage_scanner, leaves_what_it_cannot_read_to_the_parser) {
  for (std::string_view text : {
           "", "{", "[]", R"({"prompt_tokens":1)", R"({"prompt_tokens":1,})", R"({"prompt_tokens" 1})",
           R"({"prompt_tokens":1 "completion_tokens":2})", R"({"a":tru})", R"({"a":"x)", R"({"a":[1,2})",
           R"({"a":{"b":1]}})", R"({"prompt_tokens":12abc})", R"({"prompt_tokens":1-2})",
           R"({"prompt\u005ftokens":1})",  // an escaped key: the parser decodes it
           "{\"a\":\"line\nbreak\"}",      // a raw control character in a string
       }) {
    EXPECT_FALSE(scan_usage_object(text)) << text;
  }
  // Nesting past the bound is left to the parser too.
  std::string deep = R"({"a":)" + std::string(40, '[') + std::string(40, ']') + "}";
  EXPECT_FALSE(scan_usage_object(deep));
  std::string shallow = R"({"a":)" + std::string(20, '[') + std::string(20, ']') + "}";
  EXPECT_TRUE(scan_usage_object(shallow));
  // ... and usage_in_body still gets the right answer from it.
  auto u = usage_in_body(R"({"id":"x","usage":{"prompt\u005ftokens":6}})");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->input_tokens, 6);
}

// Random usage objects: the scanner and the parser agree on every one.
TEST(usage_scanner, agrees_with_the_parser_on_random_objects) {
  std::mt19937 rng(20261208);
  const std::vector<std::string> keys = {"prompt_tokens", "completion_tokens", "total_tokens",
                                         "cache_creation_input_tokens", "prompt_tokens_details",
                                         "completion_tokens_details", "cached_tokens", "reasoning_tokens", "x"};
  std::function<boost::json::value(int)> value = [&](int depth) -> boost::json::value {
    switch (rng() % (depth > 3 ? 5 : 7)) {
      case 0: return static_cast<int64_t>(rng() % 100000) - 50;
      case 1: return static_cast<double>(rng() % 1000) / 8.0;
      case 2: return boost::json::string("s\"}{" + std::to_string(rng() % 10));
      case 3: return rng() % 2 == 0;
      case 4: return nullptr;
      case 5: {
        boost::json::array a;
        for (unsigned i = rng() % 3; i > 0; --i) a.push_back(value(depth + 1));
        return a;
      }
      default: {
        boost::json::object o;
        for (unsigned i = rng() % 5; i > 0; --i) o[keys[rng() % keys.size()]] = value(depth + 1);
        return o;
      }
    }
  };
  for (int i = 0; i < 2000; ++i) {
    boost::json::object o;
    for (unsigned k = rng() % 7; k > 0; --k) o[keys[rng() % keys.size()]] = value(1);
    std::string text = boost::json::serialize(o);
    auto fast = scan_usage_object(text);
    ASSERT_TRUE(fast) << text;
    expect_same(*fast, *parsed(text), text);
  }
}

TEST(usage_scanner, reads_a_streams_usage_chunk) {
  auto last = read_usage_chunk(
      R"({"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":8,"completion_tokens":2}})");
  ASSERT_TRUE(last);
  ASSERT_TRUE(last->usage);
  EXPECT_EQ(last->usage->input_tokens, 8);
  EXPECT_TRUE(last->has_usage);
  EXPECT_TRUE(last->usage_only);
  // A content chunk that also carries usage is not the usage-only one.
  auto content = read_usage_chunk(
      R"({"choices":[ {"delta":{"content":"hi"}}],"usage":{"prompt_tokens":8,"completion_tokens":2}})");
  ASSERT_TRUE(content);
  EXPECT_FALSE(content->usage_only);
  EXPECT_EQ(content->usage->output_tokens, 2);
  // A null usage: present, no numbers.
  auto null_usage = read_usage_chunk(R"({"choices":[],"usage":null})");
  ASSERT_TRUE(null_usage);
  EXPECT_FALSE(null_usage->usage);
  EXPECT_TRUE(null_usage->has_usage);
  EXPECT_TRUE(null_usage->usage_only);
  // Ambiguous keys: the whole chunk is parsed and its top level decides.
  auto nested = read_usage_chunk(
      R"({"x":{"usage":{"prompt_tokens":99},"choices":[]},"choices":[{"delta":{}}],"usage":{"prompt_tokens":4}})");
  ASSERT_TRUE(nested);
  EXPECT_EQ(nested->usage->input_tokens, 4);
  EXPECT_FALSE(nested->usage_only);
  // A malformed usage object sends the chunk to the parser, which refuses it.
  EXPECT_FALSE(read_usage_chunk(R"({"usage":{"prompt_tokens":1,},"choices":[]})"));
  EXPECT_FALSE(read_usage_chunk("[1]"));
}

}  // namespace brokle::gateway
