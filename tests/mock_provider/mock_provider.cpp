// brokle_mock_provider: a fake LLM provider for Brokle's integration tests and benchmarks. It speaks
// the OpenAI, Anthropic Messages, Gemini and Cohere v2 wire formats (plain and streamed) with
// deterministic replies, and injects faults chosen per request by x-mock-* headers:
//
//   x-mock-delay-ms: N                   wait N ms before the first byte of the response
//   x-mock-chunk-delay-ms: N             wait N ms between stream events
//   x-mock-status: 4xx|5xx               answer that status with the provider's error body
//                                        (429 also sends retry-after: 1)
//   x-mock-disconnect-after-chunks: N    streams: close after N events, body unterminated;
//                                        plain responses: close without answering
//   x-mock-reply: text                   reply with this text
//   x-mock-cached-tokens: N              report N cached prompt tokens in usage
//   x-mock-cache-write-tokens: N         Anthropic: report N prompt tokens written to the cache
//
// GET /mock/stats and POST /mock/reset let tests see exactly what reached the provider.
//
// Usage: brokle_mock_provider [--port N] [--threads N] [--host IPV4]
// Prints "mock provider listening on HOST:PORT" once ready; exits 0 on SIGTERM or SIGINT.
#include <pthread.h>
#include <signal.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mock_server.hpp"

namespace {

constexpr std::string_view usage_text =
    "usage: brokle_mock_provider [--port N] [--threads N] [--host IPV4]\n"
    "  --port N      TCP port, 0 picks a free one (default 0)\n"
    "  --threads N   I/O threads, 1..64 (default 1)\n"
    "  --host IPV4   address to bind (default 127.0.0.1)\n";

bool parse_int(std::string_view text, int min, int max, int& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size() && value >= min && value <= max;
}

// Returns false (after printing why) when the command line is not usable.
bool parse_arguments(int argc, char** argv, brokle::mock::server_options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(usage_text.data(), stdout);
      std::exit(0);
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "missing value for %s\n%s", argv[i], usage_text.data());
      return false;
    }
    const std::string_view value = argv[++i];
    int number = 0;
    if (flag == "--port" && parse_int(value, 0, 65535, number)) {
      options.port = static_cast<std::uint16_t>(number);
    } else if (flag == "--threads" && parse_int(value, 1, brokle::mock::server_options::max_threads, number)) {
      options.threads = number;
    } else if (flag == "--host") {
      options.host = value;
    } else {
      std::fprintf(stderr, "bad argument: %s %s\n%s", argv[i - 1], argv[i], usage_text.data());
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  brokle::mock::server_options options;
  if (!parse_arguments(argc, argv, options)) return 2;

  // Block the stop signals before any thread starts, so only sigwait below ever receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  brokle::mock::mock_server server(options);
  std::string error;
  if (!server.open(error)) {
    std::fprintf(stderr, "brokle_mock_provider: %s\n", error.c_str());
    return 1;
  }
  // Only worth a word when the limit is below what stream benchmarks hold (10,000 connections).
  if (server.max_connections() < 10'000) {
    std::fprintf(stderr, "brokle_mock_provider: RLIMIT_NOFILE caps open connections at %d (raise ulimit -n)\n",
                 server.max_connections());
  }
  server.start();
  std::printf("mock provider listening on %s:%u\n", options.host.c_str(), static_cast<unsigned>(server.port()));
  std::fflush(stdout);

  int received = 0;
  sigwait(&stop_signals, &received);
  server.stop();
  return 0;
}
