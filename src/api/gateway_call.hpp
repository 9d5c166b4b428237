// One gateway call in flight, from the moment it is routed to the moment it is recorded: the call
// record filled in as it happens, the upstream stream while it is relayed, and the abort that
// drops the upstream request when the client leaves. Every relay (the OpenAI surface, the
// translated ones, the Anthropic Messages passthrough) records through finish(), exactly once.
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "api/gateway_routes.hpp"
#include "core/log.hpp"
#include "net/body_sink.hpp"

namespace brokle::api {

struct call_state : std::enable_shared_from_this<call_state> {
  storage::generation_record rec;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  // When the request had been read (the server's clock for it), and how long the call has waited
  // on its provider since (send_upstream, and every read of the stream open_upstream_stream
  // opened): the rest is Brokle's own time, observed as brokle_gateway_overhead_seconds.
  std::chrono::steady_clock::time_point request_read = started;
  std::chrono::steady_clock::duration upstream_wait{};
  bool upstream_called = false;
  bool web_search = false;  // the request asked the provider to search (web_search_options)
  gateway::token_usage usage;
  bool client_wants_usage = false;
  std::unique_ptr<net::upstream_stream> upstream;
  gateway_api* gw = nullptr;
  std::optional<identity::key_principal> key;  // for the tokens-per-minute budget
  std::string trace_id;        // the caller's W3C trace (traceparent), or the call's own id
  std::string parent_span_id;  // the caller's span, when it sent a traceparent
  // Triggered when the client hangs up while the provider works: the upstream call is dropped.
  std::shared_ptr<net::upstream_abort> abort = std::make_shared<net::upstream_abort>();

  // The status an upstream failure is recorded with: 499 when we dropped the call ourselves
  // because the client left, 502 when the provider failed.
  // The status a failed upstream call is recorded with: 499 when the client left first, 504 when
  // the provider ran out of time, 502 otherwise.
  int failure_status(errc why = errc::unavailable) const {
    return abort->triggered() ? 499 : why == errc::timed_out ? 504 : 502;
  }

  // Time to first token: the first body bytes of a stream (later calls change nothing).
  void first_bytes_arrived();

  // Prices and records the call (request log entry, tokens-per-minute budget, and the LLM trace
  // with its generation observation when telemetry is on). Once: later calls change nothing.
  void finish(int status, std::string error = {});
  // The same once `res` has gone out (net::http_response::after_sent), so recording stays off the
  // response path; a response the client never got is recorded as 499, and one a surface replaced
  // (record_if_abandoned) with the status the client got instead. The tokens-per-minute
  // budget is charged at once, before the answer is written (the provider spent the tokens either way).
  void finish_after_sent(net::http_response& res, int status, std::string error = {});
  // Charges the key's tokens-per-minute budget with `usage`, once (finish() does it too). A relay
  // calls it before its last write, so a client's next request already sees these tokens.
  void charge_budget();
  // The provider's id for what this call created and keeps (a Responses API response): put in the
  // call record and remembered at once, before the client sees it, so the client's next call for
  // it (retrieve, cancel, delete) finds its provider. Once; empty ids are ignored.
  void created_upstream_object(std::string_view upstream_id);
  // The provider call, its wait counted in upstream_wait.
  boost::asio::awaitable<result<net::upstream_response>> send_upstream(net::upstream_request req);

 private:
  void observe_overhead(int status);
  bool first_bytes_seen_ = false;
  bool charged_ = false;
  bool finished_ = false;
};

// For code that takes the relay's answer and may still fail instead of sending it (the Messages and
// legacy-completions surfaces reshape it): when the scope is left by an exception, the answer will
// never go out, so its after_sent hook (the call's record) runs then, with the 502 those surfaces
// answer instead.
class record_if_abandoned {
 public:
  explicit record_if_abandoned(net::http_response& res) : res_(res), exceptions_(std::uncaught_exceptions()) {}
  record_if_abandoned(const record_if_abandoned&) = delete;
  record_if_abandoned& operator=(const record_if_abandoned&) = delete;
  ~record_if_abandoned() {
    if (std::uncaught_exceptions() <= exceptions_ || !res_.after_sent) return;
    try {
      std::exchange(res_.after_sent, nullptr)(502);
    } catch (const std::exception& e) {  // a destructor must not throw; the failure is logged
      log::error("recording an abandoned gateway call failed", {{"error", e.what()}});
    }
  }

 private:
  net::http_response& res_;
  int exceptions_;
};

// A call_state for `call`, its record filled from the request (ids, project, key, environment,
// endpoint, model asked and used, provider, streamed, the caller's traceparent), watching for the
// client to leave.
std::shared_ptr<call_state> begin_call(net::request_context& ctx, gateway_api& gw, const relay_call& call);

// Ends the request after a failed upstream call: 502 when the provider failed, 499 (what nginx
// logs for a client that closed the request) when we dropped the call because the client left.
// Records the failed upstream call and ends the request with the matching OpenAI-shaped error:
// 499 when the client left, 504 upstream_timeout, 502 upstream_error.
[[noreturn]] void fail_upstream(call_state& st, const std::string& provider, const error& why);

// Opens the streamed upstream call into st.upstream (its reads counted in st.upstream_wait); when it
// cannot be opened, records the call and ends the request (fail_upstream).
boost::asio::awaitable<void> open_upstream_stream(call_state& st, net::upstream_request req, const std::string& provider);

// The body of an upstream error that arrived as a stream, read to its end or to 1 MiB, whichever
// comes first (the rest is not waited for).
boost::asio::awaitable<std::string> read_error_body(net::upstream_stream& upstream);

// A provider's error answer for the OpenAI surfaces: relayed as it is when it already is an
// OpenAI-shaped error ({"error":{...}}), otherwise wrapped in one naming the provider and status,
// so clients always parse one envelope.
net::http_response openai_error_answer(unsigned status, std::string body, const std::string& provider);

// The head of a relayed event stream (text/event-stream, no-cache), its body produced by `producer`.
net::http_response event_stream_response(std::function<boost::asio::awaitable<void>(net::body_sink&)> producer);

}  // namespace brokle::api
