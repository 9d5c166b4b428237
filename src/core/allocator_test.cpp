#include "core/allocator.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace brokle::allocator {

// The unit tests are not linked with jemalloc (only the brokle binary is), so here malloc is the
// system's unless jemalloc was preloaded; the brokle binary's side is checked by the integration
// test cli.version_names_the_allocator.
TEST(allocator, names_the_allocator_in_use_and_reads_its_statistics_when_it_has_them) {
  const std::string n = name();
  ASSERT_FALSE(n.empty());
  auto before = current_stats();
  if (n == "system") {
    EXPECT_FALSE(before.has_value());
    return;
  }
  ASSERT_EQ(n.rfind("jemalloc", 0), 0u) << n;
  ASSERT_TRUE(before.has_value());
  auto block = std::make_unique<char[]>(64 << 20);
  block[0] = 1;
  auto after = current_stats();
  ASSERT_TRUE(after.has_value());
  EXPECT_GE(after->allocated, before->allocated + (64u << 20));
  EXPECT_GE(after->active, after->allocated);
}

}  // namespace brokle::allocator
