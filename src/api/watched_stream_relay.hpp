// Relays a provider's event stream to the client unchanged, whole SSE events at a time, while a
// watch reads what the call record needs (usage, the terminal event, an in-band error). Used by the
// passthrough surfaces, which answer in the provider's own shapes: the Anthropic Messages one
// (watch: gateway::anthropic_stream_watch) and the OpenAI Responses one (responses_stream_watch).
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

// Watch: on_event(std::string_view), finished(), error(), malformed(), usage(); and, when the
// stream creates an object the provider keeps, response_id().
template <class Watch>
boost::asio::awaitable<void> relay_watched_stream(std::shared_ptr<call_state> st, net::body_sink& sink,
                                                  watched_stream_shape shape) {
  gateway::sse_splitter splitter;
  Watch watch;
  std::vector<std::string_view> events;
  if (!st->upstream->has_buffered_body()) co_await sink.flush();  // the head now, not with a slow first event
  for (;;) {
    auto chunk = co_await st->upstream->next();
    if (!chunk) {
      // The upstream died mid-stream: said in-band, never a silent end.
      co_await sink.write(shape.error_event(chunk.err().message));
      st->usage = watch.usage();
      st->finish(st->failure_status(), st->abort->triggered() ? "client disconnected" : chunk.err().message);
      co_return;
    }
    if (!*chunk) break;
    st->first_bytes_arrived();
    events.clear();
    if (!splitter.feed(**chunk, events)) {
      co_await sink.write(shape.error_event("the provider sent an oversized stream event"));
      st->usage = watch.usage();
      st->finish(502, "oversized stream event");
      co_return;
    }
    std::string out;
    for (auto& ev : events) {
      watch.on_event(ev);
      out += ev;
      out += "\n\n";
    }
    // A stream that creates a stored object (a Responses API response) names it early: known
    // before the client reads the name, so its next call for it finds the provider.
    if constexpr (requires(const Watch& w) { w.response_id(); }) st->created_upstream_object(watch.response_id());
    bool last = st->upstream->finished();
    if (last && !watch.finished() && watch.error().empty())
      out += shape.error_event("the provider stream ended before " + std::string(shape.terminal_event));
    bool delivered = true;
    if (last) {
      st->usage = watch.usage();
      st->charge_budget();
      delivered = co_await sink.write_last(out);
    } else if (!out.empty()) {
      delivered = co_await sink.write(out);
    }
    if (!delivered) {
      st->usage = watch.usage();
      st->finish(499, "client disconnected");
      co_return;  // dropping the upstream stream cancels the upstream request
    }
    if (last) break;
  }
  st->usage = watch.usage();
  if (!watch.error().empty()) st->finish(502, "provider stream error: " + watch.error());
  else if (!watch.malformed().empty()) st->finish(502, "provider sent a " + watch.malformed());
  else if (!watch.finished()) st->finish(502, "provider stream ended before " + std::string(shape.terminal_event));
  else st->finish(200);
}

}  // namespace brokle::api
