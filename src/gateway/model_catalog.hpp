// Which provider serves which model: built from the declared providers, with aliases. The first
// provider that lists a model serves it (later ones are fallbacks for routing to use).
#pragma once

#include <string>
#include <vector>

#include "gateway/provider_config.hpp"

namespace brokle::gateway {

struct model_route {
  const provider_config* provider = nullptr;
  std::string upstream_model;  // the name sent upstream (an alias resolved)
};

class model_catalog {
 public:
  explicit model_catalog(std::vector<provider_config> providers);
  // nullopt-like: route.provider == nullptr when nobody serves the model.
  model_route resolve(const std::string& model) const;
  struct listed {
    std::string id;
    std::string owned_by;  // the provider name
  };
  std::vector<listed> models() const;
  const std::vector<provider_config>& providers() const { return providers_; }

 private:
  std::vector<provider_config> providers_;
};

}  // namespace brokle::gateway
