// brokle_gateway_rate: an open-loop (constant-rate) HTTP/1.1 load generator, in the spirit of wrk2.
// Request i is due at t0 + i/rate whatever the server does; its latency is measured from that
// intended time, so a slow server is charged for the requests it delayed (no coordinated omission).
//
//   brokle_gateway_rate --url http://127.0.0.1:PORT/v1/chat/completions --rate 5000 --connections 64
//                       --duration 10 [--header "Authorization: Bearer X"]... [--stream] [--warmup 1]
//
// One thread, plain POSIX sockets and epoll. Keep-alive connections, one request in flight on each
// (no pipelining). A due request goes to an idle connection, or waits in a bounded FIFO until one
// frees. The sleep until the next intended time is epoll_pwait2 with a nanosecond timeout (timer
// slack set to 1 ns), or, with --timer timerfd or where the kernel lacks epoll_pwait2, a timerfd
// armed at an absolute CLOCK_MONOTONIC time in the epoll set; never a busy wait. When woken late,
// every request already due is sent at once, each keeping its own intended time.
//
// The body is the one bench/gateway_chat.lua gives wrk (keep the two in step).
//
// Output: one key=value line on stdout (see usage_text); diagnostics go to stderr.
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr const char* usage_text =
    "usage: brokle_gateway_rate --url http://HOST:PORT/PATH --rate R --duration S [options]\n"
    "Open-loop HTTP/1.1 load generator: POSTs a chat completion at a constant rate and reports\n"
    "latency from each request's intended send time (coordinated-omission corrected).\n"
    "\n"
    "  --url URL          target, http:// only (no TLS), e.g. http://127.0.0.1:8080/v1/chat/completions\n"
    "  --rate R           offered requests per second (> 0)\n"
    "  --duration S       measured seconds (> 0)\n"
    "  --connections N    keep-alive connections, one request in flight each (default 64)\n"
    "  --warmup S         seconds at the same rate before measuring, not recorded (default 1)\n"
    "  --header 'N: V'    extra request header; repeatable (Host and Content-Type replace the defaults)\n"
    "  --stream           send the streamed body (\"stream\":true) as bench/gateway_chat.lua does with STREAM=1\n"
    "  --body JSON        send this body instead (not with --stream)\n"
    "  --timeout S        a request unanswered S seconds after it was sent is an error, and the\n"
    "                     connection is reopened; also the most the end waits for stragglers (default 5)\n"
    "  --timer KIND       how to sleep until the next send: pwait2 (epoll_pwait2 timeout, one system\n"
    "                     call fewer per request) or timerfd; default pwait2, timerfd if unsupported\n"
    "  --tick-us N        wake at most every N microseconds and send everything due (default 0: wake\n"
    "                     at each request's own time). Saves the generator CPU (each sleep/wake costs\n"
    "                     it ~15-20 us here) at the price of up to N us of lag, which the latency\n"
    "                     includes: it is still measured from each request's exact intended time\n"
    "  --samples FILE     also write one line per measured request to FILE: intended send time\n"
    "                     (microseconds from the start of the window), latency_us, service_us, status\n"
    "  --help             this text\n"
    "\n"
    "Output, one line on stdout:\n"
    "  offered= achieved= requests= non2xx= errors= p50_us= p90_us= p99_us= p999_us= max_us=\n"
    "  service_p50_us= service_p90_us= service_p99_us= service_p999_us= service_max_us= mean_us=\n"
    "  lag_p50_us= lag_p99_us= connect_errors= io_errors= timeouts= reconnects= dropped= unfinished=\n"
    "  connections= duration_s= gen_cpu_pct= gen_cpu_us_per_req= timer=pwait2|timerfd tick_us= saturated=0|1 [interrupted=1]\n"
    "latency = response complete - intended send time; service = response complete - actual send;\n"
    "lag = actual send - intended send (FIFO wait + timer wake-up). requests counts the responses\n"
    "(any status) to requests intended in the measured window (the latency samples); achieved =\n"
    "responses completed inside the window / duration (so a backlog drained after it does not count).\n"
    "errors = connect_errors + io_errors (reset, early close, unparsable response) + timeouts.\n"
    "dropped = requests refused because the FIFO of 1000000 was full; unfinished = requests still\n"
    "queued or in flight when the run ended. saturated=1 when achieved < 95% of offered or dropped > 0.\n"
    "reconnects counts reopened connections (after an error, a Connection: close or an idle close).\n"
    "gen_cpu_pct = this process's user+system CPU from the end of the warm-up to the end of the run,\n"
    "as a percentage of one core; gen_cpu_us_per_req = that CPU / requests sent. The run ends once the\n"
    "measured requests are answered, or --timeout after the window; SIGINT/SIGTERM end it early\n"
    "(duration_s = the part measured, and interrupted=1).\n"
    "Exit status: 0 run completed, 1 could not run (resolve/connect), 2 bad arguments.\n";

constexpr const char* default_body =
    R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello from the benchmark"}]})";
constexpr const char* default_stream_body =
    R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello from the benchmark"}],"stream":true})";

constexpr size_t fifo_capacity = 1'000'000;
constexpr uint64_t housekeeping_ns = 50'000'000;  // timeouts and reconnect retries
constexpr uint64_t reconnect_backoff_ns = 100'000'000;
constexpr size_t max_line_bytes = 1 << 20;

uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

volatile sig_atomic_t stop_requested = 0;
void on_signal(int) { stop_requested = 1; }

// Log-linear histogram of microsecond values (HdrHistogram-like): exact below 512 us, then 256
// sub-buckets per power of two, so a reported value is within 0.2% (half a bucket) of the true
// one. Values of 2^24 us (16.7 s) and more land in the last bucket; the exact maximum is kept aside.
class histogram {
 public:
  void record(uint64_t us) {
    counts_[index_of(std::min(us, max_trackable))]++;
    count_++;
    sum_ += us;
    max_ = std::max(max_, us);
  }
  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  uint64_t mean() const { return count_ ? (sum_ + count_ / 2) / count_ : 0; }
  // Smallest value v such that at least p% of the recorded values are <= v (bucket midpoint).
  uint64_t percentile(double p) const {
    if (count_ == 0) return 0;
    uint64_t target = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
    target = std::clamp<uint64_t>(target, 1, count_);
    uint64_t seen = 0;
    for (size_t i = 0; i < bucket_count; ++i) {
      seen += counts_[i];
      if (seen >= target) return std::min(midpoint_of(i), max_);
    }
    return max_;
  }

 private:
  static constexpr int sub_bits = 8;
  static constexpr uint64_t sub_count = uint64_t{1} << sub_bits;
  static constexpr int max_exponent = 24;
  static constexpr uint64_t max_trackable = (uint64_t{1} << max_exponent) - 1;
  static constexpr size_t bucket_count = (max_exponent - sub_bits + 1) * sub_count;

  static size_t index_of(uint64_t v) {
    if (v < 2 * sub_count) return static_cast<size_t>(v);
    const int exponent = 63 - __builtin_clzll(v);
    const int shift = exponent - sub_bits;
    return static_cast<size_t>(shift) * sub_count + static_cast<size_t>(v >> shift);
  }
  static uint64_t midpoint_of(size_t index) {
    if (index < 2 * sub_count) return index;
    const int shift = static_cast<int>(index >> sub_bits) - 1;
    const uint64_t mantissa = index - static_cast<uint64_t>(shift) * sub_count;
    return (mantissa << shift) + ((uint64_t{1} << shift) >> 1);
  }

  std::vector<uint64_t> counts_ = std::vector<uint64_t>(bucket_count, 0);
  uint64_t count_ = 0, sum_ = 0, max_ = 0;
};

// A bounded FIFO of intended send times.
class time_fifo {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  bool push(uint64_t t) {
    if (size_ == fifo_capacity) return false;
    if (size_ == ring_.size()) {  // full but below capacity: unwrap, then grow
      if (head_ != 0) {
        std::rotate(ring_.begin(), ring_.begin() + static_cast<std::ptrdiff_t>(head_), ring_.end());
        head_ = 0;
      }
      ring_.resize(std::min(fifo_capacity, std::max<size_t>(1024, ring_.size() * 2)));
    }
    ring_[(head_ + size_) % ring_.size()] = t;
    size_++;
    return true;
  }
  uint64_t pop() {
    const uint64_t t = ring_[head_];
    head_ = (head_ + 1) % ring_.size();
    size_--;
    return t;
  }

 private:
  std::vector<uint64_t> ring_;
  size_t head_ = 0, size_ = 0;
};

struct options {
  std::string host, port = "80", path = "/", host_header;
  double rate = 0, duration = 0, warmup = 1, timeout = 5;
  int connections = 64;
  bool stream = false;
  bool use_timerfd = false;
  uint64_t tick_ns = 0;
  std::string body;
  bool body_given = false;
  std::vector<std::string> headers;
  std::string samples_path;
};

[[noreturn]] void bad_argument(const std::string& message) {
  std::fprintf(stderr, "brokle_gateway_rate: %s\n(see --help)\n", message.c_str());
  std::exit(2);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool icontains(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (iequals(haystack.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

double parse_number(const std::string& flag, const std::string& value, double low, double high, bool low_inclusive) {
  char* end = nullptr;
  errno = 0;
  const double number = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || errno != 0 || !std::isfinite(number) ||
      (low_inclusive ? number < low : number <= low) || number > high) {
    char range[96];
    std::snprintf(range, sizeof range, "a number %s %.10g and <= %.10g", low_inclusive ? ">=" : ">", low, high);
    bad_argument("bad value for " + flag + ": '" + value + "' (expected " + range + ")");
  }
  return number;
}

void parse_url(const std::string& url, options& o) {
  const std::string_view u = url;
  if (u.size() >= 8 && iequals(u.substr(0, 8), "https://")) {
    bad_argument("https:// is not supported: this tool speaks plain HTTP/1.1 only (no TLS); use an http:// URL");
  }
  if (u.size() < 7 || !iequals(u.substr(0, 7), "http://")) bad_argument("--url must start with http:// (got '" + url + "')");
  std::string_view rest = u.substr(7);
  const size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    o.path = std::string(rest.substr(slash));
    if (o.path.front() == '?') o.path = "/" + o.path;
  }
  const size_t hash = o.path.find('#');
  if (hash != std::string::npos) o.path.resize(hash);
  if (authority.find('@') != std::string_view::npos) bad_argument("--url: user info (user@host) is not supported");
  if (authority.empty()) bad_argument("--url has no host: '" + url + "'");
  o.host_header = std::string(authority);
  if (authority.front() == '[') {  // [IPv6]:port
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) bad_argument("--url: unterminated [IPv6] address");
    o.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') bad_argument("--url: junk after ]");
      o.port = std::string(after.substr(1));
    }
  } else {
    const size_t colon = authority.rfind(':');
    o.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) o.port = std::string(authority.substr(colon + 1));
  }
  if (o.host.empty()) bad_argument("--url has no host: '" + url + "'");
  char* end = nullptr;
  const long port = std::strtol(o.port.c_str(), &end, 10);
  if (o.port.empty() || *end != '\0' || port < 1 || port > 65535) bad_argument("--url: bad port '" + o.port + "'");
  for (char c : o.path) {
    if (static_cast<unsigned char>(c) <= ' ') bad_argument("--url: the path must not contain spaces or control characters");
  }
}

options parse_arguments(int argc, char** argv) {
  options o;
  bool have_url = false, have_rate = false, have_duration = false;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    std::string value;
    bool inline_value = false;
    if (flag == "--help" || flag == "-h") {
      std::fputs(usage_text, stdout);
      std::exit(0);
    }
    if (flag == "--stream") {
      o.stream = true;
      continue;
    }
    if (flag.rfind("--", 0) == 0) {
      const size_t eq = flag.find('=');
      if (eq != std::string::npos) {
        value = flag.substr(eq + 1);
        flag.resize(eq);
        inline_value = true;
      }
    }
    static const char* const valued[] = {"--url", "--rate", "--connections", "--duration", "--warmup",
                                         "--header", "--body", "--timeout", "--timer", "--tick-us", "--samples"};
    if (std::find_if(std::begin(valued), std::end(valued), [&](const char* f) { return flag == f; }) == std::end(valued)) {
      bad_argument("unknown argument: '" + std::string(argv[i]) + "'");
    }
    if (!inline_value) {
      if (i + 1 >= argc) bad_argument("missing value for " + flag);
      value = argv[++i];
    }
    if (flag == "--url") {
      parse_url(value, o);
      have_url = true;
    } else if (flag == "--rate") {
      o.rate = parse_number(flag, value, 0, 10'000'000, false);
      have_rate = true;
    } else if (flag == "--connections") {
      const double n = parse_number(flag, value, 1, 100'000, true);
      if (n != std::floor(n)) bad_argument("--connections must be a whole number");
      o.connections = static_cast<int>(n);
    } else if (flag == "--duration") {
      o.duration = parse_number(flag, value, 0, 86'400, false);
      have_duration = true;
    } else if (flag == "--warmup") {
      o.warmup = parse_number(flag, value, 0, 86'400, true);
    } else if (flag == "--timeout") {
      o.timeout = parse_number(flag, value, 0, 3'600, false);
    } else if (flag == "--tick-us") {
      const double n = parse_number(flag, value, 0, 1'000'000, true);
      if (n != std::floor(n)) bad_argument("--tick-us must be a whole number");
      o.tick_ns = static_cast<uint64_t>(n) * 1000;
    } else if (flag == "--timer") {
      if (value != "pwait2" && value != "timerfd") bad_argument("--timer must be pwait2 or timerfd (got '" + value + "')");
      o.use_timerfd = value == "timerfd";
    } else if (flag == "--samples") {
      if (value.empty()) bad_argument("--samples needs a file name");
      o.samples_path = value;
    } else if (flag == "--body") {
      o.body = value;
      o.body_given = true;
    } else if (flag == "--header") {
      if (value.find_first_of("\r\n") != std::string::npos) bad_argument("--header must not contain CR or LF");
      const size_t colon = value.find(':');
      const std::string_view name = colon == std::string::npos ? std::string_view{} : trim(std::string_view(value).substr(0, colon));
      if (name.empty() || name.find_first_of(" \t") != std::string_view::npos) {
        bad_argument("--header must look like 'Name: value' (got '" + value + "')");
      }
      if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding")) {
        bad_argument("--header " + std::string(name) + " is not allowed (the body length is computed)");
      }
      o.headers.push_back(std::string(name) + ": " + std::string(trim(std::string_view(value).substr(colon + 1))));
    }
  }
  if (!have_url) bad_argument("--url is required");
  if (!have_rate) bad_argument("--rate is required");
  if (!have_duration) bad_argument("--duration is required");
  if (o.stream && o.body_given) bad_argument("--stream and --body are exclusive (put \"stream\":true in the --body)");
  if (!o.body_given) o.body = o.stream ? default_stream_body : default_body;
  return o;
}

std::string build_request(const options& o) {
  bool user_host = false, user_type = false;
  for (const auto& h : o.headers) {
    const std::string_view name = std::string_view(h).substr(0, h.find(':'));
    user_host |= iequals(name, "Host");
    user_type |= iequals(name, "Content-Type");
  }
  std::string r = "POST " + o.path + " HTTP/1.1\r\n";
  if (!user_host) r += "Host: " + o.host_header + "\r\n";
  if (!user_type) r += "Content-Type: application/json\r\n";
  r += "Content-Length: " + std::to_string(o.body.size()) + "\r\n";
  for (const auto& h : o.headers) r += h + "\r\n";
  r += "\r\n";
  r += o.body;
  return r;
}

enum class conn_state { down, connecting, idle, busy };
enum class parse_state { status_line, headers, body, chunk_size, chunk_data, chunk_crlf, trailers, until_close };

struct connection {
  int fd = -1;
  uint32_t generation = 0;
  conn_state state = conn_state::down;
  uint64_t since = 0;     // connect start (connecting) / actual send time (busy)
  uint64_t intended = 0;  // the in-flight request's intended send time
  uint64_t retry_at = 0;  // down: when to try connecting again
  size_t written = 0;     // bytes of the request already written
  bool want_write = false;
  bool in_idle_ring = false;  // an entry for it is in generator::idle_ (maybe stale)
  // response parser
  parse_state ps = parse_state::status_line;
  int status = 0;
  bool chunked = false, has_length = false, close_after = false, http10 = false, keep_alive_header = false;
  uint64_t remaining = 0;
  std::vector<char> buf = std::vector<char>(16 * 1024);
  size_t len = 0;
};

enum class parse_result { more, complete, error };

class generator {
 public:
  generator(const options& o, const sockaddr_storage& address, socklen_t address_len)
      : o_(o), address_(address), address_len_(address_len), request_(build_request(o)),
        interval_ns_(1e9 / o.rate), conns_(static_cast<size_t>(o.connections)) {}

  int run();

 private:
  bool measured(uint64_t intended) const { return intended >= measure_start_ && intended < gen_end_; }
  uint64_t intended_at(uint64_t i) const {
    return t0_ + static_cast<uint64_t>(std::llround(static_cast<double>(i) * interval_ns_));
  }
  // When to wake for the request intended at t: t itself, or the next --tick-us boundary.
  uint64_t wake_at(uint64_t t) const {
    if (o_.tick_ns == 0) return t;
    return t0_ + (t - t0_ + o_.tick_ns - 1) / o_.tick_ns * o_.tick_ns;
  }
  uint64_t event_key(size_t index) const { return (uint64_t{conns_[index].generation} << 32) | index; }
  bool in_window_clock(uint64_t t) const { return measure_start_ != 0 && t >= measure_start_; }

  void open(size_t index);
  void close_conn(size_t index);
  void connect_failed(size_t index, uint64_t now);
  void io_failed(size_t index, uint64_t now, bool timeout);
  void became_idle(size_t index);
  void dispatch(uint64_t intended);
  void send_request(size_t index, uint64_t intended);
  void flush_write(size_t index);
  void on_event(size_t index, uint32_t events);
  void on_readable(size_t index);
  void on_complete(size_t index, uint64_t now);
  parse_result advance(connection& c);
  void set_events(size_t index, uint32_t events);
  void arm_timer(uint64_t at);
  int wait_events(uint64_t deadline, uint64_t max_wait_ns);
  void housekeeping(uint64_t now);
  size_t busy_measured() const;
  void print(uint64_t end, bool interrupted) const;
  bool write_samples() const;

  const options& o_;
  sockaddr_storage address_;
  socklen_t address_len_;
  std::string request_;
  double interval_ns_;
  std::vector<connection> conns_;
  std::vector<size_t> idle_;  // ring of idle connections (FIFO, so load spreads over all of them)
  size_t idle_head_ = 0, idle_size_ = 0;
  time_fifo fifo_;
  int epoll_ = -1, timer_ = -1;
  uint64_t timer_armed_ = 0;
  bool use_pwait2_ = true;
  std::vector<epoll_event> events_ = std::vector<epoll_event>(512);

  uint64_t t0_ = 0, measure_start_ = 0, gen_end_ = 0, next_i_ = 0;
  bool generating_ = false;
  histogram latency_, service_, lag_;
  struct sample {
    uint64_t intended_ns, latency_ns, service_ns;
    int status;
  };
  static constexpr size_t max_samples = 10'000'000;  // more are not kept (about 320 MB)
  std::vector<sample> samples_;
  uint64_t non2xx_ = 0, connect_errors_ = 0, io_errors_ = 0, timeouts_ = 0, reconnects_ = 0, dropped_ = 0;
  uint64_t sends_in_window_ = 0, completed_in_window_ = 0;
  rusage cpu_start_{};
  bool cpu_started_ = false;
};

void generator::set_events(size_t index, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = event_key(index);
  if (epoll_ctl(epoll_, EPOLL_CTL_MOD, conns_[index].fd, &ev) != 0) {
    std::fprintf(stderr, "epoll_ctl MOD: %s\n", std::strerror(errno));
  }
}

void generator::close_conn(size_t index) {
  connection& c = conns_[index];
  if (c.fd >= 0) ::close(c.fd);  // also removes it from the epoll set
  c.fd = -1;
  c.generation++;
  c.state = conn_state::down;
  c.len = 0;
  c.want_write = false;
}

void generator::open(size_t index) {
  connection& c = conns_[index];
  const uint64_t now = now_ns();
  close_conn(index);
  c.fd = ::socket(address_.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c.fd < 0) {
    std::fprintf(stderr, "socket: %s\n", std::strerror(errno));
    connect_failed(index, now);
    return;
  }
  const int one = 1;
  setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const int rc = ::connect(c.fd, reinterpret_cast<const sockaddr*>(&address_), address_len_);
  if (rc != 0 && errno != EINPROGRESS) {
    connect_failed(index, now);
    return;
  }
  // Even a connect that completed at once waits for EPOLLOUT: no call chain here reaches
  // send_request, so a failing server cannot make open/send/fail recurse.
  epoll_event ev{};
  ev.events = EPOLLOUT;
  ev.data.u64 = event_key(index);
  if (epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev) != 0) {
    std::fprintf(stderr, "epoll_ctl ADD: %s\n", std::strerror(errno));
    connect_failed(index, now);
    return;
  }
  c.since = now;
  c.state = conn_state::connecting;
}

void generator::connect_failed(size_t index, uint64_t now) {
  if (in_window_clock(now)) connect_errors_++;
  close_conn(index);
  conns_[index].retry_at = now + reconnect_backoff_ns;
}

void generator::io_failed(size_t index, uint64_t now, bool timeout) {
  if (in_window_clock(now)) {
    if (timeout) {
      timeouts_++;
    } else {
      io_errors_++;
    }
    reconnects_++;
  }
  open(index);  // the in-flight request (if any) is lost: counted as an error, not as a latency
}

void generator::became_idle(size_t index) {
  connection& c = conns_[index];
  c.state = conn_state::idle;
  if (!fifo_.empty()) {
    send_request(index, fifo_.pop());
    return;
  }
  if (c.in_idle_ring) return;  // its old entry is valid again
  c.in_idle_ring = true;
  idle_[(idle_head_ + idle_size_) % idle_.size()] = index;
  idle_size_++;
}

void generator::dispatch(uint64_t intended) {
  while (idle_size_ > 0) {
    const size_t index = idle_[idle_head_];
    idle_head_ = (idle_head_ + 1) % idle_.size();
    idle_size_--;
    conns_[index].in_idle_ring = false;
    if (conns_[index].state != conn_state::idle) continue;  // it closed while waiting in the ring
    send_request(index, intended);
    return;
  }
  if (!fifo_.push(intended) && measured(intended)) dropped_++;
}

void generator::send_request(size_t index, uint64_t intended) {
  connection& c = conns_[index];
  c.state = conn_state::busy;
  c.intended = intended;
  c.since = now_ns();
  c.written = 0;
  c.ps = parse_state::status_line;
  if (measured(intended)) lag_.record((c.since - std::min(c.since, intended) + 500) / 1000);
  if (in_window_clock(c.since)) sends_in_window_++;
  flush_write(index);
}

void generator::flush_write(size_t index) {
  connection& c = conns_[index];
  while (c.written < request_.size()) {
    const ssize_t n = ::send(c.fd, request_.data() + c.written, request_.size() - c.written, MSG_NOSIGNAL);
    if (n > 0) {
      c.written += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!c.want_write) {
        c.want_write = true;
        set_events(index, EPOLLIN | EPOLLOUT);
      }
      return;
    }
    if (n < 0 && errno == EINTR) continue;
    io_failed(index, now_ns(), false);
    return;
  }
  if (c.want_write) {
    c.want_write = false;
    set_events(index, EPOLLIN);
  }
}

// Consumes what it can of c.buf[0, c.len); keeps an incomplete line for the next read.
parse_result generator::advance(connection& c) {
  const char* b = c.buf.data();
  const size_t n = c.len;
  size_t pos = 0;
  parse_result result = parse_result::more;
  auto next_line = [&](std::string_view& line) {
    const void* nl = std::memchr(b + pos, '\n', n - pos);
    if (!nl) return false;
    const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - b);
    size_t line_end = end;
    if (line_end > pos && b[line_end - 1] == '\r') line_end--;
    line = std::string_view(b + pos, line_end - pos);
    pos = end + 1;
    return true;
  };
  // Takes what has arrived of a counted run (a Content-Length body or one chunk); true when it is whole.
  auto consume_counted = [&] {
    const uint64_t take = std::min<uint64_t>(c.remaining, n - pos);
    pos += take;
    c.remaining -= take;
    return c.remaining == 0;
  };
  std::string_view line;
  for (bool go = true; go && result == parse_result::more;) {
    switch (c.ps) {
      case parse_state::status_line:
        if (!next_line(line)) {
          go = false;
          break;
        }
        if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ' || !std::isdigit(static_cast<unsigned char>(line[9])) ||
            !std::isdigit(static_cast<unsigned char>(line[10])) || !std::isdigit(static_cast<unsigned char>(line[11]))) {
          return parse_result::error;
        }
        c.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
        c.http10 = line[7] == '0';
        c.chunked = c.has_length = c.close_after = c.keep_alive_header = false;
        c.remaining = 0;
        c.ps = parse_state::headers;
        break;
      case parse_state::headers: {
        if (!next_line(line)) {
          go = false;
          break;
        }
        if (line.empty()) {
          if (c.http10 && !c.keep_alive_header) c.close_after = true;
          if (c.status / 100 == 1) {
            c.ps = parse_state::status_line;  // interim response (100 Continue and the like)
          } else if (c.status == 204 || c.status == 304) {
            result = parse_result::complete;
          } else if (c.chunked) {
            c.ps = parse_state::chunk_size;
          } else if (c.has_length) {
            if (c.remaining == 0) {
              result = parse_result::complete;
            } else {
              c.ps = parse_state::body;
            }
          } else {
            c.ps = parse_state::until_close;
            c.close_after = true;
          }
          break;
        }
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos) return parse_result::error;
        const std::string_view name = trim(line.substr(0, colon));
        const std::string_view value = trim(line.substr(colon + 1));
        if (iequals(name, "Content-Length")) {
          uint64_t length = 0;
          if (value.empty()) return parse_result::error;
          for (char ch : value) {
            if (!std::isdigit(static_cast<unsigned char>(ch)) || length > (uint64_t{1} << 50)) return parse_result::error;
            length = length * 10 + static_cast<uint64_t>(ch - '0');
          }
          c.has_length = true;
          c.remaining = length;
        } else if (iequals(name, "Transfer-Encoding")) {
          c.chunked = icontains(value, "chunked");
        } else if (iequals(name, "Connection")) {
          if (icontains(value, "close")) c.close_after = true;
          if (icontains(value, "keep-alive")) c.keep_alive_header = true;
        }
        break;
      }
      case parse_state::body: {
        if (consume_counted()) result = parse_result::complete;
        else go = false;
        break;
      }
      case parse_state::chunk_size: {
        if (!next_line(line)) {
          go = false;
          break;
        }
        uint64_t size = 0;
        size_t digits = 0;
        for (char ch : line) {
          int v;
          if (ch >= '0' && ch <= '9') {
            v = ch - '0';
          } else if (ch >= 'a' && ch <= 'f') {
            v = ch - 'a' + 10;
          } else if (ch >= 'A' && ch <= 'F') {
            v = ch - 'A' + 10;
          } else if (ch == ';' || ch == ' ' || ch == '\t') {
            break;
          } else {
            return parse_result::error;
          }
          if (++digits > 15) return parse_result::error;
          size = size * 16 + static_cast<uint64_t>(v);
        }
        if (digits == 0) return parse_result::error;
        if (size == 0) {
          c.ps = parse_state::trailers;
        } else {
          c.remaining = size;
          c.ps = parse_state::chunk_data;
        }
        break;
      }
      case parse_state::chunk_data: {
        if (consume_counted()) c.ps = parse_state::chunk_crlf;
        else go = false;
        break;
      }
      case parse_state::chunk_crlf:
        if (!next_line(line)) {
          go = false;
          break;
        }
        if (!line.empty()) return parse_result::error;
        c.ps = parse_state::chunk_size;
        break;
      case parse_state::trailers:
        if (!next_line(line)) {
          go = false;
          break;
        }
        if (line.empty()) result = parse_result::complete;
        break;
      case parse_state::until_close:
        pos = n;
        go = false;
        break;
    }
  }
  if (result == parse_result::complete && pos != n) return parse_result::error;  // bytes nobody asked for
  if (pos > 0) {
    std::memmove(c.buf.data(), c.buf.data() + pos, n - pos);
    c.len = n - pos;
  }
  if (c.len == c.buf.size()) {  // one line longer than the buffer
    if (c.buf.size() >= max_line_bytes) return parse_result::error;
    c.buf.resize(c.buf.size() * 2);
  }
  return result;
}

void generator::on_complete(size_t index, uint64_t now) {
  connection& c = conns_[index];
  if (now >= measure_start_ && now < gen_end_) completed_in_window_++;
  if (measured(c.intended)) {
    latency_.record((now - std::min(now, c.intended) + 500) / 1000);
    service_.record((now - c.since + 500) / 1000);
    if (!o_.samples_path.empty() && samples_.size() < max_samples) {
      samples_.push_back({c.intended - measure_start_, now - c.intended, now - c.since, c.status});
    }
    if (c.status < 200 || c.status > 299) non2xx_++;
  }
  if (c.close_after) {
    if (in_window_clock(now)) reconnects_++;
    open(index);
  } else {
    became_idle(index);
  }
}

void generator::on_readable(size_t index) {
  connection& c = conns_[index];
  for (;;) {
    const ssize_t n = ::recv(c.fd, c.buf.data() + c.len, c.buf.size() - c.len, 0);
    const uint64_t now = now_ns();
    if (n > 0) {
      c.len += static_cast<size_t>(n);
      if (c.state != conn_state::busy) {  // data on an idle connection
        io_failed(index, now, false);
        return;
      }
      const bool filled = c.len == c.buf.size();
      const parse_result r = advance(c);
      if (r == parse_result::complete) {
        on_complete(index, now);
        return;
      }
      if (r == parse_result::error) {
        io_failed(index, now, false);
        return;
      }
      if (!filled) return;  // level-triggered: epoll reports whatever is left
      continue;
    }
    if (n == 0) {  // peer closed
      if (c.state == conn_state::busy && c.ps == parse_state::until_close) {
        c.close_after = true;
        on_complete(index, now);
      } else if (c.state == conn_state::busy) {
        io_failed(index, now, false);
      } else {
        if (in_window_clock(now)) reconnects_++;  // keep-alive connection closed while idle
        open(index);
      }
      return;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    if (errno == EINTR) continue;
    io_failed(index, now, false);
    return;
  }
}

void generator::on_event(size_t index, uint32_t events) {
  connection& c = conns_[index];
  if (c.state == conn_state::connecting) {
    int error = 0;
    socklen_t length = sizeof error;
    if (getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
    if (error == 0 && (events & EPOLLOUT)) {
      set_events(index, EPOLLIN);
      became_idle(index);
    } else if (error != 0 || (events & (EPOLLERR | EPOLLHUP))) {
      connect_failed(index, now_ns());
    }
    return;
  }
  const uint32_t generation = c.generation;
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(index);
  if (c.generation == generation && c.state == conn_state::busy && c.want_write && (events & EPOLLOUT)) flush_write(index);
}

void generator::arm_timer(uint64_t at) {
  if (at == timer_armed_) return;
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(at / 1'000'000'000u);
  spec.it_value.tv_nsec = static_cast<long>(at % 1'000'000'000u);
  // at == 0 disarms; re-arming also clears the expiration count, so the fd never needs a read()
  timerfd_settime(timer_, TFD_TIMER_ABSTIME, &spec, nullptr);
  timer_armed_ = at;
}

// Sleeps until deadline (0: none) or max_wait_ns, whichever is first, or until a socket is ready.
int generator::wait_events(uint64_t deadline, uint64_t max_wait_ns) {
  const int size = static_cast<int>(events_.size());
  if (use_pwait2_) {
    const uint64_t now = now_ns();
    uint64_t wait = max_wait_ns;
    if (deadline != 0) wait = std::min(wait, deadline > now ? deadline - now : 0);
    timespec ts{static_cast<time_t>(wait / 1'000'000'000u), static_cast<long>(wait % 1'000'000'000u)};
    const int n = epoll_pwait2(epoll_, events_.data(), size, &ts, nullptr);
    if (n >= 0 || errno != ENOSYS) return n;
    use_pwait2_ = false;  // kernel older than 5.11
    std::fprintf(stderr, "brokle_gateway_rate: epoll_pwait2 unsupported, using a timerfd\n");
  }
  arm_timer(deadline);
  return epoll_wait(epoll_, events_.data(), size, static_cast<int>((max_wait_ns + 999'999) / 1'000'000));
}

void generator::housekeeping(uint64_t now) {
  const uint64_t timeout_ns = static_cast<uint64_t>(o_.timeout * 1e9);
  for (size_t i = 0; i < conns_.size(); ++i) {
    connection& c = conns_[i];
    const bool expired = now > c.since && now - c.since > timeout_ns;  // c.since may be later than now
    if (c.state == conn_state::busy && expired) {
      io_failed(i, now, true);
    } else if (c.state == conn_state::connecting && expired) {
      connect_failed(i, now);
    } else if (c.state == conn_state::down && now >= c.retry_at) {
      open(i);
    }
  }
}

size_t generator::busy_measured() const {
  size_t n = 0;
  for (const auto& c : conns_) n += c.state == conn_state::busy && measured(c.intended);
  return n;
}

int generator::run() {
  epoll_ = epoll_create1(EPOLL_CLOEXEC);
  timer_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (epoll_ < 0 || timer_ < 0) {
    std::fprintf(stderr, "epoll/timerfd: %s\n", std::strerror(errno));
    return 1;
  }
  constexpr uint64_t timer_key = ~uint64_t{0};
  epoll_event tev{};
  tev.events = EPOLLIN;
  tev.data.u64 = timer_key;
  epoll_ctl(epoll_, EPOLL_CTL_ADD, timer_, &tev);
  idle_.assign(conns_.size(), 0);
  use_pwait2_ = !o_.use_timerfd;
  if (use_pwait2_) prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);  // else the kernel may wake us 50 us late

  auto poll_once = [&](uint64_t deadline, uint64_t max_wait_ns) {
    const int n = wait_events(deadline, max_wait_ns);
    for (int k = 0; k < n; ++k) {
      const uint64_t key = events_[static_cast<size_t>(k)].data.u64;
      if (key == timer_key) continue;
      const size_t index = static_cast<size_t>(key & 0xffffffffu);
      if (conns_[index].generation != static_cast<uint32_t>(key >> 32)) continue;  // stale: fd since closed
      on_event(index, events_[static_cast<size_t>(k)].events);
    }
  };

  // Open every connection before the clock starts (up to 3 s).
  for (size_t i = 0; i < conns_.size(); ++i) open(i);
  const uint64_t connect_deadline = now_ns() + 3'000'000'000u;
  for (;;) {
    size_t up = 0;
    for (const auto& c : conns_) up += c.state == conn_state::idle;
    if (up == conns_.size() || now_ns() > connect_deadline || stop_requested) break;
    poll_once(0, 10'000'000);
    housekeeping(now_ns());
  }
  size_t up = 0;
  for (const auto& c : conns_) up += c.state == conn_state::idle;
  if (up == 0) {
    std::fprintf(stderr, "brokle_gateway_rate: could not connect to %s:%s\n", o_.host.c_str(), o_.port.c_str());
    return 1;
  }
  if (up < conns_.size()) std::fprintf(stderr, "brokle_gateway_rate: only %zu of %zu connections open; going on\n", up, conns_.size());

  t0_ = now_ns();
  measure_start_ = t0_ + static_cast<uint64_t>(o_.warmup * 1e9);
  gen_end_ = measure_start_ + static_cast<uint64_t>(o_.duration * 1e9);
  const uint64_t drain_end = gen_end_ + static_cast<uint64_t>(o_.timeout * 1e9);
  generating_ = true;
  next_i_ = 0;
  uint64_t next_housekeeping = t0_ + housekeeping_ns;
  bool interrupted = false;
  uint64_t end = 0;

  for (;;) {
    uint64_t now = now_ns();
    if (!cpu_started_ && now >= measure_start_) {
      getrusage(RUSAGE_SELF, &cpu_start_);
      cpu_started_ = true;
    }
    if (stop_requested) {
      interrupted = true;
      end = now;
      break;
    }
    while (generating_) {
      const uint64_t t = intended_at(next_i_);
      if (t >= gen_end_) {
        generating_ = false;
        break;
      }
      if (wake_at(t) > now) break;
      dispatch(t);
      next_i_++;
    }
    if (now >= next_housekeeping) {
      housekeeping(now);
      next_housekeeping = now + housekeeping_ns;
    }
    if (!generating_) {
      if ((fifo_.empty() && busy_measured() == 0) || now >= drain_end) {
        end = now;
        break;
      }
    }
    poll_once(generating_ ? wake_at(intended_at(next_i_)) : 0, housekeeping_ns);
  }
  print(end, interrupted);
  return write_samples() ? 0 : 1;
}

void generator::print(uint64_t end, bool interrupted) const {
  rusage cpu_end{};
  getrusage(RUSAGE_SELF, &cpu_end);
  auto seconds = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  double cpu = 0;
  if (cpu_started_) {
    cpu = seconds(cpu_end.ru_utime) + seconds(cpu_end.ru_stime) - seconds(cpu_start_.ru_utime) - seconds(cpu_start_.ru_stime);
  }
  const double wall = end > measure_start_ ? static_cast<double>(end - measure_start_) / 1e9 : 0;
  double duration = o_.duration;
  if (interrupted) duration = std::min(duration, wall);
  const double achieved = duration > 0 ? static_cast<double>(completed_in_window_) / duration : 0;
  const size_t unfinished = fifo_.size() + busy_measured();
  const uint64_t errors = connect_errors_ + io_errors_ + timeouts_;
  const bool saturated = achieved < 0.95 * o_.rate || dropped_ > 0;
  std::printf(
      "offered=%.10g achieved=%.1f requests=%llu non2xx=%llu errors=%llu p50_us=%llu p90_us=%llu p99_us=%llu p999_us=%llu "
      "max_us=%llu service_p50_us=%llu service_p90_us=%llu service_p99_us=%llu service_p999_us=%llu service_max_us=%llu "
      "mean_us=%llu lag_p50_us=%llu lag_p99_us=%llu connect_errors=%llu io_errors=%llu timeouts=%llu reconnects=%llu dropped=%llu "
      "unfinished=%zu connections=%d duration_s=%.10g gen_cpu_pct=%.1f gen_cpu_us_per_req=%.2f timer=%s tick_us=%llu saturated=%d%s\n",
      o_.rate, achieved, static_cast<unsigned long long>(latency_.count()), static_cast<unsigned long long>(non2xx_),
      static_cast<unsigned long long>(errors), static_cast<unsigned long long>(latency_.percentile(50)),
      static_cast<unsigned long long>(latency_.percentile(90)), static_cast<unsigned long long>(latency_.percentile(99)),
      static_cast<unsigned long long>(latency_.percentile(99.9)), static_cast<unsigned long long>(latency_.max()),
      static_cast<unsigned long long>(service_.percentile(50)), static_cast<unsigned long long>(service_.percentile(90)),
      static_cast<unsigned long long>(service_.percentile(99)), static_cast<unsigned long long>(service_.percentile(99.9)),
      static_cast<unsigned long long>(service_.max()), static_cast<unsigned long long>(latency_.mean()),
      static_cast<unsigned long long>(lag_.percentile(50)), static_cast<unsigned long long>(lag_.percentile(99)),
      static_cast<unsigned long long>(connect_errors_),
      static_cast<unsigned long long>(io_errors_), static_cast<unsigned long long>(timeouts_),
      static_cast<unsigned long long>(reconnects_), static_cast<unsigned long long>(dropped_), unfinished, o_.connections,
      duration, wall > 0 ? 100.0 * cpu / wall : 0.0, sends_in_window_ ? cpu * 1e6 / static_cast<double>(sends_in_window_) : 0.0,
      use_pwait2_ ? "pwait2" : "timerfd", static_cast<unsigned long long>(o_.tick_ns / 1000), saturated ? 1 : 0, interrupted ? " interrupted=1" : "");
  std::fflush(stdout);
}

bool generator::write_samples() const {
  if (o_.samples_path.empty()) return true;
  FILE* f = std::fopen(o_.samples_path.c_str(), "w");
  if (!f) {
    std::fprintf(stderr, "brokle_gateway_rate: cannot write --samples %s: %s\n", o_.samples_path.c_str(), std::strerror(errno));
    return false;
  }
  if (samples_.size() == max_samples) {
    std::fprintf(stderr, "brokle_gateway_rate: --samples keeps the first %zu requests only; the rest are not in %s\n",
                 max_samples, o_.samples_path.c_str());
  }
  std::fputs("intended_us latency_us service_us status\n", f);
  for (const sample& s : samples_) {
    std::fprintf(f, "%llu %llu %llu %d\n", static_cast<unsigned long long>(s.intended_ns / 1000),
                 static_cast<unsigned long long>(s.latency_ns / 1000), static_cast<unsigned long long>(s.service_ns / 1000), s.status);
  }
  const bool ok = std::fclose(f) == 0;
  if (!ok) std::fprintf(stderr, "brokle_gateway_rate: writing --samples %s failed\n", o_.samples_path.c_str());
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse_arguments(argc, argv);

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(o.host.c_str(), o.port.c_str(), &hints, &found);
  if (rc != 0 || !found) {
    std::fprintf(stderr, "brokle_gateway_rate: cannot resolve %s: %s\n", o.host.c_str(), gai_strerror(rc));
    return 1;
  }
  sockaddr_storage address{};
  std::memcpy(&address, found->ai_addr, found->ai_addrlen);
  const socklen_t address_len = found->ai_addrlen;
  freeaddrinfo(found);

  // Room for the connections (plus epoll, timerfd, stdio).
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    const rlim_t needed = static_cast<rlim_t>(o.connections) + 32;
    if (limit.rlim_cur < needed) {
      limit.rlim_cur = std::min(needed, limit.rlim_max);
      setrlimit(RLIMIT_NOFILE, &limit);
      if (limit.rlim_cur < needed) {
        std::fprintf(stderr, "brokle_gateway_rate: --connections %d needs %llu file descriptors, the limit is %llu\n",
                     o.connections, static_cast<unsigned long long>(needed), static_cast<unsigned long long>(limit.rlim_cur));
        return 2;
      }
    }
  }

  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  generator g(o, address, address_len);
  return g.run();
}
