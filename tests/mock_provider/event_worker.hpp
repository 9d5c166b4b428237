// One I/O thread of the mock provider: an epoll loop over its own listening socket (SO_REUSEPORT
// spreads connections across workers) and the connections it accepted. Responses are written
// immediately on the fast path; fault-injected delays and slow streams are driven by a timer heap,
// so thousands of long-lived streams cost memory, not threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "http_request_parser.hpp"
#include "http_response.hpp"
#include "json_text.hpp"
#include "mock_router.hpp"
#include "mock_stats.hpp"

namespace brokle::mock {

struct worker_limits {
  // Process-wide connection cap (lowered if RLIMIT_NOFILE cannot fit it); a connection past it is
  // accepted and closed at once.
  static constexpr int max_connections = 20000;
  // Responses queued but unsent beyond this: stop parsing pipelined requests until the client reads.
  static constexpr std::size_t output_high_water = 256 * 1024;
  // Unparsed input held while a response is pending or output is backed up; then reading pauses.
  static constexpr std::size_t input_high_water = 1024 * 1024;
  // Buffers that grew past this for one big request are released once they drain.
  static constexpr std::size_t retained_buffer_bytes = 1024 * 1024;
  // A connection with no traffic and no pending response for this long is closed.
  static constexpr std::int64_t idle_timeout_ms = 300'000;
  // After a server-side close, unread input is drained this long so the client sees our response
  // rather than a reset.
  static constexpr std::int64_t linger_ms = 2'000;
};

class event_worker {
 public:
  // `connection_count` is shared by all workers; past `max_connections` new connections are closed.
  event_worker(int listen_fd, int wake_fd, mock_router& router, mock_stats& stats, std::atomic<int>& connection_count,
               int max_connections);
  ~event_worker();
  event_worker(const event_worker&) = delete;
  event_worker& operator=(const event_worker&) = delete;

  bool init(std::string& error);
  // Serves until the wake descriptor becomes readable, then closes every connection it owns.
  void run();

 private:
  // Bytes to send later: a delayed answer or a stream paced by x-mock-chunk-delay-ms.
  struct scheduled_output {
    std::vector<std::string> pieces;
    std::size_t next = 0;
    std::int64_t due_ms = 0;  // when pieces[next] may go out
    int gap_ms = 0;
    int first_gap_ms = -1;  // after pieces[0], when it differs from gap_ms
    bool abort_at_end = false;  // x-mock-disconnect-after-chunks: close without finishing the body
    bool close_at_end = false;  // the response said Connection: close
  };

  struct connection {
    int fd = -1;  // -1 once closed; the object lives until the end of the event batch
    std::uint64_t id = 0;
    std::string in;
    std::size_t in_start = 0;      // first unparsed byte of `in`
    std::size_t bytes_needed = 0;  // skip re-parsing until this many unparsed bytes are buffered
    bool continue_sent = false;    // "100 Continue" already sent for the request being received
    std::string out;
    std::size_t out_sent = 0;
    std::uint32_t interest = 0;  // events currently registered with epoll
    bool read_closed = false;    // peer sent FIN
    bool closing = false;        // after `out` drains, shut the connection down
    bool lingering = false;      // write side shut; discarding input until EOF or the deadline
    std::unique_ptr<scheduled_output> pending;
    std::int64_t timer_due = -1;  // the one live timer entry for this connection
    std::int64_t last_active_ms = 0;
  };

  struct timer_entry {
    std::int64_t due_ms;
    std::uint64_t connection_id;
    bool operator>(const timer_entry& other) const { return due_ms > other.due_ms; }
  };

  void accept_ready(std::int64_t now);
  void on_event(connection& c, std::uint32_t events, std::int64_t now);
  void read_ready(connection& c, std::int64_t now);
  void advance(connection& c, std::int64_t now);
  int process_input(connection& c, std::int64_t now);
  void start_response(connection& c, bool keep_alive, int minor_version, std::int64_t now);
  void pump(connection& c, std::int64_t now);
  bool flush(connection& c, std::int64_t now);
  void settle(connection& c, std::int64_t now);
  void update_interest(connection& c);
  void arm_timer(connection& c, std::int64_t due_ms);
  void run_timers(std::int64_t now);
  void sweep_idle(std::int64_t now);
  void close_now(connection& c);
  void reap_closed();
  int next_timeout_ms(std::int64_t now) const;

  int listen_fd_;
  int wake_fd_;
  int epoll_fd_ = -1;
  mock_router& router_;
  mock_stats& stats_;
  std::atomic<int>& connection_count_;
  int max_connections_;

  std::unordered_map<std::uint64_t, std::unique_ptr<connection>> connections_;
  std::vector<std::uint64_t> closed_ids_;
  std::priority_queue<timer_entry, std::vector<timer_entry>, std::greater<>> timers_;
  std::uint64_t next_connection_id_ = 1;
  std::int64_t next_sweep_ms_ = 0;
  std::int64_t accept_resume_ms_ = -1;  // accepting paused (out of descriptors) until then

  // Scratch reused by every request on this thread.
  http_request request_;
  std::string chunked_body_;
  mock_response response_;
  json_arena arena_;
  std::unique_ptr<char[]> read_buffer_;
};

}  // namespace brokle::mock
