#include "identity/api_key_index.hpp"

#include "core/background_thread.hpp"
#include "core/log.hpp"
#include "identity/api_key.hpp"

namespace brokle::identity {

api_key_index::api_key_index(storage::project_store& store, hasher hash, const clock_source& clock)
    : store_(store), hash_(std::move(hash)), clock_(clock) {}

api_key_index::~api_key_index() { stop(); }

void api_key_index::apply(const storage::api_key_record& k) {
  std::unique_lock lock(mu_);
  if (auto old = hash_by_id_.find(k.id); old != hash_by_id_.end()) {
    by_hash_.erase(old->second);
    hash_by_id_.erase(old);
  }
  if (!k.revoked_at) {
    by_hash_[k.key_hash] = entry{k.id, k.org_id, k.project_id, k.rpm_limit, k.tpm_limit, k.expires_at};
    hash_by_id_[k.id] = k.key_hash;
  }
}

status api_key_index::refresh() {
  std::lock_guard guard(refresh_mu_);
  // Overlap the window a little: rows committed in the same millisecond as the last high-water
  // mark may not have been visible yet. apply() is idempotent.
  int64_t since = high_water_ > 2000 ? high_water_ - 2000 : 0;
  auto changed = store_.keys_changed_since(since);
  if (!changed) return changed.err();
  for (const auto& k : *changed) {
    apply(k);
    if (k.updated_at > high_water_) high_water_ = k.updated_at;
  }
  return ok_v;
}

void api_key_index::start(std::chrono::milliseconds interval) {
  if (loop_.joinable()) return;
  loop_ = std::thread([this, interval] {
    name_this_thread("brokle-keys");
    std::unique_lock lock(loop_mu_);
    bool failing = false;
    while (!stopping_) {
      loop_cv_.wait_for(lock, interval, [&] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      // A failed refresh keeps the last good view and the next tick retries; say so once per
      // outage, not twice a second.
      auto st = refresh();
      if (!st && !failing) log::warn("API key refresh failed; serving the last loaded keys", {{"error", st.err().message}});
      if (st && failing) log::info("API key refresh recovered");
      failing = !st;
      lock.lock();
    }
  });
}

void api_key_index::stop() {
  {
    std::lock_guard lock(loop_mu_);
    stopping_ = true;
  }
  loop_cv_.notify_all();
  if (loop_.joinable()) loop_.join();
}

result<key_principal> api_key_index::validate(std::string_view presented) const {
  auto parsed = parse_api_key(presented);
  if (!parsed) return make_error(errc::unauthenticated, "invalid API key: " + parsed.err().message);
  std::string h = hash_(presented);
  std::shared_lock lock(mu_);
  auto it = by_hash_.find(h);
  if (it == by_hash_.end()) return make_error(errc::unauthenticated, "invalid API key: unknown or revoked");
  const entry& e = it->second;
  // The project id is spelled out in the key; a hash hit under another project is not a match.
  if (e.project_id != parsed->project_id) return make_error(errc::unauthenticated, "invalid API key: unknown or revoked");
  if (e.expires_at != 0 && e.expires_at <= clock_.now_ms())
    return make_error(errc::unauthenticated, "invalid API key: expired");
  return key_principal{project_scope(e.org_id, e.project_id), e.key_id, e.rpm_limit, e.tpm_limit};
}

size_t api_key_index::size() const {
  std::shared_lock lock(mu_);
  return by_hash_.size();
}

}  // namespace brokle::identity
