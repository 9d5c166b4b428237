// The HTTP core against the real binary: routing, errors, limits, timeouts, streams, shutdown.
#include <signal.h>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/brokle_process.hpp"
#include "support/http_client.hpp"

namespace brokle::testing {

namespace {

boost::json::value json_of(const http_reply& r) { return boost::json::parse(r.body); }

void expect_error_envelope(const http_reply& r, int status, std::string_view code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  auto v = json_of(r);
  const auto& e = v.at("error");
  EXPECT_EQ(e.at("code").as_string(), code) << r.body;
  EXPECT_FALSE(e.at("message").as_string().empty());
  EXPECT_FALSE(e.at("type").as_string().empty());
}

// Every misbehaving-client test ends by proving the server still answers.
void expect_still_serving(uint16_t port) {
  auto r = request(port, "GET", "/health");
  EXPECT_EQ(r.status, 200);
}

class http_core : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new brokle_process(env_map{{"BROKLE_HTTP_HEADER_TIMEOUT", "1s"},
                                  {"BROKLE_HTTP_BODY_TIMEOUT", "2s"},
                                  {"BROKLE_HTTP_BODY_LIMIT", "64KiB"},
                                  {"BROKLE_HTTP_HEADER_LIMIT", "8KiB"},
                                  {"BROKLE_CORS_ORIGINS", "https://app.example.com"}});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static uint16_t port() { return server_->port(); }
  static brokle_process* server_;
};
brokle_process* http_core::server_ = nullptr;

}  // namespace

TEST_F(http_core, health_answers_with_status_and_version) {
  auto r = request(port(), "GET", "/health");
  ASSERT_EQ(r.status, 200);
  auto v = json_of(r);
  EXPECT_EQ(v.at("status").as_string(), "ok");
  EXPECT_FALSE(v.at("version").as_string().empty());
}

TEST_F(http_core, readiness_reports_store_latency_and_schema_version) {
  auto r = request(port(), "GET", "/health/db");
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = json_of(r);
  EXPECT_EQ(v.at("backend").as_string(), "sqlite");
  EXPECT_GE(v.at("latency_ms").to_number<double>(), 0.0);
  EXPECT_GE(v.at("schema_version").as_int64(), 1);
}

TEST_F(http_core, unknown_route_is_404_envelope) {
  expect_error_envelope(request(port(), "GET", "/no/such/thing"), 404, "route_not_found");
}

TEST_F(http_core, wrong_method_is_405_with_allow) {
  auto r = request(port(), "DELETE", "/health");
  expect_error_envelope(r, 405, "method_not_allowed");
  EXPECT_EQ(r.header("Allow"), "GET");
}

TEST_F(http_core, request_id_is_echoed_or_generated) {
  auto r = request(port(), "GET", "/health", {}, {{"X-Request-Id", "abc-123.x"}});
  EXPECT_EQ(r.header("X-Request-Id"), "abc-123.x");
  auto g = request(port(), "GET", "/health");
  EXPECT_EQ(g.header("X-Request-Id").size(), 26u);  // a ULID
  auto bad = request(port(), "GET", "/health", {}, {{"X-Request-Id", "has spaces and <script>"}});
  EXPECT_EQ(bad.header("X-Request-Id").size(), 26u);  // unsafe ids are replaced, never echoed
}

TEST_F(http_core, head_returns_headers_without_body) {
  http_connection c(port());
  c.send_raw("HEAD /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  // HEAD has a Content-Length but no body: reading a body would swallow the next response.
  std::string all = c.read_until("\"status\":\"ok\"", std::chrono::seconds(5));
  EXPECT_EQ(all.find("HTTP/1.1 200"), 0u);
  EXPECT_NE(all.find("HTTP/1.1 200", 10), std::string::npos);
}

TEST_F(http_core, keep_alive_serves_many_requests_on_one_connection) {
  http_connection c(port());
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(c.send_raw("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = c.read_reply();
    ASSERT_TRUE(r) << "request " << i;
    EXPECT_EQ(r->status, 200);
  }
  // Pipelined requests are answered in order.
  c.send_raw("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.read_reply()->status, 200);
  EXPECT_EQ(c.read_reply()->status, 404);
}

TEST_F(http_core, connection_close_is_honoured) {
  http_connection c(port());
  c.send_raw("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c.closed_by_peer(std::chrono::seconds(3)));
}

TEST_F(http_core, http10_without_keep_alive_is_closed) {
  http_connection c(port());
  c.send_raw("GET /health HTTP/1.0\r\n\r\n");
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(c.closed_by_peer(std::chrono::seconds(3)));
}

TEST_F(http_core, malformed_request_line_is_400_and_server_keeps_serving) {
  for (const char* garbage : {"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET\r\n\r\n", "\x16\x03\x01\x02\x00\x01\r\n\r\n",
                              "GET /health HTTP/1.1\r\nBad Header Line\r\n\r\n"}) {
    http_connection c(port());
    c.send_raw(garbage);
    auto r = c.read_reply();
    ASSERT_TRUE(r) << garbage;
    expect_error_envelope(*r, 400, "malformed_request");
    EXPECT_TRUE(c.closed_by_peer(std::chrono::seconds(3)));
  }
  expect_still_serving(port());
}

TEST_F(http_core, oversized_headers_get_431) {
  http_connection c(port());
  std::string big(10 * 1024, 'a');
  c.send_raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n");
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  expect_error_envelope(*r, 431, "headers_too_large");
  expect_still_serving(port());
}

TEST_F(http_core, oversized_body_by_content_length_gets_413_before_upload) {
  http_connection c(port());
  c.send_raw("POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  expect_error_envelope(*r, 413, "request_too_large");
  expect_still_serving(port());
}

TEST_F(http_core, oversized_chunked_body_gets_413) {
  http_connection c(port());
  std::string chunk(32 * 1024, 'z');
  std::string req = "POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
  for (int i = 0; i < 3; ++i) req += size_line + chunk + "\r\n";
  req += "0\r\n\r\n";
  c.send_raw(req);
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  expect_error_envelope(*r, 413, "request_too_large");
  expect_still_serving(port());
}

TEST_F(http_core, body_within_limit_reaches_routing) {
  std::string body(60 * 1024, 'y');
  auto r = request(port(), "POST", "/health", body);
  expect_error_envelope(r, 405, "method_not_allowed");  // parsed whole, then routed
}

TEST_F(http_core, expect_100_continue_is_answered) {
  http_connection c(port());
  c.send_raw("POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  std::string interim = c.read_until("100 Continue", std::chrono::seconds(3));
  EXPECT_NE(interim.find("HTTP/1.1 100 Continue"), std::string::npos);
}

TEST_F(http_core, slow_loris_headers_get_408_and_are_closed) {
  http_connection c(port());
  c.send_raw("GET /health HTTP/1.1\r\n");
  c.send_raw("X-Slow: 1\r\n");  // never finishes the header block
  auto r = c.read_reply(std::chrono::seconds(5));
  ASSERT_TRUE(r);
  expect_error_envelope(*r, 408, "request_timeout");
  EXPECT_TRUE(c.closed_by_peer(std::chrono::seconds(3)));
  expect_still_serving(port());
}

TEST_F(http_core, silent_connection_is_closed_after_the_header_timeout) {
  http_connection c(port());
  EXPECT_TRUE(c.closed_by_peer(std::chrono::seconds(5)));
}

TEST_F(http_core, slow_body_gets_408) {
  http_connection c(port());
  c.send_raw("POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-part");
  auto r = c.read_reply(std::chrono::seconds(6));
  ASSERT_TRUE(r);
  expect_error_envelope(*r, 408, "request_timeout");
  expect_still_serving(port());
}

TEST_F(http_core, cors_preflight_and_response_headers_for_allowed_origin_only) {
  auto pre = request(port(), "OPTIONS", "/health", {},
                     {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(pre.status, 204);
  EXPECT_EQ(pre.header("Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_NE(pre.header("Access-Control-Allow-Methods").find("GET"), std::string::npos);

  auto denied = request(port(), "OPTIONS", "/health", {},
                        {{"Origin", "https://evil.example.com"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(denied.header("Access-Control-Allow-Origin"), "");

  auto actual = request(port(), "GET", "/health", {}, {{"Origin", "https://app.example.com"}});
  EXPECT_EQ(actual.header("Access-Control-Allow-Origin"), "https://app.example.com");
  auto other = request(port(), "GET", "/health", {}, {{"Origin", "https://evil.example.com"}});
  EXPECT_EQ(other.header("Access-Control-Allow-Origin"), "");
}

TEST_F(http_core, metrics_expose_requests_latency_process_and_build_info) {
  request(port(), "GET", "/health");
  auto r = request(port(), "GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.header("Content-Type").find("text/plain"), std::string::npos);
  for (const char* needle :
       {"brokle_http_requests_total{listener=\"http\",method=\"GET\",route=\"/health\",status=\"200\"}",
        "brokle_http_request_duration_seconds_bucket{listener=\"http\",method=\"GET\",route=\"/health\",le=",
        "brokle_http_requests_in_flight{listener=\"http\"}", "process_resident_memory_bytes ", "process_open_fds ",
        "process_cpu_seconds_total ", "brokle_build_info{version=", "brokle_blocking_pool_queue_depth ",
        "brokle_http_bad_requests_total{listener=\"http\",reason=\"malformed\"}"}) {
    if (std::string(needle).find("bad_requests") != std::string::npos) {
      http_connection c(port());
      c.send_raw("NOT HTTP\r\n\r\n");
      c.read_reply();
      r = request(port(), "GET", "/metrics");
    }
    EXPECT_NE(r.body.find(needle), std::string::npos) << needle;
  }
  // The allocator's own accounting, when the binary runs on jemalloc (Release builds).
  const bool jemalloc = std::string(BROKLE_EXPECTED_MALLOC) == "jemalloc";
  EXPECT_NE(r.body.find(jemalloc ? "malloc=\"jemalloc 5." : "malloc=\"system\""), std::string::npos);
  for (const char* gauge : {"brokle_malloc_allocated_bytes ", "brokle_malloc_resident_bytes "}) {
    const size_t at = r.body.find(std::string("\n") + gauge);
    EXPECT_EQ(at != std::string::npos, jemalloc) << gauge;
    if (at != std::string::npos) {
      EXPECT_GT(std::stod(r.body.substr(at + 1 + std::string(gauge).size())), 1e5) << gauge;
    }
  }
  // Unmatched paths share one label instead of one series per path.
  request(port(), "GET", "/random/path/1");
  request(port(), "GET", "/random/path/2");
  r = request(port(), "GET", "/metrics");
  EXPECT_EQ(r.body.find("/random/path"), std::string::npos);
  EXPECT_NE(r.body.find("route=\"unmatched\""), std::string::npos);
}

TEST_F(http_core, metrics_pass_promtool_check) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) GTEST_FAIL() << "promtool missing (bootstrap installs it)";
  auto r = request(port(), "GET", "/metrics");
  temp_dir d;
  auto file = d.path() / "metrics.txt";
  std::ofstream(file) << r.body;
  std::string cmd = "promtool check metrics < " + file.string() + " > " + (d.path() / "out").string() + " 2>&1";
  int rc = std::system(cmd.c_str());
  std::ifstream out(d.path() / "out");
  std::string text((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rc, 0) << text;
}

TEST_F(http_core, sse_health_stream_sends_events) {
  http_connection c(port());
  c.send_raw("GET /health/stream HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string text = c.read_until("\n\n", std::chrono::seconds(5));
  EXPECT_NE(text.find("text/event-stream"), std::string::npos);
  EXPECT_NE(text.find("event: health"), std::string::npos) << text;
  EXPECT_NE(text.find("\"status\":\"ok\""), std::string::npos) << text;
}

TEST_F(http_core, websocket_health_stream_upgrades_and_sends_json_frames) {
  http_connection c(port());
  c.send_raw(
      "GET /ws/health HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  std::string text = c.read_until("\"status\"", std::chrono::seconds(5));
  EXPECT_NE(text.find("HTTP/1.1 101"), std::string::npos) << text;
  // RFC 6455's example key has this accept value.
  EXPECT_NE(text.find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), std::string::npos);
  auto frame_at = text.find("\r\n\r\n") + 4;
  ASSERT_LT(frame_at, text.size());
  EXPECT_EQ(static_cast<unsigned char>(text[frame_at]), 0x81);  // FIN + text frame
}

TEST_F(http_core, websocket_route_refuses_plain_http) {
  expect_error_envelope(request(port(), "GET", "/ws/health"), 426, "upgrade_required");
}

TEST_F(http_core, request_target_with_absolute_form_is_rejected_cleanly) {
  http_connection c(port());
  c.send_raw("GET http://example.com/health HTTP/1.1\r\nHost: example.com\r\n\r\n");
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  expect_still_serving(port());
}

// --- lifecycle: each test owns its server ---

TEST(http_lifecycle, sigterm_finishes_in_flight_request_then_exits_zero) {
  brokle_process p;
  http_connection c(p.port());
  c.send_raw("POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ::kill(p.pid(), SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(p.running());  // still finishing the request
  c.send_raw("67890");
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_EQ(p.stop(SIGTERM), 0) << p.stderr_text();
  EXPECT_NE(p.stderr_text().find("stopped clean=true"), std::string::npos) << p.stderr_text();
}

TEST(http_lifecycle, sigint_closes_idle_and_streaming_connections_and_exits_zero) {
  brokle_process p;
  http_connection idle(p.port());
  idle.send_raw("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(idle.read_reply());
  http_connection stream(p.port());
  stream.send_raw("GET /health/stream HTTP/1.1\r\nHost: x\r\n\r\n");
  stream.read_until("event: health", std::chrono::seconds(5));
  EXPECT_EQ(p.stop(SIGINT, std::chrono::seconds(10)), 0) << p.stderr_text();
  EXPECT_TRUE(idle.closed_by_peer(std::chrono::seconds(2)));
  EXPECT_TRUE(stream.closed_by_peer(std::chrono::seconds(2)));
}

TEST(http_lifecycle, shutdown_deadline_bounds_a_stuck_client) {
  brokle_process p(env_map{{"BROKLE_SHUTDOWN_TIMEOUT", "1s"}, {"BROKLE_HTTP_BODY_TIMEOUT", "60s"}});
  http_connection c(p.port());
  c.send_raw("POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n123");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(p.stop(SIGTERM, std::chrono::seconds(10)), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(8));
  EXPECT_NE(p.stderr_text().find("shutdown deadline passed"), std::string::npos);
}

TEST(http_lifecycle, connection_limit_sheds_extra_connections) {
  brokle_process p(env_map{{"BROKLE_HTTP_MAX_CONNECTIONS", "2"}});
  http_connection a(p.port()), b(p.port());
  a.send_raw("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  b.send_raw("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(a.read_reply());
  ASSERT_TRUE(b.read_reply());
  http_connection c(p.port());
  EXPECT_TRUE(c.closed_by_peer(std::chrono::seconds(3)));
}

TEST(http_lifecycle, json_logs_carry_request_ids) {
  brokle_process p(env_map{{"LOG_FORMAT", "json"}});
  request(p.port(), "GET", "/health", {}, {{"X-Request-Id", "trace-me-42"}});
  p.stop(SIGTERM);
  std::string err = p.stderr_text();
  bool found = false;
  size_t pos = 0;
  while (pos < err.size()) {
    size_t e = err.find('\n', pos);
    std::string line = err.substr(pos, e == std::string::npos ? std::string::npos : e - pos);
    pos = e == std::string::npos ? err.size() : e + 1;
    if (line.empty()) continue;
    auto v = boost::json::parse(line);  // every line is one JSON object
    if (v.as_object().contains("request_id") && v.at("request_id").as_string() == "trace-me-42") {
      found = true;
      EXPECT_EQ(v.at("path").as_string(), "/health");
      EXPECT_EQ(v.at("status").as_string(), "200");
    }
  }
  EXPECT_TRUE(found) << err;
}

}  // namespace brokle::testing
