// Relays a provider's event stream to the client unchanged, whole SSE events at a time, while a
// watch reads what the call record needs (usage, the terminal event, an in-band error). Used by the
// passthrough surfaces, which answer in the provider's own shapes: the Anthropic Messages one
// (watch: gateway::anthropic_stream_watch) and the OpenAI Responses one (responses_stream_watch);
// the loop alone (relay_sse_events, no call record) also relays a stored response's replay.
// A stream that dies, or ends before its terminal event, gets an error event in the surface's
// shape; the call is recorded 502 then, 499 when the client left, 200 otherwise.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/gateway_call.hpp"
#include "gateway/providers/openai_wire.hpp"
#include "net/body_sink.hpp"

namespace brokle::api {

struct watched_stream_shape {
  std::string (*error_event)(std::string_view message);  // an in-band error in the surface's shape
  std::string_view terminal_event;                       // the event a complete stream ends with
};

// How a relayed event stream ended: all of it relayed (the watch says whether it was complete), the
// upstream failed (died, or sent an oversized event; our error event was written), or the client
// left (the upstream stream is dropped, which cancels it).
struct relayed_stream_end {
  enum class how { relayed, upstream_failed, client_left };
  how end = how::relayed;
  std::string error;  // upstream_failed: what went wrong
};

// The relay loop: the provider's events, whole, to the client as they come, each shown to `watch`
// first; `after_events(bool last)` runs once the events of each arriving piece are read and before
// they are written (`last`: the piece that ends the stream). A stream that ends before the watch saw
// its terminal event gets the shape's error event.
template <class Watch, class AfterEvents>
boost::asio::awaitable<relayed_stream_end> relay_sse_events(net::upstream_stream& up, net::body_sink& sink,
                                                            const watched_stream_shape& shape, Watch& watch,
                                                            AfterEvents& after_events) {
  gateway::sse_splitter splitter;
  std::vector<std::string_view> events;
  if (!up.has_buffered_body()) co_await sink.flush();  // the head now, not with a slow first event
  for (;;) {
    auto chunk = co_await up.next();
    if (!chunk) {
      // The upstream died mid-stream: said in-band, never a silent end.
      co_await sink.write(shape.error_event(chunk.err().message));
      co_return relayed_stream_end{relayed_stream_end::how::upstream_failed, chunk.err().message};
    }
    if (!*chunk) break;
    events.clear();
    if (!splitter.feed(**chunk, events)) {
      co_await sink.write(shape.error_event("the provider sent an oversized stream event"));
      co_return relayed_stream_end{relayed_stream_end::how::upstream_failed, "oversized stream event"};
    }
    std::string out;
    for (auto& ev : events) {
      watch.on_event(ev);
      out += ev;
      out += "\n\n";
    }
    bool last = up.finished();
    after_events(last);
    if (last && !watch.finished() && watch.error().empty())
      out += shape.error_event("the provider stream ended before " + std::string(shape.terminal_event));
    bool delivered = true;
    if (last) {
      delivered = co_await sink.write_last(out);
    } else if (!out.empty()) {
      delivered = co_await sink.write(out);
    }
    if (!delivered) co_return relayed_stream_end{relayed_stream_end::how::client_left, {}};
    if (last) break;
  }
  co_return relayed_stream_end{};
}

// A gateway call's stream (st->upstream) relayed and recorded. Watch: on_event(std::string_view),
// finished(), error(), malformed(), usage(); and, when the stream creates an object the provider
// keeps, response_id().
template <class Watch>
boost::asio::awaitable<void> relay_watched_stream(std::shared_ptr<call_state> st, net::body_sink& sink,
                                                  watched_stream_shape shape) {
  Watch watch;
  auto after_events = [&](bool last) {
    st->first_bytes_arrived();
    // A stream that creates a stored object (a Responses API response) names it early: known
    // before the client reads the name, so its next call for it finds the provider.
    if constexpr (requires(const Watch& w) { w.response_id(); }) st->created_upstream_object(watch.response_id());
    if (last) {
      st->usage = watch.usage();
      st->charge_budget();  // before the last write: the client's next request sees these tokens
    }
  };
  auto end = co_await relay_sse_events(*st->upstream, sink, shape, watch, after_events);
  st->usage = watch.usage();
  if (end.end == relayed_stream_end::how::upstream_failed)
    st->finish(st->failure_status(), st->abort->triggered() ? "client disconnected" : end.error);
  else if (end.end == relayed_stream_end::how::client_left) st->finish(499, "client disconnected");
  else if (!watch.error().empty()) st->finish(502, "provider stream error: " + watch.error());
  else if (!watch.malformed().empty()) st->finish(502, "provider sent a " + watch.malformed());
  else if (!watch.finished()) st->finish(502, "provider stream ended before " + std::string(shape.terminal_event));
  else st->finish(200);
}

}  // namespace brokle::api
