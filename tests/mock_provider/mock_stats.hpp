// What the mock provider has been asked, for tests to assert on: request counts per path, the
// number of open connections, and a copy of the last request (headers and body), served as JSON by
// GET /mock/stats and cleared by POST /mock/reset. Shared by all worker threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "http_request_parser.hpp"

namespace brokle::mock {

class mock_stats {
 public:
  // Distinct paths counted separately; further paths share the "(other)" counter.
  static constexpr std::size_t max_distinct_paths = 256;

  // Counts the request and keeps a copy of it as the last request.
  void record(const http_request& request);
  void reset();
  void connection_opened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
  std::int64_t open_connections() const { return open_connections_.load(std::memory_order_relaxed); }

  // {"requests":N,"by_path":{...},"open_connections":N,"last_request":{...}|null}
  void append_json(std::string& out) const;

 private:
  struct recorded_request {
    std::string method;
    std::string path;
    std::string query;
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
    std::size_t header_count = 0;  // live prefix of `headers`; the rest keep capacity for reuse
    std::string body;
  };

  mutable std::mutex mutex_;
  std::uint64_t requests_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> by_path_;
  bool has_last_ = false;
  recorded_request last_;
  std::atomic<std::int64_t> open_connections_{0};
};

}  // namespace brokle::mock
