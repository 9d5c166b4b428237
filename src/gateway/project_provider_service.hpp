// Project-level model providers, managed through /api/v1/projects/{id}/providers: validation,
// sealing the provider key (secret_box, master key) before it reaches the store, audit events, and
// telling the provider directory to pick the change up at once. The key is write-only: views
// carry a hint of its last four characters, never the key.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/tenant_scope.hpp"
#include "gateway/provider_directory.hpp"
#include "identity/access_policy.hpp"
#include "identity/audit_trail.hpp"
#include "identity/secret_box.hpp"
#include "storage/project_provider_store.hpp"

namespace brokle::gateway {

// Fields of a create (all required but api_key/api_version/aliases) or an update (all optional).
struct provider_input {
  std::optional<std::string> name;
  std::optional<std::string> type;
  std::optional<std::string> base_url;
  std::optional<std::string> api_key;  // "" on update removes the key
  std::optional<std::string> api_version;
  std::optional<std::string> responses;  // "relay" | "translate" | "" (the type's default)
  std::optional<std::vector<std::string>> models;
  std::optional<std::map<std::string, std::string>> aliases;
};

struct provider_limits {
  size_t max_providers_per_project = 50;
  size_t max_models = 500;
  size_t max_aliases = 200;
  size_t max_name = 64;
  size_t max_model_name = 256;
  size_t max_url = 2048;
  size_t max_key = 8192;
};

class project_provider_service {
 public:
  project_provider_service(storage::project_provider_store& store, identity::access_policy& policy,
                           const identity::secret_box& box, identity::audit_trail& audit, provider_directory& directory,
                           const clock_source& clock, provider_limits limits = {});

  // Each call checks the user's role in the project's organization first (providers.read to read,
  // providers.manage to change); a project outside the user's organizations is not_found.
  result<storage::project_provider_record> create(const identity::audit_actor& actor, std::string_view project_id,
                                                  const provider_input& in);
  result<std::vector<storage::project_provider_record>> list(std::string_view user_id, std::string_view project_id);
  result<storage::project_provider_record> get(std::string_view user_id, std::string_view project_id,
                                               const std::string& id);
  result<storage::project_provider_record> update(const identity::audit_actor& actor, std::string_view project_id,
                                                  const std::string& id, const provider_input& in);
  status remove(const identity::audit_actor& actor, std::string_view project_id, const std::string& id);

 private:
  status validate(const storage::project_provider_record& r) const;
  void apply(storage::project_provider_record& r, const provider_input& in) const;
  void changed();

  storage::project_provider_store& store_;
  identity::access_policy& policy_;
  const identity::secret_box& box_;
  identity::audit_trail& audit_;
  provider_directory& directory_;
  const clock_source& clock_;
  provider_limits limits_;
};

}  // namespace brokle::gateway
