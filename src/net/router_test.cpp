#include "net/router.hpp"

#include <gtest/gtest.h>

namespace brokle::net {

namespace {
handler noop() {
  return [](request_context&) -> boost::asio::awaitable<http_response> { co_return http_response{}; };
}
}  // namespace

TEST(router, matches_static_and_parameter_segments) {
  router r;
  r.add(http_method::get, "/v1/models", noop());
  r.add(http_method::get, "/v1/models/{model}", noop());
  r.add(http_method::post, "/api/v1/projects/{id}/keys", noop());
  r.add(http_method::get, "/api/v1/projects/current", noop());

  auto m = r.match(http_method::get, "/v1/models/gpt-4o");
  ASSERT_NE(m.matched, nullptr);
  EXPECT_EQ(m.matched->pattern, "/v1/models/{model}");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "model");
  EXPECT_EQ(m.params[0].second, "gpt-4o");

  auto s = r.match(http_method::get, "/api/v1/projects/current");
  ASSERT_NE(s.matched, nullptr);
  EXPECT_EQ(s.matched->pattern, "/api/v1/projects/current");  // static beats parameter

  auto p = r.match(http_method::post, "/api/v1/projects/01ABC/keys/");
  ASSERT_NE(p.matched, nullptr);
  EXPECT_EQ(p.params[0].second, "01ABC");
}

TEST(router, distinguishes_unknown_paths_from_wrong_methods) {
  router r;
  r.add(http_method::get, "/health", noop());
  r.add(http_method::del, "/health", noop());
  auto nf = r.match(http_method::get, "/nope");
  EXPECT_EQ(nf.matched, nullptr);
  EXPECT_FALSE(nf.path_known);
  auto na = r.match(http_method::post, "/health");
  EXPECT_EQ(na.matched, nullptr);
  EXPECT_TRUE(na.path_known);
  ASSERT_EQ(na.allow.size(), 2u);
  EXPECT_EQ(na.allow[0], http_method::get);
  EXPECT_EQ(na.allow[1], http_method::del);
}

TEST(router, head_falls_back_to_get) {
  router r;
  r.add(http_method::get, "/metrics", noop());
  auto m = r.match(http_method::head, "/metrics");
  ASSERT_NE(m.matched, nullptr);
  EXPECT_EQ(m.matched->method, http_method::get);
}

TEST(router, rejects_duplicates_and_conflicting_parameter_names) {
  router r;
  r.add(http_method::get, "/a/{id}", noop());
  EXPECT_THROW(r.add(http_method::get, "/a/{id}", noop()), std::logic_error);
  EXPECT_THROW(r.add(http_method::post, "/a/{name}", noop()), std::logic_error);
}

TEST(router, root_and_deep_paths) {
  router r;
  r.add(http_method::get, "/", noop());
  EXPECT_NE(r.match(http_method::get, "/").matched, nullptr);
  EXPECT_EQ(r.match(http_method::get, "/x/y/z").matched, nullptr);
}

}  // namespace brokle::net
