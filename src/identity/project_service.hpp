// Projects and their API keys. A key's full text exists only in the create response; the store
// keeps its hash and a preview, and the key index learns about creations and revocations at once.
// Blocking (store calls): run on the blocking pool.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "identity/access_policy.hpp"
#include "identity/api_key_index.hpp"
#include "identity/audit_trail.hpp"
#include "storage/project_store.hpp"

namespace brokle::identity {

struct new_key_request {
  std::string name;
  int64_t rpm_limit = 0;   // 0 = the project's limit (or none)
  int64_t tpm_limit = 0;
  int64_t expires_at = 0;  // unix ms; 0 = never
};

struct created_key {
  storage::api_key_record record;
  std::string full_key;  // shown once
};

class project_service {
 public:
  // pepper: the server-side secret mixed into API-key hashes (derived from the master key).
  project_service(storage::project_store& projects, access_policy& policy, api_key_index& keys, audit_trail& audit,
                  const clock_source& clock, std::string pepper)
      : projects_(projects), policy_(policy), keys_(keys), audit_(audit), clock_(clock), pepper_(std::move(pepper)) {}

  result<storage::project_record> create(const audit_actor& actor, std::string_view org_id, std::string name,
                                         std::string description);
  result<std::vector<storage::project_record>> list(std::string_view user_id, std::string_view org_id);
  // Every project the user can see, across their organizations.
  result<std::vector<storage::project_record>> list_all(std::string_view user_id,
                                                        storage::organization_store& orgs);
  result<storage::project_record> get(std::string_view user_id, std::string_view project_id);
  result<storage::project_record> update(const audit_actor& actor, std::string_view project_id,
                                         const storage::project_update& u);
  status remove(const audit_actor& actor, std::string_view project_id);

  result<created_key> create_key(const audit_actor& actor, std::string_view project_id, const new_key_request& req);
  result<std::vector<storage::api_key_record>> list_keys(std::string_view user_id, std::string_view project_id);
  status revoke_key(const audit_actor& actor, std::string_view project_id, std::string_view key_id);

  // First-run set-up from the CLI (operator on the data dir): no membership check.
  result<created_key> create_key_as_operator(const org_scope& scope, std::string_view project_id,
                                             const new_key_request& req);

 private:
  result<created_key> make_key(const project_scope& scope, const storage::project_record& project,
                               const new_key_request& req, const std::string& created_by);
  storage::project_store& projects_;
  access_policy& policy_;
  api_key_index& keys_;
  audit_trail& audit_;
  const clock_source& clock_;
  std::string pepper_;
};

}  // namespace brokle::identity
