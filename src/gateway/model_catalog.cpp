#include "gateway/model_catalog.hpp"

namespace brokle::gateway {

model_catalog::model_catalog(std::vector<provider_config> providers) {
  providers_.reserve(providers.size());
  for (auto& p : providers) providers_.push_back(std::make_shared<const provider_config>(std::move(p)));
  auto add = [&](const std::string& id, const std::shared_ptr<const provider_config>& p, const std::string& upstream) {
    if (!index_.emplace(id, entries_.size()).second) return;  // the first provider listing it wins
    entries_.push_back({p, upstream});
    listed_.push_back({id, p->name});
  };
  // Model names first, across every provider, so a real model name always beats another
  // provider's alias of the same spelling.
  for (const auto& p : providers_)
    for (const auto& m : p->models) add(m, p, m);
  for (const auto& p : providers_)
    for (const auto& [alias, target] : p->aliases) add(alias, p, target);
}

model_route model_catalog::resolve(std::string_view model) const {
  auto it = index_.find(std::string(model));
  if (it == index_.end()) return {};
  const auto& e = entries_[it->second];
  return {e.provider, e.upstream_model};
}

std::vector<model_catalog::listed> model_catalog::models() const { return listed_; }

}  // namespace brokle::gateway
