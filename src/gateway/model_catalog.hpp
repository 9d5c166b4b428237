// Which provider serves which model: built from the declared providers, with aliases. The first
// provider that lists a model serves it (later ones are fallbacks for routing to use). Lookups are
// one hash probe. Routes share ownership of their provider, so a route stays valid while a call
// runs even if the catalog it came from is replaced (project providers change at runtime).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gateway/provider_config.hpp"

namespace brokle::gateway {

struct model_route {
  std::shared_ptr<const provider_config> provider;  // null when nobody serves the model
  std::string upstream_model;                       // the name sent upstream (an alias resolved)
};

class model_catalog {
 public:
  explicit model_catalog(std::vector<provider_config> providers);
  model_route resolve(std::string_view model) const;
  struct listed {
    std::string id;
    std::string owned_by;  // the provider name
  };
  std::vector<listed> models() const;
  const std::vector<std::shared_ptr<const provider_config>>& providers() const { return providers_; }

 private:
  struct entry {
    std::shared_ptr<const provider_config> provider;
    std::string upstream_model;
  };
  std::vector<std::shared_ptr<const provider_config>> providers_;
  std::unordered_map<std::string, size_t> index_;  // model or alias -> position in listed_
  std::vector<listed> listed_;
  std::vector<entry> entries_;
};

}  // namespace brokle::gateway
