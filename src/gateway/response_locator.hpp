// Which model (and so which provider) created a stored object a client later comes back for by id:
// an OpenAI Responses API response it retrieves, deletes, cancels or lists the input items of.
// Ids seen by this process are kept in memory from the moment the provider answers (the call
// record that also keeps them is written asynchronously, so a client polling a background
// response at once must not miss); older ones and other replicas' come from the call records.
// Bound: `capacity` ids per process, the oldest forgotten first (the store still has them).
// Thread-safe.
#pragma once

#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace brokle::gateway {

class response_locator {
 public:
  explicit response_locator(size_t capacity = 100000) : capacity_(capacity) {}
  void remember(std::string_view project_id, std::string_view upstream_id, std::string_view model);
  // The model remembered for this project's id, if this process saw it.
  std::optional<std::string> find(std::string_view project_id, std::string_view upstream_id) const;
  size_t size() const;

 private:
  static std::string key(std::string_view project_id, std::string_view upstream_id);
  size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::string> models_;
  std::deque<std::string> order_;  // insertion order, for eviction
};

}  // namespace brokle::gateway
