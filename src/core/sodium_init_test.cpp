#include "core/sodium_init.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <thread>
#include <vector>

namespace brokle {
namespace {

TEST(sodium_init, idempotent_and_thread_safe) {
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([] { ensure_sodium(); });
  for (auto& t : threads) t.join();
  ensure_sodium();
  // sodium_init() returns 1 once the library is already initialised.
  EXPECT_EQ(sodium_init(), 1);
}

}  // namespace
}  // namespace brokle
