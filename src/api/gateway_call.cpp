#include "api/gateway_call.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/clock.hpp"
#include "core/ulid.hpp"

namespace brokle::api {

namespace {

// W3C trace context: "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>".
bool parse_traceparent(std::string_view h, std::string& trace_id, std::string& span_id) {
  auto hex = [](std::string_view s) {
    for (char c : s)
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return s.find_first_not_of('0') != std::string_view::npos;  // all-zero ids are invalid
  };
  if (h.size() < 55 || h[2] != '-' || h[35] != '-' || h[52] != '-') return false;
  auto t = h.substr(3, 32), s = h.substr(36, 16);
  if (!hex(t) || !hex(s) || h.substr(0, 2) == "ff") return false;
  trace_id = std::string(t);
  span_id = std::string(s);
  return true;
}

// The upstream stream of a recorded call, each read's wait added to the call's upstream_wait.
class timed_upstream_stream final : public net::upstream_stream {
 public:
  timed_upstream_stream(std::unique_ptr<net::upstream_stream> inner, std::chrono::steady_clock::duration& wait)
      : inner_(std::move(inner)), wait_(wait) {}
  unsigned status() const override { return inner_->status(); }
  const net::header_map& headers() const override { return inner_->headers(); }
  boost::asio::awaitable<result<std::optional<std::string>>> next() override {
    auto t0 = std::chrono::steady_clock::now();
    auto part = co_await inner_->next();
    wait_ += std::chrono::steady_clock::now() - t0;
    co_return part;
  }
  bool finished() const override { return inner_->finished(); }
  bool has_buffered_body() const override { return inner_->has_buffered_body(); }

 private:
  std::unique_ptr<net::upstream_stream> inner_;
  std::chrono::steady_clock::duration& wait_;
};

}  // namespace

void call_state::first_bytes_arrived() {
  if (first_bytes_seen_) return;
  first_bytes_seen_ = true;
  rec.time_to_first_token_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
}

void call_state::finish(int status, std::string error) {
  if (finished_) return;
  finished_ = true;
  rec.status = status;
  rec.error = std::move(error);
  rec.input_tokens = usage.input_tokens;
  rec.output_tokens = usage.output_tokens;
  rec.cached_input_tokens = usage.cached_input_tokens;
  rec.cache_write_input_tokens = usage.cache_write_input_tokens;
  rec.reasoning_tokens = usage.reasoning_tokens;
  rec.cost_usd = gw->prices.cost(rec.model_used, usage);
  rec.latency_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  charge_budget();
  observe_overhead(status);
  // The LLM trace is built and handed to the telemetry pipeline by the recorder's thread.
  std::optional<gateway::call_trace> trace;
  if (gw->telemetry && key) trace = gateway::call_trace{key->scope, trace_id, parent_span_id};
  gw->recorder.push(std::move(rec), std::move(trace));
}

// Only answered calls: a failed one may have stopped anywhere, and its time says nothing about
// what Brokle adds to a call.
void call_state::observe_overhead(int status) {
  auto* h = rec.streamed ? gw->overhead_streamed : gw->overhead_answered;
  if (!h || !upstream_called || status >= 400) return;
  auto own = std::chrono::steady_clock::now() - request_read - upstream_wait;
  h->observe(std::max(0.0, std::chrono::duration<double>(own).count()));
}

boost::asio::awaitable<result<net::upstream_response>> call_state::send_upstream(net::upstream_request req) {
  upstream_called = true;
  auto t0 = std::chrono::steady_clock::now();
  auto r = co_await gw->upstream.send(std::move(req));
  upstream_wait += std::chrono::steady_clock::now() - t0;
  co_return r;
}

void call_state::charge_budget() {
  if (charged_) return;
  charged_ = true;
  if (key) record_tokens(gw->id, *key, usage.input_tokens + usage.output_tokens);
}

void call_state::created_upstream_object(std::string_view upstream_id) {
  if (upstream_id.empty() || !rec.upstream_id.empty()) return;
  rec.upstream_id = std::string(upstream_id);
  gw->responses.remember(rec.project_id, rec.upstream_id, rec.model_requested);
}

void call_state::finish_after_sent(net::http_response& res, int status, std::string error) {
  // The budget is charged now, before the answer goes out: a client that sends its next request
  // the moment it has this answer must find these tokens already counted.
  charge_budget();
  res.after_sent = [self = shared_from_this(), status, error = std::move(error)](unsigned sent) mutable {
    if (sent == 0) self->finish(499, "client disconnected");
    else if (static_cast<int>(sent) == status) self->finish(status, std::move(error));
    else self->finish(static_cast<int>(sent), "the provider's answer (status " + std::to_string(status) + ") could not be passed on");
  };
}

std::shared_ptr<call_state> begin_call(net::request_context& ctx, gateway_api& gw, const relay_call& call) {
  auto st = std::make_shared<call_state>();
  st->gw = &gw;
  st->key = call.caller.key;
  auto& rec = st->rec;
  rec.id = new_ulid();
  rec.request_id = ctx.request_id;
  parse_traceparent(ctx.request.header("traceparent"), st->trace_id, st->parent_span_id);
  ctx.on_client_gone([abort = st->abort] { abort->trigger(); });
  rec.org_id = call.caller.key.scope.org_id();
  rec.project_id = call.caller.key.scope.project_id();
  rec.key_id = call.caller.key.key_id;
  rec.environment = call.environment;
  rec.endpoint = call.recorded_endpoint;
  rec.model_requested = call.model;
  rec.model_used = call.route.upstream_model;
  rec.provider = call.route.provider->name;
  rec.streamed = call.stream;
  rec.started_at = unix_now_ms();
  st->request_read = ctx.started;
  return st;
}

void fail_upstream(call_state& st, const std::string& provider, const error& why) {
  st.finish(st.failure_status(why.code), why.message);
  if (st.abort->triggered()) fail(499, "client_closed_request", "the client closed the connection");
  if (why.code == errc::timed_out) fail(504, "upstream_timeout", "provider '" + provider + "': " + why.message);
  fail(502, "upstream_error", "provider '" + provider + "': " + why.message);
}

boost::asio::awaitable<void> open_upstream_stream(call_state& st, net::upstream_request req, const std::string& provider) {
  st.upstream_called = true;
  auto t0 = std::chrono::steady_clock::now();
  auto opened = co_await st.gw->upstream.open(std::move(req));
  st.upstream_wait += std::chrono::steady_clock::now() - t0;
  if (!opened) fail_upstream(st, provider, opened.err());
  st.upstream = std::make_unique<timed_upstream_stream>(std::move(*opened), st.upstream_wait);
}

boost::asio::awaitable<std::string> read_error_body(net::upstream_stream& upstream) {
  constexpr size_t max_error_body = 1 << 20;
  std::string body;
  while (body.size() < max_error_body) {
    auto part = co_await upstream.next();
    if (!part || !*part) break;
    body += **part;
  }
  co_return body;
}

net::http_response openai_error_answer(unsigned status, std::string body, const std::string& provider) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(body, ec);
  if (!ec && parsed.is_object() && parsed.as_object().contains("error")) return net::json_response(status, std::move(body));
  return net::error_response(status, "", "upstream_error", "provider '" + provider + "' answered " + std::to_string(status));
}

net::http_response event_stream_response(std::function<boost::asio::awaitable<void>(net::body_sink&)> producer) {
  net::http_response res;
  res.headers.set("Content-Type", "text/event-stream; charset=utf-8");
  res.headers.set("Cache-Control", "no-cache");
  res.producer = std::move(producer);
  return res;
}

}  // namespace brokle::api
