#include "core/log.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace brokle::log {

TEST(log, json_payload_is_valid_json_with_escaped_fields) {
  std::string p = render_payload(format::json, "req \"x\"", {{"path", "/a\nb"}, {"status", "200"}});
  auto v = boost::json::parse("{" + p + "}");
  EXPECT_EQ(v.at("msg").as_string(), "req \"x\"");
  EXPECT_EQ(v.at("path").as_string(), "/a\nb");
  EXPECT_EQ(v.at("status").as_string(), "200");
}

TEST(log, text_payload_quotes_values_with_spaces) {
  EXPECT_EQ(render_payload(format::text, "request", {{"a", "1"}, {"b", "x y"}, {"c", ""}}),
            "request a=1 b=\"x y\" c=\"\"");
}

TEST(log, parses_levels_and_formats) {
  level l;
  EXPECT_TRUE(parse_level("warn", l));
  EXPECT_EQ(l, level::warn);
  EXPECT_FALSE(parse_level("loud", l));
  format f;
  EXPECT_TRUE(parse_format("json", f));
  EXPECT_FALSE(parse_format("xml", f));
}

}  // namespace brokle::log
