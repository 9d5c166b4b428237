#include "net/lazy_deadline.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace brokle::net {

namespace {
using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

// Runs `ctx` until `done` or `limit` passes.
void run_until(boost::asio::io_context& ctx, const bool& done, clock::duration limit) {
  auto end = clock::now() + limit;
  while (!done && clock::now() < end) {
    ctx.run_for(5ms);
    ctx.restart();
  }
}
}  // namespace

TEST(lazy_deadline, runs_once_when_the_deadline_passes) {
  boost::asio::io_context ctx;
  int fired = 0;
  bool done = false;
  lazy_deadline d(ctx.get_executor(), [&] { ++fired, done = true; });
  auto start = clock::now();
  d.set(30ms);
  EXPECT_TRUE(d.armed());
  run_until(ctx, done, 5s);
  EXPECT_EQ(fired, 1);
  EXPECT_GE(clock::now() - start, 30ms);
  EXPECT_FALSE(d.armed());
  ctx.run_for(60ms);  // nothing re-arms it
  EXPECT_EQ(fired, 1);
}

// A deadline moved forward again and again (as every read and write of a keep-alive connection
// does) fires only after the last move, at the last deadline.
TEST(lazy_deadline, moved_forward_it_fires_at_the_last_deadline) {
  boost::asio::io_context ctx;
  clock::time_point fired_at{};
  bool done = false;
  lazy_deadline d(ctx.get_executor(), [&] { fired_at = clock::now(), done = true; });
  clock::time_point last_due{};
  for (int i = 0; i < 10; ++i) {
    last_due = clock::now() + 40ms;
    d.set_at(last_due);
    ctx.run_for(10ms);
    ctx.restart();
    ASSERT_FALSE(done) << "fired before its deadline, move " << i;
  }
  run_until(ctx, done, 5s);
  ASSERT_TRUE(done);
  EXPECT_GE(fired_at, last_due);
}

TEST(lazy_deadline, cleared_it_never_fires) {
  boost::asio::io_context ctx;
  bool fired = false;
  lazy_deadline d(ctx.get_executor(), [&] { fired = true; });
  d.set(20ms);
  d.clear();
  EXPECT_FALSE(d.armed());
  ctx.run_for(80ms);
  EXPECT_FALSE(fired);
  // ... and it can be set again afterwards.
  d.set(10ms);
  run_until(ctx, fired, 5s);
  EXPECT_TRUE(fired);
}

// A deadline earlier than the armed one is not late: the timer is re-armed for it.
TEST(lazy_deadline, an_earlier_deadline_is_kept) {
  boost::asio::io_context ctx;
  bool done = false;
  clock::time_point fired_at{};
  lazy_deadline d(ctx.get_executor(), [&] { fired_at = clock::now(), done = true; });
  auto start = clock::now();
  d.set(10s);
  d.set(30ms);
  run_until(ctx, done, 5s);
  ASSERT_TRUE(done);
  EXPECT_LT(fired_at - start, 5s);
  EXPECT_GE(fired_at - start, 30ms);
}

TEST(lazy_deadline, never_runs_after_it_is_destroyed) {
  boost::asio::io_context ctx;
  bool fired = false;
  {
    lazy_deadline d(ctx.get_executor(), [&] { fired = true; });
    d.set(10ms);
    ctx.run_for(1ms);
    ctx.restart();
  }
  ctx.run_for(60ms);
  EXPECT_FALSE(fired);
}

}  // namespace brokle::net
