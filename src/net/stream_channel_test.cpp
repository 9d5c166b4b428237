#include "net/stream_channel.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace brokle::net {

TEST(stream_channel, drops_and_counts_past_its_message_bound) {
  stream_channel ch({3, 1 << 20});
  EXPECT_TRUE(ch.send("a"));
  EXPECT_TRUE(ch.send("b"));
  EXPECT_TRUE(ch.send("c"));
  EXPECT_FALSE(ch.send("d"));
  EXPECT_EQ(ch.dropped(), 1u);
  std::deque<std::string> out;
  EXPECT_TRUE(ch.drain(out));
  EXPECT_EQ(out, (std::deque<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(ch.send("e"));  // room again after draining
}

TEST(stream_channel, drops_past_its_byte_bound) {
  stream_channel ch({100, 10});
  EXPECT_TRUE(ch.send(std::string(8, 'x')));
  EXPECT_FALSE(ch.send(std::string(3, 'y')));
  EXPECT_EQ(ch.dropped(), 1u);
}

TEST(stream_channel, close_lets_queued_messages_drain_then_ends) {
  stream_channel ch;
  ch.send("last");
  ch.close();
  EXPECT_FALSE(ch.send("after close"));
  std::deque<std::string> out;
  EXPECT_TRUE(ch.drain(out));
  EXPECT_EQ(out.size(), 1u);
  out.clear();
  EXPECT_FALSE(ch.drain(out));
}

TEST(stream_channel, wakes_the_writer_and_calls_on_close_once) {
  stream_channel ch;
  int wakes = 0, closes = 0;
  ch.attach_waker([&] { ++wakes; });
  ch.on_close([&] { ++closes; });
  ch.send("x");
  ch.close();
  EXPECT_EQ(wakes, 2);
  ch.notify_closed();
  ch.notify_closed();
  EXPECT_EQ(closes, 1);
}

TEST(stream_channel, concurrent_producers_never_exceed_the_bound) {
  stream_channel ch({500, 1 << 20});
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) ch.send("m");
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(ch.queued(), 500u);
  EXPECT_EQ(ch.dropped(), 3500u);
}

TEST(sse, formats_multiline_data_event_and_id) {
  EXPECT_EQ(format_sse_event("a\nb", "log", "7"), "event: log\nid: 7\ndata: a\ndata: b\n\n");
  EXPECT_EQ(format_sse_event("{}"), "data: {}\n\n");
}

}  // namespace brokle::net
