#include "gateway/response_locator.hpp"

namespace brokle::gateway {

std::string response_locator::key(std::string_view project_id, std::string_view upstream_id) {
  std::string k;
  k.reserve(project_id.size() + 1 + upstream_id.size());
  k.append(project_id).append(1, '\n').append(upstream_id);  // '\n' is in neither id
  return k;
}

void response_locator::remember(std::string_view project_id, std::string_view upstream_id, std::string_view model) {
  if (upstream_id.empty() || capacity_ == 0) return;
  std::string k = key(project_id, upstream_id);
  std::lock_guard lock(mu_);
  auto [it, inserted] = models_.try_emplace(k, model);
  if (!inserted) {
    it->second = std::string(model);
    return;
  }
  order_.push_back(std::move(k));
  while (order_.size() > capacity_) {
    models_.erase(order_.front());
    order_.pop_front();
  }
}

std::optional<std::string> response_locator::find(std::string_view project_id, std::string_view upstream_id) const {
  std::lock_guard lock(mu_);
  auto it = models_.find(key(project_id, upstream_id));
  if (it == models_.end()) return std::nullopt;
  return it->second;
}

size_t response_locator::size() const {
  std::lock_guard lock(mu_);
  return models_.size();
}

}  // namespace brokle::gateway
