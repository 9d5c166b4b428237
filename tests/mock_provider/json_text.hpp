// JSON output helpers for the mock provider: serialise a boost::json value straight into a
// connection's output string, and a per-worker arena so each request's JSON work (parsing the body,
// building the reply) reuses one buffer instead of hitting the heap for every node.
#pragma once

#include <boost/json.hpp>

#include <cstddef>
#include <memory>
#include <string>

namespace brokle::mock {

// Appends the serialised form of `value` to `out`.
void append_json_text(std::string& out, const boost::json::value& value);

class json_arena {
 public:
  // Bytes reused per request; a request needing more spills to the heap for that request only.
  static constexpr std::size_t reusable_bytes = 256 * 1024;

  json_arena() : buffer_(std::make_unique<unsigned char[]>(reusable_bytes)) {}

  // A fresh allocator for one request. Everything built with it dies with the returned resource.
  boost::json::monotonic_resource begin_request() { return boost::json::monotonic_resource(buffer_.get(), reusable_bytes); }

 private:
  std::unique_ptr<unsigned char[]> buffer_;
};

}  // namespace brokle::mock
