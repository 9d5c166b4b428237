// The append-only audit log. Appends name their organization ('' for account-level events);
// reads are scoped to one organization.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/tenant_scope.hpp"

namespace brokle::storage {

struct audit_event {
  std::string id;
  std::string org_id;
  std::string actor_id;
  std::string actor_ip;
  std::string action;  // e.g. auth.login, api_key.create
  std::string target_type;
  std::string target_id;
  std::string outcome = "success";
  std::string details = "{}";  // JSON object, never secrets
  int64_t created_at = 0;
};

struct audit_query {
  int64_t since = 0;
  int64_t until = 0;  // 0 = now
  std::string action_prefix;
  std::string before_id;  // pagination cursor (ids are time-ordered)
  int limit = 100;
};

class audit_store {
 public:
  virtual ~audit_store() = default;
  virtual status append(const audit_event& e) = 0;
  virtual result<std::vector<audit_event>> list(const org_scope& s, const audit_query& q) = 0;
  // Account-level events of one user (for their data export).
  virtual result<std::vector<audit_event>> list_for_actor(std::string_view user_id, int limit) = 0;
};

}  // namespace brokle::storage
