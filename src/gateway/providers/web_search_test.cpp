#include "gateway/providers/web_search.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace brokle::gateway {

namespace {
boost::json::object parse(std::string_view text) { return boost::json::parse(text).as_object(); }
}  // namespace

TEST(web_search, options_are_read_with_openais_rules) {
  EXPECT_FALSE(*read_web_search_options(parse(R"({})")));
  EXPECT_FALSE(*read_web_search_options(parse(R"({"web_search_options":null})")));
  auto empty = read_web_search_options(parse(R"({"web_search_options":{}})"));
  ASSERT_TRUE(empty && *empty);
  EXPECT_TRUE((*empty)->approximate_location.empty());
  auto located = read_web_search_options(parse(R"({"web_search_options":{"search_context_size":"high",
      "user_location":{"type":"approximate","approximate":{"city":"Lyon","country":"FR","region":null}}}})"));
  ASSERT_TRUE(located && *located);
  EXPECT_EQ(boost::json::serialize((*located)->approximate_location), R"({"city":"Lyon","country":"FR"})");
  auto tool = anthropic_web_search_tool(**located);
  EXPECT_EQ(boost::json::serialize(tool),
            R"({"type":"web_search_20250305","name":"web_search","user_location":{"type":"approximate","city":"Lyon","country":"FR"}})");
  EXPECT_FALSE(anthropic_web_search_tool({}).contains("user_location"));
  for (const char* bad : {R"({"web_search_options":true})", R"({"web_search_options":{"search_context_size":"max"}})",
                          R"({"web_search_options":{"user_location":{"type":"approximate"}}})",
                          R"({"web_search_options":{"user_location":{"type":"approximate","approximate":{"city":7}}}})",
                          R"({"web_search_options":{"user_location":{"type":"approximate","approximate":{"street":"x"}}}})"})
    EXPECT_FALSE(read_web_search_options(parse(bad))) << bad;
}

TEST(web_search, anthropic_web_citations_become_url_citations_and_document_citations_are_left_out) {
  auto web = anthropic_url_citation(parse(R"({"type":"web_search_result_location","url":"https://a.example","title":"A"})"), 3, 9);
  ASSERT_TRUE(web);
  EXPECT_EQ(boost::json::serialize(*web),
            R"({"type":"url_citation","url_citation":{"start_index":3,"end_index":9,"url":"https://a.example","title":"A"}})");
  EXPECT_FALSE(anthropic_url_citation(parse(R"({"type":"char_location","cited_text":"x","document_index":0})"), 0, 1));
  EXPECT_FALSE(anthropic_url_citation(parse(R"({"type":"web_search_result_location","url":""})"), 0, 1));
}

TEST(web_search, gemini_byte_spans_become_code_point_spans_over_the_text) {
  // "né " is 4 bytes / 3 code points; part 1 begins at byte 4.
  std::string text = "né part two";
  auto grounding = parse(R"({"groundingChunks":[{"web":{"uri":"https://one.example","title":"one"}},{"web":{"uri":"https://two.example"}},{"retrievedContext":{}}],
    "groundingSupports":[
      {"segment":{"endIndex":3},"groundingChunkIndices":[0,1]},
      {"segment":{"partIndex":1,"startIndex":0,"endIndex":4},"groundingChunkIndices":[1,2,7]},
      {"segment":{"startIndex":0,"endIndex":3},"groundingChunkIndices":[0]},
      {"segment":{"startIndex":2,"endIndex":400},"groundingChunkIndices":[0]},
      {"segment":{"partIndex":5,"endIndex":1},"groundingChunkIndices":[0]}]})");
  auto a = gemini_grounding_annotations(grounding, text, {0, 4});
  ASSERT_EQ(a.size(), 3u) << boost::json::serialize(a);
  auto span = [&](size_t i) {
    const auto& c = a[i].at("url_citation");
    return std::pair(c.at("start_index").as_int64(), c.at("end_index").as_int64());
  };
  EXPECT_EQ(span(0), (std::pair<int64_t, int64_t>(0, 2)));  // bytes 0-3 = "né"
  EXPECT_EQ(a[0].at("url_citation").at("url").as_string(), "https://one.example");
  EXPECT_EQ(span(1), span(0));
  EXPECT_EQ(a[1].at("url_citation").at("url").as_string(), "https://two.example");
  EXPECT_EQ(span(2), (std::pair<int64_t, int64_t>(3, 7)));  // part 1's first 4 bytes, "part"
  EXPECT_TRUE(gemini_grounding_annotations(parse(R"({"webSearchQueries":["q"]})"), text).empty());
}

}  // namespace brokle::gateway
