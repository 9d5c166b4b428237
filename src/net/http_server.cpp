#include "net/http_server.hpp"

#include <array>
#include <atomic>
#include <charconv>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_set>

#include <sys/socket.h>

#include <cerrno>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/url/parse.hpp>

#include "core/log.hpp"
#include "core/ulid.hpp"
#include "net/cors_policy.hpp"
#include "net/detail/io_runtime_impl.hpp"
#include "net/lazy_deadline.hpp"
#include "net/body_sink.hpp"
#include "net/stream_channel.hpp"

namespace brokle::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);

// How long a handler works before its client-presence watch starts (session::on_client_gone).
// Longer than the I/O thread's 250 ms pacer period, so scheduling it never reprograms the timerfd.
constexpr std::chrono::milliseconds client_watch_delay{300};

namespace {

// Per-route series, resolved once so the hot path only touches atomics.
struct route_series {
  metrics::histogram* latency = nullptr;
  std::string method;
  std::string pattern;
  std::array<std::atomic<metrics::counter*>, 600> by_status{};
};

}  // namespace

class session;

struct http_server::impl : std::enable_shared_from_this<http_server::impl> {
  std::string name;
  server_options opts;
  const router& routes;
  io_runtime& runtime;
  cors_policy cors;
  std::optional<tcp::acceptor> acceptor;

  std::atomic<bool> draining{false};
  std::atomic<size_t> connections{0};
  std::atomic<size_t> busy{0};

  std::mutex sessions_mu;
  std::unordered_set<session*> sessions;

  metrics::family<metrics::counter>& requests;
  metrics::family<metrics::histogram>& latency;
  metrics::gauge& in_flight_gauge;
  metrics::gauge& connections_gauge;
  metrics::counter& connections_total;
  metrics::counter& connections_refused;
  metrics::family<metrics::counter>& bad_requests;
  metrics::counter& stream_messages_dropped;
  std::vector<std::unique_ptr<route_series>> series;
  route_series unmatched;

  impl(std::string n, server_options o, const router& r, io_runtime& rt, metrics::registry& reg)
      : name(std::move(n)),
        opts(std::move(o)),
        routes(r),
        runtime(rt),
        cors(opts.cors_origins),
        requests(reg.add_counter("brokle_http_requests_total", "HTTP requests by listener, method, route and status.",
                                 {"listener", "method", "route", "status"})),
        latency(reg.add_histogram("brokle_http_request_duration_seconds",
                                  "HTTP request latency from parsed headers to response written.",
                                  {"listener", "method", "route"})),
        in_flight_gauge(reg.add_gauge("brokle_http_requests_in_flight", "Requests being handled now.", {"listener"})
                            .with({name})),
        connections_gauge(
            reg.add_gauge("brokle_http_connections", "Open HTTP connections.", {"listener"}).with({name})),
        connections_total(
            reg.add_counter("brokle_http_connections_accepted_total", "Accepted HTTP connections.", {"listener"})
                .with({name})),
        connections_refused(reg.add_counter("brokle_http_connections_refused_total",
                                            "Connections closed at accept because max_connections was reached.",
                                            {"listener"})
                                .with({name})),
        bad_requests(reg.add_counter("brokle_http_bad_requests_total",
                                     "Requests rejected before routing (malformed, too large, too slow).",
                                     {"listener", "reason"})),
        stream_messages_dropped(reg.add_counter("brokle_stream_messages_dropped_total",
                                                "SSE/WebSocket messages dropped because a client's queue was full.",
                                                {"listener"})
                                    .with({name})) {
    for (const auto& r : routes.routes()) {
      auto s = std::make_unique<route_series>();
      s->method = std::string(method_name(r->method));
      s->pattern = r->pattern;
      s->latency = &latency.with({name, s->method, s->pattern});
      series.push_back(std::move(s));
    }
    unmatched.method = "ANY";
    unmatched.pattern = "unmatched";
    unmatched.latency = &latency.with({name, "ANY", "unmatched"});
  }

  void record(route_series& rs, unsigned status, double seconds) {
    if (status >= rs.by_status.size()) status = 599;
    auto* c = rs.by_status[status].load(std::memory_order_acquire);
    if (!c) {
      c = &requests.with({name, rs.method, rs.pattern, std::to_string(status)});
      rs.by_status[status].store(c, std::memory_order_release);
    }
    c->inc();
    rs.latency->observe(seconds);
  }

  awaitable<void> accept_loop();
};

// One TCP connection. Lives on one io_context thread; owned by its coroutine.
class session : public std::enable_shared_from_this<session>, public client_presence {
 public:
  session(std::shared_ptr<http_server::impl> srv, tcp::socket sock)
      : srv_(std::move(srv)), stream_(std::move(sock)), wake_(stream_.get_executor()), watch_delay_(stream_.get_executor()),
        deadline_(stream_.get_executor(), [this] {
          timed_out_ = true;
          beast::error_code ignore;
          stream_.socket().cancel(ignore);
        }) {
    buffer_.max_size(srv_->opts.header_limit + srv_->opts.body_limit + 64 * 1024);
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
    std::lock_guard lock(srv_->sessions_mu);
    srv_->sessions.insert(this);
  }
  ~session() {
    std::lock_guard lock(srv_->sessions_mu);
    srv_->sessions.erase(this);
  }

  static awaitable<void> run(std::shared_ptr<session> self) { co_await self->loop(); }

  // Called on this session's thread during shutdown.
  void on_drain() {
    if (auto ch = channel_.lock()) ch->close();
    if (!busy_) {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      stream_.socket().close(ec);
    }
  }
  asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  awaitable<void> loop();

  // The client-presence watch: a wait for the socket to turn readable while the handler works.
  // Readable with nothing to read is the client's FIN (or a reset): the callback runs. Readable
  // with data is a pipelined request: the client is there, and the watch ends.
  //
  // The wait starts only once the handler has been working for client_watch_delay: arming it
  // costs an epoll_ctl (asio re-arms the edge-triggered registration so that a FIN that came
  // before the wait is still seen), and most calls to a fast upstream are over before then. A
  // client that left meanwhile is noticed as soon as the wait starts.
  void on_client_gone(std::function<void()> gone) override {
    gone_ = std::move(gone);
    if (watching_) return;
    watching_ = true;
    watch_delay_.expires_after(client_watch_delay);
    watch_delay_.async_wait([self = shared_from_this(), gen = watch_gen_](const boost::system::error_code& ec) {
      if (!ec && gen == self->watch_gen_) self->start_watch();
    });
  }
  void start_watch() {
    stream_.socket().async_wait(tcp::socket::wait_read,
                                [self = shared_from_this(), gen = watch_gen_](const beast::error_code& ec) {
                                  if (gen != self->watch_gen_) return;  // a later request's watch
                                  self->watching_ = false;
                                  if (ec || !self->gone_) return;
                                  char c;
                                  ssize_t n = ::recv(self->stream_.socket().native_handle(), &c, 1,
                                                     MSG_PEEK | MSG_DONTWAIT);
                                  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
                                    std::exchange(self->gone_, nullptr)();
                                });
  }
  // The response is complete: whatever happens to the client now concerns the next request.
  void end_watch() {
    gone_ = nullptr;
    if (!watching_) return;
    watching_ = false;
    ++watch_gen_;
    watch_delay_.cancel();
    beast::error_code ignore;
    stream_.socket().cancel(ignore);  // nothing else is pending on the socket between requests
  }

  void arm_deadline(std::chrono::milliseconds d) {
    timed_out_ = false;
    deadline_.set(d);
  }
  void disarm_deadline() { deadline_.clear(); }
  awaitable<void> reject(unsigned status, std::string_view code, std::string_view message, std::string_view reason);
  awaitable<bool> write_response(http_response& res, unsigned version, bool keep_alive, bool head_only);
  awaitable<bool> serve_produced(http_response& res, unsigned version, bool keep_alive);
  awaitable<void> serve_sse(std::shared_ptr<stream_channel> ch, http_response& res, unsigned version);
  awaitable<void> serve_websocket(std::shared_ptr<stream_channel> ch, http::request<http::string_body> req);
  awaitable<http_response> dispatch(request_context& ctx, const route_match& m);
  void attach(const std::shared_ptr<stream_channel>& ch);

  std::shared_ptr<http_server::impl> srv_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  asio::steady_timer wake_;
  asio::steady_timer watch_delay_;
  // The deadline of whatever the request loop waits on (the next request, its header, its body,
  // a write of the answer). On expiry the pending operation is cancelled (not the socket closed,
  // as tcp_stream's own expiry would) so a client whose header or body is late still gets its
  // 408. Moving it costs no timer operation, where tcp_stream's expiry costs several per read
  // and write; the long-lived SSE and WebSocket paths keep tcp_stream's.
  lazy_deadline deadline_;
  bool timed_out_ = false;
  std::string remote_;
  bool busy_ = false;
  std::weak_ptr<stream_channel> channel_;
  std::function<void()> gone_;
  bool watching_ = false;
  uint64_t watch_gen_ = 0;
};

namespace {

void run_after_sent(http_response& res, unsigned sent_status) {
  if (!res.after_sent) return;
  try {
    std::exchange(res.after_sent, nullptr)(sent_status);
  } catch (const std::exception& e) {
    log::error("work after a response failed", {{"error", e.what()}});
  }
}

struct busy_scope {
  bool& flag;
  std::atomic<size_t>& counter;
  metrics::gauge& gauge;
  busy_scope(bool& f, std::atomic<size_t>& c, metrics::gauge& g) : flag(f), counter(c), gauge(g) {
    flag = true;
    counter.fetch_add(1, std::memory_order_relaxed);
    gauge.add(1);
  }
  ~busy_scope() {
    flag = false;
    counter.fetch_sub(1, std::memory_order_relaxed);
    gauge.add(-1);
  }
};

bool is_quiet_close(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor ||
         ec == asio::error::broken_pipe || ec == beast::error::timeout;
}

}  // namespace

awaitable<void> session::reject(unsigned status, std::string_view code, std::string_view message,
                                std::string_view reason) {
  srv_->bad_requests.with({srv_->name, std::string(reason)}).inc();
  auto res = error_response(status, "", code, message);
  res.headers.set("X-Request-Id", new_ulid());
  if (srv_->opts.access_log)
    log::info("rejected", {{"status", std::to_string(status)}, {"reason", reason}, {"remote", remote_}});
  co_await write_response(res, 11, false, false);
}

// The response head, written directly: Beast's field container and serializer cost several
// allocations and iterator layers per response. `content_length`: false for chunked bodies.
static std::string response_head(const http_response& res, unsigned version, bool keep_alive, bool content_length) {
  auto unsafe = [](std::string_view v) { return has_line_break(v); };
  bool bodyless = res.status < 200 || res.status == 204 || res.status == 304;
  std::string head;
  head.reserve(256 + 32 * res.headers.entries().size());
  head.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ").append(std::to_string(res.status)).append(" ");
  head.append(http::obsolete_reason(static_cast<http::status>(res.status)));
  for (const auto& h : res.headers.entries()) {
    if (beast::iequals(h.name, "content-length") || beast::iequals(h.name, "connection") ||
        (content_length && beast::iequals(h.name, "transfer-encoding")) || unsafe(h.name) || unsafe(h.value))
      continue;
    head.append("\r\n").append(h.name).append(": ").append(h.value);
  }
  if (version == 10 && keep_alive) head.append("\r\nConnection: keep-alive");
  if (version != 10 && !keep_alive) head.append("\r\nConnection: close");
  if (content_length && !bodyless) head.append("\r\nContent-Length: ").append(std::to_string(res.body.size()));
  head.append("\r\n\r\n");
  return head;
}

// Head and body go out in one gathered write.
awaitable<bool> session::write_response(http_response& res, unsigned version, bool keep_alive, bool head_only) {
  bool bodyless = res.status < 200 || res.status == 204 || res.status == 304;
  std::string head = response_head(res, version, keep_alive, true);
  arm_deadline(srv_->opts.write_timeout);
  std::array<asio::const_buffer, 2> bufs{asio::buffer(head),
                                         head_only || bodyless ? asio::const_buffer() : asio::buffer(res.body)};
  auto [ec, n] = co_await asio::async_write(stream_, bufs, no_throw);
  disarm_deadline();
  co_return !ec;
}

awaitable<void> session::loop() {
  auto& opts = srv_->opts;
  bool first = true;
  for (;;) {
    // Wait for the first byte of the next request: the idle timeout between keep-alive requests,
    // the (shorter) header timeout for a new connection.
    if (buffer_.size() == 0) {
      if (srv_->draining) break;
      arm_deadline(first ? opts.header_timeout : opts.idle_timeout);
      auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(4096), no_throw);
      if (ec) break;
      buffer_.commit(n);
    }
    first = false;

    busy_scope busy(busy_, srv_->busy, srv_->in_flight_gauge);
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(opts.header_limit));
    parser.body_limit(opts.body_limit);
    arm_deadline(opts.header_timeout);
    auto [hec, hn] = co_await http::async_read_header(stream_, buffer_, parser, no_throw);
    disarm_deadline();
    if (hec) {
      if (timed_out_) {
        co_await reject(408, "request_timeout", "request headers not received in time", "timeout");
      } else if (hec == http::error::header_limit) {
        co_await reject(431, "headers_too_large",
                        "request headers exceed " + std::to_string(opts.header_limit) + " bytes", "header_too_large");
      } else if (hec == http::error::body_limit) {
        co_await reject(413, "request_too_large",
                        "request body exceeds " + std::to_string(opts.body_limit) + " bytes", "body_too_large");
      } else if (!is_quiet_close(hec)) {
        co_await reject(400, "malformed_request", "malformed HTTP request: " + hec.message(), "malformed");
      }
      break;
    }

    auto& hdr = parser.get();
    if (hdr[http::field::expect] == "100-continue" && !parser.is_done()) {
      http::response<http::empty_body> cont{http::status::continue_, hdr.version()};
      arm_deadline(opts.write_timeout);
      auto [cec, cn] = co_await http::async_write(stream_, cont, no_throw);
      disarm_deadline();
      if (cec) break;
    }
    // A small body usually came in the header's read: parsed from the buffer, no read operation.
    beast::error_code bec;
    while (!parser.is_done() && buffer_.size() > 0) {
      size_t used = parser.put(buffer_.data(), bec);
      buffer_.consume(used);
      if (bec == http::error::need_more) bec = {};
      if (bec || used == 0) break;
    }
    if (!bec && !parser.is_done()) {
      arm_deadline(opts.body_timeout);
      auto [rec, bn] = co_await http::async_read(stream_, buffer_, parser, no_throw);
      disarm_deadline();
      bec = rec;
    }
    if (bec) {
      if (bec == http::error::body_limit) {
        co_await reject(413, "request_too_large",
                        "request body exceeds " + std::to_string(opts.body_limit) + " bytes", "body_too_large");
      } else if (timed_out_) {
        co_await reject(408, "request_timeout", "request body not received in time", "timeout");
      } else if (!is_quiet_close(bec)) {
        co_await reject(400, "malformed_request", "malformed HTTP request body: " + bec.message(), "malformed");
      }
      break;
    }

    http::request<http::string_body> breq = parser.release();
    http_request req;
    req.method_text = std::string(breq.method_string());
    req.method = parse_method(req.method_text);
    req.target = std::string(breq.target());
    req.version = breq.version();
    req.remote_address = remote_;
    if (!split_plain_target(req.target, req.path, req.query)) {
      auto url = boost::urls::parse_origin_form(req.target);
      if (!url) {
        co_await reject(400, "malformed_request", "malformed request target", "malformed");
        break;
      }
      req.path = std::string(url->path());
      req.query = std::string(url->encoded_query());
    }
    req.headers.entries().reserve(static_cast<size_t>(std::distance(breq.begin(), breq.end())));
    for (const auto& f : breq) req.headers.add(std::string(f.name_string()), std::string(f.value()));
    req.body = std::move(breq.body());
    bool keep_alive = breq.keep_alive();

    request_context ctx{req, accept_or_make_request_id(req.header("X-Request-Id")), {}, {},
                        std::chrono::steady_clock::now(), this};
    struct watch_end {
      session& s;
      ~watch_end() { s.end_watch(); }
    } watch_guard{*this};
    route_match m = srv_->routes.match(req.method, req.path);
    route_series& rs = m.matched ? *srv_->series[m.matched->index] : srv_->unmatched;
    if (m.matched) ctx.route_pattern = m.matched->pattern;
    else ctx.route_pattern = "unmatched";

    bool websocket_route = m.matched && m.matched->kind == route_kind::websocket;
    http_response res;
    if (websocket_route && !websocket::is_upgrade(breq)) {
      res = error_response(426, "", "upgrade_required", "this endpoint speaks WebSocket only");
      res.headers.set("Upgrade", "websocket");
    } else {
      res = co_await dispatch(ctx, m);
    }
    res.headers.set("X-Request-Id", ctx.request_id);
    srv_->cors.decorate(req, res);

    auto finish_log = [&](unsigned status, size_t bytes) {
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.started).count();
      srv_->record(rs, status, secs);
      if (srv_->opts.access_log && log::enabled(log::level::info)) {
        // Numbers printed into stack buffers (fmt::format of the duration alone was ~1.4k
        // instructions per request).
        char status_text[8], bytes_text[24], ms_text[32];
        auto end_of = [](char* b, size_t n, auto v, auto... fmt) {
          return std::string_view(b, static_cast<size_t>(std::to_chars(b, b + n, v, fmt...).ptr - b));
        };
        log::info("request", {{"request_id", ctx.request_id},
                              {"method", req.method_text},
                              {"path", req.path},
                              {"status", end_of(status_text, sizeof status_text, status)},
                              {"bytes", end_of(bytes_text, sizeof bytes_text, bytes)},
                              {"duration_ms", end_of(ms_text, sizeof ms_text, secs * 1000, std::chars_format::fixed, 3)},
                              {"remote", remote_}});
      }
    };

    if (res.stream && websocket_route) {
      finish_log(101, 0);
      co_await serve_websocket(res.stream, std::move(breq));
      co_return;
    }
    if (res.stream) {
      finish_log(res.status, 0);
      co_await serve_sse(res.stream, res, req.version);
      co_return;
    }

    if (srv_->draining) keep_alive = false;
    if (res.producer) {
      bool whole = co_await serve_produced(res, req.version, keep_alive);
      run_after_sent(res, whole ? res.status : 0);
      finish_log(res.status, 0);
      if (!whole || !keep_alive) break;
      continue;
    }
    size_t bytes = res.body.size();
    unsigned status = res.status;
    bool ok = co_await write_response(res, req.version, keep_alive, req.method == http_method::head);
    run_after_sent(res, ok ? status : 0);
    finish_log(status, bytes);
    if (!ok || !keep_alive) break;
  }
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.socket().close(ec);
}

awaitable<http_response> session::dispatch(request_context& ctx, const route_match& m) {
  auto& req = ctx.request;
  if (srv_->cors.enabled() && srv_->cors.is_preflight(req) && m.path_known) co_return srv_->cors.preflight(req, m.allow);
  if (!m.matched) {
    if (m.path_known) {
      std::string allow;
      for (auto method : m.allow) {
        if (!allow.empty()) allow += ", ";
        allow += method_name(method);
      }
      auto res = error_response(405, "", "method_not_allowed",
                                std::string("method ") + req.method_text + " is not allowed on " + req.path);
      res.headers.set("Allow", allow);
      co_return res;
    }
    co_return error_response(404, "", "route_not_found", "no route for " + req.method_text + " " + req.path);
  }
  std::string failure;
  std::optional<http_response> caught;
  try {
    ctx.params = m.params;
    co_return co_await m.matched->fn(ctx);
  } catch (const request_error& e) {
    caught = error_response(e.status, e.type, e.code, e.message);
    for (const auto& h : e.headers) caught->headers.set(h.name, h.value);
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown exception";
  }
  if (caught) co_return std::move(*caught);
  log::error("handler failed", {{"request_id", ctx.request_id}, {"route", ctx.route_pattern}, {"error", failure}});
  co_return error_response(500, "api_error", "internal_error",
                           "internal server error (request id " + ctx.request_id + ")");
}

void session::attach(const std::shared_ptr<stream_channel>& ch) {
  channel_ = ch;
  std::weak_ptr<session> weak = weak_from_this();
  auto ex = stream_.get_executor();
  ch->attach_waker([weak, ex] {
    asio::post(ex, [weak] {
      if (auto s = weak.lock()) s->wake_.cancel();
    });
  });
  if (srv_->draining) ch->close();
}

namespace {
// Chunked transfer encoding to the client. The response head waits for the first chunk and the
// terminating chunk rides with the last one, so a stream whose body arrives at once costs one
// write instead of three.
class chunked_sink final : public body_sink {
 public:
  // Each write has `timeout`: `deadline` cancels it (and clears between writes, while the
  // producer waits on its source).
  chunked_sink(beast::tcp_stream& s, lazy_deadline& deadline, std::chrono::milliseconds timeout, std::string head)
      : stream_(s), deadline_(deadline), timeout_(timeout), head_(std::move(head)) {}
  awaitable<bool> write(std::string_view chunk) override { return send(chunk, false); }
  awaitable<bool> write_last(std::string_view chunk) override { return send(chunk, true); }
  awaitable<bool> flush() override {
    if (failed_ || ended_ || head_.empty()) co_return !failed_;
    deadline_.set(timeout_);
    auto [ec, written] = co_await asio::async_write(stream_, asio::buffer(head_), no_throw);
    deadline_.clear();
    head_.clear();
    if (ec) failed_ = true;
    co_return !failed_;
  }
  // Ends the body if the producer did not.
  awaitable<bool> end() {
    if (ended_ || failed_) co_return !failed_;
    co_return co_await send({}, true);
  }
  bool failed() const { return failed_; }

 private:
  awaitable<bool> send(std::string_view chunk, bool last) {
    if (failed_ || ended_) co_return false;
    if (chunk.empty() && !last) co_return true;  // an empty chunk would end the body
    char size_line[24];
    int n = chunk.empty() ? 0 : std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
    static constexpr std::string_view crlf = "\r\n", terminator = "0\r\n\r\n";
    std::array<asio::const_buffer, 5> bufs{
        asio::buffer(head_), asio::buffer(size_line, static_cast<size_t>(n)), asio::buffer(chunk.data(), chunk.size()),
        chunk.empty() ? asio::const_buffer() : asio::buffer(crlf.data(), crlf.size()),
        last ? asio::buffer(terminator.data(), terminator.size()) : asio::const_buffer()};
    deadline_.set(timeout_);
    auto [ec, written] = co_await asio::async_write(stream_, bufs, no_throw);
    deadline_.clear();
    head_.clear();
    head_.shrink_to_fit();
    if (ec) failed_ = true;
    if (last) ended_ = true;
    co_return !failed_;
  }

  beast::tcp_stream& stream_;
  lazy_deadline& deadline_;
  std::chrono::milliseconds timeout_;
  std::string head_;  // not yet sent
  bool failed_ = false;
  bool ended_ = false;
};
}  // namespace

// Returns true when the whole body was delivered (the connection may be reused).
awaitable<bool> session::serve_produced(http_response& res, unsigned version, bool keep_alive) {
  res.headers.set("Transfer-Encoding", "chunked");
  chunked_sink sink(stream_, deadline_, srv_->opts.write_timeout, response_head(res, version, keep_alive, false));
  auto producer = std::move(res.producer);
  co_await producer(sink);
  bool ok = co_await sink.end();
  co_return ok;
}

awaitable<void> session::serve_sse(std::shared_ptr<stream_channel> ch, http_response& res, unsigned version) {
  attach(ch);
  http::response<http::empty_body> head{static_cast<http::status>(res.status), version};
  for (auto& h : res.headers.entries()) head.insert(h.name, h.value);
  if (!res.headers.has("Content-Type")) head.set(http::field::content_type, "text/event-stream");
  head.set(http::field::cache_control, "no-cache");
  head.keep_alive(false);
  head.chunked(true);
  http::response_serializer<http::empty_body> sr{head};
  stream_.expires_after(srv_->opts.write_timeout);
  auto [hec, hn] = co_await http::async_write_header(stream_, sr, no_throw);
  bool alive = !hec;

  // A reader notices the client going away while we wait for messages.
  auto peer_gone = std::make_shared<bool>(false);
  asio::co_spawn(
      stream_.get_executor(),
      [](std::shared_ptr<session> self, std::shared_ptr<bool> gone) -> awaitable<void> {
        std::array<char, 512> sink;
        for (;;) {
          auto [ec, n] = co_await self->stream_.socket().async_read_some(asio::buffer(sink), no_throw);
          if (ec) break;
        }
        *gone = true;
        self->wake_.cancel();
      }(shared_from_this(), peer_gone),
      asio::detached);

  std::deque<std::string> batch;
  while (alive && !*peer_gone) {
    batch.clear();
    bool open = ch->drain(batch);
    if (!batch.empty()) {
      std::string joined;
      for (auto& m : batch) joined += m;
      stream_.expires_after(srv_->opts.write_timeout);
      auto [ec, n] = co_await asio::async_write(stream_, http::make_chunk(asio::buffer(joined)), no_throw);
      if (ec) break;
      continue;
    }
    if (!open) {
      stream_.expires_after(srv_->opts.write_timeout);
      co_await asio::async_write(stream_, http::make_chunk_last(), no_throw);
      break;
    }
    wake_.expires_after(srv_->opts.stream_heartbeat);
    auto [wec] = co_await wake_.async_wait(no_throw);
    if (!wec && !*peer_gone) {  // heartbeat: an SSE comment keeps proxies open and finds dead peers
      static const std::string ping = ": ping\n\n";
      stream_.expires_after(srv_->opts.write_timeout);
      auto [ec, n] = co_await asio::async_write(stream_, http::make_chunk(asio::buffer(ping)), no_throw);
      if (ec) break;
    }
  }
  srv_->stream_messages_dropped.inc(ch->dropped());
  ch->notify_closed();
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.socket().close(ec);
}

awaitable<void> session::serve_websocket(std::shared_ptr<stream_channel> ch, http::request<http::string_body> req) {
  auto ws = std::make_shared<websocket::stream<beast::tcp_stream>>(std::move(stream_));
  ws->set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws->read_message_max(srv_->opts.websocket_message_limit);
  ws->set_option(websocket::stream_base::decorator(
      [](websocket::response_type& r) { r.set(http::field::server, "brokle"); }));
  auto [aec] = co_await ws->async_accept(req, no_throw);
  if (aec) {
    ch->notify_closed();
    co_return;
  }
  attach(ch);
  auto peer_gone = std::make_shared<bool>(false);
  asio::co_spawn(
      ws->get_executor(),
      [](std::shared_ptr<session> self, std::shared_ptr<websocket::stream<beast::tcp_stream>> ws,
         std::shared_ptr<stream_channel> ch, std::shared_ptr<bool> gone) -> awaitable<void> {
        beast::flat_buffer in;
        for (;;) {
          auto [ec, n] = co_await ws->async_read(in, no_throw);
          if (ec) break;
          auto data = in.cdata();
          ch->deliver(std::string_view(static_cast<const char*>(data.data()), data.size()));
          in.consume(in.size());
        }
        *gone = true;
        self->wake_.cancel();
      }(shared_from_this(), ws, ch, peer_gone),
      asio::detached);

  std::deque<std::string> batch;
  bool ok = true;
  while (ok && !*peer_gone) {
    batch.clear();
    bool open = ch->drain(batch);
    for (auto& m : batch) {
      ws->text(true);
      auto [ec, n] = co_await ws->async_write(asio::buffer(m), no_throw);
      if (ec) {
        ok = false;
        break;
      }
    }
    if (!ok) break;
    if (!batch.empty()) continue;
    if (!open) {
      co_await ws->async_close(websocket::close_code::normal, no_throw);
      break;
    }
    wake_.expires_after(srv_->opts.stream_heartbeat);
    co_await wake_.async_wait(no_throw);
  }
  srv_->stream_messages_dropped.inc(ch->dropped());
  ch->notify_closed();
}

awaitable<void> http_server::impl::accept_loop() {
  auto self = shared_from_this();
  auto& rt = runtime.internals();
  for (;;) {
    auto& ctx = rt.pick();
    auto [ec, sock] = co_await acceptor->async_accept(ctx, no_throw);
    if (ec) {
      if (ec == asio::error::operation_aborted || draining) break;
      log::warn("accept failed", {{"listener", name}, {"error", ec.message()}});
      // Out of descriptors and similar: back off briefly instead of spinning.
      asio::steady_timer t(acceptor->get_executor(), std::chrono::milliseconds(50));
      co_await t.async_wait(no_throw);
      continue;
    }
    if (connections.load() >= opts.max_connections) {
      connections_refused.inc();
      beast::error_code ignore;
      sock.close(ignore);
      continue;
    }
    beast::error_code ignore;
    sock.set_option(tcp::no_delay(true), ignore);
    connections.fetch_add(1);
    connections_total.inc();
    connections_gauge.add(1);
    auto s = std::make_shared<session>(self, std::move(sock));
    auto ex = s->executor();
    asio::co_spawn(ex, session::run(std::move(s)), [self](std::exception_ptr e) {
      self->connections.fetch_sub(1);
      self->connections_gauge.add(-1);
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          log::error("connection failed", {{"listener", self->name}, {"error", ex.what()}});
        }
      }
    });
  }
}

http_server::http_server(std::string name, server_options opts, const router& routes, io_runtime& runtime,
                         metrics::registry& metrics)
    : impl_(std::make_shared<impl>(std::move(name), std::move(opts), routes, runtime, metrics)) {}

http_server::~http_server() {
  if (impl_->acceptor) {
    beast::error_code ec;
    impl_->acceptor->close(ec);
  }
}

result<uint16_t> http_server::listen() {
  auto& rt = impl_->runtime.internals();
  beast::error_code ec;
  auto addr = asio::ip::make_address(impl_->opts.bind_address, ec);
  if (ec) return make_error(errc::invalid_argument, "invalid bind address '" + impl_->opts.bind_address + "'");
  tcp::endpoint ep{addr, impl_->opts.port};
  impl_->acceptor.emplace(*rt.contexts[0]);
  auto& acc = *impl_->acceptor;
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return make_error(errc::unavailable, "cannot listen on " + impl_->opts.bind_address + ":" +
                                             std::to_string(impl_->opts.port) + " (" + ec.message() + ")");
  uint16_t port = acc.local_endpoint().port();
  asio::co_spawn(acc.get_executor(), impl_->accept_loop(), asio::detached);
  return port;
}

void http_server::begin_shutdown() {
  auto self = impl_;
  if (self->draining.exchange(true)) return;
  if (self->acceptor) {
    asio::post(self->acceptor->get_executor(), [self] {
      beast::error_code ec;
      self->acceptor->close(ec);
    });
  }
  std::vector<std::weak_ptr<session>> live;
  {
    std::lock_guard lock(self->sessions_mu);
    for (auto* s : self->sessions) live.push_back(s->weak_from_this());
  }
  for (auto& w : live) {
    if (auto s = w.lock()) {
      auto ex = s->executor();
      asio::post(ex, [w] {
        if (auto s2 = w.lock()) s2->on_drain();
      });
    }
  }
}

bool http_server::wait_drained(std::chrono::steady_clock::time_point deadline) {
  while (impl_->connections.load() > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

size_t http_server::active_connections() const noexcept { return impl_->connections.load(); }
size_t http_server::in_flight() const noexcept { return impl_->busy.load(); }

}  // namespace brokle::net
