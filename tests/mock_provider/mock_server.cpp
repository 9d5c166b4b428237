// Listening sockets and worker threads for the mock provider. SO_REUSEPORT gives each worker its own
// accept queue, so the kernel balances connections and workers never contend on accept.
#include "mock_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace brokle::mock {
namespace {

int bind_listener(const in_addr& address, std::uint16_t port, std::string& error) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  sockaddr_in socket_address{};
  socket_address.sin_family = AF_INET;
  socket_address.sin_addr = address;
  socket_address.sin_port = htons(port);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&socket_address), sizeof socket_address) != 0 ||
      listen(fd, 4096) != 0) {
    error = std::string("bind/listen: ") + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

// Ten thousand streams need ten thousand descriptors; the default soft limit is often 1024.
// Returns the connection cap the descriptor limit allows (a few descriptors stay for listeners).
int raise_descriptor_limit() {
  constexpr int reserved_descriptors = 64;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return worker_limits::max_connections;
  const rlim_t wanted = static_cast<rlim_t>(worker_limits::max_connections) + reserved_descriptors;
  if (limit.rlim_cur < wanted) {
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted) return worker_limits::max_connections;
  return std::max(1, static_cast<int>(limit.rlim_cur) - reserved_descriptors);
}

}  // namespace

mock_server::mock_server(server_options options) : options_(std::move(options)) {}

mock_server::~mock_server() {
  stop();
  for (const int fd : listen_fds_) ::close(fd);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

bool mock_server::open(std::string& error) {
  max_connections_ = raise_descriptor_limit();
  in_addr address{};
  if (inet_pton(AF_INET, options_.host.c_str(), &address) != 1) {
    error = "host must be an IPv4 address, got '" + options_.host + "'";
    return false;
  }
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) {
    error = std::string("eventfd: ") + std::strerror(errno);
    return false;
  }
  const int threads = std::clamp(options_.threads, 1, server_options::max_threads);
  for (int i = 0; i < threads; ++i) {
    // The first bind picks the port (when asked for 0); the others join it.
    const int fd = bind_listener(address, i == 0 ? options_.port : port_, error);
    if (fd < 0) return false;
    listen_fds_.push_back(fd);
    if (i == 0) {
      sockaddr_in bound{};
      socklen_t length = sizeof bound;
      getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
      port_ = ntohs(bound.sin_port);
    }
    auto worker = std::make_unique<event_worker>(fd, wake_fd_, router_, stats_, connection_count_, max_connections_);
    if (!worker->init(error)) return false;
    workers_.push_back(std::move(worker));
  }
  return true;
}

void mock_server::start() {
  for (auto& worker : workers_) threads_.emplace_back([w = worker.get()] { w->run(); });
}

void mock_server::stop() {
  if (threads_.empty()) return;
  const std::uint64_t one = 1;
  // The eventfd stays readable (nobody reads it), so every worker's level-triggered epoll sees it.
  [[maybe_unused]] const auto written = write(wake_fd_, &one, sizeof one);
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace brokle::mock
