// Projects inside an organization, and their API keys. Every call is scoped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/tenant_scope.hpp"

namespace brokle::storage {

struct project_record {
  std::string id;
  std::string org_id;
  std::string name;
  std::string description;
  int64_t rpm_limit = 0;
  int64_t tpm_limit = 0;
  int64_t created_at = 0;
  int64_t retention_days = 0;  // telemetry kept this many days; 0 = the instance default
};

struct api_key_record {
  std::string id;
  std::string project_id;
  std::string org_id;  // filled on reads
  std::string name;
  std::string key_hash;
  std::string preview;
  int64_t rpm_limit = 0;
  int64_t tpm_limit = 0;
  std::string created_by;
  int64_t created_at = 0;
  int64_t expires_at = 0;  // 0 = never
  std::optional<int64_t> revoked_at;
  int64_t updated_at = 0;
};

struct project_update {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<int64_t> rpm_limit;
  std::optional<int64_t> tpm_limit;
  std::optional<int64_t> retention_days;
};

class project_store {
 public:
  virtual ~project_store() = default;
  virtual status create(const org_scope& s, const project_record& p) = 0;
  virtual result<std::vector<project_record>> list(const org_scope& s) = 0;
  // not_found unless the project belongs to the scope's organization.
  virtual result<project_record> get(const org_scope& s, std::string_view project_id) = 0;
  virtual status update(const project_scope& s, const project_update& u, int64_t now) = 0;
  virtual status remove(const project_scope& s) = 0;

  virtual status create_key(const project_scope& s, const api_key_record& k) = 0;
  virtual result<std::vector<api_key_record>> list_keys(const project_scope& s) = 0;
  virtual status revoke_key(const project_scope& s, std::string_view key_id, int64_t now) = 0;
  // The key index's feed: every key changed after `since` (ms), revoked ones included, with its
  // org and project limits. Not a tenant query: it loads the process-wide in-memory index.
  virtual result<std::vector<api_key_record>> keys_changed_since(int64_t since) = 0;
  // The organization owning a project, for operator configuration that names a project (the
  // unauthenticated OTLP default project). Not a tenant query; never fed from request data.
  virtual result<std::string> owner_of(std::string_view project_id) = 0;
};

}  // namespace brokle::storage
