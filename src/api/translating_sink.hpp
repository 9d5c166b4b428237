// Stands between the relay's stream producer and the client of a translated surface (Anthropic
// Messages, legacy completions): the relay writes OpenAI chat.completion.chunk SSE events here, the
// client receives the surface's own events. Backpressure passes through (each write awaits the
// client's), and a client that left is reported back to the relay, which cancels the upstream.
// Translator: on_data(std::string_view data, std::string& out) per event, finish(std::string& out).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "gateway/providers/openai_wire.hpp"
#include "net/body_sink.hpp"

namespace brokle::api {

template <class Translator>
class translating_sink final : public net::body_sink {
 public:
  translating_sink(net::body_sink& client, Translator& translator) : client_(client), translator_(translator) {}

  boost::asio::awaitable<bool> write(std::string_view chunk) override {
    if (gone_) co_return false;
    events_.clear();
    // The relay writes whole events (each already bounded by its own splitter), so nothing stays
    // pending here and the splitter's 4 MiB bound is never the one that bites.
    splitter_.feed(chunk, events_);
    std::string out;
    for (auto ev : events_) translator_.on_data(gateway::sse_data(ev, scratch_), out);
    if (out.empty()) co_return true;
    if (!co_await client_.write(out)) gone_ = true;
    co_return !gone_;
  }

  boost::asio::awaitable<bool> flush() override { co_return co_await client_.flush(); }

  // After the relay returns: whatever the stream still owes the client (or the error event).
  boost::asio::awaitable<void> close() {
    if (gone_) co_return;
    std::string out;
    translator_.finish(out);
    if (!out.empty()) co_await client_.write(out);
  }

 private:
  net::body_sink& client_;
  Translator& translator_;
  gateway::sse_splitter splitter_;
  std::vector<std::string_view> events_;  // views into splitter_, valid until its next feed
  std::string scratch_;
  bool gone_ = false;
};

}  // namespace brokle::api
