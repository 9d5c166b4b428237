// Model providers declared per project through the API. The provider key arrives here already
// sealed (secret_box); this store never sees it in clear. Reads and writes are scoped to a project;
// the gateway's directory reads everything through `all()` to route calls, and polls `version()`
// (bumped by every insert, update and delete, on any replica) to know when to reload.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/tenant_scope.hpp"

namespace brokle::storage {

struct project_provider_record {
  std::string id;
  std::string org_id;
  std::string project_id;
  std::string name;
  std::string type;
  std::string base_url;
  std::string api_version;
  std::vector<std::string> models;
  std::map<std::string, std::string> aliases;
  std::string responses;   // "", "relay" or "translate" (gateway::parse_responses_setting)
  std::string sealed_key;  // secret_box text; empty when the provider needs no key
  std::string key_hint;    // e.g. "…x7Qa"
  std::string created_by;
  int64_t created_at = 0;  // unix ms
  int64_t updated_at = 0;
};

class project_provider_store {
 public:
  virtual ~project_provider_store() = default;
  // errc::conflict when the project already has a provider of that name.
  virtual status create(const project_scope& s, const project_provider_record& r) = 0;
  virtual result<std::vector<project_provider_record>> list(const project_scope& s) = 0;
  virtual result<project_provider_record> get(const project_scope& s, const std::string& id) = 0;
  // Replaces every field but id, org, project, created_*. errc::not_found / conflict.
  virtual status update(const project_scope& s, const project_provider_record& r) = 0;
  virtual status remove(const project_scope& s, const std::string& id) = 0;

  // For the gateway's routing directory only (it serves every project's keys).
  virtual result<std::vector<project_provider_record>> all() = 0;
  virtual result<int64_t> version() = 0;
};

}  // namespace brokle::storage
