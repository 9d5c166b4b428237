#include "gateway/response_locator.hpp"

#include <gtest/gtest.h>

namespace brokle::gateway {

TEST(response_locator, finds_ids_per_project_and_forgets_the_oldest_beyond_its_bound) {
  response_locator l(3);
  l.remember("p1", "resp_a", "gpt-4o");
  l.remember("p2", "resp_b", "gpt-4o-mini");
  EXPECT_EQ(l.find("p1", "resp_a"), "gpt-4o");
  EXPECT_FALSE(l.find("p2", "resp_a")) << "another project's id is not found";
  EXPECT_FALSE(l.find("p1", "resp_b"));
  l.remember("p1", "resp_a", "o3");  // seen again: updated, not added twice
  EXPECT_EQ(l.find("p1", "resp_a"), "o3");
  EXPECT_EQ(l.size(), 2u);
  l.remember("p1", "resp_c", "m");
  l.remember("p1", "resp_d", "m");
  EXPECT_EQ(l.size(), 3u);
  EXPECT_FALSE(l.find("p1", "resp_a")) << "the oldest went first";
  EXPECT_EQ(l.find("p1", "resp_d"), "m");
  l.remember("p1", "", "m");  // nothing to remember
  EXPECT_EQ(l.size(), 3u);
}

}  // namespace brokle::gateway
