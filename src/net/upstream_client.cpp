#include "net/upstream_client.hpp"
#include "net/lazy_deadline.hpp"

#include <array>
#include <unordered_map>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

namespace brokle::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);

namespace {

struct target {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path;  // origin-form: /path?query
  std::string key;   // scheme://host:port, the pool's key
  std::string host_header;
};

result<target> parse_target_uncached(const std::string& url) {
  auto u = boost::urls::parse_uri(url);
  if (!u) return make_error(errc::invalid_argument, "invalid upstream URL: " + url);
  target t;
  if (u->scheme() == "https") t.tls = true;
  else if (u->scheme() != "http") return make_error(errc::invalid_argument, "upstream URL must be http or https: " + url);
  t.host = std::string(u->host());
  if (t.host.empty()) return make_error(errc::invalid_argument, "upstream URL has no host: " + url);
  t.port = u->has_port() ? std::string(u->port()) : (t.tls ? "443" : "80");
  t.path = std::string(u->encoded_path());
  if (t.path.empty()) t.path = "/";
  if (u->has_query()) t.path.append("?").append(u->encoded_query());
  t.key.append(t.tls ? "https://" : "http://").append(t.host).append(":").append(t.port);
  bool default_port = (t.tls && t.port == "443") || (!t.tls && t.port == "80");
  t.host_header = default_port ? t.host : t.host + ":" + t.port;
  return t;
}

// Provider URLs repeat on every call; parsing them once per thread keeps URL parsing off the hot
// path. Bound: 512 entries per thread, then the cache starts over.
result<target> parse_target(const std::string& url) {
  thread_local std::unordered_map<std::string, target> cache;
  if (auto it = cache.find(url); it != cache.end()) return it->second;
  auto t = parse_target_uncached(url);
  if (!t) return t;
  if (cache.size() >= 512) cache.clear();
  cache.emplace(url, *t);
  return t;
}

// "120s", "1500ms": a timeout as an error message names it.
std::string format_ms(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "s";
  return std::to_string(d.count()) + "ms";
}

// A header line must not smuggle a line break into the message.
bool header_safe(std::string_view s) { return !has_line_break(s); }

// The request as bytes: a head written directly (Beast's field container and serializer cost a
// few allocations and iterator layers per request) and the body, sent in one gathered write.
struct wire_request {
  std::string head;
  std::string body;
};

}  // namespace

// The read buffer a new upstream connection starts with (it grows for larger responses).
constexpr size_t connection_read_buffer = 8 * 1024;

// One upstream connection; lives and dies on the thread that opened it.
struct connection {
  std::string key;
  bool tls = false;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since;
  bool reused = false;
  // The deadline of the read or write under way (first byte, next stream chunk): on expiry the
  // socket is closed, so the operation fails and the connection is never pooled again. Cheaper
  // to move than tcp_stream's own expiry, which costs timer operations per read and write
  // (connect and the TLS handshake, once per connection, keep that one).
  std::optional<lazy_deadline> deadline;
  bool timed_out = false;

  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*secure) : *plain; }
  void arm(std::chrono::milliseconds d) {
    timed_out = false;
    deadline->set(d);
  }
  void disarm() { deadline->clear(); }
};

struct upstream_client::impl {
  upstream_limits limits;
  ssl::context tls_ctx{ssl::context::tls_client};

  explicit impl(upstream_limits l) : limits(l) {
    tls_ctx.set_default_verify_paths();
    tls_ctx.set_verify_mode(ssl::verify_peer);
  }

  // Idle connections per thread and host: a connection never crosses threads, so no lock.
  static std::unordered_map<std::string, std::vector<std::unique_ptr<connection>>>& pool() {
    thread_local std::unordered_map<std::string, std::vector<std::unique_ptr<connection>>> p;
    return p;
  }

  std::unique_ptr<connection> take_idle(const std::string& key) {
    auto& list = pool()[key];
    auto now = std::chrono::steady_clock::now();
    while (!list.empty()) {
      auto c = std::move(list.back());
      list.pop_back();
      if (now - c->idle_since < limits.pool_idle) {
        c->reused = true;
        return c;
      }
    }
    return nullptr;
  }

  void give_back(std::unique_ptr<connection> c) {
    // An abort can close the socket after a read completed but before its handler ran: such a
    // connection looks finished yet is dead, and must not be handed to the next call.
    if (!c->tcp().socket().is_open()) return;
    auto& list = pool()[c->key];
    if (list.size() >= limits.max_idle_per_host) return;  // over the bound: close it
    c->idle_since = std::chrono::steady_clock::now();
    c->buffer.clear();
    list.push_back(std::move(c));
  }

  awaitable<result<std::unique_ptr<connection>>> connect(const target& t) {
    auto ex = co_await asio::this_coro::executor;
    tcp::resolver resolver(ex);
    auto [rec, endpoints] = co_await resolver.async_resolve(t.host, t.port, no_throw);
    if (rec) co_return make_error(errc::unavailable, "cannot resolve " + t.host + ": " + rec.message());
    auto c = std::make_unique<connection>();
    // Room for a whole typical response (or a run of stream events) in one read: beast reads at
    // most the buffer's free capacity, 512 bytes when empty, which took two recvmsg calls for a
    // small chat completion.
    c->buffer.reserve(connection_read_buffer);
    c->key = t.key;
    c->tls = t.tls;
    if (t.tls) c->secure.emplace(ex, tls_ctx);
    else c->plain.emplace(ex);
    c->deadline.emplace(ex, [raw = c.get()] {
      raw->timed_out = true;
      beast::error_code ignore;
      raw->tcp().socket().close(ignore);
    });
    auto& sock = c->tcp();
    sock.expires_after(limits.connect_timeout);
    auto [cec, ep] = co_await sock.async_connect(endpoints, no_throw);
    if (cec == beast::error::timeout)
      co_return make_error(errc::timed_out, "cannot connect to " + t.key + " within " + format_ms(limits.connect_timeout));
    if (cec) co_return make_error(errc::unavailable, "cannot connect to " + t.key + ": " + cec.message());
    sock.socket().set_option(tcp::no_delay(true));
    if (t.tls) {
      if (!SSL_set_tlsext_host_name(c->secure->native_handle(), t.host.c_str()))
        co_return make_error(errc::unavailable, "TLS: cannot set SNI for " + t.host);
      c->secure->set_verify_callback(ssl::host_name_verification(t.host));
      auto [hec] = co_await c->secure->async_handshake(ssl::stream_base::client, no_throw);
      if (hec == beast::error::timeout)
        co_return make_error(errc::timed_out, "TLS handshake with " + t.host + " not done within " +
                                                  format_ms(limits.connect_timeout));
      if (hec) co_return make_error(errc::unavailable, "TLS handshake with " + t.host + " failed: " + hec.message());
    }
    sock.expires_never();
    co_return c;
  }

  static wire_request build(const target& t, upstream_request& req) {
    wire_request w;
    w.body = std::move(req.body);
    auto& h = w.head;
    h.reserve(256);
    h.append(method_name(req.method)).append(" ").append(t.path).append(" HTTP/1.1\r\nHost: ").append(t.host_header);
    for (auto& e : req.headers.entries()) {
      if (beast::iequals(e.name, "content-length") || beast::iequals(e.name, "host") ||
          beast::iequals(e.name, "connection") || beast::iequals(e.name, "transfer-encoding"))
        continue;
      if (!header_safe(e.name) || !header_safe(e.value)) continue;
      h.append("\r\n").append(e.name).append(": ").append(e.value);
    }
    if (!w.body.empty() || req.method == http_method::post || req.method == http_method::put ||
        req.method == http_method::patch)
      h.append("\r\nContent-Length: ").append(std::to_string(w.body.size()));
    h.append("\r\n\r\n");
    return w;
  }

  template <class Stream>
  static awaitable<beast::error_code> write(Stream& s, const wire_request& r) {
    std::array<asio::const_buffer, 2> bufs{asio::buffer(r.head), asio::buffer(r.body)};
    auto [ec, n] = co_await asio::async_write(s, bufs, no_throw);
    co_return ec;
  }

  // The request's write starts the first-byte deadline (the caller's read keeps it).
  awaitable<beast::error_code> write_on(connection& c, const wire_request& r) {
    c.arm(limits.first_byte_timeout);
    if (c.tls) co_return co_await write(*c.secure, r);
    co_return co_await write(*c.plain, r);
  }

  template <class Stream, class Parser>
  static awaitable<beast::error_code> read_header(Stream& s, beast::flat_buffer& b, Parser& p) {
    auto [ec, n] = co_await http::async_read_header(s, b, p, no_throw);
    co_return ec;
  }
  template <class Stream, class Parser>
  static awaitable<beast::error_code> read_all(Stream& s, beast::flat_buffer& b, Parser& p) {
    auto [ec, n] = co_await http::async_read(s, b, p, no_throw);
    co_return ec;
  }
  template <class Stream, class Parser>
  static awaitable<beast::error_code> read_some(Stream& s, beast::flat_buffer& b, Parser& p) {
    auto [ec, n] = co_await http::async_read_some(s, b, p, no_throw);
    co_return ec;
  }

  // A pooled connection the server closed while idle fails before any response byte: retry once.
  static bool stale(const connection& c, const beast::error_code& ec) {
    return c.reused && (ec == http::error::end_of_stream || ec == asio::error::eof ||
                        ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
                        ec == ssl::error::stream_truncated);
  }

  awaitable<result<std::unique_ptr<connection>>> acquire(const target& t, bool fresh) {
    if (!fresh)
      if (auto c = take_idle(t.key)) co_return std::move(c);
    co_return co_await connect(t);
  }
};

namespace {

// While `c` serves a call, the call's abort handle closes it.
void attach_abort(const std::shared_ptr<upstream_abort>& abort, connection& c) {
  if (abort)
    abort->attach([&c] {
      beast::error_code ignore;
      c.tcp().socket().close(ignore);
    });
}
void detach_abort(const std::shared_ptr<upstream_abort>& abort) {
  if (abort) abort->attach(nullptr);
}

header_map copy_headers(const http::fields& f) {
  header_map out;
  for (const auto& h : f) out.add(std::string(h.name_string()), std::string(h.value()));
  return out;
}

class stream_impl final : public upstream_stream {
 public:
  stream_impl(std::shared_ptr<upstream_client::impl> client, std::unique_ptr<connection> c,
              std::unique_ptr<http::response_parser<http::buffer_body>> p, std::shared_ptr<upstream_abort> abort)
      : client_(std::move(client)), conn_(std::move(c)), parser_(std::move(p)), abort_(std::move(abort)) {
    status_ = parser_->get().result_int();
    headers_ = copy_headers(parser_->get().base());
  }
  ~stream_impl() override { detach_abort(abort_); }
  unsigned status() const override { return status_; }
  const header_map& headers() const override { return headers_; }
  bool finished() const override { return done_; }
  bool has_buffered_body() const override { return done_ || (conn_ && conn_->buffer.size() > 0); }

  awaitable<result<std::optional<std::string>>> next() override {
    if (done_ || !conn_) co_return std::optional<std::string>{};
    // Read into the stream's scratch buffer and hand out exactly what arrived: a fresh 16 KiB
    // string per SSE event cost an allocation far larger than the event. Not zeroed: only what
    // the parser wrote is handed out (zeroing was 16k instructions per stream).
    if (!scratch_) scratch_ = std::make_unique_for_overwrite<std::array<char, 16384>>();
    while (true) {
      if (parser_->is_done()) {
        finish();
        co_return std::optional<std::string>{};
      }
      auto& body = parser_->get().body();
      body.data = scratch_->data();
      body.size = scratch_->size();
      conn_->arm(client_->limits.idle_timeout);
      beast::error_code ec = conn_->tls
                                 ? co_await upstream_client::impl::read_some(*conn_->secure, conn_->buffer, *parser_)
                                 : co_await upstream_client::impl::read_some(*conn_->plain, conn_->buffer, *parser_);
      conn_->disarm();
      if (ec == http::error::need_buffer) ec = {};
      size_t got = scratch_->size() - body.size;
      if (ec) {
        bool timed_out = conn_->timed_out;
        drop();
        if (timed_out)
          co_return make_error(errc::timed_out, "upstream sent nothing for " +
                                                      format_ms(client_->limits.idle_timeout) + " mid-response");
        co_return make_error(errc::unavailable, "upstream connection lost mid-response: " + ec.message());
      }
      if (got > 0) {
        // Chunks already received are parsed too, without waiting for more: a burst of SSE
        // events then reaches the client in one write instead of one each. (Beast's eager mode
        // would also wait on the socket for the next chunk header.)
        while (!parser_->is_done() && conn_->buffer.size() > 0 && body.size > 0) {
          beast::error_code pec;
          size_t used = parser_->put(conn_->buffer.data(), pec);
          conn_->buffer.consume(used);
          if (pec == http::error::need_more || pec == http::error::need_buffer || used == 0) break;
          if (pec) {
            drop();
            co_return make_error(errc::unavailable, "upstream sent a malformed response: " + pec.message());
          }
        }
        got = scratch_->size() - body.size;
        std::optional<std::string> out(std::in_place, scratch_->data(), got);
        if (parser_->is_done()) finish();
        co_return out;
      }
    }
  }

 private:
  // The connection is unusable: close it (never pooled).
  void drop() {
    detach_abort(abort_);
    conn_.reset();
    done_ = true;
  }

  void finish() {
    detach_abort(abort_);
    done_ = true;
    if (conn_ && parser_->keep_alive()) client_->give_back(std::move(conn_));
    conn_.reset();
  }

  std::shared_ptr<upstream_client::impl> client_;
  std::unique_ptr<connection> conn_;
  std::unique_ptr<http::response_parser<http::buffer_body>> parser_;
  std::unique_ptr<std::array<char, 16384>> scratch_;
  std::shared_ptr<upstream_abort> abort_;  // attached to conn_ while it lives here
  unsigned status_ = 0;
  header_map headers_;
  bool done_ = false;
};

}  // namespace

upstream_client::upstream_client(upstream_limits limits) : impl_(std::make_shared<impl>(limits)) {}
upstream_client::~upstream_client() = default;

awaitable<result<upstream_response>> upstream_client::send(upstream_request req) {
  auto t = parse_target(req.url);
  if (!t) co_return t.err();
  auto self = impl_;
  auto abort = req.abort;
  auto r = self->build(*t, req);
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (abort && abort->triggered()) co_return make_error(errc::unavailable, "upstream call aborted");
    auto c = co_await self->acquire(*t, attempt > 0);
    if (!c) co_return c.err();
    auto conn = std::move(*c);
    attach_abort(abort, *conn);
    struct detach_on_exit {
      const std::shared_ptr<upstream_abort>& a;
      ~detach_on_exit() { detach_abort(a); }
    } detach{abort};
    auto wec = co_await self->write_on(*conn, r);
    if (wec) {
      conn->disarm();
      if (conn->timed_out)
        co_return make_error(errc::timed_out, "upstream " + t->key + " did not take the request within " +
                                                    format_ms(self->limits.first_byte_timeout));
      if (attempt == 0 && impl::stale(*conn, wec)) continue;
      co_return make_error(errc::unavailable, "sending to " + t->key + " failed: " + wec.message());
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(self->limits.max_body);
    auto rec = conn->tls ? co_await impl::read_all(*conn->secure, conn->buffer, parser)
                         : co_await impl::read_all(*conn->plain, conn->buffer, parser);
    conn->disarm();
    if (rec) {
      if (conn->timed_out)
        co_return make_error(errc::timed_out, "upstream " + t->key + " did not answer within " +
                                                    format_ms(self->limits.first_byte_timeout));
      if (attempt == 0 && impl::stale(*conn, rec)) continue;
      if (rec == http::error::body_limit) co_return make_error(errc::too_large, "upstream response too large");
      co_return make_error(errc::unavailable, "reading from " + t->key + " failed: " + rec.message());
    }
    upstream_response out;
    out.status = parser.get().result_int();
    out.headers = copy_headers(parser.get().base());
    bool keep = parser.keep_alive();
    out.body = std::move(parser.get().body());
    if (keep) self->give_back(std::move(conn));
    co_return out;
  }
  co_return make_error(errc::unavailable, "upstream " + t->key + " closed the connection");
}

awaitable<result<std::unique_ptr<upstream_stream>>> upstream_client::open(upstream_request req) {
  auto t = parse_target(req.url);
  if (!t) co_return t.err();
  auto self = impl_;
  auto abort = req.abort;
  auto r = self->build(*t, req);
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (abort && abort->triggered()) co_return make_error(errc::unavailable, "upstream call aborted");
    auto c = co_await self->acquire(*t, attempt > 0);
    if (!c) co_return c.err();
    auto conn = std::move(*c);
    attach_abort(abort, *conn);
    struct detach_on_exit {
      const std::shared_ptr<upstream_abort>* a;
      ~detach_on_exit() {
        if (a) detach_abort(*a);
      }
    } detach{&abort};
    auto wec = co_await self->write_on(*conn, r);
    if (wec) {
      conn->disarm();
      if (conn->timed_out)
        co_return make_error(errc::timed_out, "upstream " + t->key + " did not take the request within " +
                                                    format_ms(self->limits.first_byte_timeout));
      if (attempt == 0 && impl::stale(*conn, wec)) continue;
      co_return make_error(errc::unavailable, "sending to " + t->key + " failed: " + wec.message());
    }
    auto parser = std::make_unique<http::response_parser<http::buffer_body>>();
    parser->body_limit(boost::none);  // streams are read piecewise; nothing accumulates
    auto hec = conn->tls ? co_await impl::read_header(*conn->secure, conn->buffer, *parser)
                         : co_await impl::read_header(*conn->plain, conn->buffer, *parser);
    conn->disarm();
    if (hec) {
      if (conn->timed_out)
        co_return make_error(errc::timed_out, "upstream " + t->key + " did not answer within " +
                                                    format_ms(self->limits.first_byte_timeout));
      if (attempt == 0 && impl::stale(*conn, hec)) continue;
      co_return make_error(errc::unavailable, "reading from " + t->key + " failed: " + hec.message());
    }
    detach.a = nullptr;  // the stream keeps the abort handle attached until it ends
    co_return std::unique_ptr<upstream_stream>(
        std::make_unique<stream_impl>(self, std::move(conn), std::move(parser), abort));
  }
  co_return make_error(errc::unavailable, "upstream " + t->key + " closed the connection");
}

}  // namespace brokle::net
