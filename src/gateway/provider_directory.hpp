// Where a call goes: the project's own providers (declared through /api/v1/projects/{id}/providers)
// first, then the operator's TOML providers. The project providers live in memory as one immutable
// snapshot per project, rebuilt from the store when its change counter moves (checked every
// `poll` by a background thread, and right after a change made on this replica), so the request
// path does one hash lookup and never touches the store or decrypts anything.
// Provider keys are unsealed (secret_box) while building a snapshot; a key that no longer opens
// (the master key changed) leaves that provider out, logs once and is counted.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "core/result.hpp"
#include "core/tenant_scope.hpp"
#include "gateway/model_catalog.hpp"
#include "identity/secret_box.hpp"
#include "storage/project_provider_store.hpp"

namespace brokle::gateway {

class provider_directory {
 public:
  provider_directory(const model_catalog& global, storage::project_provider_store& store,
                     const identity::secret_box& box, std::chrono::milliseconds poll = std::chrono::seconds(1));
  ~provider_directory();

  // Loads the current project providers and starts polling.
  status start();
  void stop();
  // Reloads when the store's change counter moved since the last load.
  status refresh();

  model_route resolve(const project_scope& scope, std::string_view model) const;
  // The project's models first, then the operator's not shadowed by them.
  std::vector<model_catalog::listed> models(const project_scope& scope) const;

  const model_catalog& global() const noexcept { return global_; }
  uint64_t unsealing_failures() const noexcept { return unseal_failures_.load(); }
  size_t project_providers() const noexcept { return provider_count_.load(); }

 private:
  using snapshot = std::unordered_map<std::string, std::shared_ptr<const model_catalog>>;
  std::shared_ptr<const model_catalog> catalog_for(const std::string& project_id) const;
  void loop();

  const model_catalog& global_;
  storage::project_provider_store& store_;
  const identity::secret_box& box_;
  std::chrono::milliseconds poll_;

  mutable std::mutex snap_mu_;
  std::shared_ptr<const snapshot> snap_ = std::make_shared<snapshot>();
  std::mutex refresh_mu_;
  int64_t loaded_version_ = -1;

  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  bool stopping_ = false;
  std::thread thread_;
  std::atomic<uint64_t> unseal_failures_{0};
  std::atomic<size_t> provider_count_{0};
  bool refresh_failing_ = false;
};

}  // namespace brokle::gateway
