// Request accounting for GET /mock/stats. The copy into `last_` reuses its buffers, so recording
// costs a lock and a few memcpys per request rather than fresh allocations.
#include "mock_stats.hpp"

#include <boost/json.hpp>

#include "ascii_text.hpp"
#include "json_text.hpp"

namespace brokle::mock {

void mock_stats::record(const http_request& request) {
  std::lock_guard lock(mutex_);
  ++requests_;
  auto counter = by_path_.find(request.path);
  if (counter == by_path_.end()) {
    // New paths are stored in valid UTF-8 (garbage paths included), since they become JSON keys.
    std::string key;
    if (by_path_.size() < max_distinct_paths) {
      append_utf8_lossy(key, request.path);
    } else {
      key = "(other)";
    }
    counter = by_path_.try_emplace(std::move(key), 0).first;
  }
  ++counter->second;

  has_last_ = true;
  // Paths, queries and header values may carry arbitrary bytes; the copies must stay valid JSON text.
  last_.method.assign(request.method);
  last_.path.clear();
  append_utf8_lossy(last_.path, request.path);
  last_.query.clear();
  append_utf8_lossy(last_.query, request.query);
  if (last_.headers.size() < request.headers.size()) last_.headers.resize(request.headers.size());
  last_.header_count = request.headers.size();
  for (std::size_t i = 0; i < request.headers.size(); ++i) {
    auto& [name, value] = last_.headers[i];
    name.clear();
    append_lower(name, request.headers[i].name);
    value.clear();
    append_utf8_lossy(value, request.headers[i].value);
  }
  last_.body.clear();
  append_utf8_lossy(last_.body, request.body);
}

void mock_stats::reset() {
  std::lock_guard lock(mutex_);
  requests_ = 0;
  by_path_.clear();
  has_last_ = false;
  last_.header_count = 0;
}

void mock_stats::append_json(std::string& out) const {
  boost::json::object stats;
  {
    std::lock_guard lock(mutex_);
    stats["requests"] = requests_;
    auto& paths = stats["by_path"].emplace_object();
    for (const auto& [path, count] : by_path_) paths[path] = count;
    stats["open_connections"] = open_connections();
    if (!has_last_) {
      stats["last_request"] = nullptr;
    } else {
      auto& last = stats["last_request"].emplace_object();
      last["method"] = last_.method;
      last["path"] = last_.path;
      last["query"] = last_.query;
      auto& headers = last["headers"].emplace_object();
      for (std::size_t i = 0; i < last_.header_count; ++i) {
        const auto& [name, value] = last_.headers[i];
        // Repeated fields are joined the way HTTP allows them to be combined.
        if (auto* existing = headers.if_contains(name)) {
          std::string joined(existing->as_string());
          joined.append(", ").append(value);
          *existing = joined;
        } else {
          headers[name] = value;
        }
      }
      last["body"] = last_.body;
    }
  }
  append_json_text(out, stats);
}

}  // namespace brokle::mock
