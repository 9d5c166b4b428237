// brokle_relay_floor: the cheapest possible proxy, as a yardstick for the gateway benchmark.
//
// One thread, epoll, no parsing: every accepted client connection is paired with one upstream
// connection and bytes are copied both ways as they arrive. For HTTP/1.1 keep-alive without
// pipelining that is a working proxy, and it does the least work an epoll proxy must do per call:
// two reads and two writes on loopback plus its share of epoll_wait. What it achieves against
// direct-to-mock is the ceiling for such a proxy on the same machine (bench/gateway.sh prints it
// beside brokle). Not a product component; never used by tests.
//
//   brokle_relay_floor --listen PORT --upstream PORT
// Prints "listening on PORT" when ready (PORT 0 picks a free one).

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int max_connections = 65536;

int fail(const char* what) {
  std::fprintf(stderr, "brokle_relay_floor: %s: %s\n", what, std::strerror(errno));
  return 1;
}

void set_nodelay_nonblocking(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// Writes all of `data` to a non-blocking socket; waits with poll-free spinning only when the
// peer's buffer is full (does not happen with request/response traffic of a few KiB).
bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n > 0) {
      data += n;
      size -= static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      continue;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int listen_port = 0;
  int upstream_port = -1;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--listen" && i + 1 < argc) {
      listen_port = std::atoi(argv[++i]);
    } else if (arg == "--upstream" && i + 1 < argc) {
      upstream_port = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: brokle_relay_floor --listen PORT --upstream PORT\n");
      return arg == "--help" ? 0 : 2;
    }
  }
  if (upstream_port <= 0 || upstream_port > 65535 || listen_port < 0 || listen_port > 65535) {
    std::fprintf(stderr, "brokle_relay_floor: --upstream PORT is required (1-65535)\n");
    return 2;
  }

  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(listen_port));
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return fail("bind");
  if (::listen(listener, 1024) != 0) return fail("listen");
  socklen_t length = sizeof address;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  std::printf("listening on %d\n", ntohs(address.sin_port));
  std::fflush(stdout);

  int poller = ::epoll_create1(0);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = listener;
  ::epoll_ctl(poller, EPOLL_CTL_ADD, listener, &event);

  std::vector<int> peer(max_connections, -1);
  std::vector<char> buffer(64 * 1024);
  std::vector<epoll_event> ready(256);
  sockaddr_in upstream{};
  upstream.sin_family = AF_INET;
  upstream.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  upstream.sin_port = htons(static_cast<uint16_t>(upstream_port));

  auto close_pair = [&](int fd) {
    int other = peer[fd];
    ::close(fd);
    peer[fd] = -1;
    if (other >= 0) {
      ::close(other);
      peer[other] = -1;
    }
  };

  for (;;) {
    int count = ::epoll_wait(poller, ready.data(), static_cast<int>(ready.size()), -1);
    if (count < 0) {
      if (errno == EINTR) continue;
      return fail("epoll_wait");
    }
    for (int i = 0; i < count; ++i) {
      int fd = ready[i].data.fd;
      if (fd == listener) {
        int client = ::accept(listener, nullptr, nullptr);
        if (client < 0) continue;
        int server = ::socket(AF_INET, SOCK_STREAM, 0);
        if (client >= max_connections || server < 0 || server >= max_connections ||
            ::connect(server, reinterpret_cast<sockaddr*>(&upstream), sizeof upstream) != 0) {
          ::close(client);
          if (server >= 0) ::close(server);
          continue;
        }
        set_nodelay_nonblocking(client);
        set_nodelay_nonblocking(server);
        peer[client] = server;
        peer[server] = client;
        for (int side : {client, server}) {
          epoll_event watch{};
          watch.events = EPOLLIN | EPOLLRDHUP;
          watch.data.fd = side;
          ::epoll_ctl(poller, EPOLL_CTL_ADD, side, &watch);
        }
        continue;
      }
      if (peer[fd] < 0) continue;  // closed earlier in this batch
      ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (n > 0) {
        if (!write_all(peer[fd], buffer.data(), static_cast<size_t>(n))) close_pair(fd);
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        close_pair(fd);
      }
    }
  }
}
