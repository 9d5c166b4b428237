#include "net/http_message.hpp"

#include <gtest/gtest.h>

#include <boost/url/parse.hpp>

namespace brokle::net {

namespace {
http_request with_query(std::string q) {
  http_request r;
  r.query = std::move(q);
  return r;
}
}  // namespace

TEST(http_request, query_param_decodes_what_url_search_params_writes) {
  // new URLSearchParams({start: '2025-01-02T03:04:05.678Z', search: 'hello world+1', 'a b': 'x'}).toString()
  auto r = with_query("start=2025-01-02T03%3A04%3A05.678Z&search=hello+world%2B1&a+b=x");
  std::string v;
  ASSERT_TRUE(r.query_param("start", v));
  EXPECT_EQ(v, "2025-01-02T03:04:05.678Z");
  ASSERT_TRUE(r.query_param("search", v));
  EXPECT_EQ(v, "hello world+1");
  ASSERT_TRUE(r.query_param("a b", v));
  EXPECT_EQ(v, "x");
}

TEST(http_request, query_param_keeps_plain_values_and_reports_absence) {
  auto r = with_query("limit=50&flag&empty=&limit=7");
  std::string v = "unchanged";
  EXPECT_FALSE(r.query_param("missing", v));
  EXPECT_EQ(v, "unchanged");
  ASSERT_TRUE(r.query_param("limit", v));
  EXPECT_EQ(v, "50");  // the first of repeated keys
  ASSERT_TRUE(r.query_param("flag", v));
  EXPECT_EQ(v, "");
  ASSERT_TRUE(r.query_param("empty", v));
  EXPECT_EQ(v, "");
}

// Wherever the plain split takes a target, it gives what boost::urls gives; it leaves escapes,
// fragments and bad characters to boost::urls.
TEST(http_request, plain_targets_split_as_the_url_parser_splits_them) {
  for (std::string_view t : {"/", "/v1/chat/completions", "/api/v1/projects/01ARZ/traces?limit=10&cursor=abc",
                             "/x?", "/x?a=1?b=2", "/a:b@c/!$&'()*+,;=-._~", "//double//slash", "/q?x=/y:z@w"}) {
    std::string path, query;
    ASSERT_TRUE(split_plain_target(t, path, query)) << t;
    auto u = boost::urls::parse_origin_form(t);
    ASSERT_TRUE(u) << t;
    EXPECT_EQ(path, std::string(u->path())) << t;
    EXPECT_EQ(query, std::string(u->encoded_query())) << t;
  }
  for (std::string_view t : {"", "x", "http://host/x", "/a%20b", "/x#frag", "/a b", "/x?q=%2F", "/\x01",
                             "/x\"", "/x<y>", "/x\\"}) {
    std::string path, query;
    EXPECT_FALSE(split_plain_target(t, path, query)) << t;
  }
}

}  // namespace brokle::net
