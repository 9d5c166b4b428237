// The hot-path view of project API keys: key hash -> who the caller is. Validation is a parse, one
// BLAKE2b hash and a hash-map lookup under a shared lock; no database on the request path.
// Freshness: changes made through this process apply at once (apply()); changes made by other
// replicas arrive with the next refresh (every `refresh_interval`, default 500 ms), so a revoked
// key stops working everywhere within a second.
// Bound: one entry per key in the store (revoked keys are dropped from the map).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/tenant_scope.hpp"
#include "storage/project_store.hpp"

namespace brokle::identity {

struct key_principal {
  project_scope scope;
  std::string key_id;
  int64_t rpm_limit = 0;  // 0 = unlimited
  int64_t tpm_limit = 0;
};

class api_key_index {
 public:
  using hasher = std::function<std::string(std::string_view full_key)>;
  api_key_index(storage::project_store& store, hasher hash, const clock_source& clock);
  ~api_key_index();

  // Loads every change since the last refresh (everything on the first call).
  status refresh();
  void start(std::chrono::milliseconds refresh_interval = std::chrono::milliseconds(500));
  void stop();

  // The key as presented (X-API-Key or Bearer). unauthenticated for malformed, unknown, revoked
  // or expired keys; the message says which, never echoing the key.
  result<key_principal> validate(std::string_view presented) const;

  void apply(const storage::api_key_record& k);
  size_t size() const;

 private:
  struct entry {
    std::string key_id;
    std::string org_id;
    std::string project_id;
    int64_t rpm_limit;
    int64_t tpm_limit;
    int64_t expires_at;
  };
  storage::project_store& store_;
  hasher hash_;
  const clock_source& clock_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, entry> by_hash_;
  std::unordered_map<std::string, std::string> hash_by_id_;
  int64_t high_water_ = 0;
  std::mutex refresh_mu_;

  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  bool stopping_ = false;
  std::thread loop_;
};

}  // namespace brokle::identity
