#include "gateway/providers/openai_embeddings.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/base64.hpp"

namespace brokle::gateway {
namespace {

boost::json::object body(std::string_view text) { return boost::json::parse(text).as_object(); }

TEST(openai_embeddings, reads_texts_dimensions_and_encoding) {
  auto one = read_embedding_request(body(R"({"input":"a"})"), "gemini", 100);
  ASSERT_TRUE(one) << one.err().message;
  EXPECT_EQ(one->texts, std::vector<std::string>{"a"});
  EXPECT_FALSE(one->dimensions);
  EXPECT_FALSE(one->base64);

  auto many = read_embedding_request(body(R"({"input":["a","b"],"dimensions":256,"encoding_format":"base64"})"),
                                     "gemini", 100);
  ASSERT_TRUE(many) << many.err().message;
  EXPECT_EQ(many->texts.size(), 2u);
  EXPECT_EQ(*many->dimensions, 256);
  EXPECT_TRUE(many->base64);
}

TEST(openai_embeddings, refuses_what_a_translated_provider_cannot_embed) {
  for (const char* bad : {R"({"input":[1,2,3]})", R"({"input":[[1,2]]})", R"({"input":[]})", R"({"input":["a",""]})",
                          R"({"input":"a","dimensions":0})", R"({"input":"a","dimensions":"8"})",
                          R"({"input":"a","encoding_format":"int8"})"}) {
    auto r = read_embedding_request(body(bad), "cohere", 96);
    EXPECT_FALSE(r) << bad;
    if (!r) EXPECT_EQ(r.err().code, errc::invalid_argument);
  }
  auto over = read_embedding_request(body(R"({"input":["a","b","c"]})"), "cohere", 2);
  ASSERT_FALSE(over);
  EXPECT_NE(over.err().message.find("at most 2"), std::string::npos) << over.err().message;
  auto tokens = read_embedding_request(body(R"({"input":[1]})"), "cohere", 2);
  EXPECT_NE(tokens.err().message.find("cohere"), std::string::npos) << tokens.err().message;
}

TEST(openai_embeddings, base64_is_little_endian_float32) {
  // 1.0f = 0x3f800000, -2.0f = 0xc0000000
  auto text = embedding_base64({1.0, -2.0});
  auto bytes = base64_decode(text);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, std::string("\x00\x00\x80\x3f\x00\x00\x00\xc0", 8));
}

TEST(openai_embeddings, list_has_the_openai_shape) {
  auto list = openai_embedding_list({{0.5, 0.25}, {1.0, 0.0}}, "m", 7, false);
  EXPECT_EQ(list.at("object").as_string(), "list");
  EXPECT_EQ(list.at("model").as_string(), "m");
  EXPECT_EQ(list.at("usage").at("prompt_tokens").as_int64(), 7);
  EXPECT_EQ(list.at("usage").at("total_tokens").as_int64(), 7);
  const auto& data = list.at("data").as_array();
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[1].at("object").as_string(), "embedding");
  EXPECT_EQ(data[1].at("index").as_int64(), 1);
  EXPECT_DOUBLE_EQ(data[0].at("embedding").as_array()[1].as_double(), 0.25);
  auto b64 = openai_embedding_list({{1.0}}, "m", 0, true);
  EXPECT_EQ(b64.at("data").as_array()[0].at("embedding").as_string(), "AACAPw==");
}

TEST(openai_embeddings, values_must_be_numbers) {
  EXPECT_TRUE(embedding_values(boost::json::parse("[1, 0.5, -3]")));
  EXPECT_FALSE(embedding_values(boost::json::parse("[1, \"x\"]")));
  EXPECT_FALSE(embedding_values(boost::json::parse("{}")));
}

}  // namespace
}  // namespace brokle::gateway
