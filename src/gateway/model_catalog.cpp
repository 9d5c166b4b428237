#include "gateway/model_catalog.hpp"

#include <set>

namespace brokle::gateway {

model_catalog::model_catalog(std::vector<provider_config> providers) : providers_(std::move(providers)) {}

model_route model_catalog::resolve(const std::string& model) const {
  for (const auto& p : providers_)
    for (const auto& m : p.models)
      if (m == model) return {&p, m};
  for (const auto& p : providers_)
    if (auto it = p.aliases.find(model); it != p.aliases.end()) return {&p, it->second};
  return {};
}

std::vector<model_catalog::listed> model_catalog::models() const {
  std::vector<listed> out;
  std::set<std::string> seen;
  for (const auto& p : providers_) {
    for (const auto& m : p.models)
      if (seen.insert(m).second) out.push_back({m, p.name});
    for (const auto& [alias, target] : p.aliases)
      if (seen.insert(alias).second) out.push_back({alias, p.name});
  }
  return out;
}

}  // namespace brokle::gateway
