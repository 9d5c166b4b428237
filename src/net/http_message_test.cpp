#include "net/http_message.hpp"

#include <gtest/gtest.h>

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

}  // namespace brokle::net
