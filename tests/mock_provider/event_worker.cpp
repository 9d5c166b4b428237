// The mock provider's epoll loop. Level-triggered epoll keeps the state machine simple: interest is
// recomputed after every step (read while there is room, write while output is queued), and all
// closes are deferred to the end of the event batch so no handler ever touches a freed connection.
#include "event_worker.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace brokle::mock {
namespace {

constexpr std::size_t read_chunk_bytes = 64 * 1024;
constexpr int accepts_per_wakeup = 64;
constexpr std::int64_t sweep_interval_ms = 5'000;
constexpr std::int64_t accept_pause_ms = 100;
constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";

// Distinct addresses tag the two non-connection descriptors in epoll_event.data.ptr.
char listen_tag;
char wake_tag;

std::int64_t monotonic_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

}  // namespace

event_worker::event_worker(int listen_fd, int wake_fd, mock_router& router, mock_stats& stats,
                           std::atomic<int>& connection_count, int max_connections)
    : listen_fd_(listen_fd),
      wake_fd_(wake_fd),
      router_(router),
      stats_(stats),
      connection_count_(connection_count),
      max_connections_(max_connections),
      read_buffer_(std::make_unique<char[]>(read_chunk_bytes)) {}

event_worker::~event_worker() {
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

bool event_worker::init(std::string& error) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) {
    error = std::string("epoll_create1: ") + std::strerror(errno);
    return false;
  }
  epoll_event listen_event{};
  listen_event.events = EPOLLIN;
  listen_event.data.ptr = &listen_tag;
  epoll_event wake_event{};
  wake_event.events = EPOLLIN;
  wake_event.data.ptr = &wake_tag;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &listen_event) != 0 ||
      epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &wake_event) != 0) {
    error = std::string("epoll_ctl: ") + std::strerror(errno);
    return false;
  }
  return true;
}

void event_worker::run() {
  epoll_event events[256];
  next_sweep_ms_ = monotonic_ms() + sweep_interval_ms;
  bool stopping = false;
  while (!stopping) {
    const int ready = epoll_wait(epoll_fd_, events, 256, next_timeout_ms(monotonic_ms()));
    if (ready < 0 && errno != EINTR) break;
    const std::int64_t now = monotonic_ms();
    for (int i = 0; i < ready; ++i) {
      void* tag = events[i].data.ptr;
      if (tag == &wake_tag) {
        stopping = true;
      } else if (tag == &listen_tag) {
        accept_ready(now);
      } else {
        auto* c = static_cast<connection*>(tag);
        if (c->fd >= 0) on_event(*c, events[i].events, now);
      }
    }
    run_timers(now);
    if (accept_resume_ms_ >= 0 && now >= accept_resume_ms_) {
      epoll_event listen_event{};
      listen_event.events = EPOLLIN;
      listen_event.data.ptr = &listen_tag;
      epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &listen_event);
      accept_resume_ms_ = -1;
    }
    if (now >= next_sweep_ms_) {
      sweep_idle(now);
      next_sweep_ms_ = now + sweep_interval_ms;
    }
    reap_closed();
  }
  for (auto& [id, c] : connections_) {
    if (c->fd >= 0) close_now(*c);
  }
  reap_closed();
}

int event_worker::next_timeout_ms(std::int64_t now) const {
  std::int64_t due = next_sweep_ms_;
  if (!timers_.empty() && timers_.top().due_ms < due) due = timers_.top().due_ms;
  if (accept_resume_ms_ >= 0 && accept_resume_ms_ < due) due = accept_resume_ms_;
  return static_cast<int>(std::max<std::int64_t>(0, due - now));
}

void event_worker::accept_ready(std::int64_t now) {
  for (int i = 0; i < accepts_per_wakeup; ++i) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // The pending connection stays readable; stop polling for it a moment instead of spinning.
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
        accept_resume_ms_ = now + accept_pause_ms;
      }
      return;
    }
    if (connection_count_.fetch_add(1, std::memory_order_relaxed) >= max_connections_) {
      connection_count_.fetch_sub(1, std::memory_order_relaxed);
      ::close(fd);
      continue;
    }
    // Stream events are small separate writes; Nagle would hold each one back for an ACK.
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    auto c = std::make_unique<connection>();
    c->fd = fd;
    c->id = next_connection_id_++;
    c->interest = EPOLLIN;
    c->last_active_ms = now;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = c.get();
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
      connection_count_.fetch_sub(1, std::memory_order_relaxed);
      ::close(fd);
      continue;
    }
    stats_.connection_opened();
    connections_.emplace(c->id, std::move(c));
  }
}

void event_worker::on_event(connection& c, std::uint32_t events, std::int64_t now) {
  if (events & EPOLLERR) {
    close_now(c);
    return;
  }
  if (events & (EPOLLIN | EPOLLHUP)) {
    read_ready(c, now);
    if (c.fd < 0) return;
  }
  advance(c, now);
}

void event_worker::read_ready(connection& c, std::int64_t now) {
  // A few reads per wakeup at most, so one fast sender cannot starve the other connections.
  for (int round = 0; round < 4; ++round) {
    const ssize_t n = recv(c.fd, read_buffer_.get(), read_chunk_bytes, 0);
    if (n > 0) {
      c.last_active_ms = now;
      if (!c.lingering) c.in.append(read_buffer_.get(), static_cast<std::size_t>(n));
      if (static_cast<std::size_t>(n) < read_chunk_bytes) break;
      continue;
    }
    if (n == 0) {
      c.read_closed = true;
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    close_now(c);
    return;
  }
  if (c.lingering) {
    if (c.read_closed) close_now(c);
    return;
  }
  if (c.read_closed && c.pending) {
    // The client gave up on a delayed answer or a stream, as a cancelling gateway does.
    close_now(c);
  }
}

void event_worker::advance(connection& c, std::int64_t now) {
  if (c.lingering) return;
  if (c.pending) pump(c, now);
  // Pipelined requests beyond the output high-water mark wait until the client reads; loop while
  // draining the output lets more of them through.
  for (;;) {
    const int handled = (!c.pending && !c.closing) ? process_input(c, now) : 0;
    if (!flush(c, now)) return;
    if (handled == 0 || c.out_sent < c.out.size() || c.pending || c.closing) break;
  }
  settle(c, now);
}

int event_worker::process_input(connection& c, std::int64_t now) {
  int handled = 0;
  while (!c.pending && !c.closing && c.out.size() - c.out_sent < worker_limits::output_high_water) {
    const std::size_t available = c.in.size() - c.in_start;
    if (available == 0 || available < c.bytes_needed) break;
    const std::string_view data = std::string_view(c.in).substr(c.in_start);
    const parse_outcome outcome = parse_http_request(data, request_, chunked_body_);
    if (outcome.state == parse_state::need_more) {
      c.bytes_needed = outcome.bytes_needed;
      if (outcome.headers_complete && request_.expects_continue && request_.minor_version == 1 && !c.continue_sent) {
        c.out.append(continue_line);
        c.continue_sent = true;
      }
      break;
    }
    c.bytes_needed = 0;
    c.continue_sent = false;
    ++handled;
    if (outcome.state == parse_state::failed) {
      // The stream can no longer be trusted to be framed: answer and close.
      router_.reject(outcome.error_status, request_.path, response_);
      append_response_head(c.out, response_, false, 1);
      c.out.append(response_.body);
      c.closing = true;
      c.in.clear();
      c.in_start = 0;
      return handled;
    }
    router_.handle(request_, arena_, response_);
    c.in_start += outcome.consumed;
    start_response(c, request_.keep_alive, request_.minor_version, now);
  }
  if (c.in_start == c.in.size()) {
    c.in.clear();
    c.in_start = 0;
    if (c.in.capacity() > worker_limits::retained_buffer_bytes) std::string().swap(c.in);
  } else if (c.in_start > read_chunk_bytes) {
    c.in.erase(0, c.in_start);
    c.in_start = 0;
  }
  return handled;
}

void event_worker::start_response(connection& c, bool keep_alive, int minor_version, std::int64_t now) {
  mock_response& r = response_;
  // HTTP/1.0 has no chunked coding, so a stream there ends when the connection does.
  if (r.streaming && minor_version == 0) keep_alive = false;
  const bool cut_stream = r.streaming && r.disconnect_after_events >= 0 &&
                          static_cast<std::size_t>(r.disconnect_after_events) < r.events.size();
  // On a plain response the disconnect fault means: drop the connection without answering.
  const bool drop_plain = !r.streaming && r.disconnect_after_events >= 0;
  const bool chunked = r.streaming && minor_version == 1;

  const bool head_alone = r.streaming && r.first_event_delay_ms > 0;
  if (r.delay_ms == 0 && (!r.streaming || r.chunk_delay_ms == 0) && !head_alone && !cut_stream && !drop_plain) {
    append_response_head(c.out, r, keep_alive, minor_version);
    if (!r.streaming) {
      c.out.append(r.body);
    } else {
      for (const auto& event : r.events) {
        if (chunked) {
          append_chunk(c.out, event);
        } else {
          c.out.append(event);
        }
      }
      if (chunked) c.out.append(last_chunk);
    }
    if (!keep_alive) c.closing = true;
    return;
  }

  auto plan = std::make_unique<scheduled_output>();
  plan->due_ms = now + r.delay_ms;
  plan->gap_ms = r.chunk_delay_ms;
  plan->close_at_end = !keep_alive;
  if (drop_plain) {
    plan->abort_at_end = true;  // no pieces: after the delay the connection just closes
  } else if (!r.streaming) {
    std::string& piece = plan->pieces.emplace_back();
    append_response_head(piece, r, keep_alive, minor_version);
    piece.append(r.body);
  } else {
    const std::size_t sent_events = cut_stream ? static_cast<std::size_t>(r.disconnect_after_events) : r.events.size();
    plan->abort_at_end = cut_stream;
    // The head travels with the first event: the chunk delay separates events, not head and body.
    // With a first-event delay (a slow first token), the head goes alone first.
    std::string& head = plan->pieces.emplace_back();
    append_response_head(head, r, keep_alive, minor_version);
    if (head_alone) plan->first_gap_ms = r.first_event_delay_ms;
    for (std::size_t i = 0; i < sent_events; ++i) {
      std::string& piece = i == 0 && !head_alone ? plan->pieces.front() : plan->pieces.emplace_back();
      if (chunked) {
        append_chunk(piece, r.events[i]);
      } else {
        piece.append(r.events[i]);
      }
    }
    if (!cut_stream && chunked) plan->pieces.back().append(last_chunk);
  }
  c.pending = std::move(plan);
  pump(c, now);
}

void event_worker::pump(connection& c, std::int64_t now) {
  scheduled_output& plan = *c.pending;
  while (plan.next < plan.pieces.size() && plan.due_ms <= now) {
    c.out.append(plan.pieces[plan.next]);
    ++plan.next;
    plan.due_ms += plan.next == 1 && plan.first_gap_ms >= 0 ? plan.first_gap_ms : plan.gap_ms;
  }
  // Wait for the next piece, or for the initial delay when there is nothing to send at all.
  const bool waiting = plan.next < plan.pieces.size() || (plan.pieces.empty() && plan.due_ms > now);
  if (waiting) {
    arm_timer(c, plan.due_ms);
    return;
  }
  if (plan.abort_at_end || plan.close_at_end) c.closing = true;
  c.pending.reset();
}

bool event_worker::flush(connection& c, std::int64_t now) {
  while (c.out_sent < c.out.size()) {
    const ssize_t n = send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
    if (n > 0) {
      c.out_sent += static_cast<std::size_t>(n);
      c.last_active_ms = now;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    close_now(c);
    return false;
  }
  if (c.out_sent == c.out.size()) {
    c.out.clear();
    c.out_sent = 0;
    if (c.out.capacity() > worker_limits::retained_buffer_bytes) std::string().swap(c.out);
  }
  return true;
}

// Decides what the connection waits for next once this step's work is done.
void event_worker::settle(connection& c, std::int64_t now) {
  if (c.fd < 0) return;
  const bool drained = c.out_sent == c.out.size();
  if (c.closing && !c.pending && drained) {
    // Half-close so the client reads everything we sent, then drain its input briefly.
    shutdown(c.fd, SHUT_WR);
    c.lingering = true;
    if (c.read_closed) {
      close_now(c);
      return;
    }
    arm_timer(c, now + worker_limits::linger_ms);
  } else if (c.read_closed && !c.pending && drained) {
    close_now(c);  // the client is done sending and everything it asked for is answered
    return;
  }
  update_interest(c);
}

void event_worker::update_interest(connection& c) {
  std::uint32_t wanted = 0;
  const bool busy = c.pending != nullptr || c.out.size() - c.out_sent >= worker_limits::output_high_water;
  const std::size_t unparsed = c.in.size() - c.in_start;
  if (!c.read_closed && (c.lingering || !busy || unparsed < worker_limits::input_high_water)) wanted |= EPOLLIN;
  if (!c.lingering && c.out_sent < c.out.size()) wanted |= EPOLLOUT;
  if (wanted == c.interest) return;
  epoll_event event{};
  event.events = wanted;
  event.data.ptr = &c;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &event) == 0) c.interest = wanted;
}

void event_worker::arm_timer(connection& c, std::int64_t due_ms) {
  if (c.timer_due == due_ms) return;  // already armed for that moment
  c.timer_due = due_ms;
  timers_.push({due_ms, c.id});
}

void event_worker::run_timers(std::int64_t now) {
  while (!timers_.empty() && timers_.top().due_ms <= now) {
    const timer_entry entry = timers_.top();
    timers_.pop();
    const auto found = connections_.find(entry.connection_id);
    if (found == connections_.end()) continue;
    connection& c = *found->second;
    if (c.fd < 0 || c.timer_due != entry.due_ms) continue;  // closed, or superseded by a later timer
    c.timer_due = -1;
    if (c.lingering) {
      close_now(c);
    } else {
      advance(c, now);
    }
  }
}

void event_worker::sweep_idle(std::int64_t now) {
  for (auto& [id, c] : connections_) {
    if (c->fd >= 0 && !c->pending && !c->lingering && now - c->last_active_ms > worker_limits::idle_timeout_ms) {
      close_now(*c);
    }
  }
}

void event_worker::close_now(connection& c) {
  if (c.fd < 0) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
  ::close(c.fd);
  c.fd = -1;
  c.pending.reset();
  connection_count_.fetch_sub(1, std::memory_order_relaxed);
  stats_.connection_closed();
  closed_ids_.push_back(c.id);
}

void event_worker::reap_closed() {
  for (const auto id : closed_ids_) connections_.erase(id);
  closed_ids_.clear();
}

}  // namespace brokle::mock
